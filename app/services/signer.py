"""The office's signing key: where it lives, and loading it once at start."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx

from app.config import Settings
from app.documents.bsre_signer import BsreSigner
from app.documents.signing import (
    DEVELOPMENT_KEY_FILENAME,
    LetterSigner,
    LongTermValidation,
    SigningKeyError,
    create_development_key,
    load_trust_roots,
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


def expiry_warning(not_valid_after: datetime, left: int) -> str | None:
    """What /health and `skk signing status` say of a certificate ending within WARN_DAYS."""
    until = not_valid_after.date().isoformat()
    if left < 0:
        return (
            f"the signing certificate ended on {until}: letters signed now do not verify; "
            "set the renewed certificate (SKK_SIGNING_P12) and restart"
        )
    if left < WARN_DAYS:
        return (
            f"the signing certificate ends on {until}, in {left} days: renew it and set the "
            "new one before then (letters already signed keep verifying)"
        )
    return None


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
        return _office_pkcs12(settings)
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
    """Load the configured signer; raises SigningKeyError with a clear message when it cannot."""
    loader = _LOADERS.get(settings.signer)
    if loader is None:
        raise SigningKeyError(f"SKK_SIGNER={settings.signer} is not available in this version.")
    signer = loader(settings)
    # Timestamps and B-LT are added by the local PAdES run (PKCS#12 and PKCS#11 keys).
    if isinstance(signer, LetterSigner):
        signer.use_long_term_validation(long_term_validation(settings))
    return signer


def long_term_validation(settings: Settings) -> LongTermValidation:
    """The timestamp and validation-information settings (PAdES B-T / B-LT)."""
    roots = load_trust_roots(settings.signing_trust_roots) if settings.signing_trust_roots else ()
    return LongTermValidation(
        tsa_url=settings.tsa_url or None,
        tsa_timeout=settings.tsa_timeout_seconds,
        embed_validation_info=settings.signing_embed_validation_info,
        trust_roots=roots,
        revocation_timeout=settings.revocation_timeout_seconds,
    )


def pkcs11_pin(settings: Settings) -> str:
    """The token's user PIN: SKK_PKCS11_PIN, or the first line of SKK_PKCS11_PIN_FILE."""
    if settings.pkcs11_pin is not None:
        return settings.pkcs11_pin.get_secret_value()
    if settings.pkcs11_pin_file is not None:
        try:
            lines = settings.pkcs11_pin_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise SigningKeyError(
                f"The PKCS#11 PIN file {settings.pkcs11_pin_file} cannot be read ({exc})."
            ) from None
        return lines[0].strip() if lines else ""
    raise SigningKeyError("SKK_SIGNER=pkcs11 needs the PIN: set SKK_PKCS11_PIN or _PIN_FILE.")


def _load_pkcs11_signer(settings: Settings) -> LetterSigner:
    # Imported here: python-pkcs11 is needed only by offices that sign with a token.
    from app.documents.pkcs11_signer import Pkcs11LetterSigner

    missing = [
        name
        for name, value in (
            ("SKK_PKCS11_MODULE", settings.pkcs11_module),
            ("SKK_PKCS11_TOKEN_LABEL", settings.pkcs11_token_label),
            ("SKK_PKCS11_KEY_LABEL", settings.pkcs11_key_label),
        )
        if not value
    ]
    if missing:
        raise SigningKeyError(f"SKK_SIGNER=pkcs11 needs {', '.join(missing)}.")
    assert settings.pkcs11_module and settings.pkcs11_token_label and settings.pkcs11_key_label
    signer = Pkcs11LetterSigner(
        module=settings.pkcs11_module,
        token_label=settings.pkcs11_token_label,
        key_label=settings.pkcs11_key_label,
        cert_label=settings.pkcs11_cert_label,
        pin=pkcs11_pin(settings),
    )
    check_expiry(signer, production=settings.env == "production")
    return signer


def _office_pkcs12(settings: Settings) -> LetterSigner:
    """The office's own PKCS#12 file (SKK_SIGNING_P12, set) with its password."""
    assert settings.signing_p12 is not None
    password = settings.signing_p12_password
    return LetterSigner.from_pkcs12(
        settings.signing_p12, password.get_secret_value() if password else None
    )


def _load_local(settings: Settings) -> LetterSigner:
    if settings.signing_p12 is not None:
        signer = _office_pkcs12(settings)
        check_expiry(signer, production=settings.env == "production")
        return signer
    if settings.env == "production":
        raise SigningKeyError("the development signing key is refused when SKK_ENV=production")
    path = development_key_path(settings)
    if not path.exists():
        ensure_signing_key(settings)
    return LetterSigner.from_pkcs12(path, None, development=True)


# One loader per SKK_SIGNER value.
_LOADERS: dict[str, Callable[[Settings], LetterSigner]] = {
    "pkcs12": _load_local,
    "bsre": load_bsre_signer,  # type: ignore[dict-item]  # duck-typed: the signer interface
    "pkcs11": _load_pkcs11_signer,
}
