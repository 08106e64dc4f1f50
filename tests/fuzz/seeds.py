#!/usr/bin/env python3
"""Writes the hand-picked seed corpora in tests/fuzz/corpus/<target>/ (committed; rerun after
changing a seed or the order in which a fuzzer reads its input):

    python3 tests/fuzz/seeds.py

The ramp-up and project seeds are plain text. The line-protocol and ECS fuzzers read their input
through libFuzzer's FuzzedDataProvider, so their seeds are encoded here in the order those
fuzzers consume values (texts from the front, numbers and choices from the back); keep the two in
step. Regression inputs for bugs the fuzzers found are kept as regression-*.
"""

import math
import pathlib
import shutil
import struct

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LONG = 100_000  # the "100 000-character token"


class Provider:
    """Builds bytes that FuzzedDataProvider (clang 14) reads back as the given values."""

    def __init__(self):
        self.front = bytearray()
        self.back = []  # bytes in the order they are consumed (from the end of the data)

    def text(self, value):
        data = value.encode() if isinstance(value, str) else bytes(value)
        self.front += data.replace(b"\\", b"\\\\") + b"\\|"  # "\" + any other byte ends it

    def _integer(self, offset, bits, span):
        # ConsumeIntegralInRange: one byte per 8 bits of the span, most significant first.
        count = 0
        while count * 8 < bits and (span >> (count * 8)) > 0:
            count += 1
        for shift in reversed(range(count)):
            self.back.append((offset >> (shift * 8)) & 0xFF)

    def integer_in(self, value, low, high, bits=32):
        assert low <= value <= high
        self._integer(value - low, bits, high - low)

    def uint(self, value, bits):
        self._integer(value, bits, (1 << bits) - 1)

    def int64(self, value):
        self._integer(value + (1 << 63), 64, (1 << 64) - 1)

    def boolean(self, value):
        self.back.append(1 if value else 0)

    def double_in(self, value, low, high):
        # low + (high - low) * uint64 / (2^64 - 1), for 0 <= low: close, not exact.
        fraction = (value - low) / (high - low)
        self.uint(min((1 << 64) - 1, round(fraction * ((1 << 64) - 1))), 64)

    def double_bits(self, value):
        self.uint(struct.unpack("<Q", struct.pack("<d", value))[0], 64)

    def data(self):
        return bytes(self.front) + bytes(reversed(self.back))


def write(target, name, data):
    folder = HERE / "corpus" / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data.encode() if isinstance(data, str) else data)


# ---- fuzz_rampprofile: the seed syntax -------------------------------------------------------

RAMP = {
    "seed": "2,60,0,200",
    "seed-long": "2,60,0,200,10,60,0,3600",
    "fast": "25,100,0,200",
    "fractional": "0.5,10,1.25,4",
    "ramp-down": "10,10,-2,10",
    "clamped-at-zero": "10,10,-20,10,10,4",
    "zero-duration": "5,0,1,1",
    "whitespace": " 2 ,\t60 ,0, 200\n",
    "exponents": "1e3,1E-2,+1,6e1",
    "limits": "10000000,1,0,31622399",
    "odd": "2,60,5",
    "empty": "",
    "empty-token": "2,,3,4",
    "trailing-comma": "2,60,",
    "not-a-number": "2,abc",
    "hex": "0x10,5",
    "nan": "nan,60",
    "inf": "2,inf",
    "minus-inf": "-inf,1",
    "overflow": "1e999,1",
    "underflow": "1e-999,1",
    "negative-duration": "2,60,1,-5",
    "rate-too-large": "1e8,1",
    "too-many-vusers": "1000000,5,1000000,6",
    "too-long": "0,20000000,0,20000000",
    "huge-digits": "1" + "0" * 400 + ",1",
    "long-token-bad": "1,1,x" + "7" * LONG,
    "long-token-number": "0,60,0," + "0" * LONG + "1",
    "many-commas": ",".join(["1"] * 2000),
    # A token that is a number but breaks a limit was kept whole in Error::token.
    "regression-long-token-in-error": "0,60,0," + "0" * LONG + "99999999999",
    "utf8": "2,60,０,200",
    "nul": "2,60\x00,0,200",
}

