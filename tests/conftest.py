from __future__ import annotations

import contextlib
import os
import signal
import http.server
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "examples" / "konashenkov-aleppo.txt"
SEED_GOLD = SHARED / "examples" / "konashenkov-aleppo.gold.json"
POLNEAR = SHARED / "data" / "polnear"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


@pytest.fixture(scope="session")
def analyze_text():
    """analyze() on a string, techniques off unless asked (the tagger has its own tests)."""
    from saidwhat.model import Document
    from saidwhat.pipeline import Options, analyze

    def run(text: str, *, techniques: bool = False, source: str = "test"):
        return analyze(Document(id="t", text=text, source=source), Options(techniques=techniques))

    return run


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """A request handler for the tests' HTTP servers: quiet, with one way to answer."""

    def log_message(self, *args):
        pass

    def _send(self, body, ctype, headers=None, status=200):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def http_server(handler):
    """A real HTTP server on 127.0.0.1 (a free port) in a thread; gives its base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def module_server(handler):
    """A module-scoped ``server`` fixture: ``server = module_server(Handler)`` in a test module
    gives its tests the base URL of ``http_server(Handler)``."""
    @pytest.fixture(scope="module")
    def server():
        with http_server(handler) as url:
            yield url

    return server


def pool_pids(executor) -> list[int]:
    """The worker processes of a ProcessPoolExecutor (none before it starts)."""
    try:
        return list((executor._processes or {}) if executor is not None else {})
    except RuntimeError:  # the dict changed while it was copied
        return []


def kill_process(pid: int) -> None:
    """SIGKILL, as the OOM killer sends it; a process gone already is fine."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
