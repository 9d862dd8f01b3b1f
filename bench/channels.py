"""Benchmark of the phone channels against the real server on PostgreSQL: latency of a USSD step and inbound
SMS throughput, under 100 concurrent sessions. Target: p99 < 100 ms per USSD step.

    createdb -h 127.0.0.1 -U postgres palabre_bench_channels
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/palabre_bench_channels .venv/bin/python bench/channels.py

Migrates, creates a commune reachable at `*384*229*99#` (default complaint categories, two arrondissements
with villages), starts gunicorn (--workers sync workers) on a free port, then runs three phases with
--sessions (default 100) concurrent simulated phones, each with its own keep-alive connection and numbers:

1. people: every phone runs --rounds USSD sessions that file a complaint (dial, "file a complaint",
   category, arrondissement, village, description, answer by SMS, send: 8 steps, exactly as Africa's
   Talking posts them), pausing a random 0.5x-1.5x --think seconds between steps, as a person reading
   the screen and typing does. This is the issue's scenario; each step's latency is recorded.
2. saturation: the same sessions back to back (no pause): the server's capacity in steps per second
   (latency then mostly measures the queue: ~ clients / capacity).
3. SMS: every phone posts --sms `AIDE` messages back to back: inbound messages per second.

The load generator is one asyncio process (stdlib only, no thread per client) running at a lower
priority (`nice`, --nice) than the server, so it takes the CPU the server leaves rather than competing
equally with it; --generator-cpu pins it to one CPU instead. For every phase the CPU time used by the
generator, gunicorn, PostgreSQL and the rest of the machine is read from /proc and printed.
Rate limits stay on: every session uses a fresh number.
"""

import argparse
import asyncio
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
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
from palabre.territory.models import Arrondissement, Commune, Department, Village  # noqa: E402

EXTENSION = "99"
USSD_PATH = "/channels/africastalking/ussd/"
SMS_PATH = "/channels/africastalking/sms/"
# dial the commune's extension, 1 file a complaint, 1 first category, 1 first arrondissement, 1 first
# village, the description, 1 answer me by SMS, 1 send: the last answer gets END and a tracking code.
ANSWERS = [EXTENSION, "1", "1", "1", "1", "Route coupée au pont de Saclo depuis lundi", "1", "1"]
TICKS = os.sysconf("SC_CLK_TCK")


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
    for name in ("Agbangnizoun", "Saclo"):
        arrondissement, _ = Arrondissement.objects.get_or_create(commune=commune, name=name)
        for number in range(1, 5):
            Village.objects.get_or_create(arrondissement=arrondissement, name=f"{name} {number}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "PALABRE_LOG_LEVEL": "WARNING", "PALABRE_ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "palabre.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--backlog", "2048"],
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


# CPU accounting ------------------------------------------------------------------------------------------
def _stat(pid: str) -> tuple[str, int, float] | None:
    """(command, parent pid, CPU seconds) of a process, from /proc."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    command = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    return command, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def cpu_snapshot(server_pid: int) -> dict:
    """CPU seconds so far of the generator, of each gunicorn and PostgreSQL process, and of the machine."""
    processes = {int(pid): _stat(pid) for pid in os.listdir("/proc") if pid.isdigit()}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    machine = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    return {
        "generator": usage.ru_utime + usage.ru_stime,
        "gunicorn": {pid: s[2] for pid, s in processes.items() if s and server_pid in (pid, s[1])},
        "postgres": {pid: s[2] for pid, s in processes.items() if s and s[0].startswith("postgres")},
        "machine": (sum(map(int, machine)) - int(machine[3]) - int(machine[4])) / TICKS,
        "wall": time.perf_counter(),
    }


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds used between two snapshots (a process that ended in between is not counted)."""
    used = {name: after[name] - before[name] for name in ("generator", "machine", "wall")}
    for name in ("gunicorn", "postgres"):
        used[name] = sum(cpu - before[name].get(pid, 0) for pid, cpu in after[name].items())
    used["other"] = max(used["machine"] - used["generator"] - used["gunicorn"] - used["postgres"], 0)
    return used


def cpu_report(used: dict[str, float], requests: int) -> str:
    """Each one's share of all CPUs during the phase, and the server's CPU time per request."""
    cpus = os.cpu_count() * used["wall"]
    shares = [f"{name} {used[name] / cpus:.0%}" for name in ("gunicorn", "postgres", "generator", "other")]
    per_request = (used["gunicorn"] + used["postgres"]) / requests * 1000
    idle = max(1 - used["machine"] / cpus, 0)
    return f"{', '.join(shares)}, idle {idle:.0%} | {per_request:.1f} ms"


# The load generator --------------------------------------------------------------------------------------
@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sessions: int = 0
    complaints: int = 0


