#!/usr/bin/env python3
"""soc-triage serve against real clients: durability under kill -9, authentication, limits,
overload, and watched directories. Every check reads the SQLite store the service wrote."""
import hashlib
import hmac
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

from clitest import main, run

TOKEN = "test-token-0123456789"
SECRET = "hmac-secret-abcdef"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def alert(n, host_count=50):
    return {
        "id": f"load-{n}",
        "title": "Port scan detected",
        "timestamp": "2026-03-01T10:%02d:%02dZ" % ((n // 60) % 60, n % 60),
        "src_ip": f"203.0.113.{n % 250}",
        "host": {"name": f"wks-{n % host_count}"},
    }


class Server:
    """One `soc-triage serve` process on a fixed port, restartable on the same store."""

    def __init__(self, binary, tmp, serve_yaml, port=None):
        self.binary = binary
        self.tmp = tmp
        self.port = port or free_port()
        self.db = os.path.join(tmp, "store.db")
        self.config = os.path.join(tmp, "serve.yaml")
        with open(self.config, "w") as f:
            f.write(serve_yaml.replace("PORT", str(self.port)))
        self.proc = None
        self.env = dict(os.environ, SOC_TEST_TOKEN=TOKEN, SOC_TEST_SECRET=SECRET)

    def start(self):
        log = open(os.path.join(self.tmp, "serve.log"), "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--config", self.config, "--db", self.db],
            stdout=log, stderr=log, env=self.env)
        deadline = time.time() + 30
        while time.time() < deadline:
            assert self.proc.poll() is None, open(os.path.join(self.tmp, "serve.log")).read()
            try:
                with urllib.request.urlopen(self.url("/api/v1/health"), timeout=1):
                    return
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                time.sleep(0.05)
        raise AssertionError("serve did not come up")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            assert self.proc.wait(timeout=60) == 0

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def health(self):
        with urllib.request.urlopen(self.url("/api/v1/health"), timeout=5) as r:
            return json.loads(r.read())

    def metrics(self):
        with urllib.request.urlopen(self.url("/metrics"), timeout=5) as r:
            values = {}
            for line in r.read().decode().splitlines():
                if line and not line.startswith("#"):
                    name, value = line.rsplit(" ", 1)
                    values[name] = int(value)
            return values

    def wait_drained(self, timeout=300):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.health()["backlog"] == 0:
                return
            time.sleep(0.1)
        raise AssertionError(f"backlog not drained: {self.health()}")


def post(server, body, headers=None, timeout=30):
    request = urllib.request.Request(server.url("/api/v1/alerts"), data=body, method="POST")
    request.add_header("Authorization", f"Bearer {TOKEN}")
    for k, v in (headers or {}).items():
        request.add_header(k, v)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, dict(r.headers), json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read() or b"{}")


def ndjson(alerts):
    return "".join(json.dumps(a) + "\n" for a in alerts).encode()


WEBHOOK_YAML = """
serve:
  listen: 127.0.0.1:PORT
  sources:
    - name: loadtest
      token_env: SOC_TEST_TOKEN
"""


