"""How long USSD steps hold SQLite's write lock, and what one hostile request costs (issue 8).

    .venv/bin/python bench/ussd_lock.py [--seconds 20]

On a fresh SQLite file (WAL, as `make run`): one process runs USSD sessions back to back through the
Africa's Talking webhook (Django's test client, in-process: dial, then menu steps and back), while another
process writes one row every 2 ms in its own short transaction, as the web pages and the SMS worker do. The
writer's latency is the wait the steps impose on every other write. Two runs: the steps' transactions begun
DEFERRED (reads and screens without the lock; the default) and IMMEDIATE (the lock held for the whole step,
as before). Then one request carrying 100,000 `*`-separated answers (200 KB), which held the lock for 17
minutes before the caps.
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA_DIR = tempfile.mkdtemp(prefix="palabre-bench-lock-")
os.environ.update({"DJANGO_SETTINGS_MODULE": "palabre.settings", "PALABRE_HTTPS": "0",
                   "PALABRE_DATA_DIR": DATA_DIR, "PALABRE_AT_TOKEN": "bench", "PALABRE_DEBUG": "0",
                   "PALABRE_ALLOWED_HOSTS": "testserver"})  # fmt: skip
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402

from palabre.channels import inbound  # noqa: E402
from palabre.core.models import CodeGuessFailure  # noqa: E402
from palabre.grievances.services import categories_ensure_defaults  # noqa: E402
from palabre.territory.models import Commune, Department  # noqa: E402

USSD = "/channels/africastalking/ussd/"
TOKEN = {"token": "bench"}


def prepare() -> None:
    call_command("migrate", verbosity=0)
    department = Department.objects.create(code="99", name="Banc d'essai")
    commune = Commune.objects.create(slug="banc", department=department, code="9999", name="Banc",
                                     languages=["fr"], ussd_extension="*384*229*99#")  # fmt: skip
    categories_ensure_defaults(commune=commune)


def step(client: Client, session: str, phone: str, text: str) -> None:
    data = {"sessionId": session, "phoneNumber": phone, "serviceCode": "*384*229#", "text": text}
    client.post(USSD, data, query_params=TOKEN)


def run_sessions(seconds: float) -> int:
    """USSD sessions back to back: dial, open the complaint menu, page, back, main menu (no writes but the
    session's and the request's)."""
    client, steps, number = Client(), 0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        number += 1
        session, phone, text = f"bench-{number}", f"+229019{number % 10_000_000:07d}", "99"
        step(client, session, phone, text)
        for answer in ("1", "98", "0", "0", "00"):
            text += "*" + answer
            step(client, session, phone, text)
        steps += 6
    return steps


def write_every(period: float, stop_at: float, queue) -> None:
    """Another process: one small write transaction every `period` seconds; its latencies in ms."""
    connections.close_all()
    latencies = []
    while time.monotonic() < stop_at:
        started = time.monotonic()
        CodeGuessFailure.objects.create(scope="bench", ip_hash="x")
        latencies.append((time.monotonic() - started) * 1000)
        time.sleep(period)
    queue.put(latencies)


RERUNS = []


def counting_reruns(function):
    def run(*args, deferred, **kwargs):
        try:
            return function(*args, deferred=deferred, **kwargs)
        except Exception:
            RERUNS.append(deferred)
            raise

    return run


def measure(seconds: float, *, deferred: bool, period: float) -> dict:
    inbound.STEP_ATTEMPTS = 2 if deferred else 1  # 1: every step's transaction begins IMMEDIATE
    RERUNS.clear()
    connections.close_all()
    queue = multiprocessing.Queue()
    writer = multiprocessing.Process(target=write_every, args=(period, time.monotonic() + seconds, queue))
    writer.start()
    steps = run_sessions(seconds)
    latencies = queue.get()
    writer.join()
    latencies.sort()
    return {"steps/s": steps / seconds, "steps run again": len(RERUNS), "writes": len(latencies),
            "median ms": statistics.median(latencies),
            "p99 ms": latencies[int(len(latencies) * 0.99)], "max ms": latencies[-1]}  # fmt: skip


def hostile_request() -> float:
    started = time.monotonic()
    step(Client(), "hostile", "+2290197000000", "99*" + "*".join(["1"] * 100_000))
    return (time.monotonic() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--write-every-ms", type=float, default=10, help="the other process's write period")
    arguments = parser.parse_args()
    prepare()
    inbound._process_once = counting_reruns(inbound._process_once)
    print(f"SQLite {connection.Database.sqlite_version}, data in {DATA_DIR}")
    for deferred in (True, False):
        figures = measure(arguments.seconds, deferred=deferred, period=arguments.write_every_ms / 1000)
        label = "DEFERRED (screens without the lock)" if deferred else "IMMEDIATE (lock for the whole step)"
        print(label, "  ".join(f"{name} {value:.1f}" for name, value in figures.items()))
    print(f"one request with 100,000 answers: {hostile_request():.1f} ms")


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    main()