class Phone:
    """One simulated phone: a keep-alive HTTP/1.1 connection and fresh numbers."""

    def __init__(self, port: int, number: int):
        self.port, self.number, self.numbers = port, number, 0
        self.reader = self.writer = None

    def new_number(self) -> str:
        self.numbers += 1
        return f"+22901{self.number:03d}{self.numbers:05d}"

    async def post(self, path: str, fields: dict) -> tuple[float, int, str]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        body = urlencode(fields).encode()
        request = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
                   "Content-Type: application/x-www-form-urlencoded\r\n\r\n").encode() + body  # fmt: skip
        started = time.perf_counter()
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        headers = dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:] if b": " in line)
        text = (await self.reader.readexactly(int(headers.get(b"Content-Length", b"0")))).decode()
        elapsed = (time.perf_counter() - started) * 1000
        if headers.get(b"Connection", b"").lower() == b"close":
            self.writer.close()
            self.writer = None
        return elapsed, status, text

    async def ussd_session(self, results: Results, think: float) -> None:
        session, number = f"bench-{uuid.uuid4().hex}", self.new_number()
        for count in range(1, len(ANSWERS) + 1):
            fields = {"sessionId": session, "serviceCode": "*384*229#", "phoneNumber": number,
                      "networkCode": "61603", "text": "*".join(ANSWERS[:count])}  # fmt: skip
            elapsed, status, text = await self.post(USSD_PATH, fields)
            results.latencies.append(elapsed)
            if status != 200 or not text.startswith(("CON ", "END ")):
                results.errors.append(f"{status} {text[:60]!r}")
            if text.startswith("END ") or status != 200:
                results.complaints += "Votre code de suivi" in text
                break
            if think:  # a person reading the screen and typing
                await asyncio.sleep(think * random.uniform(0.5, 1.5))
        results.sessions += 1

    async def sms_burst(self, results: Results, count: int) -> None:
        number = self.new_number()
        for sent in range(count):
            if sent and sent % 15 == 0:  # below the SMS rate limit per number (20 an hour)
                number = self.new_number()
            fields = {"id": f"bench-{uuid.uuid4().hex}", "from": number, "to": "2290", "text": "AIDE"}
            elapsed, status, _text = await self.post(SMS_PATH, fields)
            results.latencies.append(elapsed)
            if status != 200:
                results.errors.append(str(status))


async def run_phase(phones: list[Phone], work) -> tuple[Results, float]:
    results = Results()
    started = time.perf_counter()
    await asyncio.gather(*(work(phone, results) for phone in phones))
    return results, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report_ussd(name: str, results: Results, seconds: float, used: dict) -> None:
    lat = results.latencies
    print(f"| {name} | {len(lat)} steps in {seconds:.1f} s ({len(lat) / seconds:.0f}/s), "
          f"{results.complaints} complaints, {len(results.errors)} errors | "
          f"{statistics.median(lat):.0f} / {percentile(lat, 0.95):.0f} / {percentile(lat, 0.99):.0f} / "
          f"{max(lat):.0f} ms | {cpu_report(used, len(lat))} |")  # fmt: skip
    for error in results.errors[:3]:
        print(f"<!-- error: {error} -->")


async def benchmark(args, port: int, server_pid: int) -> None:
    phones = [Phone(port, number) for number in range(args.sessions)]

    async def people(phone, results):
        await asyncio.sleep(random.uniform(0, args.think))  # people do not all dial at the same second
        for _round in range(args.rounds):
            await phone.ussd_session(results, args.think)

    async def saturation(phone, results):
        for _round in range(args.rounds):
            await phone.ussd_session(results, 0)

    async def sms(phone, results):
        await phone.sms_burst(results, args.sms)

    await run_phase(phones[:10], saturation)  # warm-up: connections, workers' imports and caches
    title = f"{args.sessions} concurrent phones, gunicorn {args.workers} sync workers, PostgreSQL"
    print(f"## Channels ({title}, {os.cpu_count()} CPUs, generator: asyncio, {generator_placement(args)})\n")
    print("| phase | work | latency p50 / p95 / p99 / max | CPU share of all CPUs | server CPU per request |")
    print("|---|---|---|---|---|")
    phases = ((f"people: think {args.think:g} s ±50 %", people), ("saturation: no think", saturation))
    for name, work in phases:
        before = cpu_snapshot(server_pid)
        results, seconds = await run_phase(phones, work)
        report_ussd(name, results, seconds, cpu_used(before, cpu_snapshot(server_pid)))
    before = cpu_snapshot(server_pid)
    results, seconds = await run_phase(phones, sms)
    used = cpu_used(before, cpu_snapshot(server_pid))
    lat = results.latencies
    print(f"| SMS `AIDE` back to back | {len(lat)} messages in {seconds:.1f} s "
          f"(**{len(lat) / seconds:.0f} messages/s**), {len(results.errors)} errors | "
          f"{statistics.median(lat):.0f} / {percentile(lat, 0.95):.0f} / {percentile(lat, 0.99):.0f} / "
          f"{max(lat):.0f} ms (per message) | {cpu_report(used, len(lat))} |")  # fmt: skip


def generator_placement(args) -> str:
    if args.generator_cpu is not None:
        return f"pinned to CPU {args.generator_cpu}"
    return f"nice {args.nice}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=100, help="concurrent phones")
    parser.add_argument("--rounds", type=int, default=2, help="USSD sessions per phone and phase")
    parser.add_argument("--think", type=float, default=5, help="mean seconds between a session's steps")
    parser.add_argument("--sms", type=int, default=20, help="SMS per phone")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--nice", type=int, default=10, help="the generator's niceness")
    parser.add_argument("--generator-cpu", type=int, default=None, help="pin the generator to this CPU")
    args = parser.parse_args()
    prepare()
    connection.close()
    port = free_port()
    server = start_server(port, args.workers)
    if args.generator_cpu is not None:
        os.sched_setaffinity(0, {args.generator_cpu})
    else:
        os.nice(args.nice)  # after starting gunicorn: the server keeps the normal priority
    try:
        asyncio.run(benchmark(args, port, server.pid))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