def test_every_acknowledged_alert_is_stored_and_decided_once_across_kill_9(binary, root):
    total, batch, clients = 20000, 40, 4
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(binary, tmp, WEBHOOK_YAML)
        server.start()
        acked = set()
        lock = threading.Lock()
        alive = threading.Event()
        alive.set()
        batches = [list(range(i, min(i + batch, total))) for i in range(0, total, batch)]
        random.Random(7).shuffle(batches)
        work = list(batches)
        retries = [0]

        def client():
            while True:
                with lock:
                    if not work:
                        return
                    ids = work.pop()
                body = ndjson(alert(n) for n in ids)
                while True:  # a client that retries until acknowledged, as SIEM forwarders do
                    alive.wait()
                    try:
                        status, headers, reply = post(server, body, timeout=10)
                    except (urllib.error.URLError, http.client.HTTPException, OSError):
                        status = None
                    if status == 202:
                        assert reply["accepted"] + reply["duplicates"] == len(ids), reply
                        with lock:
                            acked.update(ids)
                        break
                    assert status in (None, 429, 503), (status, reply)
                    with lock:
                        retries[0] += 1
                    time.sleep(0.05)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for t in threads:
            t.start()
        kills = 0
        for threshold in (2500, 7000, 12000, 16500):
            while len(acked) < threshold and any(t.is_alive() for t in threads):
                time.sleep(0.005)
            server.kill9()  # mid-flight: requests are being read, committed and triaged
            kills += 1
            time.sleep(0.2)
            server.start()
        for t in threads:
            t.join()
        assert len(acked) == total
        assert retries[0] > 0, "the kills should have cut some requests"
        server.wait_drained()
        server.stop()

        db = sqlite3.connect(server.db)
        inbox = dict(db.execute("select dedup_key, count(*) from inbox group by dedup_key"))
        triages = dict(db.execute("select alert_id, count(*) from triages group by alert_id"))
        pending = db.execute("select count(*) from inbox where done_seq is null").fetchone()[0]
        linked = db.execute("select count(*) from inbox i join triages t on t.seq = i.done_seq "
                            "where t.alert_id = i.dedup_key").fetchone()[0]
        db.close()
        ids = {f"load-{n}" for n in range(total)}
        assert set(inbox) == ids and set(inbox.values()) == {1}, "each alert stored exactly once"
        assert set(triages) == ids, f"{len(ids - set(triages))} acknowledged alerts have no decision"
        assert set(triages.values()) == {1}, "an alert was decided twice"
        assert pending == 0 and linked == total
        verify = run(binary, "audit", "verify", "--db", server.db)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        print(f"     {total} alerts, {kills} kill -9, {retries[0]} client retries")


SIGNED_YAML = """
serve:
  listen: 127.0.0.1:PORT
  max_body_bytes: 65536
  max_alerts_per_request: 100
  sources:
    - name: signed
      token_env: SOC_TEST_TOKEN
      hmac_secret_env: SOC_TEST_SECRET
"""


def signed_headers(body, timestamp=None, secret=SECRET):
    ts = str(int(time.time()) if timestamp is None else timestamp)
    mac = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-Soc-Triage-Timestamp": ts, "X-Soc-Triage-Signature": "sha256=" + mac}


def test_authentication_signatures_and_limits(binary, root):
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(binary, tmp, SIGNED_YAML)
        server.start()
        try:
            body = ndjson([alert(1), alert(2)])
            request = urllib.request.Request(server.url("/api/v1/alerts"), data=body, method="POST")
            try:
                urllib.request.urlopen(request, timeout=10)
                raise AssertionError("no token accepted")
            except urllib.error.HTTPError as e:
                assert e.code == 401 and "Bearer" in e.headers["WWW-Authenticate"]
            status, _, reply = post(server, body)
            assert (status, reply["error"]) == (401, "bad_signature"), reply
            status, _, _ = post(server, body, signed_headers(body, secret="other-secret"))
            assert status == 401
            status, _, _ = post(server, body, signed_headers(body, timestamp=int(time.time()) - 3600))
            assert status == 401, "a replayed (old) signature must fail"
            tampered = body.replace(b"wks-1", b"wks-9")
            status, _, _ = post(server, tampered, signed_headers(body))
            assert status == 401, "the signature covers the body"
            status, _, reply = post(server, body, signed_headers(body))
            assert status == 202 and reply["accepted"] == 2, reply
            status, _, reply = post(server, body, signed_headers(body))
            assert status == 202 and reply["duplicates"] == 2 and reply["accepted"] == 0

            big = ndjson(alert(n) for n in range(1000, 1101))  # 101 alerts: over the batch limit
            status, _, reply = post(server, big, signed_headers(big))
            assert (status, reply["error"]) == (413, "too_many_alerts"), reply
            huge = b'{"id":"x","pad":"' + b"a" * 70000 + b'"}'
            status, _, reply = post(server, huge, signed_headers(huge))
            assert status == 413, (status, reply)
            broken = b'{"id":"ok-1","title":"t"}\n{"id": \xff\xfe}\n'
            status, _, reply = post(server, broken, signed_headers(broken))
            assert status == 202 and reply["accepted"] == 2, reply
            assert [q["error"] for q in reply["quarantined"]] == ["invalid_utf8"], reply
            only_bad = b"not an alert at all\n"
            status, _, reply = post(server, only_bad, signed_headers(only_bad))
            assert status == 422 and len(reply["quarantined"]) == 1, reply

            server.wait_drained()
            m = server.metrics()
            assert m["soc_triage_refused_unauthorized_total"] == 1
            assert m["soc_triage_refused_bad_signature_total"] == 4
            assert m["soc_triage_refused_too_large_total"] == 2
            assert m["soc_triage_alerts_duplicate_total"] == 2
            assert m['soc_triage_records_rejected_total{source="webhook:signed",reason="invalid_utf8"}'] == 1
        finally:
            server.stop()
        db = sqlite3.connect(server.db)
        assert db.execute("select count(*) from triages").fetchone()[0] == 3
        assert db.execute("select count(*) from quarantine").fetchone()[0] == 2, "bad records are kept"
        db.close()


