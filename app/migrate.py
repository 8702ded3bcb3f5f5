"""Schema upgrades through Alembic, callable from code (skk init, tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine


def alembic_config() -> Config:
    """Alembic's config pointing at the migrations shipped inside the package."""
    config = Config()
    config.set_main_option("script_location", "app:migrations")
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Create or upgrade the schema on this engine's database."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
