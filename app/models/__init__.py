"""ORM models; importing this package registers every table on Base.metadata."""

from app.models.api_key import ApiKey
from app.models.audit_event import AuditChainHead, AuditEvent, PublicHitCount
from app.models.idempotency import IdempotencyRecord
from app.models.letter import Letter, LetterCounter, LetterReservation
from app.models.office_session import OfficeSession
from app.models.photo import LetterPhoto, ResidentPhoto
from app.models.recording_event import RecordingEvent
from app.models.region import Region
from app.models.resident import Resident
from app.models.signing_certificate import SigningCertificate

__all__ = [
    "ApiKey",
    "AuditChainHead",
    "AuditEvent",
    "PublicHitCount",
    "IdempotencyRecord",
    "Letter",
    "LetterCounter",
    "LetterPhoto",
    "LetterReservation",
    "OfficeSession",
    "RecordingEvent",
    "Region",
    "Resident",
    "ResidentPhoto",
    "SigningCertificate",
]
