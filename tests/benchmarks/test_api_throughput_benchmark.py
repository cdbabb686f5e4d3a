"""The pure parts of benchmarks/api_throughput.py: wrk's report, the Lua scripts it runs, the missing-wrk message.
The load itself is not run here; see `make bench-api`."""

import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from benchmarks.api_throughput import Endpoint, lua_script, lua_string, parse_wrk

ROOT = Path(__file__).resolve().parents[2]

# wrk 4.1.0 --latency, as printed
SUCCESS = """\
Running 2s test @ http://127.0.0.1:18931/api/v1/delegates/CASC26-0001/itinerary
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   220.33ms   32.14ms 271.53ms   77.46%
    Req/Sec    17.47      8.48    30.00     71.05%
  Latency Distribution
     50%  220.11ms
     75%  240.09ms
     90%  257.67ms
     99%  271.53ms
  71 requests in 2.06s, 449.92KB read
Requests/sec:     34.48
Transfer/sec:    218.49KB
"""
ERRORS = """\
Running 2s test @ http://127.0.0.1:18931/api/v1/me
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    13.89ms    7.45ms    1.02s    73.71%
    Req/Sec   287.80     91.42   525.00     60.00%
  Latency Distribution
     50%  811.00us
     75%   17.57ms
     90%   24.79ms
     99%    1.01s
  1173 requests in 2.07s, 1.50MB read
  Socket errors: connect 0, read 3, write 0, timeout 12
  Non-2xx or 3xx responses: 1173
Requests/sec:    567.83
Transfer/sec:    247.31KB
"""

SETUP = {"token": "0123abcd", "latitude": 8.98, "longitude": -79.52}


def test_parse_wrk_reads_rate_latency_and_volume():
    result = parse_wrk(SUCCESS)
    assert result.requests_per_second == 34.48
    assert result.requests == 71
    assert result.seconds == pytest.approx(2.06)
    assert result.bytes_read == pytest.approx(449.92 * 1024)
    assert result.latency_ms == pytest.approx(
        {"avg": 220.33, "max": 271.53, "50": 220.11, "75": 240.09, "90": 257.67, "99": 271.53}
    )
    assert result.non_2xx == 0
    assert result.socket_errors == {}
    assert result.errors == 0


def test_parse_wrk_counts_errors_and_converts_units():
    result = parse_wrk(ERRORS)
    assert result.non_2xx == 1173
    assert result.socket_errors == {"connect": 0, "read": 3, "write": 0, "timeout": 12}
    assert result.errors == 1173 + 15
    assert result.latency_ms["50"] == pytest.approx(0.811)
    assert result.latency_ms["99"] == pytest.approx(1010)
    assert result.latency_ms["max"] == pytest.approx(1020)
    assert result.bytes_read == pytest.approx(1.5 * 1024 * 1024)


def test_parse_wrk_refuses_what_is_not_a_report():
    with pytest.raises(ValueError, match="not a wrk report"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_lua_string_escapes_quotes_backslashes_and_non_ascii():
    assert lua_string('a"b\\c') == '"a\\"b\\\\c"'
    assert lua_string("é\n") == '"\\195\\169\\10"'


def test_lua_script_refuses_an_event_id_prefix_the_api_would_refuse():
    endpoint = Endpoint("status", "POST", "/s", ["/s"], body=True)
    with pytest.raises(ValueError):
        lua_script(endpoint, SETUP, "has space")


def test_the_missing_wrk_message_says_how_to_install_it():
    done = subprocess.run(
        [sys.executable, "benchmarks/api_throughput.py", "demo/scenario"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ | {"PATH": ""},
    )
    assert done.returncode != 0
    assert "wrk is not installed" in done.stderr and "apt-get install wrk" in done.stderr


class Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list  # (method, path, authorization, body)

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.seen.append((self.command, self.path, self.headers.get("Authorization"), body))
        self.send_response(201 if self.command == "POST" else 200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


def run_script_with_wrk(tmp_path, endpoint: Endpoint, prefix: str) -> list:
    seen = []
    handler = type("Handler", (Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    script = tmp_path / f"{endpoint.name}.lua"
    script.write_text(lua_script(endpoint, SETUP, prefix))
    try:
        done = subprocess.run(
            ["wrk", "--threads=2", "--connections=4", "--duration=1s", f"--script={script}", server_url(server)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr
    assert parse_wrk(done.stdout).errors == 0
    return seen


def server_url(server) -> str:
    host, port = server.server_address
    return f"http://{host}:{port}/"


needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk)")


@needs_wrk
def test_status_script_sends_a_new_event_id_every_request_across_threads(tmp_path):
    paths = [f"/api/v1/vehicles/V{n:02}/status" for n in range(5)]
    seen = run_script_with_wrk(tmp_path, Endpoint("status", "POST", "/s", paths, body=True), "abc123r1m")
    assert len(seen) > 20
    reports = [json.loads(body) for method, path, token, body in seen]
    event_ids = [report["event_id"] for report in reports]
    assert len(set(event_ids)) == len(event_ids)
    assert {event_id.split("-")[1] for event_id in event_ids} == {"1", "2"}  # both wrk threads, told apart
    assert all(event_id.startswith("abc123r1m-") for event_id in event_ids)
    assert {report["status"] for report in reports} == {"available"}
    assert len({report["latitude"] for report in reports}) > 1
    assert all(abs(report["latitude"] - 8.98) < 0.1 and abs(report["longitude"] + 79.52) < 0.1 for report in reports)
    assert {method for method, *_ in seen} == {"POST"}
    assert {path for _, path, *_ in seen} == set(paths)
    assert {token for _, _, token, _ in seen} == {"Token 0123abcd"}


@needs_wrk
def test_get_script_rotates_over_the_paths_without_a_body(tmp_path):
    paths = [f"/api/v1/delegates/D{n}/itinerary" for n in range(7)]
    seen = run_script_with_wrk(tmp_path, Endpoint("itinerary", "GET", "/i", paths), "x")
    assert len(seen) > 20
    assert {method for method, *_ in seen} == {"GET"}
    assert {path for _, path, *_ in seen} == set(paths)
    assert {body for *_, body in seen} == {b""}
    assert {token for _, _, token, _ in seen} == {"Token 0123abcd"}


def test_summary_takes_the_median_of_per_round_ratios_and_of_cpu_per_request():
    from benchmarks.api_throughput import WrkResult, summary

    def result(rate, cpu_seconds):
        return WrkResult(rate, int(rate * 10), 10.0, 0.0, server_cpu_seconds=cpu_seconds)

    figures = summary(
        {
            "trivial": [result(100, 0.5), result(200, 1.0), result(150, 0.75)],
            "itinerary": [result(30, 0.6), result(70, 1.2), result(40, 0.8)],
        }
    )
    assert figures["itinerary"]["ratios"] == pytest.approx([0.3, 0.35, 40 / 150])
    assert figures["itinerary"]["ratio"] == pytest.approx(0.3)
    assert figures["itinerary"]["median"].requests_per_second == 40
    assert figures["trivial"]["cpu_ms"] == pytest.approx(0.5)
    assert figures["itinerary"]["cpu_ms"] == pytest.approx(2.0)
    assert figures["itinerary"]["cpu_ratio"] == pytest.approx(0.25)
