#!/usr/bin/env python3
"""Declarative (YAML steps) against compiled (C++) scenarios, side by side in one run.

Three pairs, each run alternately for --rounds rounds so that both see the same machine:
  simple  simple.cpp vs tests/perf/simple-steps.yaml on nginx (1 worker, 50 vusers, GET + check):
          CPU microseconds per request of the loadwizard process;
  shop    scenarios/shop.cpp vs scenarios/shop-steps.yaml on `loadwizard target` (1 worker,
          20 vusers, think time 0, no rendezvous): CPU microseconds per request;
  idle    tests/perf/idle.cpp vs tests/perf/idle-steps.yaml on nginx: resident memory per idle
          vuser (--vusers vusers in a 60 s think time).
Prints each round and the median of the per-round ratios steps/compiled (budget: CPU <= 1.3x,
memory per idle vuser within 2 KiB). Run by hand or with `ctest --preset perf`; asserts nothing.

Usage: tests/perf/bench_steps.py [--loadwizard BUILD/app/loadwizard] [--seconds 10] [--rounds 5]
       [--vusers 5000] [--only simple,shop,idle]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_memory import established, rss_kib  # noqa: E402
from bench_vs_wrk import (CLIENT_CPU, ROOT, free_port, pinned, run_measured,  # noqa: E402
                          start_nginx, wait_for_quiet)


def measure(binary, scenario, seconds, workdir, extra, vusers=50):
    """CPU microseconds per request; `scenario` is a scenario file or a project (.yaml with
    `loadwizard: 1`)."""
    summary = workdir / "summary.json"
    env = dict(os.environ, XDG_CACHE_HOME=str(workdir / "cache"))
    source = ([str(scenario)] if "loadwizard: 1" in scenario.read_text()
              else ["--scenario", str(scenario)])
    # A .cpp compiles on its first run: outside the measurement.
    subprocess.run([binary, "run"] + source + ["--iterations", "1", "--quiet"] + extra,
                   env=env, stdout=subprocess.DEVNULL, check=True)
    cmd = pinned(CLIENT_CPU) + [binary, "run"] + source + ["--rampup",
                                f"{vusers * 100},0.01,0,{seconds}", "--workers", "1", "--quiet",
                                "--graceful-stop", "2", "--summary-json", str(summary)] + extra
    _, cpu = run_measured(cmd, env)
    data = json.loads(summary.read_text())
    errors = data["requests"]["errors"]
    failed = data.get("checks", {}).get("failed", 0) if isinstance(data.get("checks"), dict) else 0
    if errors:
        sys.exit(f"{scenario.name}: {errors} request errors")
    return cpu / data["requests"]["count"] * 1e6, failed


def idle_rss(binary, scenario, url, vusers, workdir, port):
    env = dict(os.environ, XDG_CACHE_HOME=str(workdir / "cache"))
    # A .cpp compiles on its first run: outside the measurement.
    subprocess.run([binary, "run", "--scenario", str(scenario), "--iterations", "1", "--quiet",
                    "--param", f"base_url={url}", "--param", "think=0"],
                   env=env, stdout=subprocess.DEVNULL, check=True)

    def plateau(count, ramp, hold):
        cmd = [binary, "run", "--scenario", str(scenario), "--rampup",
               f"{count / ramp:g},{ramp:g},0,{hold}", "--workers", "1", "--quiet",
               "--graceful-stop", "0", "--param", f"base_url={url}"]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(ramp + hold * 0.5)
        samples, conns = [], 0
        for _ in range(6):
            samples.append(rss_kib(proc.pid))
            conns = max(conns, established(port))
            time.sleep(0.5)
        proc.terminate()
        proc.wait()
        return max(samples), conns

    base, _ = plateau(1, 1, 10)
    full, conns = plateau(vusers, 5, 20)
    if conns < vusers * 0.95:
        print(f"  warning: only {conns} of {vusers} connections established")
    return (full - base) * 1024 / (vusers - 1)


def report(label, unit, compiled, steps):
    ratios = [s / c for c, s in zip(compiled, steps)]
    print(f"{label}: median compiled {statistics.median(compiled):.2f} {unit}, steps "
          f"{statistics.median(steps):.2f} {unit}, steps/compiled "
          f"{statistics.median(ratios):.3f} (rounds {min(ratios):.3f}-{max(ratios):.3f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loadwizard", default=str(ROOT / "build/release/app/loadwizard"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--vusers", type=int, default=5000)
    parser.add_argument("--only", default="simple,shop,idle")
    parser.add_argument("--max-load", type=float, default=1.0)
    parser.add_argument("--wait-load", type=float, default=600)
    args = parser.parse_args()
    only = set(args.only.split(","))
    binary = args.loadwizard

    with tempfile.TemporaryDirectory(prefix="lw-steps-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        nginx = start_nginx(workdir, port)
        url = f"http://127.0.0.1:{port}"
        target_port = free_port()
        target = subprocess.Popen([binary, "target", "--listen", f"127.0.0.1:{target_port}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        target_url = f"http://127.0.0.1:{target_port}"
        try:
            if "simple" in only:
                compiled, steps = [], []
                for round_ in range(1, args.rounds + 1):
                    wait_for_quiet(args.max_load, args.wait_load)
                    compiled.append(measure(binary, ROOT / "scenarios/simple.cpp", args.seconds,
                                            workdir, ["--param", f"base_url={url}"])[0])
                    wait_for_quiet(args.max_load, args.wait_load)
                    steps.append(measure(binary, ROOT / "tests/perf/simple-steps.yaml",
                                         args.seconds, workdir,
                                         ["--param", f"base_url={url}"])[0])
                    print(f"simple round {round_}: compiled {compiled[-1]:.2f} us/req, steps "
                          f"{steps[-1]:.2f} us/req, ratio {steps[-1] / compiled[-1]:.3f}",
                          flush=True)
                report("simple (CPU per request)", "us/req", compiled, steps)
            if "shop" in only:
                compiled, steps = [], []
                # Think time 0 and no rendezvous, so that the CPU goes to requests.
                shop_project = workdir / "shop-steps-project.yaml"
                shop_project.write_text(
                    "loadwizard: 1\nscenario: " + str(ROOT / "scenarios/shop-steps.yaml") +
                    "\nthink_time: {multiplier: 0}\nprofile: {rampup: \"1,1\"}\n")
                shop_extra = ["--base-url", target_url]
                for round_ in range(1, args.rounds + 1):
                    wait_for_quiet(args.max_load, args.wait_load)
                    compiled.append(measure(binary, ROOT / "scenarios/shop.cpp", args.seconds,
                                            workdir, shop_extra +
                                            ["--param", f"base_url={target_url}",
                                             "--param", "think=0"], vusers=20)[0])
                    wait_for_quiet(args.max_load, args.wait_load)
                    steps.append(measure(binary, shop_project, args.seconds, workdir, shop_extra,
                                         vusers=20)[0])
                    print(f"shop round {round_}: compiled {compiled[-1]:.2f} us/req, steps "
                          f"{steps[-1]:.2f} us/req, ratio {steps[-1] / compiled[-1]:.3f}",
                          flush=True)
                report("shop (CPU per request)", "us/req", compiled, steps)
            if "idle" in only:
                compiled, steps = [], []
                for round_ in range(1, min(args.rounds, 3) + 1):
                    compiled.append(idle_rss(binary, ROOT / "tests/perf/idle.cpp", url,
                                             args.vusers, workdir, port))
                    steps.append(idle_rss(binary, ROOT / "tests/perf/idle-steps.yaml", url,
                                          args.vusers, workdir, port))
                    print(f"idle round {round_}: compiled {compiled[-1]:.0f} B/vuser, steps "
                          f"{steps[-1]:.0f} B/vuser, difference {steps[-1] - compiled[-1]:+.0f} B",
                          flush=True)
                diffs = [s - c for c, s in zip(compiled, steps)]
                print(f"idle (memory per idle vuser): median compiled "
                      f"{statistics.median(compiled):.0f} B, steps {statistics.median(steps):.0f} B,"
                      f" difference {statistics.median(diffs):+.0f} B (budget +-2048 B)")
        finally:
            target.terminate()
            target.wait()
            nginx.terminate()
            nginx.wait()


if __name__ == "__main__":
    main()
