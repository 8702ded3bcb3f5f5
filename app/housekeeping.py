"""Work done beside the requests: seal the audit chain, write the public hit counts."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from app.db import session_scope
from app.services import audit

log = logging.getLogger("app.housekeeping")


class Housekeeper:
    """A daemon thread that seals new audit entries and writes hit counts every `interval` s."""

    def __init__(self, factory: sessionmaker[Session], *, interval: float = 1.0) -> None:
        self.factory = factory
        self.interval = interval
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

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.run_once()
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
