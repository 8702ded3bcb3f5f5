"""Benchmark letter issue: render alone, sign alone, and the whole issue through the service
layer on SQLite (eligibility, number, render, sign, store, audit, commit). Prints median and p95.

Usage: .venv/bin/python bench/letters.py [N]   (default 300)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.cli import initialise  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db import make_engine, make_sessionmaker, session_scope  # noqa: E402
from app.documents.render import render_letter  # noqa: E402
from app.models import Resident  # noqa: E402
from app.schemas.common import Role  # noqa: E402
from app.schemas.resident import ResidentCreate  # noqa: E402
from app.services.access import Principal  # noqa: E402
from app.services.letters import issue_letter, letter_content  # noqa: E402
from app.services.residents import create_resident  # noqa: E402
from app.services.signer import load_signer  # noqa: E402
from tests.factories import resident_payload  # noqa: E402


def summary(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    median = statistics.median(ordered)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"{label:<32} n={len(samples):>4}  median {median:6.2f} ms  p95 {p95:6.2f} ms")


def main(n: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="skk-bench-"))
    settings = Settings(
        database_url=f"sqlite:///{tmp / 'bench.db'}",
        data_dir=tmp,
        _env_file=None,  # type: ignore[call-arg]
    )
    initialise(settings)
    signer = load_signer(settings)
    engine = make_engine(settings.database_url)
    factory = make_sessionmaker(engine)
    actor = Principal(key_id=None, name="bench", role=Role.operator)

    with session_scope(factory) as session:
        niks = [
            create_resident(
                session, data=ResidentCreate.model_validate(resident_payload()), actor=actor
            ).resident.nik
            for _ in range(n)
        ]

    issue_ms, letters = [], []
    for nik in niks:
        started = time.perf_counter()
        with session_scope(factory) as session:
            letter = issue_letter(
                session,
                nik=nik,
                purpose="Pembukaan rekening bank",
                supersede=False,
                supersede_reason=None,
                actor=actor,
                settings=settings,
                signer=signer,
            )
        issue_ms.append((time.perf_counter() - started) * 1000)
        letters.append(letter)

    # Render and sign alone, on the same contents, measured separately.
    render_ms, sign_ms = [], []
    with session_scope(factory) as session:
        contents = [
            letter_content(
                session,
                session.get_one(Resident, letter.resident_id),
                number=letter.number,
                token=letter.verification_token,
                issued_on=letter.valid_from,
                valid_until=letter.valid_until,
                purpose=letter.purpose,
                settings=settings,
                development=signer.development,
            )
            for letter in letters
        ]
    for content in contents:
        started = time.perf_counter()
        pdf = render_letter(content)
        render_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        signer.sign(pdf)
        sign_ms.append((time.perf_counter() - started) * 1000)

    print(f"letters: {n}, SQLite, one thread, development key (ECDSA P-256)")
    summary("render alone", render_ms)
    summary("sign alone", sign_ms)
    summary("whole issue (service layer)", issue_ms)
    engine.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
