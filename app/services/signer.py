"""The office's signing key: where it lives, and loading it once at start."""

from __future__ import annotations

from pathlib import Path

from app.config import Settings
from app.documents.signing import (
    DEVELOPMENT_KEY_FILENAME,
    LetterSigner,
    SigningKeyError,
    create_development_key,
)


def development_key_path(settings: Settings) -> Path:
    """Where `skk init` keeps the development key."""
    return settings.data_dir / DEVELOPMENT_KEY_FILENAME


def ensure_signing_key(settings: Settings) -> Path:
    """The configured PKCS#12, or the development key (created when missing)."""
    if settings.signing_p12 is not None:
        return settings.signing_p12
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return create_development_key(settings.data_dir)


def load_signer(settings: Settings) -> LetterSigner:
    """Load the signer; raises SigningKeyError with a clear message when it cannot."""
    if settings.signing_p12 is not None:
        password = settings.signing_p12_password
        return LetterSigner.from_pkcs12(
            settings.signing_p12, password.get_secret_value() if password else None
        )
    if settings.env == "production":
        raise SigningKeyError("the development signing key is refused when SKK_ENV=production")
    path = development_key_path(settings)
    if not path.exists():
        ensure_signing_key(settings)
    return LetterSigner.from_pkcs12(path, None, development=True)
