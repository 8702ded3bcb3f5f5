"""Benchmark letter issue.

Part 1 (one thread, SQLite): render alone, sign alone, and the whole issue through the service
layer (eligibility, number, render, sign, store, audit, commit); median and p95.

Part 2 (`--throughput`): letters per second with C clients issuing at once through the
service layer, each issue in a transaction of its own as the API's worker threads do, for each
signer: the local key (pkcs12), a SoftHSM2 token (pkcs11), and the BSrE stand-in
(tests/signing/bsre_standin.py, a loopback gateway that signs with pyHanko) answering at once
and after 200 ms. Each figure is the median of `--rounds` rounds. Run it on PostgreSQL
(`--postgres URL`): on SQLite one letter is issued at a time whatever the signer.

Usage: .venv/bin/python bench/letters.py [N] [--throughput] [--clients C] [--letters L]
       [--rounds R] [--postgres URL]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.cli import initialise  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db import make_engine, make_sessionmaker, session_scope  # noqa: E402
from app.documents.render import render_letter  # noqa: E402
from app.models import Resident  # noqa: E402
from app.schemas.common import Role  # noqa: E402
from app.schemas.resident import ResidentCreate  # noqa: E402
from app.services import letters as letters_service  # noqa: E402
from app.services.access import Principal  # noqa: E402
from app.services.letters import issue_letter, letter_content  # noqa: E402
from app.services.residents import create_resident  # noqa: E402
from app.services.signer import load_signer  # noqa: E402
from bench._databases import POSTGRES_HELP, database  # noqa: E402
from tests.factories import resident_payload  # noqa: E402
from tests.signing.bsre_standin import STANDIN_NIK, STANDIN_PASSPHRASE, StandIn, running  # noqa: E402

ACTOR = Principal(key_id=None, name="bench", role=Role.operator)


def summary(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    median = statistics.median(ordered)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    print(f"{label:<32} n={len(samples):>4}  median {median:6.2f} ms  p95 {p95:6.2f} ms")


def _residents(factory: Any, n: int) -> list[str]:
    with session_scope(factory) as session:
        return [
            create_resident(
                session, data=ResidentCreate.model_validate(resident_payload()), actor=ACTOR
            ).resident.nik
            for _ in range(n)
        ]


def _issue(factory: Any, settings: Settings, signer: Any, nik: str) -> Any:
    with session_scope(factory) as session:
        return issue_letter(
            session,
            nik=nik,
            purpose="Pembukaan rekening bank",
            supersede=False,
            supersede_reason=None,
            actor=ACTOR,
            settings=settings,
            signer=signer,
        )


def one_thread(n: int) -> None:
    """Part 1: the costs of one issue, on SQLite, with the development key."""
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
    niks = _residents(factory, n)

    issue_ms, letters = [], []
    for nik in niks:
        started = time.perf_counter()
        letters.append(_issue(factory, settings, signer, nik))
        issue_ms.append((time.perf_counter() - started) * 1000)

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


@contextmanager
def _signer(kind: str, settings: Settings) -> Iterator[tuple[Any, Settings]]:
    """The signer of one backend, with the settings that go with it."""
    if kind == "pkcs12":
        yield load_signer(settings), settings
        return
    if kind == "pkcs11":
        # A fresh SoftHSM2 token (Debian softhsm2) with the test key, as tests/signing uses.
        from tests.signing.softhsm import KEY_LABEL, TOKEN_LABEL, USER_PIN, make_softhsm_token

        token = make_softhsm_token(settings.data_dir / "softhsm")
        own = Settings.model_validate(
            {
                **settings.model_dump(),
                "signer": "pkcs11",
                "pkcs11_module": token.module,
                "pkcs11_token_label": TOKEN_LABEL,
                "pkcs11_key_label": KEY_LABEL,
                "pkcs11_pin": USER_PIN,
            }
        )
        yield load_signer(own), own
        return
    latency = {"bsre-0ms": 0.0, "bsre-200ms": 0.2}[kind]
    with running(StandIn(latency=latency)) as standin:
        bsre = Settings.model_validate(
            {
                **settings.model_dump(exclude={"bsre_password", "bsre_passphrase"}),
                "signer": "bsre",
                "bsre_url": standin.base_url,
                "bsre_user": standin.user,
                "bsre_password": standin.password,
                "bsre_nik": STANDIN_NIK,
                "bsre_passphrase": STANDIN_PASSPHRASE,
            }
        )
        signer = load_signer(bsre)
        try:
            yield signer, bsre
        finally:
            signer.close()  # type: ignore[attr-defined]


def _round(factory: Any, settings: Settings, signer: Any, *, clients: int, letters: int) -> float:
    """Letters per second of one round: `letters` issues by `clients` threads at once."""
    niks = _residents(factory, letters)
    start = threading.Barrier(clients + 1)
    chunks = [niks[i::clients] for i in range(clients)]

    def client(chunk: list[str]) -> None:
        start.wait()
        for nik in chunk:
            _issue(factory, settings, signer, nik)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        done = [pool.submit(client, chunk) for chunk in chunks]
        start.wait()
        began = time.perf_counter()
        for future in done:
            future.result()
        elapsed = time.perf_counter() - began
    return letters / elapsed


def throughput(
    *,
    clients: int,
    letters: int,
    rounds: int,
    postgres: str | None,
    kinds: tuple[str, ...] = ("pkcs12", "pkcs11", "bsre-0ms", "bsre-200ms"),
) -> None:
    """Part 2: letters/s per signer with `clients` clients at once (pkcs11: a SoftHSM2 token,
    skipped where softhsm2-util is not installed)."""
    if shutil.which("softhsm2-util") is None:
        kinds = tuple(k for k in kinds if k != "pkcs11")
    tmp = Path(tempfile.mkdtemp(prefix="skk-bench-"))
    with database("letters", postgres=postgres, sqlite=tmp / "bench.db") as url:
        settings = Settings(database_url=url, data_dir=tmp, _env_file=None)  # type: ignore[call-arg]
        initialise(settings)
        engine = make_engine(url, pool_size=clients + 2, max_overflow=4)
        factory = make_sessionmaker(engine)
        where = "PostgreSQL" if postgres else "SQLite"
        if letters_service._own_transaction(factory()) is None and postgres:
            where += ", the counter locked while signing (as before 0011)"
        print(f"\nletters/s, {clients} clients at once, {letters} letters a round, {where}")
        for kind in kinds:
            with _signer(kind, settings) as (signer, own):
                _round(factory, own, signer, clients=clients, letters=clients)  # warm up
                rates = [
                    _round(factory, own, signer, clients=clients, letters=letters)
                    for _ in range(rounds)
                ]
            print(
                f"{kind:<12} median {statistics.median(rates):7.1f} letters/s   "
                f"rounds: {', '.join(f'{r:.1f}' for r in rates)}"
            )
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", nargs="?", type=int, default=300, help="letters of part 1")
    parser.add_argument("--throughput", action="store_true", help="part 2 only")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--letters", type=int, default=80, help="letters a round (part 2)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", help=POSTGRES_HELP)
    parser.add_argument(
        "--counter-locked-while-signing",
        action="store_true",
        help="for comparison: reserve the number in the issuing transaction, as before "
        "migration 0011, so the year's counter stays locked until the letter is stored",
    )
    args = parser.parse_args()
    if args.counter_locked_while_signing:
        letters_service._own_transaction = lambda session: None
    if not args.throughput:
        one_thread(args.n)
        return
    throughput(
        clients=args.clients, letters=args.letters, rounds=args.rounds, postgres=args.postgres
    )


if __name__ == "__main__":
    main()
