"""Settings from the environment (prefix SKK_) and an optional .env file."""

from __future__ import annotations

import ipaddress
import json
import os
import time
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.domain.numbering import DEFAULT_NUMBER_TEMPLATE, validate_number_template
from app.proxies import parse_networks

# A pas foto's minimum size (150×200): the pixel limit cannot be set below it.
MIN_PHOTO_PIXELS = 150 * 200


# The demo's signatory: a production letter must never carry it.
PLACEHOLDER_SIGNATORY_NAME = "Drs. NAMA KEPALA DINAS, M.Si"
PLACEHOLDER_SIGNATORY_NIP = "197001011990031001"


def _not_reachable_from_outside(host: str | None) -> bool:
    """True for a host a phone scanning a letter's QR code cannot reach: loopback, private,
    link-local, or no host at all."""
    if (
        not host
        or host.lower() in ("localhost", "localhost.localdomain")
        or host.endswith(".localhost")
    ):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: whoever runs the office's DNS decides
    return address.is_loopback or address.is_private or address.is_link_local


class Settings(BaseSettings):
    """Every knob of the service; nothing office-specific is hard-coded elsewhere."""

    # hide_input_in_errors: a refused setting's error must not print a passphrase or a NIK.
    model_config = SettingsConfigDict(
        env_prefix="SKK_", env_file=".env", extra="ignore", hide_input_in_errors=True
    )

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///./skk.db"
    data_dir: Path = Path("./skk-data")
    public_base_url: str = "http://localhost:8000"
    log_level: str = "INFO"

    # Signing: a PKCS#12 file of the office; without one, `skk init` makes a development key.
    signing_p12: Path | None = None
    signing_p12_password: SecretStr | None = None
    # Which signer holds the key: a PKCS#12 file or the development key ("pkcs12"), a token or
    # HSM through its PKCS#11 module ("pkcs11"), or the national e-signature service ("bsre").
    signer: Literal["pkcs12", "pkcs11", "bsre"] = "pkcs12"
    # PKCS#11 (SKK_SIGNER=pkcs11): the module (.so), the token's label, the key's label (and the
    # certificate's, when it differs), and the user PIN (or a file holding it, e.g. a secret).
    pkcs11_module: Path | None = None
    pkcs11_token_label: str | None = None
    pkcs11_key_label: str | None = None
    pkcs11_cert_label: str | None = None
    pkcs11_pin: SecretStr | None = None
    pkcs11_pin_file: Path | None = None
    # Long-term validation: an RFC 3161 timestamp authority for every signature (PAdES B-T), and
    # the revocation information (OCSP, CRLs) embedded in the letter (PAdES B-LT), fetched by
    # validating the signing certificate up to the trust roots in a PEM file.
    tsa_url: str | None = None
    tsa_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    signing_embed_validation_info: bool = False
    signing_trust_roots: Path | None = None
    revocation_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    # BSrE's esign-client gateway (SKK_SIGNER=bsre): its address and the service's user at the
    # gateway (HTTP Basic), the signatory's NIK and passphrase (sent with each letter, never
    # logged), how long one call may take, and whether BSrE draws a visible mark (the letter
    # prints its own signature block and QR code: invisible by default).
    bsre_url: str | None = None
    bsre_user: str = ""
    bsre_password: SecretStr | None = None
    bsre_nik: str = ""
    bsre_passphrase: SecretStr | None = None
    bsre_timeout_seconds: float = Field(default=60.0, gt=0, le=600)
    bsre_visible: bool = False
    # Extra signer certificates (SHA-256 fingerprints, hex) the verifier accepts as the office's.
    trusted_certificates_sha256: list[str] = Field(default_factory=list)

    letter_validity_months: int = Field(default=6, ge=1, le=60)
    letter_number_format: str = DEFAULT_NUMBER_TEMPLATE
    letter_number_series: str = "skk"
    # First sequence number of a year's counter, e.g. {"2026": 1201} for an office that went
    # digital mid-year and already handed out 1,200 numbers on paper.
    letter_number_first_seq: dict[int, int] = Field(default_factory=dict)

    office_region_code: str = "53.71"
    # The office's clock: a letter's date and "the end of a day" in statistics follow it.
    office_timezone: str = "Asia/Makassar"
    office_government: str = "PEMERINTAH KOTA KUPANG"
    office_agency: str = "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL"
    office_address: str = "Jl. Timor Raya No. 120, Oesapa, Kupang, Nusa Tenggara Timur"
    office_city: str = "Kupang"
    signatory_name: str = PLACEHOLDER_SIGNATORY_NAME
    signatory_title: str = "Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Kupang"
    signatory_nip: str = PLACEHOLDER_SIGNATORY_NIP

    max_json_bytes: int = 1024 * 1024
    max_upload_bytes: int = 5 * 1024 * 1024
    max_import_bytes: int = 256 * 1024 * 1024
    public_rate_limit_per_minute: int = Field(default=60, ge=1)
    statistics_page_public: bool = True
    cors_origins: list[str] = Field(default_factory=list)
    # Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR networks, JSON list
    # or comma-separated). Empty: the peer's address is the client's, whatever headers say.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # How long a creating POST's answer is kept for an Idempotency-Key retry; it holds
    # personal data, so not for ever.
    idempotency_retention_hours: int = Field(default=72, ge=1, le=24 * 90)

    # Office pages (/office): a signed-in browser session ends after this many idle minutes.
    office_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)

    # Audit log hardening (issue 10): migrations as the owning role, the service as a role that
    # may only add to the log; signed checkpoints of the chain kept outside the database.
    migration_database_url: str | None = None
    audit_checkpoint_interval_minutes: float = Field(default=60, ge=0)
    audit_checkpoint_file: Path | None = None

    # Upload checks (POST /api/v1/verify) parse the PDF in a child process with these hard
    # limits, so a hostile PDF (looping xref chain, compression bomb) cannot stall or bloat a
    # worker; a check over them answers `damaged`.
    upload_check_seconds: float = Field(default=10.0, gt=0, le=120)
    upload_check_memory_mb: int = Field(default=512, ge=128)

    # The holder's photo (issue 12). A larger upload answers 413; an image with more pixels
    # is refused from its header, before anything is decoded (a decompression bomb).
    photo_max_bytes: int = Field(default=5 * 1024 * 1024, ge=64 * 1024)
    photo_max_pixels: int = Field(default=25_000_000, ge=MIN_PHOTO_PIXELS, le=80_000_000)
    # May a letter be issued only to a resident with a photo? Unset: yes when env=production,
    # no otherwise (development, the demo). Read it through `requires_photo`.
    letter_requires_photo: bool | None = None

    # The letter's rules and wording (issue 12). Who may receive a letter: every resident who
    # must hold a KTP-el (the default), or only those who have recorded (the 2016 circular);
    # and whether a print-ready record is refused (the 2018 circular: print the card instead).
    letter_policy: Literal["any_wajib_ktp", "recorded_only"] = "any_wajib_ktp"
    refuse_print_ready: bool = False
    # The language of problem details for a client whose Accept-Language names neither.
    default_language: Literal["id", "en"] = "id"
    # Letterhead contacts (printed when set) and an optional emblem image (PNG or JPEG).
    office_phone: str = ""
    office_email: str = ""
    office_website: str = ""
    office_emblem: Path | None = None
    # Where a printed card is collected (the letter names it); empty: the office's address.
    card_collection_place: str = ""
    # The signatory's pangkat/golongan, e.g. "Pembina Utama Muda (IV/c)", under the name.
    signatory_rank: str = ""
    # Signing for someone else: "a.n." (on behalf of `signatory_on_behalf_of`, e.g. the head
    # of the office) or "Plt." (acting holder of `signatory_title`); empty: in one's own name.
    signatory_capacity: Literal["", "a.n.", "Plt."] = ""
    signatory_on_behalf_of: str = ""

    @field_validator("letter_number_format")
    @classmethod
    def _check_number_format(cls, value: str) -> str:
        validate_number_template(value)
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part for part in (p.strip() for p in text.split(",")) if part]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: list[str]) -> list[str]:
        try:
            parse_networks(value)
        except ValueError as exc:
            raise ValueError(f"trusted_proxies: {exc}") from None
        return value

    @field_validator("bsre_nik")
    @classmethod
    def _check_bsre_nik(cls, value: str) -> str:
        digits = "".join(ch for ch in value if ch.isdigit())
        if value and (len(digits) != 16 or not digits.isascii()):
            # The value itself is not repeated: it is a person's NIK.
            raise ValueError("SKK_BSRE_NIK must be the signatory's 16-digit NIK")
        return digits

    @model_validator(mode="after")
    def _bsre_needs_its_settings(self) -> Settings:
        if self.signer != "bsre":
            return self
        missing = [
            name
            for name, value in (
                ("SKK_BSRE_URL", self.bsre_url),
                ("SKK_BSRE_NIK", self.bsre_nik),
                ("SKK_BSRE_PASSPHRASE", self.bsre_passphrase),
            )
            if not value
        ]
        if missing:
            raise ValueError(f"SKK_SIGNER=bsre needs {', '.join(missing)}")
        return self

    @field_validator("signatory_nip")
    @classmethod
    def _check_nip(cls, value: str) -> str:
        digits = value.replace(" ", "")
        if len(digits) != 18 or not digits.isascii() or not digits.isdigit():
            raise ValueError("signatory NIP must have 18 digits")
        return digits

    @field_validator("tsa_url")
    @classmethod
    def _tsa_is_http(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("SKK_TSA_URL must be an http:// or https:// URL of an RFC 3161 TSA")
        return value.strip()

    @field_validator("public_base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _production_needs_real_key(self) -> Settings:
        if self.env != "production":
            return self
        # Every reason at once, one sentence each: an operator fixes them in one go.
        problems = []
        if self.signer == "pkcs12" and self.signing_p12 is None:
            problems.append(
                "SKK_ENV=production needs the office's signing key: set SKK_SIGNING_P12 "
                "(and SKK_SIGNING_P12_PASSWORD); the development key is not accepted"
            )
        if _not_reachable_from_outside(urlsplit(self.public_base_url).hostname):
            problems.append(
                f"SKK_PUBLIC_BASE_URL {self.public_base_url} is a loopback or private address: "
                "the QR code on every letter would open nowhere; set the public address"
            )
        if self.signatory_name == PLACEHOLDER_SIGNATORY_NAME:
            problems.append("SKK_SIGNATORY_NAME is still the placeholder; set the official's name")
        if self.signatory_nip == PLACEHOLDER_SIGNATORY_NIP:
            problems.append("SKK_SIGNATORY_NIP is still the placeholder; set the official's NIP")
        if "*" in self.cors_origins:
            problems.append(
                "SKK_CORS_ORIGINS holds '*': any web page could call the API with a clerk's key; "
                "list the front-desk app's origins"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _on_behalf_needs_whom(self) -> Settings:
        if self.signatory_capacity == "a.n." and not self.signatory_on_behalf_of.strip():
            raise ValueError(
                "SKK_SIGNATORY_CAPACITY=a.n. needs SKK_SIGNATORY_ON_BEHALF_OF: the title of the "
                "official the letter is signed for (e.g. Kepala Dinas ...)"
            )
        return self

    @field_validator("office_emblem")
    @classmethod
    def _emblem_is_an_image(cls, value: Path | None) -> Path | None:
        if value is not None and value.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            raise ValueError("office_emblem must be a PNG or JPEG file")
        return value

    @field_validator("office_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Makassar)") from exc
        return value

    @property
    def office_zone(self) -> ZoneInfo:
        """The office's time zone (WITA for Kupang)."""
        return ZoneInfo(self.office_timezone)

    def office_today(self) -> date:
        """Today's date at the office."""
        return datetime.now(self.office_zone).date()

    def office_date(self, moment: datetime) -> date:
        """The office's calendar date of an instant."""
        return moment.astimezone(self.office_zone).date()

    @property
    def requires_photo(self) -> bool:
        """A letter needs the holder's photo (SKK_LETTER_REQUIRES_PHOTO, else env=production)."""
        if self.letter_requires_photo is not None:
            return self.letter_requires_photo
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def migration_url(self) -> str:
        """Where migrations run: the owning role's URL, or the service's when only one is set."""
        return self.migration_database_url or self.database_url

    @property
    def checkpoint_path(self) -> Path:
        """The audit checkpoint file (one signed JSON object per line)."""
        return self.audit_checkpoint_file or self.data_dir / "audit-checkpoints.jsonl"


def use_office_clock(settings: Settings) -> None:
    """Run the process on the office's clock, so every `date.today()` (wajib KTP ages, future
    dates in input) agrees with letter dates and statistics, whatever the host's zone."""
    os.environ["TZ"] = settings.office_timezone
    if hasattr(time, "tzset"):  # not on Windows, where TZ is read differently
        time.tzset()


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