# ---- fuzz_project: YAML projects ---------------------------------------------------------------

MINIMAL = "loadwizard: 1\nprofile: {rampup: \"1,1\"}\n"


INLINE_STEPS = ("scenario:\n  name: inline\n  steps:\n    - request: POST /a\n"
                "      json:\n        qty: ${qty}\n        id: \"12\"\n"
                "      checks: [{status: [200, 201]}, {json: /id, equals: \"${id}\"}]\n"
                "      extract:\n        - {var: id, json: /id, default: none}\n"
                "    - think: [1s, 3s]\n")


def project_seeds():
    docs = (ROOT / "docs" / "project-format.md").read_text()
    example = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    nested_list = "[" * 5000 + "]" * 5000
    nested_map = "{a: " * 3000 + "1" + "}" * 3000
    laughs = "x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for i in range(1, 10):
        laughs += f"x-{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]\n"
    return {
        "demo.yaml": (ROOT / "scenarios" / "demo.yaml").read_text(),
        "docs-example.yaml": example,
        "minimal.yaml": MINIMAL,
        "thresholds.yaml": MINIMAL + "thresholds:\n  - \"p95(transaction:checkout) < 800ms\"\n"
                                     "  - {threshold: \"error_rate < 1%\", abort: true, grace: 10s}\n"
                                     "  - \"checks:\\\"a b\\\" >= 99.5%\"\n"
                                     "  - \"p99.9(request:\\\"GET /x (y)\\\"){group=default} < 2s\"\n",
        "inline-steps.yaml": MINIMAL + INLINE_STEPS,
        "inline-steps-errors.yaml": MINIMAL + "scenario:\n  steps:\n    - reqest: GET /\n"
                                              "      chekcs: [{status: 2000}]\n",
        "inline-steps-extra.yaml": MINIMAL + "scenario:\n  x-note: {a: 1}\n  variables: "
                                             "{a: \"1\"}\n  init: [{log: start}]\n"
                                             "  steps: [{if: \"${a}\", equals: \"1\", "
                                             "steps: [{log: one}], else: [{pace: 1m}]}]\n",
        "steps.yaml": "loadwizard: 1\nprofile:\n  steps:\n    - {rate: 2, seconds: 60}\n"
                      "    - {rate: 0, seconds: 200s}\n    - {rate: -1.5, seconds: 1.5m}\n"
                      "    - {rate: 10, seconds: 250ms}\n",
        "units.yaml": MINIMAL + "graceful_stop: 2h\nthink_time: {multiplier: 0.5, max_seconds: "
                                "30 s}\nhttp: {timeout: 1.5m, max_body: 512KiB, buffer_size: "
                                "1024, max_names: 1000000, http2: off, verify_tls: No}\n",
        "rendezvous.yaml": MINIMAL + "rendezvous:\n  - {name: a, policy: all, value: 3}\n"
                                     "  - {name: b, policy: count, value: 50, timeout: 30s}\n"
                                     "  - {name: c, policy: percent, value: 100}\n",
        "outputs.yaml": MINIMAL + "outputs:\n"
                                  "  - {kind: influxdb, target: \"http://127.0.0.1:8086/lw\", "
                                  "schema: jmeter, tag.team: a, password: \"${PW}\"}\n"
                                  "  - {kind: graphite, target: \"tcp://127.0.0.1:2003\"}\n"
                                  "  - {kind: elasticsearch, target: \"http://127.0.0.1:9200\", "
                                  "data_stream: logs-lw}\n"
                                  "  - {kind: logstash, target: \"tcp://127.0.0.1:5000\"}\n"
                                  "  - {kind: json, target: out.jsonl}\n"
                                  "  - {kind: csv, target: results.csv, append: true}\n",
        "extensions.yaml": MINIMAL + "x-team: checkout\nx-nested: {a: [1, 2, {b: c}], d: ~}\n"
                                     "x-multi: |\n  two\n  lines\nx-tagged: !!binary aGVsbG8=\n",
        "variables.yaml": MINIMAL + "parameters: {url: \"${BASE:-http://127.0.0.1}\", "
                                    "lit: \"$${X}\", n: 12, b: true, e: }\n",
        "typo.yaml": MINIMAL + "http: {timout: 5}\n",
        "duplicate-key.yaml": MINIMAL + "name: a\nname: b\n",
        "schema-2.yaml": "loadwizard: 2\nprofile: {rampup: \"1,1\"}\n",
        "not-a-map.yaml": "- loadwizard: 1\n",
        "empty.yaml": "",
        "document-markers.yaml": "%YAML 1.2\n---\n" + MINIMAL + "...\n",
        "both-profiles.yaml": "loadwizard: 1\nprofile: {rampup: \"1,1\", steps: []}\n",
        "unclosed-double.yaml": MINIMAL + "description: \"never closed\nname: x\n",
        "unclosed-single.yaml": MINIMAL + "description: 'it''s never closed\n",
        "unclosed-flow.yaml": "loadwizard: 1\nprofile: {rampup: \"1,1\"\n",
        "long-token.yaml": "loadwizard: 1\nprofile: {rampup: \"1,1,x" + "7" * LONG + "\"}\n",
        "long-key.yaml": MINIMAL + "k" * LONG + ": 1\n",
        "long-value.yaml": MINIMAL + "description: " + "d" * LONG + "\n",
        "long-duplicate-key.yaml": MINIMAL + ("parameters:\n" + ("  ? " + "k" * LONG
                                                                 + "\n  : 1\n") * 2),
        "long-unknown-kind.yaml": MINIMAL + "outputs:\n  - {kind: " + "i" * LONG
                                  + ", target: x}\n",
        "deep-list.yaml": MINIMAL + "x-deep: " + nested_list + "\n",
        "deep-map.yaml": MINIMAL + "parameters: " + nested_map + "\n",
        "billion-laughs.yaml": MINIMAL + laughs,
        "non-finite.yaml": MINIMAL + "graceful_stop: .nan\nhttp: {timeout: .inf}\n"
                                     "think_time: {multiplier: nan}\n",
        "huge-numbers.yaml": "loadwizard: 1\nprofile:\n  steps: [{rate: 1e308, seconds: 1e308}]\n"
                             "workers: 99999999999999999999999\nhttp: {max_body: "
                             "99999999999GiB, max_redirects: -1}\n",
        "crlf-tabs.yaml": MINIMAL.replace("\n", "\r\n") + "name:\tTab\r\n",
        "bom.yaml": "\ufeff" + MINIMAL,
        "merge-key.yaml": MINIMAL + "x-base: &b {timeout: 5}\nhttp:\n  <<: *b\n",
        "anchored-profile.yaml": "loadwizard: 1\nx-p: &p {rampup: \"2,60\"}\nprofile: *p\n",
        "control-characters.yaml": MINIMAL + "name: \"bell\\a nul\\0 esc\\e\"\n"
                                             "description: \"\\u00e9 \\U0001F600\"\n",
        # Invalid UTF-8 was read, then saved as U+FFFD: load, save, load changed the project.
        "regression-invalid-utf8.yaml": MINIMAL.encode() + b"name: caf\xe9 \xff\xfe\n",
    }


