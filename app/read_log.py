"""Read entries of the audit log, written for many requests at once (a group commit).

Every read of personal data by a key is logged, and the answer waits until its entry is
stored. Written one by one, each read would pay an INSERT and a commit of its own: a third of
a resident read's cost under load. Here the entries of the requests that finish while one
batch is being written wait for the next batch, so one transaction carries many entries and
nobody waits longer than one commit.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from app.models.audit_event import INSERT_AUDIT_EVENT

log = logging.getLogger("app.read_log")

Entries = list[dict[str, Any]]


class ReadLogWriter:
    """Group commit of read entries on one event loop (one per worker process)."""

    def __init__(self, engine: AsyncEngine, *, max_batch: int = 1000) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._waiting: deque[tuple[Entries, asyncio.Future[None]]] = deque()
        self._writer: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def write(self, entries: Entries) -> None:
        """Store the entries; returns once they are committed, raises if they could not be."""
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif loop is not self._loop:
            # Another event loop (a test driving the app from a second loop): no sharing of
            # futures across loops; this request writes its own.
            await self._insert(entries)
            return
        done: asyncio.Future[None] = loop.create_future()
        self._waiting.append((entries, done))
        if self._writer is None or self._writer.done():
            self._writer = loop.create_task(self._write_batches())
        # Shielded: a client that hangs up does not cancel the write its read already made.
        await asyncio.shield(done)

    async def _write_batches(self) -> None:
        while self._waiting:
            batch: list[tuple[Entries, asyncio.Future[None]]] = []
            rows: Entries = []
            while self._waiting and (not rows or len(rows) < self.max_batch):
                entries, done = self._waiting.popleft()
                batch.append((entries, done))
                rows.extend(entries)
            try:
                await self._insert(rows)
            except Exception as exc:  # each waiting request reports it (503 when the DB is away)
                log.warning(
                    "read log batch of %d entries failed: %s", len(rows), type(exc).__name__
                )
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)

    async def _insert(self, rows: Entries) -> None:
        async with self.engine.begin() as connection:
            await connection.execute(INSERT_AUDIT_EVENT, rows)
