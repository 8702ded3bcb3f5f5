"""Benchmark the letters search (GET /api/v1/letters?q=, the office letters list) through the
service layer: a first page of 50 for a name that many letters carry, a name that only the
oldest letter carries (the whole table is read), a masked NIK, the NIK's last digits, and the
"expiring within 14 days" window; median and p95 over R rounds each.

Letters are inserted as rows (not signed: only the list is measured), spread over residents
with made-up names; one resident, the oldest letter, is the rare match.

Usage: .venv/bin/python bench/letters_search.py [--letters N] [--rounds R] [--postgres URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from app.cli import initialise  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db import make_engine, make_sessionmaker, session_scope  # noqa: E402
from app.models import Letter  # noqa: E402
from app.schemas.common import Role  # noqa: E402
from app.schemas.letter import LetterStatus  # noqa: E402
from app.schemas.resident import ResidentCreate  # noqa: E402
from app.services.access import Principal  # noqa: E402
from app.services.letters import LetterFilters, list_letters  # noqa: E402
from app.services.residents import create_resident  # noqa: E402
from bench._databases import POSTGRES_HELP, database  # noqa: E402
from tests.factories import resident_payload  # noqa: E402

ACTOR = Principal(key_id=None, name="bench", role=Role.operator)
FIRST = ("MARIA", "YOHANA", "PAULUS", "YOSEF", "ANA", "DANIEL", "AGUSTINA", "MARKUS")
LAST = ("NDUN", "LAY", "TOY", "BIRE", "TEFA", "LAKA", "MESAK", "BENU", "FANGGIDAE", "ADOE")


def _residents(factory: object, n: int) -> list[tuple[int, str, str]]:
    people = []
    with session_scope(factory) as session:  # type: ignore[arg-type]
        for i in range(n):
            name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}"
            if i == 0:
                name = "SIMSON RARE NATONIS"
            r = create_resident(
                session,
                data=ResidentCreate.model_validate(resident_payload(full_name=name)),
                actor=ACTOR,
            ).resident
            people.append((r.id, r.nik, r.full_name))
    return people


def _fill(factory: object, people: list[tuple[int, str, str]], n: int) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    today = date.today()
    rows = []
    for i in range(n):
        # The first letter (the oldest) is the rare resident's; then round the others.
        rid, nik, name = people[0] if i == 0 else people[1 + i % (len(people) - 1)]
        issued = start + timedelta(minutes=i)
        rows.append(
            {
                "id": str(uuid.uuid4()),
                "number": f"470/{i + 1:06d}/BENCH",
                "series": "bench",
                "year": 2026,
                "seq": i + 1,
                "resident_id": rid,
                "resident_nik": nik,
                "resident_name": name,
                "kelurahan_code": "53.71.04.1001",
                "kecamatan_code": "53.71.04",
                "purpose": "Bench",
                "wording": "unregistered",
                "issued_at": issued,
                "valid_from": issued.date(),
                # About one in 40 ends within the next 14 days.
                "valid_until": today + timedelta(days=(i % 560) - 20),
                "status": LetterStatus.superseded,
                "signatory_name": "BENCH",
                "signatory_title": "BENCH",
                "signatory_nip": "197001011990031001",
                "verification_token": uuid.uuid4().hex,
                "pdf_sha256": "0" * 64,
                "pdf_size": 1,
                "pdf": b"%",
            }
        )
    # Each resident's newest letter is the valid one.
    newest: dict[int, dict[str, object]] = {}
    for row in rows:
        newest[row["resident_id"]] = row  # type: ignore[index]
    for rid, row in newest.items():
        # Spread over the next half year, from a few days ago: some end within 14 days.
        row["status"], row["valid_until"] = LetterStatus.valid, today + timedelta(rid % 180 - 5)
    with session_scope(factory) as session:  # type: ignore[arg-type]
        for at in range(0, n, 5000):
            session.execute(insert(Letter), rows[at : at + 5000])


def _time(factory: object, label: str, filters: LetterFilters, rounds: int) -> None:
    samples, found = [], 0
    for _ in range(rounds):
        began = time.perf_counter()
        with session_scope(factory) as session:  # type: ignore[arg-type]
            rows, _ = list_letters(
                session, filters=filters, limit=50, cursor=None, actor=ACTOR, today=date.today()
            )
        samples.append((time.perf_counter() - began) * 1000)
        found = len(rows)
    ordered = sorted(samples)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    print(
        f"{label:<44} {found:>3} rows  median {statistics.median(ordered):7.2f} ms  "
        f"p95 {p95:7.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=100_000)
    parser.add_argument("--residents", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--postgres", default=None, help=POSTGRES_HELP)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="skk-bench-search-") as tmp,
        database("letters_search", postgres=args.postgres, sqlite=Path(tmp) / "s.db") as url,
    ):
        settings = Settings(
            database_url=url,
            data_dir=Path(tmp) / "data",
            _env_file=None,  # type: ignore[call-arg]
        )
        initialise(settings)
        engine = make_engine(url)
        factory = make_sessionmaker(engine)
        people = _residents(factory, args.residents)
        _fill(factory, people, args.letters)
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE letters")
        rare_nik = people[0][1]
        common_nik = people[1][1]
        today = date.today()
        print(f"{engine.dialect.name}: {args.letters} letters of {args.residents} residents")
        cases = [
            ("newest page, no search", LetterFilters()),
            ("name many carry (q=maria)", LetterFilters(q="maria")),
            ("name only the oldest letter has", LetterFilters(q="natonis")),
            ("name nobody has (whole table)", LetterFilters(q="zzzz")),
            ("masked NIK, common", LetterFilters(q=f"{common_nik[:6]}******{common_nik[12:]}")),
            ("NIK's last digits, rare", LetterFilters(q=rare_nik[12:])),
            ("full NIK, rare", LetterFilters(q=rare_nik)),
            (
                "expiring within 14 days",
                LetterFilters(
                    status=LetterStatus.valid,
                    valid_until_from=today,
                    valid_until_to=today + timedelta(days=14),
                ),
            ),
        ]
        for label, filters in cases:
            _time(factory, label, filters, args.rounds)
        engine.dispose()


if __name__ == "__main__":
    main()
