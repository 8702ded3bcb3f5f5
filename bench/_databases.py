"""The benchmarks' databases: a SQLite file, or with --postgres a fresh PostgreSQL database.

One code path: a benchmark asks `database(...)` for a URL and runs the same steps on it; the
SQLite and PostgreSQL runs differ only in that URL. A PostgreSQL database is created as
`skk_bench_<name>_<pid>` on the server of the --postgres URL and dropped when the block ends,
also when it fails (`DROP DATABASE ... WITH (FORCE)` ends any connection left open).
"""

from __future__ import annotations

import os
import re
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url

POSTGRES_HELP = (
    "run on fresh databases on this PostgreSQL server instead of SQLite files, e.g. "
    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres (created, then dropped)"
)


def _stop_on_sigterm() -> None:
    # A SIGTERM unwinds like Ctrl-C, so the databases are dropped on the way out.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))


@contextmanager
def database(name: str, *, postgres: str | None, sqlite: Path, fresh: bool = True) -> Iterator[str]:
    """Yield the URL of the benchmark database `name`.

    Without `postgres`: the SQLite file `sqlite`, first deleted when `fresh` (kept afterwards:
    the caller's directory decides). With `postgres`: a new, empty database on that server,
    dropped at the end.
    """
    if postgres is None:
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
        yield f"sqlite:///{sqlite}"
        return
    _stop_on_sigterm()
    server = make_url(postgres)
    dbname = f"skk_bench_{re.sub(r'[^a-z0-9]+', '_', name.lower())}_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{dbname}"')
        try:
            yield server.set(database=dbname).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    finally:
        admin.dispose()


def describe(*urls: str) -> str:
    """Which databases the URLs are (one kind, one server), for a header line; no password."""
    parsed = [make_url(url) for url in urls]
    names = ", ".join(str(p.database) for p in parsed)
    if parsed[0].get_backend_name() == "sqlite":
        return f"SQLite {names}"
    engine = create_engine(parsed[0])
    try:
        with engine.connect() as conn:
            version = str(conn.exec_driver_sql("SHOW server_version").scalar()).split()[0]
    finally:
        engine.dispose()
    return f"PostgreSQL {version} at {parsed[0].host}:{parsed[0].port or 5432} {names}"