OVERLOAD_YAML = """
serve:
  listen: 127.0.0.1:PORT
  max_backlog: 100
  retry_after_seconds: 3
  sources:
    - name: flood
      token_env: SOC_TEST_TOKEN
"""


def test_overload_is_refused_with_retry_after_and_counted(binary, root):
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(binary, tmp, OVERLOAD_YAML)
        server.start()
        try:
            first = ndjson(alert(n, host_count=3000) for n in range(3000))
            status, _, reply = post(server, first)
            assert status == 202 and reply["accepted"] == 3000
            second = ndjson([alert(5000)])
            status, headers, reply = post(server, second)
            assert status == 429 and reply["error"] == "backlog_full", (status, reply)
            assert headers["Retry-After"] == "3"
            assert server.metrics()["soc_triage_refused_backlog_total"] == 1
            server.wait_drained()
            status, _, _ = post(server, second)
            assert status == 202, "accepted again once the backlog drained"
            server.wait_drained()
        finally:
            server.stop()


WATCH_YAML = """
serve:
  listen: 127.0.0.1:PORT
  watch:
    - path: WATCH
      pattern: "*.json*"
      poll_ms: 50
      settle_ms: 300
"""


def wait_for(predicate, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached")


def decided(db_path):
    db = sqlite3.connect(db_path)
    try:
        return dict(db.execute("select alert_id, count(*) from triages group by alert_id"))
    except sqlite3.OperationalError:
        return {}
    finally:
        db.close()


def test_watched_directory_resumes_where_it_stopped(binary, root):
    with tempfile.TemporaryDirectory() as tmp:
        watch = os.path.join(tmp, "incoming")
        os.mkdir(watch)
        server = Server(binary, tmp, WATCH_YAML.replace("WATCH", watch))
        server.start()
        lines = os.path.join(watch, "alerts.jsonl")
        with open(lines, "w") as f:
            f.write(json.dumps(alert(1)) + "\n" + json.dumps(alert(2)) + "\n")
            f.flush()
            # Half a line: not an alert yet, and never read as a broken one.
            f.write(json.dumps(alert(3))[:20])
        wait_for(lambda: len(decided(server.db)) == 2)
        server.kill9()
        with open(lines, "a") as f:
            f.write(json.dumps(alert(3))[20:] + "\n" + json.dumps(alert(4)) + "\n")
        # A pretty-printed document is read whole once it stops changing.
        with open(os.path.join(watch, "one.json"), "w") as f:
            json.dump(alert(5), f, indent=2)
        server.start()
        wait_for(lambda: len(decided(server.db)) == 5)
        with open(lines, "a") as f:
            f.write(json.dumps(alert(6)) + "\n")
        wait_for(lambda: len(decided(server.db)) == 6)
        server.kill9()
        server.start()  # nothing new: a restart must not read anything twice
        time.sleep(0.5)
        server.wait_drained()
        server.stop()
        counts = decided(server.db)
        assert counts == {f"load-{n}": 1 for n in range(1, 7)}, counts
        db = sqlite3.connect(server.db)
        assert db.execute("select count(*) from quarantine").fetchone()[0] == 0
        db.close()


class FakeElastic:
    """An Elastic alerts index behind `POST /<index>/_search` with search_after, as the
    Elasticsearch search API documents it; alerts can be added while the service runs."""

    def __init__(self, api_key):
        import http.server
        self.docs = []  # (epoch ms, uuid, document), kept sorted
        self.lock = threading.Lock()
        self.requests = 0
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length))
                if self.headers.get("Authorization") != f"ApiKey {api_key}":
                    return self.reply(401, {"error": {"type": "security_exception",
                                                      "reason": "unable to authenticate"}})
                if not self.path.endswith("/_search"):
                    return self.reply(404, {"error": {"type": "index_not_found_exception"}})
                gte = body["query"]["bool"]["filter"][0]["range"]["@timestamp"]["gte"]
                after = body.get("search_after")
                with fake.lock:
                    fake.requests += 1
                    hits = [(t, u, d) for (t, u, d) in fake.docs
                            if t >= gte and (after is None or [t, u] > after)][: body["size"]]
                self.reply(200, {"took": 1, "timed_out": False,
                                 "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
                                 "hits": {"hits": [{"_index": ".internal.alerts-security.alerts-default-000001",
                                                    "_id": u, "_score": None, "_source": d,
                                                    "sort": [t, u]} for (t, u, d) in hits]}})

            def reply(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, first, count):
        now_ms = int(time.time() * 1000)
        with self.lock:
            for n in range(first, first + count):
                t = now_ms - 600_000 + n * 10
                uuid = f"es-{n:06d}"
                doc = {"@timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t / 1000)) + "Z",
                       "kibana.alert.uuid": uuid,
                       "kibana.alert.rule.name": "Port scan detected",
                       "kibana.alert.severity": "low",
                       "event": {"kind": "signal", "category": ["network"]},
                       "source": {"ip": f"203.0.113.{n % 250}"},
                       "host": {"name": f"wks-{n % 40}"}}
                self.docs.append((t, uuid, doc))
            self.docs.sort(key=lambda d: (d[0], d[1]))


