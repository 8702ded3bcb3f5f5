"""Work done beside the requests: seal the audit chain, write the public hit counts, and
sign a checkpoint of the chain now and then."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from app.db import session_scope
from app.services import audit

log = logging.getLogger("app.housekeeping")


class Housekeeper:
    """A daemon thread that seals new audit entries and writes hit counts every `interval` s."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        interval: float = 1.0,
        checkpoint: Callable[[Session], object] | None = None,
        checkpoint_every: float = 0,
    ) -> None:
        """`checkpoint(session)` runs every `checkpoint_every` seconds (0: never)."""
        self.factory = factory
        self.interval = interval
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
        while True:
            with session_scope(self.factory) as session:
                done = audit.seal_pending(session)
            sealed += done
            if done < 5000:
                return sealed

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
