#!/usr/bin/env python3
"""Live enrichment through the real binary: a local server speaks the vendors' protocols; one
provider hangs. The alert is decided within its deadline, the hanging provider is reported as
timed out in the reasoning (never as clean), and the API keys appear nowhere."""
import http.server
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time

from clitest import json_lines, main

SCENARIO = "examples/scenario-2-ssh-brute-force"
KEYS = {"ABUSE_TEST_KEY": "TEST-KEY-abuse-51c0ffee9d", "GREY_TEST_KEY": "TEST-KEY-grey-8badf00d77"}


class Vendor(http.server.BaseHTTPRequestHandler):
    abuse_body = b""
    hang_seconds = 0.0
    requests = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        Vendor.requests.append((self.path, dict(self.headers)))
        if self.path.startswith("/api/v2/check"):
            if self.headers.get("Key") != KEYS["ABUSE_TEST_KEY"]:
                self.send_response(401)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(Vendor.abuse_body)))
            self.end_headers()
            self.wfile.write(Vendor.abuse_body)
        elif self.path.startswith("/v3/community/"):
            time.sleep(Vendor.hang_seconds)  # GreyNoise never answers in time
            try:
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"{}")
            except OSError:
                pass
        else:
            self.send_response(404)
            self.end_headers()


def serve():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Vendor)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_hanging_provider_times_out_within_the_deadline(binary, root):
    ctx_src = os.path.join(root, SCENARIO, "context")
    with open(os.path.join(ctx_src, "intel", "abuseipdb", "185.220.101.34.json"), "rb") as f:
        Vendor.abuse_body = f.read()
    Vendor.hang_seconds = 5.0
    server = serve()
    port = server.server_address[1]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ctx = os.path.join(tmp, "context")
            shutil.copytree(ctx_src, ctx)
            shutil.rmtree(os.path.join(ctx, "intel"))  # nothing cached: everything goes live
            config = os.path.join(tmp, "live.yaml")
            with open(config, "w") as f:
                f.write(f"""providers:
  deadline_ms: 1500
  abuseipdb:
    enabled: true
    base_url: http://127.0.0.1:{port}/api/v2
    api_key_env: ABUSE_TEST_KEY
  greynoise:
    enabled: true
    edition: community
    base_url: http://127.0.0.1:{port}
    api_key_env: GREY_TEST_KEY
""")
            db = os.path.join(tmp, "store.db")
            env = dict(os.environ, **KEYS)
            started = time.monotonic()
            result = subprocess.run([binary, "triage", "--config", config, "--context", ctx, "--db", db,
                                     os.path.join(root, SCENARIO, "alert.json")],
                                    capture_output=True, env=env, timeout=60)
            elapsed = time.monotonic() - started
            assert result.returncode == 0, result.stderr
            assert elapsed < 4.5, f"took {elapsed:.1f} s with a 1.5 s deadline"
            d = json_lines(result.stdout)[0]
            by_provider = {e["provider"]: e for e in d["enrichments"] if e["observable"] == "185.220.101.34"}
            assert by_provider["greynoise"]["status"] == "timeout", by_provider["greynoise"]
            assert by_provider["greynoise"]["verdict"] == "unknown"
            assert by_provider["abuseipdb"]["status"] == "ok" and by_provider["abuseipdb"]["verdict"] == "malicious"
            reasoning = json.dumps(d["reasoning"])
            assert "greynoise timeout" in reasoning and "not counted as clean" in reasoning, reasoning[:2000]
            # The attack is still judged on what did answer.
            assert d["classification"] == "TRUE_POSITIVE"
            # The API keys appear nowhere: not in outputs, not in the store, not in the cache.
            blobs = [result.stdout, result.stderr]
            for dirpath, _, files in os.walk(tmp):
                for name in files:
                    with open(os.path.join(dirpath, name), "rb") as f:
                        blobs.append(f.read())
            con = sqlite3.connect(db)
            for table in ("triages", "correlation", "quarantine", "audit"):
                try:
                    for row in con.execute(f"select * from {table}"):
                        blobs.append(repr(row).encode())
                except sqlite3.OperationalError:
                    pass  # the store may lay its rows out differently
            con.close()
            for key in KEYS.values():
                assert not any(key.encode() in b for b in blobs), f"key {key[:12]}... leaked"
            # The key did travel to the vendor, in the header the vendor documents.
            assert any(h.get("Key") == KEYS["ABUSE_TEST_KEY"] for p, h in Vendor.requests if p.startswith("/api/v2/check"))
    finally:
        server.shutdown()


if __name__ == "__main__":
    main([(n, f) for n, f in sorted(globals().items()) if n.startswith("test_")])
