#!/usr/bin/env python3
"""CPU cost per request: Loadwizard against wrk and a bare libcurl multi loop, side by side, on
the same nginx.

Starts nginx (1 worker, 64-byte body, keep-alive) on a free loopback port, drives it for the same
time with `wrk -t1 -c50`, with lw_curl_multi_loop (tests/perf/curl_multi_loop.cpp: libcurl's multi
socket API on epoll with 50 connections, the floor of Loadwizard's transport) and with
`loadwizard run` (1 worker, 50 vusers, no think time, GET + status check), and prints CPU
microseconds per request (user + sys of the generator process divided by its requests) for each,
per round and as medians, with the ratios. The engine's own cost is the Loadwizard/libcurl ratio.

Before each measurement it waits (up to --wait-load seconds) for the 1-minute load average to fall
below --max-load, and says so when it measured under load.

Usage: tests/perf/bench_vs_wrk.py [--loadwizard BUILD/app/loadwizard]
       [--curl-multi-loop BUILD/tests/perf/lw_curl_multi_loop] [--seconds 10] [--rounds 3]
       [--out influxdb=... --out graphite=...]  (extra args go to loadwizard run)
Run by hand or with `ctest -L perf`; it asserts nothing, it reports.
"""

import argparse
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


# With two or more cores, nginx and the generator get a core each, so neither measurement
# depends on the scheduler putting them on the same core (which doubles system time).
SERVER_CPU, CLIENT_CPU = (0, 1) if (os.cpu_count() or 1) >= 2 else (None, None)


def pinned(cpu):
    if cpu is None or not shutil.which("taskset"):
        return []
    return ["taskset", "-c", str(cpu)]


def load_average():
    return float(Path("/proc/loadavg").read_text().split()[0])


def wait_for_quiet(max_load=1.0, timeout=600):
    """Waits until the 1-minute load average is below max_load (other work on a shared machine
    would be measured too), at most timeout seconds. Returns the load when measuring starts and
    whether it was below max_load."""
    deadline = time.monotonic() + timeout
    load = load_average()
    if load >= max_load:
        print(f"  (waiting for the 1-minute load average {load:.2f} to fall below {max_load})",
              flush=True)
    while load >= max_load and time.monotonic() < deadline:
        time.sleep(5)
        load = load_average()
    if load >= max_load:
        print(f"  (measuring under load: 1-minute load average {load:.2f})", flush=True)
    return load, load < max_load


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_measured(cmd, env=None):
    """Runs cmd, returns (stdout, cpu seconds of the child: user + sys)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({proc.returncode}):\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc.stdout, cpu


def start_nginx(workdir, port):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    conf = workdir / "nginx.conf"
    body = "x" * 63 + "\\n"
    conf.write_text(f"""
