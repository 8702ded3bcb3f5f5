"""Work done beside the requests: seal the audit chain, write the public hit counts,
forget expired idempotency answers, give back letter numbers whose issue died while signing,
and sign a checkpoint of the chain now and then."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import session_scope
from app.models._types import utcnow
from app.services import audit, idempotency, letters

log = logging.getLogger("app.housekeeping")

PURGE_EVERY_SECONDS = 60.0


class Housekeeper:
    """A daemon thread that seals new audit entries and writes hit counts every `interval` s."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        interval: float = 1.0,
        idempotency_retention: timedelta | None = None,
        checkpoint: Callable[[Session], object] | None = None,
        checkpoint_every: float = 0,
        settings: Settings | None = None,
    ) -> None:
        """`checkpoint(session)` runs every `checkpoint_every` seconds (0: never); idempotency
        answers older than `idempotency_retention` are deleted; with `settings`, letter numbers
        reserved longer than letters.RESERVATION_TIMEOUT_MINUTES ago are given back."""
        self.factory = factory
        self.interval = interval
        self.idempotency_retention = idempotency_retention
        self._next_purge = 0.0
        self.settings = settings
        self.checkpoint = checkpoint if checkpoint_every > 0 else None
        self.checkpoint_every = checkpoint_every
        # The first one an interval after start: a restart loop does not fill the file.
        self._next_checkpoint = time.monotonic() + checkpoint_every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """Seal everything pending and write the counts; returns how many entries were sealed."""
        sealed = 0
        with session_scope(self.factory) as session:
            audit.public_hits.flush(session)
        self._purge_idempotency()
        while True:
            with session_scope(self.factory) as session:
                done = audit.seal_pending(session)
            sealed += done
            if done < 5000:
                return sealed

    def _purge_idempotency(self) -> None:
        # Once a minute is plenty for a retention counted in hours or minutes.
        if time.monotonic() < self._next_purge:
            return
        if self.idempotency_retention is not None:
            with session_scope(self.factory) as session:
                idempotency.purge_expired(session, older_than=utcnow() - self.idempotency_retention)
        if self.settings is not None:
            self.release_stale_numbers()
        self._next_purge = time.monotonic() + PURGE_EVERY_SECONDS

    def release_stale_numbers(self) -> int:
        """Give back the numbers of letters whose issue died while signing; how many."""
        assert self.settings is not None
        timeout = timedelta(minutes=letters.RESERVATION_TIMEOUT_MINUTES)
        with session_scope(self.factory) as session:
            released = letters.release_stale_reservations(
                session, settings=self.settings, older_than=utcnow() - timeout
            )
        if released:
            log.warning("%d letter number(s) of failed issues given back", released)
        return released

    def checkpoint_if_due(self) -> bool:
        """Sign a checkpoint when one is due; returns whether it ran."""
        if self.checkpoint is None or time.monotonic() < self._next_checkpoint:
            return False
        self._next_checkpoint = time.monotonic() + self.checkpoint_every
        with session_scope(self.factory) as session:
            self.checkpoint(session)
        return True

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.run_once()
                self.checkpoint_if_due()
            except Exception:  # the database may be away: try again next round
                log.warning("housekeeping round failed", exc_info=True)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="skk-housekeeping", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread after a last round, so nothing counted is left unwritten."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        try:
            self.run_once()
        except Exception:
            log.warning("last housekeeping round failed", exc_info=True)