# ---- fuzz_lineprotocol -------------------------------------------------------------------------

def line_builder(measurement, tags, fields, timestamp):
    """fields: (kind, key, value): kind 0 float, 1 integer, 2 string; key None means "time"."""
    p = Provider()
    p.boolean(True)  # LineBuilder, not LineRenderer
    p.text(measurement)
    p.integer_in(len(tags), 0, 4)
    for key, value in tags:
        p.text(key)
        p.text(value)
    p.integer_in(len(fields), 0, 4)
    for kind, key, value in fields:
        p.integer_in(kind, 0, 2)
        p.boolean(key is None)
        if key is not None:
            p.text(key)
        p.double_bits(value if kind == 0 else 0.0)
        p.uint(value if kind == 1 else 0, 64)
        p.text(value if kind == 2 else "")
    p.int64(timestamp)
    return p.data()


def line_renderer(info, extra_tags, application, requests, transactions, checks, events):
    p = Provider()
    p.boolean(False)
    for text in info:  # project, scenario, instance, run id
        p.text(text)
    p.integer_in(1_700_000_000, 0, 4_000_000_000, 64)
    p.integer_in(len(extra_tags), 0, 3)
    for key, value in extra_tags:
        p.text(key)
        p.text(value)
    p.text(application)
    p.double_in(12.0, 0.0, 1e6)
    p.double_in(1.0, 0.0, 10.0)
    p.integer_in(40, 0, 10_000_000, 64)
    p.uint(1000, 32)
    for names in (requests, transactions):
        p.integer_in(len(names), 0, 4)
        for name in names:
            p.uint(100, 32)
            p.integer_in(3, 0, 100, 64)
            p.double_in(250.0, 0.0, 3.6e6)
            p.text(name)
    p.integer_in(len(checks), 0, 3)
    for name in checks:
        p.text(name)
    p.integer_in(len(events), 0, 3)
    for level, message, error_class in events:
        p.double_in(11.5, 0.0, 1e6)
        p.text(level)
        p.text(message)
        p.integer_in(error_class, 0, 9)
        p.uint(7, 32)
    return p.data()


