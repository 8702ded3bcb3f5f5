"""Benchmark letter issue: render alone, sign alone, and the whole issue through the service
layer on SQLite (eligibility, number, render, sign, store, audit, commit). Prints median and p95.

Usage: .venv/bin/python bench/letters.py [N] [--softhsm]   (default 300)

The signer is the one the SKK_ settings choose (SKK_SIGNER, SKK_SIGNING_P12, SKK_PKCS11_*,
SKK_TSA_URL...), the development key by default; --softhsm makes a SoftHSM2 token (Debian
softhsm2) and signs with SKK_SIGNER=pkcs11 through it.
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


def softhsm_settings(tmp: Path) -> dict[str, object]:
    """SKK_SIGNER=pkcs11 through a fresh SoftHSM2 token."""
    from tests.signing.softhsm import KEY_LABEL, TOKEN_LABEL, USER_PIN, make_softhsm_token

    token = make_softhsm_token(tmp / "softhsm")
    return {
        "signer": "pkcs11",
        "pkcs11_module": token.module,
        "pkcs11_token_label": TOKEN_LABEL,
        "pkcs11_key_label": KEY_LABEL,
        "pkcs11_pin": USER_PIN,
    }


def main(n: int, *, softhsm: bool = False) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="skk-bench-"))
    settings = Settings(
        database_url=f"sqlite:///{tmp / 'bench.db'}",
        data_dir=tmp,
        _env_file=None,  # type: ignore[call-arg]
        **(softhsm_settings(tmp) if softhsm else {}),  # type: ignore[arg-type]
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
    issuing_started = time.perf_counter()
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

    issue_seconds = time.perf_counter() - issuing_started

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

    key = "development key" if signer.development else signer.subject
    print(f"letters: {n}, SQLite, one thread, SKK_SIGNER={settings.signer} ({key})")
    summary("render alone", render_ms)
    summary("sign alone", sign_ms)
    summary("whole issue (service layer)", issue_ms)
    print(f"{'letters/s (whole issue)':<32} {n / issue_seconds:6.1f}")
    engine.dispose()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--softhsm"]
    main(int(args[0]) if args else 300, softhsm="--softhsm" in sys.argv[1:])
