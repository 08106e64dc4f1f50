#!/usr/bin/env python3
"""What the InfluxDB, Graphite and Elasticsearch outputs cost the engine: CPU microseconds per
request against nginx, without and with all three on, in alternating rounds of the same run.

The measurement is bench_vs_wrk.py's (nginx on one core, `loadwizard run` with 1 worker and 50
vusers on the other, user + sys CPU of the generator divided by its requests). The backends are
private: influxd and carbon-cache with throwaway configurations on free loopback ports (pinned to
nginx's core, so they do not take the generator's), and lw_fake_elasticsearch, the bulk-API test
server of tests/outputs/, started afresh for each round. After each round with outputs it checks
that they received the data: InfluxDB's sum of requests equals the run's summary, carbon wrote
the all.count series, the test server stored documents, and the summary shows nothing dropped.

Usage: tests/perf/bench_outputs.py [--loadwizard BUILD/app/loadwizard]
       [--fake-elasticsearch BUILD/tests/outputs/lw_fake_elasticsearch] [--seconds 10] [--rounds 3]
Run by hand or with `ctest -L perf`. It reports figures (the issue's budget is +5 %); it fails only
when an output received nothing, which would make the figure meaningless.
"""

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from backends import Carbon, FakeElasticsearch, Influx, default_fake_elasticsearch  # noqa: E402
from bench_vs_wrk import (ROOT, SERVER_CPU, bench_loadwizard, free_port, pinned,  # noqa: E402
                          start_nginx)


def measure_with_outputs(args, url, workdir, influx, carbon, round_):
    database, prefix = f"bench_r{round_}", f"lwbench_r{round_}"
    es = FakeElasticsearch(args.fake_elasticsearch, pinned(SERVER_CPU))
    try:
        extra = ["--out", f"influxdb={influx.url(database)}",
                 "--out", f"graphite={carbon.target()}?prefix={prefix}",
                 "--out", f"elasticsearch={es.url()}"]
        requests, cpu = bench_loadwizard(args.loadwizard, url, args.seconds, extra, workdir)
        summary = json.loads((workdir / "summary.json").read_text())
    finally:
        es_counts = es.stop()

    problems = []
    outputs = summary.get("outputs", {})
    if len(outputs) != 3:
        problems.append(f"summary lists {len(outputs)} outputs, not 3")
    for name, stats in outputs.items():
        if stats["dropped"] or stats["points_rejected"] or stats["sent"] == 0:
            problems.append(f"{name}: sent {stats['sent']} dropped {stats['dropped']} "
                            f"rejected {stats['points_rejected']} ({stats['last_error']})")
    influx_sum = influx.scalar(database,
                               "SELECT sum(\"count\") FROM \"requests\" WHERE \"request\" = 'all'")
    if influx_sum != requests:
        problems.append(f"influxdb: sum of requests {influx_sum}, summary {requests}")
    graphite_sum = carbon.sum_of(f"{prefix}.all.count")
    if not graphite_sum:
        problems.append(f"graphite: no {prefix}.all.count points")
    if es_counts["documents"] == 0 or es_counts["protocol_errors"]:
        problems.append(f"elasticsearch: {es_counts}")
    received = (f"influx sum {influx_sum or 0:.0f}, graphite all.count sum {graphite_sum or 0:.0f}, "
                f"es {es_counts['documents']} docs in {es_counts['requests']} bulk requests")
    return requests, cpu, received, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loadwizard", default=str(ROOT / "build/release/app/loadwizard"))
    parser.add_argument("--fake-elasticsearch", default=default_fake_elasticsearch(ROOT))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not Path(args.fake_elasticsearch).is_file():
        sys.exit(f"{args.fake_elasticsearch} does not exist: build target lw_fake_elasticsearch")

    with tempfile.TemporaryDirectory(prefix="lw-bench-outputs-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        nginx = start_nginx(workdir, port)
        url = f"http://127.0.0.1:{port}/"
        influx = carbon = None
        failed = False
        try:
            influx = Influx(workdir / "influx", pinned(SERVER_CPU))
            carbon = Carbon(workdir / "carbon", pinned(SERVER_CPU))
            plain_us, outputs_us = [], []
            for round_ in range(1, args.rounds + 1):
                # Alternate the order so that a drift of the machine's load favours neither.
                order = ("plain", "outputs") if round_ % 2 else ("outputs", "plain")
                line = {}
                for kind in order:
                    if kind == "plain":
                        requests, cpu = bench_loadwizard(args.loadwizard, url, args.seconds, [],
                                                         workdir)
                        plain_us.append(cpu / requests * 1e6)
                        line[kind] = f"without {requests} req, {plain_us[-1]:.2f} us/req"
                    else:
                        requests, cpu, received, problems = measure_with_outputs(
                            args, url, workdir, influx, carbon, round_)
                        outputs_us.append(cpu / requests * 1e6)
                        line[kind] = (f"with outputs {requests} req, {outputs_us[-1]:.2f} us/req "
                                      f"({received})")
                        for problem in problems:
                            print(f"  round {round_}: {problem}", file=sys.stderr)
                            failed = True
                ratio = outputs_us[-1] / plain_us[-1]
                print(f"round {round_}: {line['plain']} | {line['outputs']} | ratio {ratio:.3f}",
                      flush=True)
            best_plain, best_outputs = min(plain_us), min(outputs_us)
            median_ratio = statistics.median(o / p for o, p in zip(outputs_us, plain_us))
            print(f"best: without {best_plain:.2f} us/req, with influxdb+graphite+elasticsearch "
                  f"{best_outputs:.2f} us/req, ratio {best_outputs / best_plain:.3f} "
                  f"({(best_outputs / best_plain - 1) * 100:+.1f} %; budget +5 %); "
                  f"median of per-round ratios {median_ratio:.3f}")
        finally:
            for server in (carbon, influx):
                if server:
                    server.stop()
            nginx.terminate()
            nginx.wait()
    if failed:
        sys.exit("an output did not receive everything (above): the figures are not comparable")


if __name__ == "__main__":
    main()
