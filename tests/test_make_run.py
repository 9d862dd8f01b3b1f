"""The server started by `make run` answers, with its background worker running beside it."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def worker_pids(session_id: int) -> list[int]:
    found = subprocess.run(["pgrep", "-f", "-s", str(session_id), "manage.py worker"], capture_output=True)
    return [int(pid) for pid in found.stdout.split()]


def test_make_run_serves_the_national_home_page_and_keeps_its_worker_running(tmp_path):
    port = free_port()
    env = {**os.environ, "PALABRE_DATA_DIR": str(tmp_path), "PORT": str(port)}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        body = wait_for(f"http://127.0.0.1:{port}/", timeout=240).decode()
        assert "Bohicon" in body and "Banikoara" in body
        first = worker_pids(server.pid)
        assert first, "the background worker is not running"
        os.kill(first[0], signal.SIGKILL)  # however it dies, scripts/serve starts it again
        deadline = time.monotonic() + 30
        while not (set(worker_pids(server.pid)) - set(first)) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert set(worker_pids(server.pid)) - set(first), "the background worker was not restarted"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