def line_protocol_seeds():
    info = ("demo", "shop.cpp", "loadgen-1", "0123456789abcdef")
    return {
        "plain": line_builder("requests", [("request", "GET /")],
                              [(1, "count", 12), (0, "rate", 12.5)], 1_700_000_000_000_000_000),
        "escapes": line_builder("a,b c=d", [("k,=y", "v a,l=ue"), ("t", "x")],
                                [(2, "f,= k", "say \"hi\" \\ there"), (0, "g", -0.0)], -1),
        "backslashes": line_builder("m\\", [("k\\", "\\,\\=\\ \\"), ("\\\\", "\\\\\\")],
                                    [(2, "s\\", "\\\\\"\\")], 0),
        "newlines": line_builder("line\nbreak", [("tab\tkey", "cr\rlf\n")],
                                 [(2, "msg", "two\nlines\r\n"), (0, "x\ty", 1.0)], 5),
        # A measurement starting with # made the line a comment that InfluxDB skips.
        "regression-measurement-hash": line_builder("#not a comment", [], [(1, "n", 1)], 1),
        "time-field": line_builder("m", [], [(0, None, 3.0), (1, "time_", 4)], 9),
        "non-finite": line_builder("m", [("", "empty key"), ("empty value", "")],
                                   [(0, "nan", math.nan), (0, "inf", math.inf),
                                    (0, "tiny", 5e-324), (1, "max", (1 << 64) - 1)], 1),
        "no-fields": line_builder("m", [("k", "v")], [(0, "", 1.0), (0, "x", math.inf)], 1),
        "utf8": line_builder("mesure", [("clé", "värde ☃")], [(2, "текст", "日本語 😀")], 1),
        "invalid-utf8": line_builder(b"m\xff", [(b"\xc0\xaf", b"\xed\xa0\x80")],
                                     [(2, "t", b"\xf8\x88\x80\x80\x80")], 1),
        "long-tag": line_builder("m", [("k", "v" * LONG)], [(1, "n", 1)], 1),
        "long-string": line_builder("m", [], [(2, "s", "\"" * LONG)], 1),
        "renderer": line_renderer(info, [("team", "checkout")], "shop",
                                  ["GET /products/{id}", "POST /cart"], ["checkout"],
                                  ["status is 200"],
                                  [("error", "GET http://127.0.0.1/x: HTTP 503", 6)]),
        "renderer-nasty": line_renderer(("a,b c", "s=1", "host\n", "\\"), [("request", "dup"),
                                        ("k\\", "v\\")], "app,=\\ ",
                                        ["", "all", "x\\", "a,b=c d"], ["", "t\n"],
                                        ["check \"quoted\""],
                                        [("warning", "line\nbreak \\ \"q\"", 7),
                                         ("", "", 9)]),
        "renderer-long": line_renderer(info, [], "", ["n" * LONG], [], [],
                                       [("error", "m" * LONG, 8)]),
    }


