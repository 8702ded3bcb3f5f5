"""The checkpoint file's signed bytes, lines and sentences, pinned exactly (issue 16: the
mutation pass's survivors)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from app.services.audit_checkpoints import (
    AuditChainBroken,
    CheckpointFile,
    list_checkpoints,
    load_checkpoints,
    signed_bytes,
)
from app.services.signer import load_signer
from tests.services.test_audit_chain import _entries, _tamper
from tests.services.test_audit_checkpoints import _checkpoint


@pytest.fixture
def signer(settings):  # type: ignore[no-untyped-def]
    return load_signer(settings)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "checkpoints" / "audit-checkpoints.jsonl"


def test_signed_bytes_are_the_context_and_canonical_json() -> None:
    """What a signature covers: another program checking a checkpoint builds these bytes."""
    assert signed_bytes(
        seq=7, sha256="c" * 64, time="2026-01-02T03:04:05+00:00", certificate_sha256="d" * 64
    ) == (
        b"skk-audit-checkpoint/1\n"
        b'{"certificate_sha256":"' + b"d" * 64 + b'","seq":7,"sha256":"' + b"c" * 64 + b'",'
        b'"time":"2026-01-02T03:04:05+00:00"}'
    )


def _one(sessionmaker_, signer, path) -> dict:  # type: ignore[no-untyped-def]
    _entries(sessionmaker_, 3)
    checkpoint = _checkpoint(sessionmaker_, signer, path)
    line = path.read_text()
    # Compact JSON, one object a line.
    assert line == json.dumps(checkpoint.as_json(), separators=(",", ":")) + "\n"
    return json.loads(line)


def _sentences(signer, path, *lines: str) -> CheckpointFile:  # type: ignore[no-untyped-def]
    path.write_bytes(b"".join(line.encode() + b"\n" for line in lines))
    return load_checkpoints(path, signer=signer)


def test_each_bad_line_is_named_in_its_own_sentence(sessionmaker_, signer, path) -> None:
    good = _one(sessionmaker_, signer, path)
    label = f"the checkpoint of {good['time']} (line"
    # A valid signature with a character base64 does not have: not decoded leniently.
    sig = good["signature"]
    lines = [
        "{not json",
        json.dumps({**good, "seq": -1}),
        json.dumps({**good, "seq": True}),
        json.dumps({**good, "certificate_sha256": "0123456789abcdef" + "f" * 48}),
        json.dumps({**good, "signature": sig[:8] + "*" + sig[8:]}),
        json.dumps({**good, "signature": ""}),
        "  ",  # a blank line is skipped, not the end
        json.dumps(good),
    ]
    loaded = _sentences(signer, path, *lines)
    assert [c.line for c in loaded.checkpoints] == [8]
    forged = "does not carry a valid signature of the office's key: it was altered or forged"
    assert loaded.problems == [
        "line 1 of the checkpoint file is not a checkpoint",
        "line 2 of the checkpoint file is not a checkpoint",
        "line 3 of the checkpoint file is not a checkpoint",
        f"{label} 4) was signed with another certificate (0123456789abcdef...) than the "
        "office's current one; it cannot be checked with this key",
        f"{label} 5) {forged}",
        f"{label} 6) {forged}",
    ]
    assert base64.b64decode(sig, validate=True)  # the line-8 signature is the real one


def test_bytes_that_are_not_utf8_are_a_line_that_is_not_a_checkpoint(
    sessionmaker_,
    signer,
    path,
) -> None:
    good = _one(sessionmaker_, signer, path)
    path.write_bytes(b'{"seq": \xff\xfe}\n' + json.dumps(good).encode() + b"\n")
    loaded = load_checkpoints(path, signer=signer)
    assert [c.line for c in loaded.checkpoints] == [2]
    assert loaded.problems == ["line 1 of the checkpoint file is not a checkpoint"]
    page, _ = list_checkpoints(path, limit=5, cursor=0)
    assert [c.line for c in page] == [2]


def test_a_missing_file_holds_no_checkpoints(tmp_path: Path, signer) -> None:
    assert load_checkpoints(tmp_path / "none.jsonl", signer=signer) == CheckpointFile([], [])


def test_an_unreadable_file_is_a_sentence(tmp_path: Path, signer) -> None:
    assert load_checkpoints(tmp_path, signer=signer) == CheckpointFile(
        [], [f"the checkpoint file {tmp_path} cannot be read (Is a directory)"]
    )


def test_a_signed_checkpoint_that_no_longer_matches_is_refused_in_a_sentence(
    sessionmaker_,
    engine,
    signer,
    path,
) -> None:
    """Only the entries since the last checkpoint are walked, from its own hash."""
    _one(sessionmaker_, signer, path)
    _entries(sessionmaker_, 2)
    _tamper(engine, "UPDATE audit_events SET sha256 = :s WHERE chain_seq = 3", s="7" * 64)
    with pytest.raises(AuditChainBroken) as caught:
        _checkpoint(sessionmaker_, signer, path)
    assert caught.value.args[0] == (
        "The audit chain is broken (entry 3 is gone or was changed); no checkpoint was signed. "
        "Run `skk audit verify` and find out who changed the log."
    )


def test_an_edit_before_the_last_checkpoint_is_left_to_the_full_walk(
    sessionmaker_,
    engine,
    signer,
    path,
) -> None:
    _one(sessionmaker_, signer, path)
    _entries(sessionmaker_, 2)
    _tamper(engine, "UPDATE audit_events SET action = 'x' WHERE chain_seq = 1")
    assert _checkpoint(sessionmaker_, signer, path).seq == 5  # type: ignore[union-attr]


def _listed(file: Path, *, limit: int, cursor: int) -> tuple[list[int], int | None]:
    page, after = list_checkpoints(file, limit=limit, cursor=cursor)
    return [c.line for c in page], after


def test_listing_pages_through_the_checkpoints_skipping_other_lines(
    sessionmaker_,
    signer,
    path,
) -> None:
    good = json.dumps(_one(sessionmaker_, signer, path))
    # Lines 1..8: checkpoints on 1, 2, 4, 5, 7, 8.
    path.write_text("\n".join([good, good, "junk", good, good, "junk", good, good]) + "\n")
    assert _listed(path, limit=3, cursor=0) == ([1, 2, 4], 4)
    assert _listed(path, limit=3, cursor=4) == ([5, 7, 8], None)
    assert _listed(path, limit=2, cursor=2) == ([4, 5], 5)
    assert _listed(path, limit=10, cursor=1) == ([2, 4, 5, 7, 8], None)
    page, _ = list_checkpoints(path, limit=1, cursor=0)
    assert page[0].as_json() == json.loads(good)
    assert _listed(path.with_name("none.jsonl"), limit=3, cursor=0) == ([], None)
