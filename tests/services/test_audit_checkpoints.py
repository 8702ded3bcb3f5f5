"""Signed checkpoints: an anchor outside the database that a rewritten log no longer matches."""

from __future__ import annotations

import json
import stat
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.db import session_scope
from app.housekeeping import Housekeeper
from app.models import AuditEvent
from app.services import audit
from app.services.audit_checkpoints import (
    AuditChainBroken,
    load_checkpoints,
    write_checkpoint,
)
from app.services.signer import load_signer
from tests.services.test_audit_chain import _entries, _rehash_all, _tamper, _verify


@pytest.fixture
def signer(settings):  # type: ignore[no-untyped-def]
    return load_signer(settings)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "checkpoints" / "audit-checkpoints.jsonl"


def _checkpoint(sessionmaker_, signer, path):  # type: ignore[no-untyped-def]
    with session_scope(sessionmaker_) as session:
        return write_checkpoint(session, signer=signer, path=path)


def _verify_with(sessionmaker_, signer, path):  # type: ignore[no-untyped-def]
    loaded = load_checkpoints(path, signer=signer)
    assert loaded.problems == []
    return _verify(sessionmaker_, checkpoints=loaded.checkpoints)


def test_checkpoint_is_a_private_signed_line_per_new_head(sessionmaker_, signer, path) -> None:
    _entries(sessionmaker_, 5)
    first = _checkpoint(sessionmaker_, signer, path)
    assert first is not None and first.seq == 5
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _checkpoint(sessionmaker_, signer, path) is None  # nothing new: no second line
    _entries(sessionmaker_, 2)
    assert _checkpoint(sessionmaker_, signer, path).seq == 7  # type: ignore[union-attr]
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["seq"] for line in lines] == [5, 7]
    assert set(lines[0]) == {"seq", "sha256", "time", "certificate_sha256", "signature"}
    assert lines[0]["certificate_sha256"] == signer.certificate_sha256
    loaded = load_checkpoints(path, signer=signer)
    assert loaded.problems == [] and len(loaded.checkpoints) == 2
    assert _verify_with(sessionmaker_, signer, path).intact


def test_cut_tail_with_head_rewound_is_caught(sessionmaker_, engine, signer, path) -> None:
    _entries(sessionmaker_, 10)
    _checkpoint(sessionmaker_, signer, path)
    with session_scope(sessionmaker_) as session:
        sha6 = session.scalar(select(AuditEvent.sha256).where(AuditEvent.chain_seq == 6))
    _tamper(
        engine,
        "DELETE FROM audit_events WHERE chain_seq > 6",
        "UPDATE audit_chain_head SET last_seq = 6, last_sha256 = :s",
        s=sha6,
    )
    assert _verify(sessionmaker_).intact  # the database alone cannot tell
    report = _verify_with(sessionmaker_, signer, path)
    assert report.first_broken_seq == 10
    assert report.problem is not None
    assert "entry 10, signed by the checkpoint of" in report.problem
    assert "(line 1), is gone (the chain ends at entry 6)" in report.problem


def test_rehashed_chain_after_a_checkpoint_is_caught(sessionmaker_, engine, signer, path) -> None:
    _entries(sessionmaker_, 10)
    _checkpoint(sessionmaker_, signer, path)
    _tamper(engine, "UPDATE audit_events SET target = 'someone else' WHERE chain_seq = 2")
    _rehash_all(sessionmaker_, engine)
    assert _verify(sessionmaker_).intact
    report = _verify_with(sessionmaker_, signer, path)
    assert report.first_broken_seq == 10
    assert report.problem is not None
    assert report.problem.startswith("entry 10 is not the one the checkpoint of")


def test_wiped_table_is_caught(sessionmaker_, engine, signer, path) -> None:
    _entries(sessionmaker_, 4)
    _checkpoint(sessionmaker_, signer, path)
    _tamper(engine, "DELETE FROM audit_events", "DELETE FROM audit_chain_head")
    assert _verify(sessionmaker_).intact
    report = _verify_with(sessionmaker_, signer, path)
    assert not report.intact
    assert report.problem is not None and "entry 4, signed by" in report.problem