worker_processes 1;
worker_rlimit_nofile 65536;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 30000; }}
http {{
    access_log off;
    keepalive_requests 100000000;
    keepalive_timeout 120s;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{ default_type text/plain; return 200 "{body}"; }}
    }}
}}
""")
    proc = subprocess.Popen(pinned(SERVER_CPU) + [nginx, "-c", str(conf), "-p", str(workdir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    sys.exit("nginx did not start: " + (workdir / "error.log").read_text())


def bench_wrk(url, seconds):
    out, cpu = run_measured(pinned(CLIENT_CPU) + ["wrk", "-t1", "-c50", f"-d{seconds}s", url])
    match = re.search(r"(\d+) requests in", out)
    requests = int(match.group(1))
    return requests, cpu


def bench_curl(binary, url, seconds):
    out, cpu = run_measured(pinned(CLIENT_CPU) + [binary, url, "50", str(seconds)])
    match = re.search(r"requests (\d+) errors (\d+)", out)
    if int(match.group(2)):
        sys.exit(f"lw_curl_multi_loop saw {match.group(2)} errors")
    return int(match.group(1)), cpu


def bench_loadwizard(binary, url, seconds, extra, workdir, scenario=None):
    summary = workdir / "summary.json"
    # 50 vusers at once (5000/s for 10 ms), then hold.
    scenario = str(scenario or ROOT / "scenarios/simple.cpp")
    cmd = pinned(CLIENT_CPU) + [binary, "run", "--scenario", scenario,
           "--rampup", f"5000,0.01,0,{seconds}", "--workers", "1", "--quiet",
           "--param", f"base_url={url.rstrip('/')}", "--summary-json", str(summary)] + extra
    env = dict(os.environ, XDG_CACHE_HOME=str(workdir / "cache"))
    # Compile the scenario first so the compiler's CPU is not counted.
    subprocess.run([binary, "run", "--scenario", scenario, "--rampup", "1,1", "--quiet",
                    "--param", f"base_url={url}"],
                   env=env, stdout=subprocess.DEVNULL, check=True)
    _, cpu = run_measured(cmd, env)
    data = json.loads(summary.read_text())
    if data["requests"]["errors"]:
        sys.exit(f"loadwizard saw {data['requests']['errors']} errors")
    return data["requests"]["count"], cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loadwizard", default=str(ROOT / "build/release/app/loadwizard"))
    parser.add_argument("--curl-multi-loop",
                        default=str(ROOT / "build/release/tests/perf/lw_curl_multi_loop"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-load", type=float, default=1.0)
    parser.add_argument("--wait-load", type=float, default=600)
    args, extra = parser.parse_known_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    curl = args.curl_multi_loop if Path(args.curl_multi_loop).is_file() else None
    if not curl:
        print(f"{args.curl_multi_loop} is not built: no libcurl column "
              "(cmake --build build/release --target lw_curl_multi_loop)")

    with tempfile.TemporaryDirectory(prefix="lw-bench-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        nginx = start_nginx(workdir, port)
        url = f"http://127.0.0.1:{port}/"
        try:
            wrk_us, curl_us, lw_us, loads = [], [], [], []
            for round_ in range(1, args.rounds + 1):
                loads.append(wait_for_quiet(args.max_load, args.wait_load)[0])
                wrk_req, wrk_cpu = bench_wrk(url, args.seconds)
                wrk_us.append(wrk_cpu / wrk_req * 1e6)
                line = f"round {round_}: wrk {wrk_req} req, {wrk_us[-1]:.2f} us/req"
                if curl:
                    loads.append(wait_for_quiet(args.max_load, args.wait_load)[0])
                    curl_req, curl_cpu = bench_curl(curl, url, args.seconds)
                    curl_us.append(curl_cpu / curl_req * 1e6)
                    line += f" | libcurl {curl_req} req, {curl_us[-1]:.2f} us/req"
                loads.append(wait_for_quiet(args.max_load, args.wait_load)[0])
                lw_req, lw_cpu = bench_loadwizard(args.loadwizard, url, args.seconds, extra,
                                                  workdir)
                lw_us.append(lw_cpu / lw_req * 1e6)
                line += f" | loadwizard {lw_req} req, {lw_us[-1]:.2f} us/req"
                print(line, flush=True)
            wrk_m, lw_m = statistics.median(wrk_us), statistics.median(lw_us)
            line = f"median of {args.rounds}: wrk {wrk_m:.2f} us/req"
            if curl:
                curl_m = statistics.median(curl_us)
                line += f", libcurl {curl_m:.2f} us/req"
            line += f", loadwizard {lw_m:.2f} us/req; loadwizard/wrk {lw_m / wrk_m:.2f}"
            if curl:
                line += (f", loadwizard/libcurl {lw_m / curl_m:.2f}, "
                         f"libcurl/wrk {curl_m / wrk_m:.2f}")
            print(line)
            print(f"1-minute load average before the measurements: {min(loads):.2f} to "
                  f"{max(loads):.2f}")
        finally:
            nginx.terminate()
            nginx.wait()


if __name__ == "__main__":
    main()
