"""Benchmark of the phone channels against the real server on PostgreSQL: p99 latency of a USSD step and
inbound SMS throughput, under 100 concurrent sessions.

    createdb -h 127.0.0.1 -U postgres palabre_bench_channels
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/palabre_bench_channels .venv/bin/python bench/channels.py

Migrates, creates a commune reachable at `*384*229*99#` with the default complaint categories, starts
gunicorn (--workers, default 8) on a free port, then runs --sessions (default 100) concurrent clients,
each with its own keep-alive connection and phone number:
- USSD: each client runs USSD sessions of --steps callbacks (dial, open "file a complaint", pick a
  category, then answers), exactly as Africa's Talking posts them; every step's latency is recorded;
- SMS: each client posts `AIDE` messages (unique ids) to the inbound SMS route; messages per second.
Rate limits per number stay on: each client uses fresh numbers below them. `--think S` pauses S seconds
between a session's steps, as a person reading the screen does; with 0 the clients post back to back
and measure the server saturated. Target: p99 < 100 ms per USSD step.
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
os.environ.setdefault("PALABRE_HTTPS", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from palabre.grievances.services import categories_ensure_defaults  # noqa: E402
from palabre.territory.models import Commune, Department  # noqa: E402

EXTENSION = "99"


def prepare() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database.")
    call_command("migrate", verbosity=0)
    department, _ = Department.objects.get_or_create(code="99", defaults={"name": "Banc d'essai"})
    commune, _ = Commune.objects.get_or_create(
        slug="banc-essai",
        defaults={"department": department, "code": "9999", "name": "Banc d'essai", "languages": ["fr"],
                  "ussd_extension": f"*384*229*{EXTENSION}#"},
    )  # fmt: skip
    categories_ensure_defaults(commune=commune)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "PALABRE_LOG_LEVEL": "WARNING", "PALABRE_ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "palabre.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _attempt in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    sys.exit("gunicorn did not start")


class Client:
    def __init__(self, port: int, number: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.number, self.phones = number, 0

    def post(self, path: str, fields: dict) -> tuple[float, int, str]:
        body = urlencode(fields)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        started = time.perf_counter()
        self.connection.request("POST", path, body, headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        return (time.perf_counter() - started) * 1000, response.status, text

    def new_phone(self) -> str:
        self.phones += 1
        return f"+22901{self.number:03d}{self.phones:05d}"


def ussd_session(client: Client, steps: int, latencies: list, errors: list, think: float = 0) -> None:
    session, phone = f"bench-{uuid.uuid4().hex}", client.new_phone()
    answers = [EXTENSION, "1", "1"] + ["Route coupée au pont de Saclo"] * max(steps - 3, 0)
    for count in range(1, steps + 1):
        fields = {"sessionId": session, "serviceCode": "*384*229#", "phoneNumber": phone,
                  "networkCode": "61603", "text": "*".join(answers[:count])}  # fmt: skip
        elapsed, status, text = client.post("/channels/africastalking/ussd/", fields)
        latencies.append(elapsed)
        if status != 200 or not text.startswith(("CON ", "END ")):
            errors.append(status)
        if text.startswith("END "):
            return
        time.sleep(think)  # a person reading the screen and typing (0: the server saturated)


def run_clients(count: int, work) -> float:
    threads = [threading.Thread(target=work, args=(number,)) for number in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5, help="USSD sessions per client")
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--sms", type=int, default=10, help="SMS per client")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--think", type=float, default=0, help="seconds between a session's steps")
    args = parser.parse_args()
    prepare()
    port = free_port()
    server = start_server(port, args.workers)
    try:
        latencies, errors, sms_errors = [], [], []

        def ussd_work(number):
            client = Client(port, number)
            for _round in range(args.rounds):
                ussd_session(client, args.steps, latencies, errors, args.think)

        def sms_work(number):
            client = Client(port, 500 + number)
            phone = client.new_phone()
            for _message in range(args.sms):
                if _message and _message % 15 == 0:  # below the SMS rate limit per number (20 an hour)
                    phone = client.new_phone()
                fields = {"id": f"bench-{uuid.uuid4().hex}", "from": phone, "to": "2290", "text": "AIDE"}
                _elapsed, status, _text = client.post("/channels/africastalking/sms/", fields)
                if status != 200:
                    sms_errors.append(status)

        run_clients(min(args.sessions, 10), ussd_work)  # warm-up: connections, caches
        latencies.clear()
        errors.clear()
        ussd_seconds = run_clients(args.sessions, ussd_work)
        sms_seconds = run_clients(args.sessions, sms_work)
    finally:
        server.terminate()
        server.wait()
    sms_total = args.sessions * args.sms
    print(f"## Channels ({args.sessions} concurrent clients, think time {args.think} s, "
          f"gunicorn {args.workers} workers, PostgreSQL, {os.cpu_count()} CPUs)\n")  # fmt: skip
    print("| measure | value |\n|---|---|")
    print(f"| USSD steps | {len(latencies)} in {ussd_seconds:.1f} s ({len(latencies) / ussd_seconds:.0f}/s), "
          f"{len(errors)} errors |")  # fmt: skip
    print(f"| USSD step latency p50 / p95 / p99 | {statistics.median(latencies):.1f} / "
          f"{percentile(latencies, 0.95):.1f} / {percentile(latencies, 0.99):.1f} ms |")  # fmt: skip
    print(f"| inbound SMS throughput | {sms_total / sms_seconds:.0f} messages/s ({sms_total} messages, "
          f"{len(sms_errors)} errors) |")  # fmt: skip


if __name__ == "__main__":
    main()