PULL_YAML = """
serve:
  listen: 127.0.0.1:PORT
pull:
  - name: elastic-test
    product: elastic
    url: http://127.0.0.1:ESPORT
    auth: api_key
    secret_env: SOC_TEST_SECRET
    page_size: 40
    interval_seconds: 1
    lookback_seconds: 60
"""


def test_pull_connector_feeds_the_pipeline_and_resumes_after_kill_9(binary, root):
    elastic = FakeElastic(api_key=SECRET)
    elastic.add(0, 300)
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(binary, tmp, PULL_YAML.replace("ESPORT", str(elastic.port)))
        server.start()
        wait_for(lambda: len(decided(server.db)) >= 100, timeout=60)
        server.kill9()  # in the middle of paging and triage
        elastic.add(300, 200)  # arrived while the service was down
        server.start()
        wait_for(lambda: len(decided(server.db)) == 500, timeout=120)
        time.sleep(1.5)  # a caught-up pass re-reads the lookback window: duplicates, not alerts
        server.wait_drained()
        metrics = server.metrics()
        server.stop()
        counts = decided(server.db)
        assert counts == {f"es-{n:06d}": 1 for n in range(500)}, "each pulled alert decided once"
        assert metrics["soc_triage_pull_errors_total"] == 0
        assert elastic.requests > 500 // 40
    elastic.server.shutdown()


if __name__ == "__main__":
    main([(name, fn) for name, fn in list(globals().items()) if name.startswith("test_")])
