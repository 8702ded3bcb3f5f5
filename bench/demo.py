"""Benchmark of `skk demo kupang-2016` end to end on a fresh SQLite or PostgreSQL database.

Runs the real command (`python -m app.cli demo kupang-2016 ...`: start-up, schema and region
codes, generation, bulk insert, commit) in a subprocess and prints its wall-clock seconds,
its peak memory (of the command's process) and what it loaded. On a SQLite file in a temporary
directory, or with --postgres on a fresh database on that server (dropped at the end).

    .venv/bin/python bench/demo.py [--scale 1.0] [--seed 2016] [--postgres URL]

A benchmark, not a test: it prints figures and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _databases import POSTGRES_HELP, database, describe
from sqlalchemy import create_engine

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1.0")
    parser.add_argument("--seed", default="2016")
    parser.add_argument("--postgres", metavar="URL", help=POSTGRES_HELP)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        database("demo", postgres=args.postgres, sqlite=Path(tmp) / "demo.db") as url,
    ):
        env = {
            **os.environ,
            "SKK_DATABASE_URL": url,
            "SKK_DATA_DIR": str(Path(tmp) / "data"),
            "SKK_LOG_LEVEL": "WARNING",
        }
        command = [sys.executable, "-m", "app.cli", "demo", "kupang-2016",
                   "--scale", args.scale, "--seed", args.seed]  # fmt: skip
        started = time.perf_counter()
        result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            sys.exit(result.stderr)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        engine = create_engine(url)
        with engine.connect() as conn:
            residents = conn.exec_driver_sql("SELECT count(*) FROM residents").scalar_one()
            events = conn.exec_driver_sql("SELECT count(*) FROM recording_events").scalar_one()
        engine.dispose()
        print(f"skk demo kupang-2016 --scale {args.scale} on {describe(url)}: "
              f"{seconds:.1f} s end to end, "
              f"peak {peak:.0f} MB; {residents:,} residents, {events:,} recording events "
              f"({residents / seconds:,.0f} residents/s)")  # fmt: skip
        print(result.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
