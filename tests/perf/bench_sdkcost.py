#!/usr/bin/env python3
"""CPU per request of simple.cpp: this build against an earlier one, side by side, on one nginx.

Shows that the SDK's request options and helpers leave the request path's cost alone. Runs the
baseline binary with the baseline's own simple.cpp (taken from git at --baseline-rev) and this
build with today's simple.cpp, alternately, for --rounds rounds of --seconds each (1 worker, 50
vusers, GET + status check, as bench_vs_wrk.py), and prints CPU microseconds per request for each
and the ratio this/baseline per round and as the median of the per-round ratios.

Usage: tests/perf/bench_sdkcost.py --baseline OLD_BUILD/app/loadwizard [--baseline-rev fe91493]
       [--loadwizard BUILD/app/loadwizard] [--seconds 10] [--rounds 5]
Build the baseline in a worktree: git worktree add /tmp/base fe91493 && cmake --preset release
(there) && cmake --build build/release --target loadwizard. Run by hand; it asserts nothing.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_vs_wrk import (ROOT, bench_loadwizard, free_port, start_nginx,  # noqa: E402
                          wait_for_quiet)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", required=True, help="an earlier build's loadwizard binary")
    parser.add_argument("--baseline-rev", default="fe91493",
                        help="the git revision whose scenarios/simple.cpp the baseline runs")
    parser.add_argument("--loadwizard", default=str(ROOT / "build/release/app/loadwizard"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--max-load", type=float, default=1.0)
    parser.add_argument("--wait-load", type=float, default=600)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="lw-sdkcost-") as tmp:
        workdir = Path(tmp)
        old_source = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{args.baseline_rev}:scenarios/simple.cpp"],
            check=True, capture_output=True, text=True).stdout
        old_scenario = workdir / "simple.cpp"
        old_scenario.write_text(old_source)
        (workdir / "old").mkdir()
        (workdir / "new").mkdir()
        port = free_port()
        nginx = start_nginx(workdir, port)
        url = f"http://127.0.0.1:{port}/"
        try:
            old_us, new_us, ratios = [], [], []
            for round_ in range(1, args.rounds + 1):
                wait_for_quiet(args.max_load, args.wait_load)
                req, cpu = bench_loadwizard(args.baseline, url, args.seconds, [],
                                            workdir / "old", old_scenario)
                old_us.append(cpu / req * 1e6)
                wait_for_quiet(args.max_load, args.wait_load)
                req, cpu = bench_loadwizard(args.loadwizard, url, args.seconds, [],
                                            workdir / "new")
                new_us.append(cpu / req * 1e6)
                ratios.append(new_us[-1] / old_us[-1])
                print(f"round {round_}: baseline {old_us[-1]:.2f} us/req, this build "
                      f"{new_us[-1]:.2f} us/req, ratio {ratios[-1]:.3f}", flush=True)
            print(f"median of {args.rounds}: baseline {statistics.median(old_us):.2f} us/req, "
                  f"this build {statistics.median(new_us):.2f} us/req, "
                  f"this/baseline {statistics.median(ratios):.3f}")
        finally:
            nginx.terminate()
            nginx.wait()


if __name__ == "__main__":
    main()
