"""verify_pdf out of the server's process, in a child with hard time and memory limits.

An uploaded PDF is hostile input for a parser: a cross-reference chain whose /Prev loops made
pyHanko loop for ever while its memory grew, and a 1 MB Flate bomb in an xref stream inflated
to gigabytes.  Each upload is therefore checked by a child process of its own (one check, then
it exits) that caps its address space (RLIMIT_AS) and CPU time (RLIMIT_CPU) itself, while the
parent enforces a wall-clock limit and kills the child when it is over.

The child is a fresh interpreter (``python -m app.documents.sandbox``), not a fork of the
threaded server.  Importing pyHanko takes ~0.35 s, so one child is started ahead of time and
waits on its stdin; an upload takes it and starts the next one.

Protocol: one JSON header line (limits, trusted fingerprints, PDF size), the PDF bytes on
stdin; one JSON report on stdout.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import math
import os
import resource
import subprocess
import sys
import threading
from collections.abc import Collection
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from app.documents.signing import PROBLEM_LIMITS, SignatureReport, failure_report

__all__ = ["CheckLimits", "SandboxBusy", "verify_pdf_isolated"]

# Room for the header line: trusted fingerprints are 64 hex digits each.
_MAX_HEADER = 64 * 1024
_MAX_REPORT = 64 * 1024
# The directory that holds the `app` package, so the child imports the same code.
_CODE_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass(frozen=True)
class CheckLimits:
    """How long and how much memory one upload check may take."""

    seconds: float = 10.0
    memory_mb: int = 512
    # Checks running at once in this process; more wait (up to `seconds`) for a free slot.
    concurrent: int = 2


class SandboxBusy(Exception):
    """Every check slot stayed busy for the whole time limit."""


# --- parent side -------------------------------------------------------------------------------


def _start_child() -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_CODE_ROOT, env.get("PYTHONPATH")]))
    return subprocess.Popen(
        [sys.executable, "-m", "app.documents.sandbox"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        # Its own process group: a Ctrl-C meant for the server does not reach it, and the
        # parent alone decides when it dies.
        start_new_session=True,
    )


class _Children:
    """One warm child waiting for work, and a cap on the checks running at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: subprocess.Popen[bytes] | None = None
        self._slots: threading.BoundedSemaphore | None = None
        self._size = 0

    def slots(self, size: int) -> threading.BoundedSemaphore:
        with self._lock:
            if self._slots is None or self._size != size:
                self._slots, self._size = threading.BoundedSemaphore(size), size
            return self._slots

    def take(self) -> subprocess.Popen[bytes]:
        with self._lock:
            child, self._idle = self._idle, None
            if child is None or child.poll() is not None:
                child = _start_child()
            # The next upload finds a child that has already imported pyHanko.
            self._idle = _start_child()
            return child

    def close(self) -> None:
        with self._lock:
            child, self._idle = self._idle, None
        if child is not None and child.poll() is None:
            child.kill()
            child.wait()


_children = _Children()
atexit.register(_children.close)


def _parse_report(raw: bytes) -> SignatureReport:
    """The child's JSON report, checked field by field; anything odd is a failed check."""
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or set(data) != {f.name for f in fields(SignatureReport)}:
            return failure_report(PROBLEM_LIMITS)
        for name in ("signed", "intact", "covers_whole_file", "trusted"):
            if not isinstance(data[name], bool):
                return failure_report(PROBLEM_LIMITS)
        for name in (
            "signer_subject",
            "signer_certificate_sha256",
            "verification_token",
            "letter_number",
            "problem",
            "signed_at",
            "timestamped_at",
        ):
            if data[name] is not None and not isinstance(data[name], str):
                return failure_report(PROBLEM_LIMITS)
        for name in ("signed_at", "timestamped_at"):
            if data[name] is not None:
                data[name] = dt.datetime.fromisoformat(data[name])
        return SignatureReport(**data)
    except ValueError:
        return failure_report(PROBLEM_LIMITS)


def verify_pdf_isolated(
    data: bytes, *, trusted_certificates_sha256: Collection[str], limits: CheckLimits
) -> SignatureReport:
    """verify_pdf in a limited child process; a check over the limits reports PROBLEM_LIMITS.

    Blocking (waits for the child): call it from a worker thread.  Raises SandboxBusy when no
    check slot frees up within the time limit.
    """
    slots = _children.slots(max(1, limits.concurrent))
    if not slots.acquire(timeout=limits.seconds):
        raise SandboxBusy("every upload check slot stayed busy")
    try:
        child = _children.take()
        header = {
            "size": len(data),
            "trusted": list(trusted_certificates_sha256),
            "memory_mb": limits.memory_mb,
            "cpu_seconds": math.ceil(limits.seconds),
        }
        try:
            out, _ = child.communicate(
                json.dumps(header).encode() + b"\n" + bytes(data), timeout=limits.seconds
            )
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            return failure_report(PROBLEM_LIMITS)
        except OSError:  # the child died before it read everything (BrokenPipeError)
            child.kill()
            child.wait()
            return failure_report(PROBLEM_LIMITS)
        if child.returncode != 0 or len(out) > _MAX_REPORT:
            return failure_report(PROBLEM_LIMITS)
        return _parse_report(out)
    finally:
        slots.release()


# --- child side --------------------------------------------------------------------------------


def _limit_self(memory_mb: int, cpu_seconds: int) -> None:
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # CPU already spent importing counts too; SIGXCPU at the soft limit ends the process.
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(used.ru_utime + used.ru_stime) + cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))


def _child_main() -> int:
    from app.documents.signing import verify_pdf

    stdin = sys.stdin.buffer
    line = stdin.readline(_MAX_HEADER)
    if not line:  # the parent went away while this child was waiting: nothing to do
        return 0
    header: dict[str, Any] = json.loads(line)
    _limit_self(int(header["memory_mb"]), int(header["cpu_seconds"]))
    data = stdin.read(int(header["size"]))
    report = verify_pdf(data, trusted_certificates_sha256=header["trusted"])
    result = asdict(report)
    for name in ("signed_at", "timestamped_at"):
        if result[name] is not None:
            result[name] = result[name].isoformat()
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    # os._exit: tearing down pyHanko's and cryptography's modules took ~150 ms per check, and
    # the parent waits for the exit; this child has nothing to flush or clean up.
    os._exit(_child_main())