# ---- fuzz_ecs ----------------------------------------------------------------------------------

def ecs(info, service, requests, transactions, events, dropped=0, errors=0):
    p = Provider()
    for text in info:  # project, scenario, instance, run id
        p.text(text)
    p.integer_in(1_700_000_000, 0, 4_000_000_000, 64)
    p.text(service)
    p.integer_in(12, 1, 40_000_000, 64)
    p.double_in(12.0, 0.0, 4e7)
    p.double_in(1.0, 0.0, 10.0)
    p.integer_in(40, 0, 10_000_000, 64)
    p.uint(1000, 64)
    p.integer_in(errors, 0, 1000, 64)
    p.boolean(dropped > 0)
    if dropped:
        p.uint(dropped, 32)
    for names in (requests, transactions):
        p.integer_in(len(names), 0, 4)
        for name in names:
            p.uint(100, 32)
            p.integer_in(3, 0, 100, 64)
            p.boolean(True)
            p.double_in(250.0, 0.0, 3.6e6)
            p.text(name)
    p.integer_in(len(events), 0, 5)
    for level, message, error_class in events:
        p.double_in(11.5, 0.0, 4e7)
        known = level in ("error", "warning", "info")
        p.boolean(known)
        if known:
            p.integer_in(("error", "warning", "info").index(level), 0, 2)
        else:
            p.text(level)
        p.text(message)
        p.integer_in(error_class, 0, 9)
        p.uint(7, 64)
    return p.data()


