"""Benchmark of the CSV import and export on the full Kota Kupang demo (436,046 residents).

Steps, each in its own process (so its peak memory is its own), on SQLite files in a temporary
directory, or with --postgres on fresh PostgreSQL databases on that server (dropped at the end):

1. `demo`: load `skk demo kupang-2016` into database A (the source of the export);
2. `export`: export A to a CSV file through the service (what `skk export` runs);
3. `http-export`: the same over HTTP (GET /api/v1/residents/export, streamed);
4. `import`: import the CSV into an empty database B (all inserts, all_or_nothing, full
   validation); then `import --partial` into an empty database C;
5. `reimport`: import the same CSV into B again (every row unchanged);
6. checks that B exports byte for byte what A exported (export -> import is a no-op).

Prints rows/s, seconds and peak resident memory (MB) per step (of the benchmark's process: a
PostgreSQL server's own memory is not in it).

    .venv/bin/python bench/import_export.py [--scale 1.0] [--keep DIR] [--postgres URL]

A benchmark, not a test: it prints figures and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _databases import POSTGRES_HELP, database, describe  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _settings(url: str, data: Path):  # type: ignore[no-untyped-def]
    from app.config import Settings

    return Settings(
        database_url=url,
        data_dir=data,
        _env_file=None,  # type: ignore[call-arg]
    )


def step(name: str, url: str, csv_path: Path, data: Path, scale: float) -> dict[str, object]:
    """Run one step in this process and return its figures."""
    from app.cli import initialise
    from app.db import make_engine, make_sessionmaker, session_scope
    from app.schemas.importer import ImportMode
    from app.services.access import SYSTEM
    from app.services.demo_loader import load_demo
    from app.services.exporter import export_csv
    from app.services.importer import run_import
    from app.services.residents import ResidentFilters

    settings = _settings(url, data)
    initialise(settings)
    engine = make_engine(settings.database_url)
    factory = make_sessionmaker(engine)
    started = time.perf_counter()
    rows = 0
    extra: dict[str, object] = {}
    if name == "demo":
        with session_scope(factory) as session:
            rows = load_demo(session, scale=scale).residents
    elif name == "export":
        with open(csv_path, "wb") as out:
            for piece in export_csv(factory, filters=ResidentFilters(), actor=SYSTEM):
                out.write(piece)
                rows += piece.count(b"\n")
        rows -= 1
    elif name == "http-export":
        from fastapi.testclient import TestClient

        from app.main import create_app
        from app.schemas.common import Role
        from app.services.keys import create_key

        with session_scope(factory) as session:
            secret = create_key(session, name="bench", role=Role.auditor).secret
        with TestClient(create_app(settings)) as client:
            started = time.perf_counter()
            size = 0
            with client.stream(
                "GET", "/api/v1/residents/export", headers={"Authorization": f"Bearer {secret}"}
            ) as response:
                for piece in response.iter_bytes():
                    size += len(piece)
                    rows += piece.count(b"\n")
            rows -= 1
            extra["mb_sent"] = round(size / 1e6, 1)
    elif name in ("import", "import-partial", "reimport"):
        mode = ImportMode.partial if name == "import-partial" else ImportMode.all_or_nothing
        session = factory()
        try:
            with open(csv_path, "rb") as stream:
                report = run_import(
                    session, stream, actor=SYSTEM, mode=mode, checkpoint=session.commit
                )
            session.commit()
        finally:
            session.close()
        rows = report.rows
        extra.update(
            inserted=report.inserted,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=report.rejected,
        )
    seconds = time.perf_counter() - started
    engine.dispose()
    return {
        "step": name,
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "peak_mb": round(_peak_mb()),
        **extra,
    }


def _run(name: str, url: str, csv_path: Path, data: Path, scale: float) -> dict[str, object]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--step",
            name,
            "--url",
            url,
            "--csv",
            str(csv_path),
            "--data",
            str(data),
            "--scale",
            str(scale),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"{name:15} {result['rows']:>8,} rows {result['seconds']:>7.2f} s "
        f"{result['rows_per_s']:>8,} rows/s  peak {result['peak_mb']:>4} MB  "
        + " ".join(
            f"{k}={v}"
            for k, v in result.items()
            if k not in ("step", "rows", "seconds", "rows_per_s", "peak_mb")
        ),  # fmt: skip
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--keep", type=Path, help="work in this directory and keep the files")
    parser.add_argument("--postgres", metavar="URL", help=POSTGRES_HELP)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.url, args.csv, args.data, args.scale)))
        return
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        data = work / "data"
        source, target, partial = (
            stack.enter_context(database(name, postgres=args.postgres, sqlite=work / f"{name}.db"))
            for name in ("a", "b", "c")
        )
        csv_path, again = work / "export.csv", work / "export-again.csv"
        print(f"scale {args.scale}, {describe(source, target, partial)}, in {work}")
        _run("demo", source, csv_path, data, args.scale)
        _run("export", source, csv_path, data, args.scale)
        _run("http-export", source, csv_path, data, args.scale)
        _run("import", target, csv_path, data, args.scale)
        _run("import-partial", partial, csv_path, data, args.scale)
        _run("reimport", target, csv_path, data, args.scale)
        _run("export", target, again, data, args.scale)
        same = csv_path.read_bytes() == again.read_bytes()
        print(f"export -> import -> export identical: {same}")


if __name__ == "__main__":
    main()
