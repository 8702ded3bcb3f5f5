"""The certificates the office has signed letters with, kept after each renewal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models._types import UtcDateTime, utcnow


class SigningCertificate(Base):
    """One signing certificate, recorded the first time the service starts with it.

    A letter keeps verifying after the office moves to a new key: verification trusts every
    certificate here for the letters signed while it was valid.
    """

    __tablename__ = "signing_certificates"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject: Mapped[str] = mapped_column(String(500))
    issuer: Mapped[str] = mapped_column(String(500))
    not_before: Mapped[datetime] = mapped_column(UtcDateTime)
    not_after: Mapped[datetime] = mapped_column(UtcDateTime)
    certificate_pem: Mapped[str] = mapped_column(Text)
    development: Mapped[bool] = mapped_column(Boolean, default=False)
    # A key that signs the QR's offline proof (JWS) only, never a letter's PDF: the companion
    # key beside BSrE. Published in the JWK Set; a PDF signed with it is not the office's.
    qr_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The first and the latest letter signed with it; NULL until one is.
    first_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
