#!/usr/bin/env python3
"""How fast one worker starts vusers, against the libcurl floor of the same starts.

Runs `loadwizard run --workers 1` with steps far steeper than one worker can follow (by default
`--rampup 100000,1`, `1000000,1`, `1000000,3` and `1000000,10`) on scenario tests/perf/startrate.cpp, whose
vusers only think (600 s), so what the worker spends is starting them. Each run reports
- vusers started per second: the summary's `vusers.max` over the profile's seconds (the worker
  starts vusers from the first moment until the profile ends), and the steady rate from the
  per-second snapshots of a JSON output (seconds 2 onwards) when the step is long enough;
- the worker's own figure from its lag warning ("about N started per second here"), when the step
  lasts past the 2 s the warning waits for;
- peak RSS of the process and the RSS per started vuser (above a 1-vuser run);
- wall time against the profile plus the graceful stop (`--graceful-stop`, default 1 s): the run
  should end that long after the profile, plus process start and the summary, however far behind
  the plan it is; the part of it in the summary's duration (interrupting and freeing every vuser)
  is set against the time libcurl alone takes to clean up as many share handles.

The peer, measured right after each run on the same core: lw_curl_handles
(tests/perf/curl_handles.cpp) creating the same number of libcurl share handles (what each
vuser gets when it starts) and then of easy handles with the transfer pool's options (what a
vuser's first request on a fresh handle needs on top), then cleaning them up. The start rate is printed as a percentage
of libcurl's share-handle rate and of its share + easy rate, per round (the two sides of a round
run within seconds of each other; the host's speed drifts between rounds); the summary lines are
medians of the rounds.

With --request, a second measurement has each vuser make one GET (its own connection) to nginx on
loopback before its think time: a step of --request-vusers in one second (each connection is a
file descriptor and a local port).

The 1000000,10 step needs about 2.5 GB for Loadwizard's vusers and 4 GB for libcurl's handles
(on this 2-core VM, one after the other).

Before each measurement it waits (up to --wait-load seconds) for the 1-minute load average to fall
below --max-load, and says so when it measured under load.

Usage: tests/perf/bench_startrate.py [--loadwizard BUILD/app/loadwizard]
       [--curl-handles BUILD/tests/perf/lw_curl_handles] [--rounds 3] [--steps 100000,1 ...]
       [--request] [--request-vusers 10000]
Run by hand or with `ctest -L perf`; it asserts nothing, it reports.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_vs_wrk import (CLIENT_CPU, ROOT, free_port, pinned, start_nginx,  # noqa: E402
                          wait_for_quiet)

SCENARIO = ROOT / "tests/perf/startrate.cpp"


def run_child(cmd, env=None):
    """Runs cmd; returns (stdout, stderr, wall seconds, cpu seconds, peak RSS KiB) of this very
    child (os.wait4, so neither the compiler nor nginx is counted)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    # Small outputs: reading after the exit cannot block the child on a full pipe.
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{err}")
    return out, err, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


class Loadwizard:
    def __init__(self, binary, workdir, graceful):
        self.binary = binary
        self.workdir = workdir
        self.graceful = graceful
        self.env = dict(os.environ, XDG_CACHE_HOME=str(workdir / "cache"))

    def compile(self, url):
        """Compiles the scenario once, outside the measurements."""
        subprocess.run([self.binary, "run", "--scenario", str(SCENARIO), "--rampup", "1,1",
                        "--quiet", "--graceful-stop", "0", "--param", "think=0",
                        "--param", f"base_url={url}"],
                       env=self.env, stdout=subprocess.DEVNULL, check=True)

    def run(self, rate, seconds, params=()):
        summary = self.workdir / "summary.json"
        snapshots = self.workdir / "snapshots.json"
        snapshots.unlink(missing_ok=True)
        cmd = pinned(CLIENT_CPU) + [
            self.binary, "run", "--scenario", str(SCENARIO), "--rampup", f"{rate:g},{seconds:g}",
            "--workers", "1", "--graceful-stop", f"{self.graceful:g}",
            "--summary-json", str(summary), "--out", f"json={snapshots}"]
        for param in params:
            cmd += ["--param", param]
        _, err, wall, cpu, rss = run_child(cmd, self.env)
        data = json.loads(summary.read_text())
        lines = [json.loads(line) for line in snapshots.read_text().splitlines() if line]
        warning = re.search(r"about (\d+) started per second here", err)
        return {
            "started": data["vusers"]["max"],
            "planned": data["vusers"]["planned_max"],
            "duration": data["duration_s"],
            "planned_duration": data["planned_duration_s"],
            "errors": data["requests"]["errors"],
            "requests": data["requests"]["count"],
            "wall": wall, "cpu": cpu, "rss_kib": rss,
            "warned_rate": int(warning.group(1)) if warning else None,
            "steady_rate": steady_rate(lines, seconds),
        }


