"""After a bulk load on PostgreSQL the planner knows the tables are not empty."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.db import session_scope
from app.services.demo_loader import load_demo


def test_demo_load_refreshes_planner_statistics(engine, sessionmaker_) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("ANALYZE after bulk loads is for PostgreSQL's planner")
    with session_scope(sessionmaker_) as session:
        result = load_demo(session, seed=3, scale=0.01)
    assert result.residents + result.events >= 10_000
    with engine.connect() as conn:
        reltuples = conn.execute(
            text("SELECT reltuples FROM pg_class WHERE relname = 'residents'")
        ).scalar_one()
    # -1 means "never analysed"; a few thousand rows were just loaded.
    assert reltuples > 1000
