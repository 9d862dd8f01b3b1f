"""Tally speed and memory: Palabre's engine against pabutools, side by side, on the shared pabulib files.

    .venv/bin/python bench/budgeting.py [--data DIR] [--only FILE ...] [--rules RULE ...] [--seconds 1]

Each measurement runs in a fresh process (`--one TOOL FILE RULE`): the file is parsed, then the rule is
timed (parsing excluded, for both tools) and the growth of the process's peak resident memory during the
rule is read from getrusage (no tracing overhead). Timed, for both tools: the rule call alone on an
already-parsed election (pabutools: its rule function on the parsed instance and profile, which builds its
satisfaction profile inside; Palabre: `tally()` on a fresh copy of the election, so cached vote counts and
money units are recomputed). Each time is the median of repeated runs: as many as fit in --seconds (at least
one, at most 200), so millisecond cases are repeated many times and the minutes-long ones run once.
Each cell alternates the two tools --rounds times (once when pabutools takes over LONG_SECONDS) and keeps,
per tool, the lowest of its medians: on a shared machine a passing load spike would otherwise decide the
ratio of the sub-millisecond cells. Needs pabutools (`pip install -e .[dev]`). Prints a Markdown table.

    .venv/bin/python bench/budgeting.py --ballots [bench/ballots.py options]

runs the other half of the budgeting benchmark instead: ballot submission throughput (bench/ballots.py).
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

RULES = ["greedy", "greedy-cost", "mes", "mes-cardinality", "mes-complete"]
LONG_SECONDS = 5.0


def peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def median_time(run, budget_seconds: float) -> float:
    """Median duration of run(), repeated while the total stays under budget_seconds (1 to 200 runs)."""
    times: list[float] = []
    while not times or (sum(times) < budget_seconds and len(times) < 200):
        times.append(run())
    return statistics.median(times)


def measure_palabre(path: Path, rule: str, budget_seconds: float) -> tuple[float, int]:
    from palabre.budgeting.tally import Election, read_pabulib, tally

    parsed = read_pabulib(path)

    def run() -> float:
        election = Election(parsed.meta, parsed.projects, parsed.ballots)
        started = time.perf_counter()
        tally(election, rule)
        return time.perf_counter() - started

    before = peak_kib()
    return median_time(run, budget_seconds), peak_kib() - before


def measure_pabutools(path: Path, rule: str, budget_seconds: float) -> tuple[float, int]:
    from pabutools.election import parse_pabulib
    from pabutools_outcomes import compute

    instance, profile = parse_pabulib(str(path))

    def run() -> float:
        started = time.perf_counter()
        compute(rule, instance, profile)
        return time.perf_counter() - started

    before = peak_kib()
    return median_time(run, budget_seconds), peak_kib() - before


def one(tool: str, path: str, rule: str, budget_seconds: float) -> None:
    measure = measure_palabre if tool == "palabre" else measure_pabutools
    seconds, kib = measure(Path(path), rule, budget_seconds)
    print(json.dumps({"seconds": seconds, "kib": kib}))


def spawn(tool: str, path: Path, rule: str, budget_seconds: float) -> dict:
    command = [sys.executable, __file__, "--one", tool, str(path), rule, "--seconds", str(budget_seconds)]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def measure_cell(path: Path, rule: str, budget_seconds: float, rounds: int) -> tuple[dict, dict]:
    """(pabutools, Palabre): the tools alternate `rounds` times; per tool, the lowest median."""
    measured: dict[str, list[dict]] = {"pabutools": [], "palabre": []}
    for _ in range(rounds):
        for tool in measured:
            measured[tool].append(spawn(tool, path, rule, budget_seconds))
        if measured["pabutools"][0]["seconds"] > LONG_SECONDS:
            break
    theirs, ours = (
        {"seconds": min(m["seconds"] for m in runs), "kib": max(m["kib"] for m in runs)}
        for runs in measured.values()
    )
    return theirs, ours


def main() -> None:
    if sys.argv[1:2] == ["--ballots"]:
        ballots = Path(__file__).with_name("ballots.py")
        sys.exit(subprocess.run([sys.executable, str(ballots), *sys.argv[2:]], check=False).returncode)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/work/shared/data/pabulib")
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--rules", nargs="*", default=RULES, choices=RULES)
    parser.add_argument("--seconds", type=float, default=1.0, help="time budget per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="measurements per tool and cell")
    parser.add_argument("--one", nargs=3, metavar=("TOOL", "FILE", "RULE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(*args.one, args.seconds)
        return
    files = sorted(Path(args.data).glob("*.pb"), key=lambda path: path.stat().st_size)
    if args.only:
        files = [path for path in files if path.name in args.only]
    print("| File | rule | pabutools | Palabre | speed-up | peak memory pabutools / Palabre |")
    print("|---|---|---:|---:|---:|---:|")
    for path in files:
        for rule in args.rules:
            theirs, ours = measure_cell(path, rule, args.seconds, args.rounds)
            ratio = theirs["seconds"] / max(ours["seconds"], 1e-9)
            memory = f"{theirs['kib'] / 1024:.1f} MiB / {ours['kib'] / 1024:.1f} MiB"
            times = f"{theirs['seconds'] * 1000:.0f} ms | {ours['seconds'] * 1000:.1f} ms"
            print(f"| {path.stem} | {rule} | {times} | {ratio:.0f}x | {memory} |", flush=True)


if __name__ == "__main__":
    main()