def ecs_seeds():
    info = ("demo", "shop.cpp", "loadgen-1", "0123456789abcdef")
    return {
        "interval": ecs(info, "loadwizard", ["GET /products/{id}", "POST /cart"], ["checkout"],
                        []),
        "request-errors": ecs(info, "lw", ["GET /"], [], [
            ("error", "GET http://127.0.0.1:8080/x: HTTP 503", 6),
            ("error", "POST http://127.0.0.1:8080/cart: Connection refused", 0),
            ("error", "GET http://127.0.0.1/: HTTP 99", 5),
            ("error", "get lowercase: not a request", 9),
            ("error", "GET : empty url", 3)], errors=5),
        "checks-and-exceptions": ecs(info, "lw", [], [], [
            ("warning", "check \"status is 200\" failed", 7),
            ("error", "std::runtime_error: boom", 8),
            ("info", "hello from vuser 7", 9)], dropped=12),
        "empty": ecs(("", "", "", ""), "", [], [], []),
        "json-specials": ecs(("\"quoted\"", "back\\slash", "new\nline", "tab\t"), "\u2028\u2029",
                             ["\x00\x01\x1f\x7f"], ["</script>"],
                             [("error", "GET http://x/\"a\": HTTP 500\n\tmore", 6)]),
        "unicode": ecs(("démo", "シナリオ", "hôte", "id"), "☃", ["GET /ü"], ["😀"],
                       [("info", "naïve café 😀", 9)]),
        "invalid-utf8": ecs((b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"), b"\xc0\x80",
                            [b"GET /\xfe"], [b"\x80"],
                            [("error", b"GET http://127.0.0.1/\xff: HTTP 404", 5),
                             (b"\xe2\x82", b"\xe2\x82\xac\xe2\x82", 9)]),
        "every-class": ecs(info, "lw", ["GET /"], ["t"], [
            ("error", "GET http://127.0.0.1:1/: Could not connect", 0),
            ("error", "GET http://127.0.0.1/: Recv failure: Connection reset by peer", 1),
            ("warning", "HEAD http://127.0.0.1/: Operation timed out after 5000 ms", 3),
            ("error", "DELETE http://127.0.0.1/a?b=c#d: HTTP 404", 5),
            ("error", "PATCH http://[::1]:8080/: HTTP 599", 6)], dropped=4_000_000_000, errors=5),
        "unknown-level": ecs(info, "lw", [], [], [("fatal", "something", 9), ("", "", 0)]),
        "long-message": ecs(info, "lw", ["r" * LONG], [], [("error", "GET " + "u" * LONG
                                                             + ": HTTP 500", 6)]),
    }


# ---- fuzz_datafile: CSV and JSON lines; the first byte is "\n" (JSON lines) or the delimiter ----

def datafile_seeds():
    csv = {
        "csv-plain": ",user,password\nalice,s3cret\nbob,hunter2\n",
        "csv-crlf-bom": ",\ufeffid,name\r\n1,Ann\r\n2,Bo\r\n",
        "csv-quoted": ',q,"a,b"\n"x ""y"" z","line1\nline2"\n"",""\n',
        "csv-blank-lines": ",a\n\n1\r\n\r\n2\n\n",
        "csv-no-final-newline": ",a,b\n1,2",
        "csv-lone-cr": ",a,b\n1\r2,3\r",
        "csv-semicolon": ";host;port\n127.0.0.1;8080\n::1;80\n",
        "csv-tab": "\tpath\tmethod\n/a\tGET\n/b\tPOST\n",
        "csv-utf8": ",name,city\nJosé,Zürich\n😀,シナリオ\n",
        "csv-invalid-utf8": b",a\n\xff\xfe\n\xc3\n",
        "csv-nul": b",a,b\n\x00,\x00\x00\n",
        # Errors, each naming a line.
        "csv-ragged": ",a,b\n1,2\n3\n",
        "csv-unterminated": ',a\n1\n"open\n\n',
        "csv-after-quote": ',a\n"x"y\n',
        "csv-duplicate-column": ",a,a\n1,2\n",
        "csv-empty-column": ",a,,b\n1,2,3\n",
        "csv-header-only": ",a,b\n",
        "csv-empty": ",",
        "csv-long-unterminated": ',a\n"' + "y" * LONG,
    }
    jsonl = {
        "jsonl-plain": '\n{"user":"alice","id":1}\n{"user":"bob","id":2}\n',
        "jsonl-types": '\n{"n":null,"b":true,"f":1.5e3,"o":{"k":[1,2]},"s":"\\u00e9\\n"}\r\n',
        "jsonl-blank-lines": '\n\n{"a":"1"}\n  \t\n{"a":"2"}',
        "jsonl-bom": '\n\ufeff{"a":1}\n',
        "jsonl-duplicate-key": '\n{"a":1,"a":2}\n',
        "jsonl-missing-key": '\n{"a":1,"b":2}\n{"a":3}\n',
        "jsonl-extra-key": '\n{"a":1}\n{"a":2,"b":3}\n',
        "jsonl-not-object": '\n[1,2]\n',
        "jsonl-no-keys": '\n{}\n',
        "jsonl-broken": '\n{"a":1}\n{"a":\n',
        "jsonl-invalid-utf8": b'\n{"a":"\xff"}\n',
        "jsonl-empty-key": '\n{"":1}\n',
        "jsonl-long-unterminated": '\n{"a":"' + "z" * LONG,
        # Found by fuzz_datafile: out_of_range escaped parseJsonLines (the run died) ...
        "regression-jsonl-number-overflow": '\n{"f":1.1e3085}\n',
        # ... and a value nested 20 000 deep overflowed the stack when written out as its text.
        "regression-jsonl-deep": '\n{"a":' + "[" * 20_000 + "]" * 20_000 + "}\n",
    }
    return {**csv, **jsonl}


# ---- fuzz_steps: declarative scenarios ----------------------------------------------------------

def steps_seeds():
    docs = (ROOT / "docs" / "declarative-scenarios.md").read_text()
    blocks = [block.split("```", 1)[0] for block in docs.split("```yaml\n")[1:]]
    seeds = {f"docs-{i}.yaml": block for i, block in enumerate(blocks)}
    # The fragments (a request, checks, extractions) as whole scenarios.
    seeds["docs-request.yaml"] = "steps:\n" + "".join("  " + line + "\n"
                                                       for line in blocks[3].splitlines())
    seeds["docs-checks.yaml"] = "steps:\n  - request: GET /\n" + "".join(
        "    " + line + "\n" for line in (blocks[4] + blocks[5]).splitlines())
    deep = "steps:\n"
    for level in range(80):
        deep += "  " * (2 * level + 1) + f"- transaction: t{level}\n" + "  " * (2 * level + 2) + \
            "steps:\n"
    deep += "  " * 161 + "- log: bottom\n"
    bomb = "a0: &a0 {log: x}\n"
    for i in range(1, 24):
        bomb += f"a{i}: &a{i} {{repeat: 2, steps: [*a{i - 1}, *a{i - 1}]}}\n"
    bomb += "steps: [*a23]\n"
    seeds.update({
        "every-kind.yaml": "steps:\n  - request: /health\n  - think: 2s\n  - pace: 1m\n"
                           "  - transaction: t\n    steps: [{log: a}]\n  - rendezvous: r\n"
                           "  - repeat: \"${n}\"\n    steps: [{set: {a: \"1\"}}]\n"
                           "  - if: x\n    empty: true\n    steps: []\n    else: [{log: b}]\n"
                           "  - log: c\n    disabled: true\n",
        "json-body.yaml": "steps:\n  - request: POST /\n    json:\n      a: 12\n      b: \"12\"\n"
                          "      c: 0x1F\n      d: ~\n      e: ${t}\n      f: \"${t}\"\n"
                          "      g: [1.5, -0.0, 2e3, .5]\n      h: {i: [true, False]}\n"
                          "      j: 18446744073709551616\n",
        "json-template-body.yaml": "steps:\n  - request: POST /\n    json: ${body}\n",
        "repeated-names.yaml": "steps:\n  - request: GET /\n    query: [{a: 1}, {a: 2}]\n"
                               "    headers: [{X-A: 1}, {X-A: 2}]\n"
                               "    form: {b: c}\n    files: [{field: f, path: p}]\n",
        "errors.yaml": "steps:\n  - request: GET /\n    chekcs: []\n  - log: a\n    think: 1s\n",
        "control.yaml": "steps:\n  - log: \"\\a\\x01\"\n",
        "deep.yaml": deep,
        "alias-bomb.yaml": bomb,
        "extra-keys.yaml": "name: x\nthresholds: {p95: 500ms}\nsteps: []\n",
        "flow-template.yaml": "steps:\n  - request: POST /\n    json: {a: ${b}}\n",
        # Found by fuzz_steps: a quoted "12" of an unknown key came back tagged through a node ...
        "regression-node-extra-key-tags": "name: x\nteps: {a: \"12\", b: \"${x}\"}\nsteps:\n"
                                          "  - request: POST /\n    form: {id: \"${x}\"}\n",
        # ... and a carriage return in a plain URL was written raw, to read back as a line break.
        "regression-carriage-return-in-url": b"steps:\n  - request: /S a/orders  \r   # c\n"
                                             b"    name: x\n",
        "regression-carriage-return-in-text": "steps:\n  - log: \"cr\\ronly\"\n"
                                              "  - set: {a: \"x \\r\"}\n",
    })
    return seeds


def main():
    for target in ("fuzz_rampprofile", "fuzz_project", "fuzz_lineprotocol", "fuzz_ecs",
                   "fuzz_datafile", "fuzz_steps"):
        shutil.rmtree(HERE / "corpus" / target, ignore_errors=True)
    for name, text in RAMP.items():
        write("fuzz_rampprofile", name, text)
    for name, text in project_seeds().items():
        write("fuzz_project", name, text)
    for name, data in line_protocol_seeds().items():
        write("fuzz_lineprotocol", name, data)
    for name, data in ecs_seeds().items():
        write("fuzz_ecs", name, data)
    for name, data in datafile_seeds().items():
        write("fuzz_datafile", name, data)
    for name, text in steps_seeds().items():
        write("fuzz_steps", name, text)


if __name__ == "__main__":
    main()
