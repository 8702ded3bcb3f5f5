"""Benchmark of the recording statistics on a Kota Kupang-sized SQLite or PostgreSQL database.

Two populations, each built once into a cached SQLite file, or with --postgres into a fresh
database on that server, built for the run and dropped at the end (schema by the migrations, rows
by executemany, no ANALYZE: as a fresh `skk init` database would be):

- `synthetic` (default): 436,000 residents over the 51 kelurahan, about 570,000 recording
  events from October 2011 to today, with the 2013-2018 card-blank backlog: for 2016-10-13
  some 165,000 wajib KTP residents have changed status since, the hard case for a past day.
- `kupang-2016`: the `skk demo kupang-2016` population (436,046 residents, 1.27 million
  events, all before 13 October 2016); also checks the published figures for that day.

Prints the median of --runs calls for `as_of` today and 2016-10-13, per grouping, through the
service and through HTTP (JSON, group_by=kelurahan).

    .venv/bin/python bench/recording_statistics.py [--population synthetic|kupang-2016]
        [--rebuild] [--postgres URL]

A benchmark, not a test: it prints figures and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

from _databases import POSTGRES_HELP, database, describe
from sqlalchemy import func, insert, inspect, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient  # noqa: E402

from app.config import Settings  # noqa: E402
from app.db import make_engine, make_sessionmaker, session_scope  # noqa: E402
from app.demo import kupang2016  # noqa: E402
from app.domain.recording import FOLLOW_UP, PIPELINE  # noqa: E402
from app.main import create_app  # noqa: E402
from app.migrate import upgrade_to_head  # noqa: E402
from app.models import RecordingEvent, Region, Resident  # noqa: E402
from app.schemas.common import Role  # noqa: E402
from app.services.access import SYSTEM  # noqa: E402
from app.services.keys import create_key  # noqa: E402
from app.services.regions import load_regions  # noqa: E402
from app.services.statistics import recording_statistics  # noqa: E402

RESIDENTS = 436_000
PAST = date(2016, 10, 13)
START = datetime(2011, 10, 1, tzinfo=UTC)
SEED = 2016
MASS_END = datetime(2013, 12, 31, tzinfo=UTC)
BACKLOG_FROM = datetime(2013, 1, 1, tzinfo=UTC)
BACKLOG_UNTIL = datetime(2019, 1, 1, tzinfo=UTC)
CHUNK = 20_000

_PIPELINE = [s.value for s in PIPELINE[1:]]
_FOLLOW_UP = sorted(s.value for s in FOLLOW_UP)
_NAMES = ("MARIA", "YOHANES", "AGUSTINUS", "FRANSISKA", "YOSEFINA", "PETRUS", "ELISABETH")
_SURNAMES = ("NDUN", "BENU", "TAOLIN", "MANAFE", "LAY", "FANGGIDAE", "NALLE", "TOY", "SELAN")


def _history(rnd: random.Random, t: datetime) -> list[tuple[str, datetime]]:
    """Recording steps from a first capture at t; cards waited years in the blank shortage."""
    backlog = BACKLOG_FROM <= t < BACKLOG_UNTIL
    r = rnd.random()
    steps = ["bio_captured"]
    if r < 0.06:
        steps.append(rnd.choice(_FOLLOW_UP))
    elif r < 0.25:
        pass
    elif r < 0.40:
        steps.append(rnd.choice(_PIPELINE[1:-1]))
    else:
        if rnd.random() < 0.3:
            steps.append("print_ready_record")
        steps.append("card_issued")
    out = [(steps[0], t)]
    for status in steps[1:]:
        t += timedelta(days=rnd.randint(14, 1500) if backlog else rnd.randint(3, 120),
                       seconds=rnd.randint(0, 86_399))  # fmt: skip
        out.append((status, t))
    return out


def _rows(kelurahan: list[str], today: date) -> tuple[list[dict], list[dict]]:
    """Residents and events, deterministic for the seed."""
    rnd = random.Random(SEED)
    now = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    created = datetime(2011, 1, 1, tzinfo=UTC)
    residents: list[dict] = []
    events: list[dict] = []
    for rid in range(1, RESIDENTS + 1):
        kel = kelurahan[rid % len(kelurahan)]
        birth = date(1936, 1, 1) + timedelta(days=int(rnd.random() * 90 * 365))
        adult = birth <= today.replace(year=today.year - 17)
        married = adult and rnd.random() < 0.6 or rnd.random() < 0.005
        wna = rnd.random() < 0.003
        residency = "active"
        r = rnd.random()
        if r < 0.02:
            residency = "moved_out"
        elif r < 0.03:
            residency = "deceased"
        status, status_at = "unregistered", None
        if adult and rnd.random() < 0.8:
            # First capture: not before the programme, nor (much) before the 17th birthday;
            # almost half of those who could came in the 2011-2013 mass recording.
            seventeen = datetime(birth.year + 17, birth.month, min(birth.day, 28), tzinfo=UTC)
            lo = max(START, seventeen - timedelta(days=30))
            hi = MASS_END if lo < MASS_END and rnd.random() < 0.45 else now
            t = lo + timedelta(seconds=rnd.random() * (hi - lo).total_seconds() * 0.99)
            for step in _history(rnd, t):
                if step[1] >= now:
                    break  # still waiting today
                events.append({"resident_id": rid, "status": step[0], "occurred_at": step[1],
                               "source": "import", "recorded_at": step[1]})  # fmt: skip
                status, status_at = step
        sex = "perempuan" if rid % 2 else "laki_laki"
        residents.append(
            {
                "id": rid,
                "nik": f"537104{rid:010d}",
                "kk_number": f"537104{rid // 4:010d}",
                "full_name": f"{rnd.choice(_NAMES)} {rnd.choice(_SURNAMES)}",
                "birth_place": "KUPANG",
                "birth_date": birth,
                "sex": sex,
                "blood_type": "O",
                "religion": "kristen",
                "marital_status": "kawin" if married else "belum_kawin",
                "occupation": "WIRASWASTA" if adult else "PELAJAR/MAHASISWA",
                "citizenship": "WNA" if wna else "WNI",
                "has_itap": wna and rnd.random() < 0.5,
                "address": f"JL. EL TARI NO. {rid % 150 + 1}",
                "rt": f"{rid % 20 + 1:03d}",
                "rw": f"{rid % 5 + 1:03d}",
                "kelurahan_code": kel,
                "kecamatan_code": kel[:8],
                "residency_status": residency,
                "recording_status": status,
                "recording_status_at": status_at,
                "version": 1,
                "created_at": created,
                "updated_at": created,
            }
        )
    return residents, events


def _demo_rows(office_zone: tzinfo) -> tuple[list[dict], list[dict]]:
    """The kupang-2016 demo population as rows; its times are office (WITA) times."""
    residents: list[dict] = []
    events: list[dict] = []
    created = datetime(2016, 10, 13, tzinfo=UTC)
    for rid, person in enumerate(kupang2016.generate(), start=1):
        row = {k: getattr(person, k) for k in person.__slots__ if k != "recording_events"}
        last = None
        for status, at in person.recording_events:
            last = at.replace(tzinfo=office_zone)
            events.append({"resident_id": rid, "status": status, "occurred_at": last,
                           "source": "demo", "recorded_at": last})  # fmt: skip
        row.update(id=rid, kecamatan_code=person.kelurahan_code[:8], recording_status_at=last,
                   version=1, created_at=created, updated_at=created)  # fmt: skip
        residents.append(row)
    return residents, events


def _built(url: str) -> bool:
    """Whether the database at url already holds a population (a cached SQLite file)."""
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table("residents"):
            return False
        with engine.connect() as conn:
            return bool(conn.scalar(select(func.count()).select_from(Resident)))
    finally:
        engine.dispose()


def build(settings: Settings, population: str) -> None:
    """Fill the empty benchmark database of settings."""
    engine = make_engine(settings.database_url)
    upgrade_to_head(engine)
    factory = make_sessionmaker(engine)
    with session_scope(factory) as session:
        load_regions(session)
        kelurahan = list(
            session.scalars(
                select(Region.code)
                .where(Region.level == "kelurahan_desa", Region.code.startswith("53.71."))
                .order_by(Region.code)
            )
        )
    if population == "kupang-2016":
        residents, events = _demo_rows(settings.office_zone)
    else:
        residents, events = _rows(kelurahan, date.today())
    with engine.begin() as conn:
        for i in range(0, len(residents), CHUNK):
            conn.execute(insert(Resident), residents[i : i + CHUNK])
        for i in range(0, len(events), CHUNK):
            conn.execute(insert(RecordingEvent), events[i : i + CHUNK])
    engine.dispose()


def _median_ms(call, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--population", choices=("synthetic", "kupang-2016"), default="synthetic")
    parser.add_argument(
        "--db", type=Path, help="default: /tmp/skk-bench-statistics-<population>.db"
    )
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--postgres", metavar="URL", help=POSTGRES_HELP)
    args = parser.parse_args()
    db: Path = args.db or Path(f"/tmp/skk-bench-statistics-{args.population}.db")
    name = f"statistics-{args.population}"
    with database(name, postgres=args.postgres, sqlite=db, fresh=args.rebuild) as url:
        run(url, args.population, args.runs)


def run(url: str, population: str, runs: int) -> None:
    """Build the population at url if it is not there yet, then time the statistics."""
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(database_url=url, data_dir=Path(data_dir),
                            _env_file=None)  # type: ignore[call-arg]  # fmt: skip
        _run(settings, population, runs)


def _run(settings: Settings, population: str, runs: int) -> None:
    url = settings.database_url
    if not _built(url):
        t0 = time.perf_counter()
        build(settings, population)
        print(f"built {describe(url)} in {time.perf_counter() - t0:.0f} s")
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    with session_scope(factory) as session:
        n_res = session.scalar(select(func.count()).select_from(Resident))
        n_ev = session.scalar(select(func.count()).select_from(RecordingEvent))
        key = create_key(session, name="bench", role=Role.auditor, kelurahan_code=None).secret
    print(f"{population} on {describe(url)}: residents {n_res:,}, recording events {n_ev:,}")
    if population == "kupang-2016":
        with session_scope(factory) as session:
            (kota,) = recording_statistics(
                session, group_by="kota", as_of=PAST, actor=SYSTEM, settings=settings
            )
        print(f"on {PAST}: wajib KTP {kota.wajib_ktp:,}, recorded {kota.recorded:,}, "
              f"not recorded {kota.not_recorded:,} "
              "(published: 411,046 / 219,402 / 191,644)")  # fmt: skip
    for as_of in (None, PAST):
        label = "today" if as_of is None else as_of.isoformat()
        for group_by in ("kota", "kecamatan", "kelurahan"):

            def call(as_of: date | None = as_of, group_by: str = group_by) -> None:
                with session_scope(factory) as session:
                    recording_statistics(
                        session,
                        group_by=group_by,
                        as_of=as_of,
                        actor=SYSTEM,
                        settings=settings,
                    )

            print(f"service  as_of={label:<10} group_by={group_by:<9} "
                  f"median of {runs}: {_median_ms(call, runs):6.1f} ms")  # fmt: skip
    engine.dispose()

    with TestClient(create_app(settings)) as client:
        headers = {"Authorization": f"Bearer {key}"}
        for as_of in (None, PAST):
            label = "today" if as_of is None else as_of.isoformat()
            params = {"group_by": "kelurahan"} | ({"as_of": str(as_of)} if as_of else {})

            def get(params: dict = params) -> None:
                response = client.get(
                    "/api/v1/statistics/recording", params=params, headers=headers
                )
                response.raise_for_status()

            print(f"HTTP     as_of={label:<10} group_by=kelurahan "
                  f"median of {runs}: {_median_ms(get, runs):6.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