def steady_rate(snapshots, seconds):
    """Vusers started per second from the per-second snapshots after the first second (process
    start, first batches) until the profile ends; None for a step too short to have any."""
    points = [(s["elapsed_s"], s["vusers"]["active"]) for s in snapshots
              if not s["final"] and 0.9 <= s["elapsed_s"] <= seconds + 0.05]
    if len(points) < 2:
        return None
    (t0, v0), (t1, v1) = points[0], points[-1]
    return (v1 - v0) / (t1 - t0)


def curl_floor(binary, count):
    """What lw_curl_handles measured for `count` handles: {step: (wall seconds, RSS KiB after
    it)} for share, easy, share-cleanup and easy-cleanup."""
    out, _, _, _, _ = run_child(pinned(CLIENT_CPU) + [binary, str(count)])
    steps = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 5:
            steps[fields[0]] = (float(fields[2]), int(fields[4]))
    return steps


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loadwizard", default=str(ROOT / "build/release/app/loadwizard"))
    parser.add_argument("--curl-handles",
                        default=str(ROOT / "build/release/tests/perf/lw_curl_handles"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", nargs="+",
                        default=["100000,1", "1000000,1", "1000000,3", "1000000,10"],
                        help="RATE,SECONDS steps, each a run of its own")
    parser.add_argument("--graceful-stop", type=float, default=1.0)
    parser.add_argument("--request", action="store_true",
                        help="also measure vusers that make one GET each before thinking")
    parser.add_argument("--request-vusers", type=int, default=10000)
    parser.add_argument("--max-load", type=float, default=1.0)
    parser.add_argument("--wait-load", type=float, default=600)
    args = parser.parse_args()
    if not Path(args.curl_handles).is_file():
        sys.exit(f"{args.curl_handles} is not built "
                 "(cmake --build build/release --target lw_curl_handles)")

    with tempfile.TemporaryDirectory(prefix="lw-startrate-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        nginx = start_nginx(workdir, port)
        url = f"http://127.0.0.1:{port}"
        loads = []
        try:
            lw = Loadwizard(args.loadwizard, workdir, args.graceful_stop)
            lw.compile(url)
            loads.append(wait_for_quiet(args.max_load, args.wait_load)[0])
            base_rss = lw.run(1, 1)["rss_kib"]
            base_curl_rss = curl_floor(args.curl_handles, 0)["share"][1]

            measurements = [(step, []) for step in args.steps]
            if args.request:
                measurements.append((f"{args.request_vusers},1 with a GET", []))
            for round_ in range(1, args.rounds + 1):
                for label, rows in measurements:
                    loads.append(wait_for_quiet(args.max_load, args.wait_load)[0])
                    if label.endswith("with a GET"):
                        rate, seconds = args.request_vusers, 1.0
                        run = lw.run(rate, seconds, ["request=1", f"base_url={url}"])
                    else:
                        rate, seconds = (float(x) for x in label.split(","))
                        run = lw.run(rate, seconds)
                    started = run["started"]
                    curl = curl_floor(args.curl_handles, started)
                    share_s, share_rss = curl["share"]
                    easy_s, pair_rss = curl["easy"]
                    # The run's end past profile + graceful stop: every vuser interrupted and
                    # freed, the last snapshot, the summary.
                    end_s = run["duration"] - (seconds + args.graceful_stop)
                    row = {
                        "rate": started / seconds,
                        "steady": run["steady_rate"],
                        "warned": run["warned_rate"],
                        "share_rate": started / share_s,
                        "pair_rate": started / (share_s + easy_s),
                        # Ratios per round: the host's speed drifts between rounds, and both
                        # sides of one round drift together.
                        "share_pct": (run["steady_rate"] or started / seconds) * share_s
                        / started * 100,
                        "pair_pct": (run["steady_rate"] or started / seconds) * (share_s + easy_s)
                        / started * 100,
                        "end_ratio": end_s / curl["share-cleanup"][0],
                        "rss_mib": run["rss_kib"] / 1024,
                        "kib_per_vuser": (run["rss_kib"] - base_rss) / started,
                        "curl_kib_per_share": (share_rss - base_curl_rss) / started,
                        "curl_kib_per_pair": (pair_rss - base_curl_rss) / started,
                        "overrun": run["wall"] - (seconds + args.graceful_stop),
                        "end_s": end_s,
                        "cleanup_s": curl["share-cleanup"][0],
                        "cpu_us_per_vuser": run["cpu"] / started * 1e6,
                    }
                    rows.append(row)
                    extra = ""
                    if label.endswith("with a GET"):
                        extra = f", {run['requests']} requests, {run['errors']} errors"
                    print(f"round {round_} {label}: started {started} of {run['planned']} "
                          f"planned{extra}; {row['rate']:.0f}/s"
                          + (f" (steady {row['steady']:.0f}/s)" if row["steady"] else "")
                          + (f" (lag warning: {row['warned']}/s)" if row["warned"] else "")
                          + f"; libcurl shares {row['share_rate']:.0f}/s, shares+easy "
                          f"{row['pair_rate']:.0f}/s; peak RSS {row['rss_mib']:.0f} MiB "
                          f"({row['kib_per_vuser']:.1f} KiB/vuser; libcurl share "
                          f"{row['curl_kib_per_share']:.1f} KiB, share+easy "
                          f"{row['curl_kib_per_pair']:.1f} KiB); wall {run['wall']:.2f} s for "
                          f"{seconds:g} s + {args.graceful_stop:g} s graceful "
                          f"({row['overrun']:+.2f} s; in the summary's duration {end_s:+.2f} s, "
                          f"libcurl cleans up as many shares in {row['cleanup_s']:.2f} s)",
                          flush=True)

            print(f"\nmedians of {args.rounds} rounds (one worker, pinned to one core):")
            for label, rows in measurements:
                m = {key: median([r[key] for r in rows]) for key in rows[0]}
                print(f"  {label}: {m['rate']:.0f} vusers/s"
                      + (f", steady {m['steady']:.0f}/s" if m["steady"] else "")
                      + f" = {m['share_pct']:.0f} % of libcurl's share-handle rate "
                      f"({m['share_rate']:.0f}/s), {m['pair_pct']:.0f} % of its share+easy rate "
                      f"({m['pair_rate']:.0f}/s); {m['cpu_us_per_vuser']:.1f} us CPU per started "
                      f"vuser; peak RSS {m['rss_mib']:.0f} MiB, {m['kib_per_vuser']:.1f} KiB/vuser "
                      f"(libcurl share {m['curl_kib_per_share']:.1f}, share+easy "
                      f"{m['curl_kib_per_pair']:.1f}); wall - (profile + graceful stop) "
                      f"{m['overrun']:+.2f} s (worst {max(r['overrun'] for r in rows):+.2f} s), "
                      f"of which the end {m['end_s']:.2f} s = {m['end_ratio']:.2f} x libcurl's "
                      f"cleanup of as many shares ({m['cleanup_s']:.2f} s)")
            print(f"1-minute load average before the measurements: {min(loads):.2f} to "
                  f"{max(loads):.2f}")
        finally:
            nginx.terminate()
            nginx.wait()


if __name__ == "__main__":
    main()