def test_altered_or_garbled_checkpoint_lines_are_reported(sessionmaker_, signer, path) -> None:
    _entries(sessionmaker_, 3)
    _checkpoint(sessionmaker_, signer, path)
    line = json.loads(path.read_text())
    forged = {**line, "seq": 2}
    with path.open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
        handle.write("{not json\n")
        handle.write(json.dumps({**line, "certificate_sha256": "ab" * 32}) + "\n")
        handle.write(json.dumps({**line, "signature": "%%%"}) + "\n")
    loaded = load_checkpoints(path, signer=signer)
    assert len(loaded.checkpoints) == 1
    assert loaded.problems[0].endswith(
        "(line 2) does not carry a valid signature of the office's key: it was altered or forged"
    )
    assert loaded.problems[1] == "line 3 of the checkpoint file is not a checkpoint"
    assert "was signed with another certificate" in loaded.problems[2]
    assert "(line 5) does not carry a valid signature" in loaded.problems[3]


def test_no_checkpoint_is_signed_over_a_broken_chain(sessionmaker_, engine, signer, path) -> None:
    _entries(sessionmaker_, 3)
    _checkpoint(sessionmaker_, signer, path)
    _entries(sessionmaker_, 3)
    _tamper(engine, "UPDATE audit_events SET action = 'x' WHERE chain_seq = 5")
    with pytest.raises(AuditChainBroken, match="entry 5 was changed"):
        _checkpoint(sessionmaker_, signer, path)
    assert len(path.read_text().splitlines()) == 1


def test_workers_checkpointing_together_write_whole_lines(sessionmaker_, signer, path) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(5):
                with session_scope(sessionmaker_) as session:
                    audit.record(session, actor=None, action="resident.read", target=f"{n}/{i}")
                with session_scope(sessionmaker_) as session:
                    audit.seal_pending(session)
                _checkpoint(sessionmaker_, signer, path)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    loaded = load_checkpoints(path, signer=signer)
    assert loaded.problems == []
    assert [c.seq for c in loaded.checkpoints] == sorted(c.seq for c in loaded.checkpoints)
    assert loaded.checkpoints[-1].seq == 20
    assert _verify_with(sessionmaker_, signer, path).intact


def test_housekeeper_signs_checkpoints_on_its_schedule(sessionmaker_, signer, path) -> None:
    _entries(sessionmaker_, 2)
    keeper = Housekeeper(
        sessionmaker_,
        interval=0.01,
        checkpoint=lambda s: write_checkpoint(s, signer=signer, path=path),
        checkpoint_every=0.05,
    )
    keeper.start()
    deadline = time.monotonic() + 10
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    keeper.stop()
    assert [c.seq for c in load_checkpoints(path, signer=signer).checkpoints] == [2]
    off = Housekeeper(sessionmaker_, checkpoint=lambda s: 1 / 0, checkpoint_every=0)
    assert off.checkpoint_if_due() is False


def test_a_partial_last_line_stays_apart(sessionmaker_, signer, path) -> None:
    _entries(sessionmaker_, 1)
    path.parent.mkdir(parents=True)
    path.write_text('{"seq": 1, "sha')  # a crash in the middle of a write
    written = _checkpoint(sessionmaker_, signer, path)
    assert written is not None and written.line == 2
    loaded = load_checkpoints(path, signer=signer)
    assert [c.seq for c in loaded.checkpoints] == [1]
    assert loaded.problems == ["line 1 of the checkpoint file is not a checkpoint"]


def test_checkpoint_of_the_empty_chain(sessionmaker_, engine, signer, path) -> None:
    written = _checkpoint(sessionmaker_, signer, path)
    assert written is not None and written.seq == 0
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar_one() == 0
    assert _verify_with(sessionmaker_, signer, path).intact
