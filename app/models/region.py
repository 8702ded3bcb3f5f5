from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class Region(Base):
    """A provinsi, kabupaten/kota, kecamatan or kelurahan/desa (Kepmendagri code, dotted)."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(20), index=True)
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("regions.code"), index=True, default=None
    )
