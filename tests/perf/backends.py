"""Private metrics backends for the benchmarks: influxd and carbon-cache with throwaway
configurations on free loopback ports (the same settings as tests/outputs/tst_influxdb.cpp and
tst_graphite.cpp), and the bulk-API test server lw_fake_elasticsearch (tests/outputs/).

Each start_* returns an object with .stop(); nothing is left running or written outside the
given folder.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def _stop(proc, timeout=15):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Influx:
    """influxd 1.x: data in `workdir`, HTTP and the backup service on free loopback ports (the
    backup default 127.0.0.1:8088 clashes with anything else there), reporting disabled."""

    def __init__(self, workdir, prefix=()):
        binary = shutil.which("influxd")
        if not binary:
            raise RuntimeError("influxd is not installed (apt-get install influxdb)")
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        config = self.dir / "influxdb.conf"
        config.write_text(f"""reporting-disabled = true
bind-address = "127.0.0.1:{free_port()}"
[meta]
  dir = "{self.dir}/meta"
[data]
  dir = "{self.dir}/data"
  wal-dir = "{self.dir}/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:{self.port}"
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
[logging]
  level = "error"
""")
        self.log = open(self.dir / "influxd.log", "wb")
        self.proc = subprocess.Popen(list(prefix) + [binary, "run", "-config", str(config)],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url()}/ping", timeout=1) as answer:
                    if answer.status == 204:
                        return
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("influxd did not start: " + (self.dir / "influxd.log").read_text())

    def url(self, database=""):
        return f"http://127.0.0.1:{self.port}" + (f"/{database}" if database else "")

    def query(self, database, statement):
        """The rows of the first series of an InfluxQL query ([] when there is none)."""
        params = urllib.parse.urlencode({"db": database, "q": statement})
        with urllib.request.urlopen(f"{self.url()}/query?{params}", timeout=10) as answer:
            data = json.load(answer)
        series = data.get("results", [{}])[0].get("series", [])
        return series[0]["values"] if series else []

    def scalar(self, database, statement):
        rows = self.query(database, statement)
        return rows[0][1] if rows else None

    def stop(self):
        _stop(self.proc)
        self.log.close()


class Carbon:
    """carbon-cache with its own folders, loopback ports, a 1 s retention and no create limit
    (MAX_CREATES_PER_MINUTE would otherwise silently drop points of metrics not yet created)."""

    def __init__(self, workdir, prefix=()):
        binary = shutil.which("carbon-cache")
        if not binary:
            raise RuntimeError("carbon-cache is not installed (apt-get install graphite-carbon)")
        self.dir = Path(workdir)
        for sub in ("conf", "storage/whisper", "storage/lists", "log", "run"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        root = self.dir
        (root / "conf/carbon.conf").write_text(f"""[cache]
STORAGE_DIR = {root}/storage/
LOCAL_DATA_DIR = {root}/storage/whisper/
WHITELISTS_DIR = {root}/storage/lists/
CONF_DIR = {root}/conf/
LOG_DIR = {root}/log/
PID_DIR = {root}/run/
USER =
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = 10000
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = {self.port}
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = {free_port()}
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = {free_port()}
LOG_LISTENER_CONN_SUCCESS = False
ENABLE_TAGS = False
""")
        (root / "conf/storage-schemas.conf").write_text(
            "[everything]\npattern = .*\nretentions = 1s:1h\n")
        self.log = open(root / "log/console.txt", "wb")
        self.proc = subprocess.Popen(
            list(prefix) + [binary, f"--config={root}/conf/carbon.conf", "--debug", "start"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if accepts(self.port):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("carbon-cache did not start: " + (root / "log/console.txt").read_text())

    def target(self):
        return f"tcp://127.0.0.1:{self.port}"

    def whisper_files(self):
        return sorted((self.dir / "storage/whisper").rglob("*.wsp"))

    def sum_of(self, path, wait=5.0):
        """Sum of the non-null values of metric `path` (dots), via whisper-fetch; None when the
        file does not exist (yet: carbon writes its cache out within a second or two)."""
        wsp = self.dir / "storage/whisper" / (path.replace(".", "/") + ".wsp")
        deadline = time.monotonic() + wait
        while not wsp.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        if not wsp.exists():
            return None
        out = subprocess.run(["whisper-fetch", "--json", "--from", "0", str(wsp)],
                             stdout=subprocess.PIPE, text=True, check=True).stdout
        return sum(v for v in json.loads(out)["values"] if v is not None)

    def stop(self):
        _stop(self.proc)
        self.log.close()


class FakeElasticsearch:
    """tests/outputs' bulk-API test server as a process; counts() after stop()."""

    def __init__(self, binary, prefix=()):
        self.proc = subprocess.Popen(list(prefix) + [str(binary), "--port", "0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        match = re.match(r"listening 127\.0\.0\.1:(\d+)", line)
        if not match:
            self.proc.kill()
            raise RuntimeError(f"{binary} did not start: {line}{self.proc.stderr.read()}")
        self.port = int(match.group(1))
        self.result = None

    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        """Stops the server; returns {documents, requests, protocol_errors}."""
        if self.result is None:
            self.proc.send_signal(signal.SIGTERM)
            out, _ = self.proc.communicate(timeout=15)
            match = re.search(r"documents (\d+) requests (\d+) protocol_errors (\d+)", out)
            self.result = ({"documents": int(match.group(1)), "requests": int(match.group(2)),
                            "protocol_errors": int(match.group(3))} if match
                           else {"documents": 0, "requests": 0, "protocol_errors": -1})
        return self.result


def default_fake_elasticsearch(root):
    """Where the release preset builds lw_fake_elasticsearch."""
    candidate = Path(root) / "build/release/tests/outputs/lw_fake_elasticsearch"
    return os.environ.get("LW_FAKE_ELASTICSEARCH", str(candidate))
