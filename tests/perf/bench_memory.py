#!/usr/bin/env python3
"""Resident memory per idle vuser: 10 000 vusers in a 60 s think time, each after one request on
its own kept-alive connection (scenario tests/perf/idle.cpp), against nginx on loopback.

Per-vuser cost = (RSS with N vusers - RSS with 1 vuser) / (N - 1), everything included (libcurl
handle and connection, cookie jar, coroutine frame, engine state). Also counts the established
connections to nginx to show that each vuser kept its own.

Usage: tests/perf/bench_memory.py [--loadwizard BUILD/app/loadwizard] [--vusers 10000]
Run by hand or with `ctest -L perf`; it asserts nothing, it reports.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_vs_wrk import ROOT, free_port, start_nginx  # noqa: E402


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def established(port):
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state = fields[1], fields[3]
            if state == "01" and int(local.split(":")[1], 16) == port:
                count += 1
    return count


def plateau(binary, url, vusers, ramp_seconds, hold, workdir, port):
    rate = vusers / ramp_seconds
    cmd = [binary, "run", "--scenario", str(ROOT / "tests/perf/idle.cpp"), "--rampup",
           f"{rate:g},{ramp_seconds:g},0,{hold}", "--workers", "1", "--quiet",
           "--graceful-stop", "0", "--param", f"base_url={url}"]
    env = dict(os.environ, XDG_CACHE_HOME=str(workdir / "cache"))
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Sample in the second half of the hold, when every vuser sits in its think time.
    time.sleep(ramp_seconds + hold * 0.5)
    samples, conns = [], 0
    for _ in range(6):
        samples.append(rss_kib(proc.pid))
        conns = max(conns, established(port))
        time.sleep(0.5)
    proc.terminate()
    proc.wait()
    return max(samples), conns


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loadwizard", default=str(ROOT / "build/release/app/loadwizard"))
    parser.add_argument("--vusers", type=int, default=10000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="lw-mem-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        nginx = start_nginx(workdir, port)
        url = f"http://127.0.0.1:{port}"
        try:
            # Compile the scenario once, outside the measurement.
            subprocess.run([args.loadwizard, "run", "--scenario",
                            str(ROOT / "tests/perf/idle.cpp"), "--rampup", "1,1", "--quiet",
                            "--graceful-stop", "0", "--param", f"base_url={url}",
                            "--param", "think=0"],
                           env=dict(os.environ, XDG_CACHE_HOME=str(workdir / "cache")),
                           stdout=subprocess.DEVNULL, check=True)
            base, _ = plateau(args.loadwizard, url, 1, 1, 10, workdir, port)
            full, conns = plateau(args.loadwizard, url, args.vusers, 5, 20, workdir, port)
            per_vuser = (full - base) * 1024 / (args.vusers - 1)
            print(f"RSS with 1 vuser: {base / 1024:.1f} MiB; with {args.vusers} vusers: "
                  f"{full / 1024:.1f} MiB; established connections: {conns}")
            print(f"per idle vuser: {per_vuser / 1024:.2f} KiB ({per_vuser:.0f} bytes; "
                  f"target <= 16 KiB)")
        finally:
            nginx.terminate()
            nginx.wait()


if __name__ == "__main__":
    main()
