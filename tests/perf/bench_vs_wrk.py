#!/usr/bin/env python3
"""CPU cost per request: Loadwizard against wrk, side by side, on the same nginx.

Starts nginx (1 worker, 64-byte body, keep-alive) on a free loopback port, drives it with
`wrk -t1 -c50` and with `loadwizard run` (1 worker, 50 vusers, no think time, GET + status
check) for the same time, and prints CPU microseconds per request (user + sys of the
generator process divided by its requests) for each, and the ratio.

Usage: tests/perf/bench_vs_wrk.py [--loadwizard BUILD/app/loadwizard] [--seconds 10]
       [--rounds 3] [--out influxdb=... --out graphite=...]  (extra args go to loadwizard run)
Run by hand or with `ctest -L perf`; it asserts nothing, it reports.
"""

import argparse
import json
import os
import re
import resource
import shutil
import socket
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


def bench_loadwizard(binary, url, seconds, extra, workdir):
    summary = workdir / "summary.json"
    # 50 vusers at once (5000/s for 10 ms), then hold.
    scenario = str(ROOT / "scenarios/simple.cpp")
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
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args, extra = parser.parse_known_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")

    with tempfile.TemporaryDirectory(prefix="lw-bench-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        nginx = start_nginx(workdir, port)
        url = f"http://127.0.0.1:{port}/"
        try:
            rows = []
            for round_ in range(1, args.rounds + 1):
                wrk_req, wrk_cpu = bench_wrk(url, args.seconds)
                lw_req, lw_cpu = bench_loadwizard(args.loadwizard, url, args.seconds, extra,
                                                  workdir)
                wrk_us = wrk_cpu / wrk_req * 1e6
                lw_us = lw_cpu / lw_req * 1e6
                rows.append((wrk_us, lw_us))
                print(f"round {round_}: wrk {wrk_req} req, {wrk_us:.2f} us/req | "
                      f"loadwizard {lw_req} req, {lw_us:.2f} us/req | ratio {lw_us / wrk_us:.2f}")
            wrk_best = min(r[0] for r in rows)
            lw_best = min(r[1] for r in rows)
            print(f"best: wrk {wrk_best:.2f} us/req, loadwizard {lw_best:.2f} us/req, "
                  f"ratio {lw_best / wrk_best:.2f} (target <= 1.8)")
        finally:
            nginx.terminate()
            nginx.wait()


if __name__ == "__main__":
    main()
