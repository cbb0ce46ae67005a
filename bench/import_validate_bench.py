"""CPU of the import's read and validation alone (no database): `FileReader.creators()` over a
generated real-shape JSON Lines file (bench/import_bench.py's `write_file`: 90 daily snapshots and
12 posts per account), chunked as the import chunks it, with the cyclic collector paused as the
import pauses it. Each run is a fresh process.

`--checkout DIR` also times another checkout's importer on the same file, alternating run by run
with this one's, so the machine's load weighs on both alike.

    python bench/import_validate_bench.py                        # 5,000 accounts, 5 runs
    python bench/import_validate_bench.py --checkout ../main --runs 4
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import import_bench  # this script's neighbour (the file generator and the throwaway settings)


def measure(path: Path) -> None:
    """One run in this process, with the importer of the checkout on sys.path[0]; prints the CPU
    seconds and the number of accounts."""
    import django

    django.setup()
    from core.services.collector import collector_paused
    from influencers.services.imports.service import FileReader
    from influencers.services.imports.writer import creator_chunks

    reader = FileReader(path)
    with collector_paused():
        started = time.process_time()
        accounts = sum(len(creator.accounts) for chunk in creator_chunks(reader.creators()) for creator in chunk)
        seconds = time.process_time() - started
    if reader.problems:
        raise SystemExit(f"the generated file did not validate: {reader.problems.errors[:3]}")
    print(seconds, accounts)


def run_once(checkout: Path, path: Path) -> float:
    """The CPU seconds of one run of `checkout`'s importer over `path`, in a child process."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    code = (
        f"import sys; sys.path[:0] = [{str(checkout)!r}, {str(Path(__file__).parent)!r}]; "
        f"import import_validate_bench as b; b.measure(b.Path({str(path)!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=checkout, env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    seconds, _accounts = out.stdout.split()[-2:]
    return float(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--checkout", type=Path, help="another checkout to time on the same file, alternating")
    args = parser.parse_args()

    workdir = import_bench.throwaway_environment("vetted-bench-validate-", None)
    try:
        path = workdir / "creators.jsonl"
        import_bench.write_file(path, args.accounts, 90, "objects", post_count=12)
        checkouts = [import_bench.ROOT] + ([args.checkout.resolve()] if args.checkout else [])
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        seconds: dict[Path, list[float]] = {checkout: [] for checkout in checkouts}
        for _ in range(args.runs):
            for checkout in checkouts:
                seconds[checkout].append(run_once(checkout, path))
        for checkout, runs in seconds.items():
            best, middle = min(runs), statistics.median(runs)
            print(
                f"{checkout}: read + validate {args.accounts:,} real-shaped accounts, CPU s per run "
                + " ".join(f"{s:.2f}" for s in runs)
                + f"; median {middle:.2f} s = {middle / args.accounts * 1000:.3f} ms per account (min {best:.2f})"
            )
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
