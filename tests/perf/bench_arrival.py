#!/usr/bin/env python3
"""How exactly one worker follows an arrival rate: `loadwizard run --workers 1 --arrival-rate
R,0,R,S` (by default 20 000 iterations per second for 10 s) on scenario tests/perf/arrival.cpp,
whose iterations note when they start (and, with --request, make one GET /health to nginx on
loopback, as bench_vs_wrk.py starts it; --builtin-target: to `loadwizard target` instead).

On one worker arrival k starts as the k-th iteration, planned at k/R after the first. The offset
of the run's start is the smallest (start_k - k/R) (an arrival never starts early), and
- started per second: the iterations whose planned second is s, counted by when they started,
  against the plan R (target: within ±0.5 %), the first and last second left out (the process
  start and the end cut them);
- start jitter: start_k - offset - k/R, its p50, p99 and max (target: p99 ≤ 2 ms);
- what the summary JSON says: planned, started, dropped. With drops, started iteration k is no
  longer arrival k: the jitter is then not computed.

Usage: tests/perf/bench_arrival.py [--loadwizard BUILD/app/loadwizard] [--rate 20000]
       [--seconds 10] [--request] [--pool 200]
Run by hand or with `ctest -L perf`; it asserts nothing, it reports. The machine's load
(1-minute average) is printed with the figures.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(sorted_values, p):
    index = min(len(sorted_values) - 1, max(0, int(round(p / 100 * len(sorted_values))) - 1))
    return sorted_values[index]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loadwizard", default=str(ROOT / "build/release/app/loadwizard"))
    parser.add_argument("--rate", type=float, default=20000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--pool", type=int, default=200)
    parser.add_argument("--request", action="store_true")
    parser.add_argument("--builtin-target", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        starts_file = scratch / "starts.txt"
        summary_file = scratch / "summary.json"
        port = free_port()
        target = None
        if args.request and args.builtin_target:
            target = subprocess.Popen([args.loadwizard, "target", "--listen", f"127.0.0.1:{port}"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)
        elif args.request:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from bench_vs_wrk import start_nginx  # noqa: E402
            target = start_nginx(scratch, port)
        rate = f"{args.rate:g}"
        command = [args.loadwizard, "run", "--scenario", str(ROOT / "tests/perf/arrival.cpp"),
                   "--workers", "1", "--arrival-rate", f"{rate},0,{rate},{args.seconds:g}",
                   "--pre-allocated-vusers", str(args.pool), "--max-vusers", str(args.pool),
                   "--param", f"out={starts_file}", "--param", f"base_url=http://127.0.0.1:{port}",
                   "--param", f"request={1 if args.request else 0}", "--quiet",
                   "--summary-json", str(summary_file)]
        load = os.getloadavg()[0]
        env = dict(os.environ, XDG_CACHE_HOME=str(scratch / "cache"))
        result = subprocess.run(command, capture_output=True, text=True, env=env)
        if target:
            target.terminate()
            target.wait()
        if result.returncode != 0:
            print(result.stdout, result.stderr, file=sys.stderr)
            return 1
        summary = json.loads(summary_file.read_text())
        starts = [int(line) for line in starts_file.read_text().split()]

    period = 1e9 / args.rate
    offset = min(ns - k * period for k, ns in enumerate(starts))
    jitter_ms = sorted((ns - offset - k * period) / 1e6 for k, ns in enumerate(starts))
    per_second = {}
    for ns in starts:
        second = int((ns - offset) // 1e9)
        per_second[second] = per_second.get(second, 0) + 1
    seconds = int(args.seconds)
    inner = [per_second.get(s, 0) for s in range(1, seconds - 1)]
    deviations = [100.0 * (n - args.rate) / args.rate for n in inner]

    print(f"arrival rate {rate}/s for {args.seconds:g} s on one worker"
          f"{' with one GET each' if args.request else ''}; load average {load:.2f} "
          f"on {os.cpu_count()} cores")
    print(f"summary: planned {summary['arrivals']['planned']}  started "
          f"{summary['arrivals']['started']}  dropped {summary['arrivals']['dropped']}  "
          f"iterations {summary['iterations']}")
    print("started per second (planned second, by start time): " +
          " ".join(str(per_second.get(s, 0)) for s in range(0, seconds + 1)))
    if deviations:
        print(f"seconds 1..{seconds - 2}: worst deviation {max(deviations, key=abs):+.3f} %  "
              f"(target ±0.5 %)")
    if summary["arrivals"]["dropped"]:
        print("start jitter: not computed (dropped arrivals shift the iterations' order)")
        return 0
    print(f"start jitter: p50 {percentile(jitter_ms, 50):.3f} ms  p99 "
          f"{percentile(jitter_ms, 99):.3f} ms  p99.9 {percentile(jitter_ms, 99.9):.3f} ms  "
          f"max {jitter_ms[-1]:.3f} ms  (target p99 ≤ 2 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
