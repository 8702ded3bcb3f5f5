"""The office's signing key: where it lives, and loading it once at start."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import httpx

from app.config import Settings
from app.documents.bsre_signer import BsreSigner
from app.documents.signing import (
    DEVELOPMENT_KEY_FILENAME,
    LetterSigner,
    SigningKeyError,
    create_development_key,
)

log = logging.getLogger("app.signer")


def development_key_path(settings: Settings) -> Path:
    """Where `skk init` keeps the development key."""
    return settings.data_dir / DEVELOPMENT_KEY_FILENAME


def ensure_signing_key(settings: Settings) -> Path:
    """The configured PKCS#12, or the development key (created when missing)."""
    if settings.signing_p12 is not None:
        return settings.signing_p12
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return create_development_key(settings.data_dir)


# A production service refuses to start this close to its certificate's end, and warns from
# WARN_DAYS: letters signed after the end would not verify as the office's.
REFUSE_DAYS = 30
WARN_DAYS = 90


def days_left(signer: LetterSigner, now: datetime | None = None) -> int:
    """Whole days until the signing certificate expires (negative once it has)."""
    return (signer.not_valid_after - (now or datetime.now(UTC))).days


def check_expiry(signer: LetterSigner, *, production: bool, now: datetime | None = None) -> None:
    """Refuse (production) a certificate ending within REFUSE_DAYS; warn within WARN_DAYS."""
    left = days_left(signer, now)
    until = signer.not_valid_after.date().isoformat()
    if production and left < REFUSE_DAYS:
        raise SigningKeyError(
            f"the signing certificate ends on {until} ({left} days from now); renew it and set "
            "the new SKK_SIGNING_P12 before starting the service"
        )
    if left < WARN_DAYS:
        log.warning("the signing certificate ends on %s, in %d days: renew it soon", until, left)


def companion_key_path(settings: Settings) -> Path:
    """Where the remote signer's companion key lives when the office has no PKCS#12."""
    return settings.data_dir / "companion-key" / DEVELOPMENT_KEY_FILENAME


def _companion_signer(settings: Settings) -> LetterSigner:
    """The key that makes raw signatures (audit checkpoints, the QR's JWS) beside a remote
    signer, which signs PDFs only: the office's PKCS#12 when set, else one kept in the data
    directory (created once)."""
    if settings.signing_p12 is not None:
        password = settings.signing_p12_password
        return LetterSigner.from_pkcs12(
            settings.signing_p12, password.get_secret_value() if password else None
        )
    path = companion_key_path(settings)
    create_development_key(path.parent, common_name="SKK companion key (audit checkpoints, QR)")
    return LetterSigner.from_pkcs12(path, None)


def load_bsre_signer(
    settings: Settings, *, transport: httpx.BaseTransport | None = None
) -> BsreSigner:
    """The BSrE signer, its signatory checked and its certificate learned by one signature of
    a one-page PDF at start (a wrong passphrase stops the start, not the first letter)."""
    assert settings.bsre_url and settings.bsre_passphrase  # Settings refuses bsre without them
    signer = BsreSigner(
        url=settings.bsre_url,
        user=settings.bsre_user,
        password=settings.bsre_password.get_secret_value() if settings.bsre_password else "",
        nik=settings.bsre_nik,
        passphrase=settings.bsre_passphrase.get_secret_value(),
        timeout=settings.bsre_timeout_seconds,
        visible=settings.bsre_visible,
        companion=_companion_signer(settings),
        transport=transport,
    ).connect()
    check_expiry(signer, production=settings.env == "production")  # type: ignore[arg-type]
    return signer


def load_signer(settings: Settings) -> LetterSigner:
    """Load the signer; raises SigningKeyError with a clear message when it cannot."""
    if settings.signer == "bsre":
        # Duck-typed: the same members as LetterSigner (docs: the signer interface).
        return load_bsre_signer(settings)  # type: ignore[return-value]
    if settings.signing_p12 is not None:
        password = settings.signing_p12_password
        signer = LetterSigner.from_pkcs12(
            settings.signing_p12, password.get_secret_value() if password else None
        )
        check_expiry(signer, production=settings.env == "production")
        return signer
    if settings.env == "production":
        raise SigningKeyError("the development signing key is refused when SKK_ENV=production")
    path = development_key_path(settings)
    if not path.exists():
        ensure_signing_key(settings)
    return LetterSigner.from_pkcs12(path, None, development=True)
