"""Signed checkpoints of the audit chain, kept in a file outside the database.

The hash chain alone shows an edit only to someone who cannot recompute it: whoever may write
the table may also re-hash it, cut its tail and rewind the head. A checkpoint is the head
(seq, hash, time) signed with the office's key and appended to a file the database does not
hold; `verify_chain` then fails at the first checkpointed entry that is gone or different.
Copies of the file held elsewhere (GET /api/v1/audit-checkpoints) show a rewrite even when
the file on this host is rewritten too.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import Session

from app.documents.signing import LetterSigner
from app.errors import Conflict, problem_text
from app.models._types import utcnow
from app.services import audit

# Signed together with the fields: a checkpoint signature can never pass for another use of
# the office's key, nor another use's for a checkpoint.
_CONTEXT = b"skk-audit-checkpoint/1\n"
_FIELDS = ("seq", "sha256", "time", "certificate_sha256")


class AuditChainBroken(Conflict):
    """The chain is broken, so no checkpoint is signed: a signature would bless the break."""

    code = "audit_chain_broken"


@dataclass(frozen=True)
class Checkpoint:
    line: int
    seq: int
    sha256: str
    time: str
    certificate_sha256: str
    signature: str

    @property
    def label(self) -> str:
        """How a report names it: when it was made and where it is in the file."""
        return f"the checkpoint of {self.time} (line {self.line})"

    def as_json(self) -> dict[str, Any]:
        """The object stored on its line."""
        return {name: getattr(self, name) for name in (*_FIELDS, "signature")}


def signed_bytes(*, seq: int, sha256: str, time: str, certificate_sha256: str) -> bytes:
    """The exact bytes a checkpoint's signature covers."""
    fields = {"seq": seq, "sha256": sha256, "time": time, "certificate_sha256": certificate_sha256}
    return _CONTEXT + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def _parse(line_no: int, line: str) -> Checkpoint | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    seq = value.get("seq")
    texts = [value.get(k) for k in ("sha256", "time", "certificate_sha256", "signature")]
    if not (isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0):
        return None
    strings = [v for v in texts if isinstance(v, str)]
    if len(strings) != len(texts):
        return None
    return Checkpoint(line_no, seq, *strings)


@dataclass(frozen=True)
class CheckpointFile:
    checkpoints: list[Checkpoint]  # the ones whose signature verifies
    problems: list[str]


def read_checkpoints(lines: Iterator[str] | IO[str], *, signer: LetterSigner) -> CheckpointFile:
    """Parse checkpoint lines; those that are not checkpoints or not signed by the office's
    key are problems, each a sentence."""
    good: list[Checkpoint] = []
    problems: list[str] = []
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        checkpoint = _parse(line_no, line)
        if checkpoint is None:
            problems.append(f"line {line_no} of the checkpoint file is not a checkpoint")
            continue
        if checkpoint.certificate_sha256 != signer.certificate_sha256:
            problems.append(
                f"{checkpoint.label} was signed with another certificate "
                f"({checkpoint.certificate_sha256[:16]}...) than the office's current one; "
                "it cannot be checked with this key"
            )
            continue
        try:
            signature = base64.b64decode(checkpoint.signature, validate=True)
        except (binascii.Error, ValueError):
            signature = b""
        message = signed_bytes(
            seq=checkpoint.seq,
            sha256=checkpoint.sha256,
            time=checkpoint.time,
            certificate_sha256=checkpoint.certificate_sha256,
        )
        if not signature or not signer.verify_bytes(message, signature):
            problems.append(
                f"{checkpoint.label} does not carry a valid signature of the office's key: "
                "it was altered or forged"
            )
            continue
        good.append(checkpoint)
    return CheckpointFile(good, problems)


def load_checkpoints(path: Path, *, signer: LetterSigner) -> CheckpointFile:
    """The checkpoints of a file; a missing file holds none."""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return read_checkpoints(handle, signer=signer)
    except FileNotFoundError:
        return CheckpointFile([], [])
    except OSError as exc:
        return CheckpointFile([], [f"the checkpoint file {path} cannot be read ({exc.strerror})"])


@contextmanager
def _locked_file(path: Path) -> Iterator[IO[str]]:
    """The checkpoint file opened for reading and appending, locked against other workers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8", errors="replace") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield handle
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def write_checkpoint(session: Session, *, signer: LetterSigner, path: Path) -> Checkpoint | None:
    """Sign the chain head and append it to the file; None when the head is already there.

    The entries since the last checkpoint are checked first: a break is refused
    (AuditChainBroken), not signed.
    """
    audit.consistent_snapshot(session)
    with _locked_file(path) as handle:
        handle.seek(0)
        content = handle.read()
        lines = content.splitlines()
        known = read_checkpoints(iter(lines), signer=signer).checkpoints
        last = max(known, key=lambda c: c.seq, default=None)
        since = (last.seq, last.sha256) if last is not None else None
        report = audit.verify_chain(session, since=since)
        if not report.intact:
            raise AuditChainBroken(problem_text("audit_chain_broken", problem=report.problem))
        if last is not None and (last.seq, last.sha256) == (report.last_seq, report.last_sha256):
            return None
        time = utcnow().isoformat(timespec="seconds")
        message = signed_bytes(
            seq=report.last_seq,
            sha256=report.last_sha256,
            time=time,
            certificate_sha256=signer.certificate_sha256,
        )
        checkpoint = Checkpoint(
            line=len(lines) + 1,
            seq=report.last_seq,
            sha256=report.last_sha256,
            time=time,
            certificate_sha256=signer.certificate_sha256,
            signature=base64.b64encode(signer.sign_bytes(message)).decode(),
        )
        # A line cut short by a crash stays a line of its own (and a reported problem).
        start = "\n" if content and not content.endswith("\n") else ""
        handle.seek(0, os.SEEK_END)
        handle.write(start + json.dumps(checkpoint.as_json(), separators=(",", ":")) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return checkpoint


def list_checkpoints(path: Path, *, limit: int, cursor: int) -> tuple[list[Checkpoint], int | None]:
    """Checkpoints oldest first from line `cursor` on; lines that are not checkpoints are left
    out (`skk audit verify` names them). Returns the page and the next line, if any."""
    found: list[Checkpoint] = []
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for line_no, line in enumerate(handle, start=1):
                if line_no <= cursor:
                    continue
                checkpoint = _parse(line_no, line)
                if checkpoint is None:
                    continue
                if len(found) == limit:
                    return found, found[-1].line
                found.append(checkpoint)
    except FileNotFoundError:
        pass
    return found, None
