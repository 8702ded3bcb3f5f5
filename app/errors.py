"""Domain errors: one hierarchy, turned into RFC 9457 problem+json by one handler."""

from __future__ import annotations

from typing import Any, NamedTuple

# Re-exported: a raise site imports its error, `problem_text` and `Message` from here.
from app.domain.messages import Message as Message
from app.problem_texts import problem_text as problem_text


class DomainError(Exception):
    """An error a client can act on; `code` is stable and machine-readable.

    `detail` is a Message (app.problem_texts.problem_text, or a domain message): the answer
    carries it in the language the client asked for. `self.detail` is its English text.
    """

    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: Message,
        *,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail.en)
        self.message = detail
        self.detail = detail.en
        if code is not None:
            self.code = code
        self.extra = extra or {}
        self.headers = headers or {}


class NotFound(DomainError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(DomainError):
    status, code, title = 409, "conflict", "Conflict"


class InvalidInput(DomainError):
    """422 with a list of field errors (`loc`, `msg`)."""

    status, code, title = 422, "validation_error", "Invalid input"

    def __init__(self, detail: Message, *, errors: list[dict[str, Any]] | None = None, **kw: Any):
        super().__init__(detail, **kw)
        self.extra.setdefault("errors", errors or [])


class PreconditionFailed(DomainError):
    status, code, title = 412, "precondition_failed", "Precondition failed"


class Unauthorized(DomainError):
    status, code, title = 401, "unauthorized", "Unauthorized"


class Forbidden(DomainError):
    status, code, title = 403, "forbidden", "Forbidden"


class PayloadTooLarge(DomainError):
    status, code, title = 413, "payload_too_large", "Payload too large"


class UnsupportedMediaType(DomainError):
    status, code, title = 415, "unsupported_media_type", "Unsupported media type"


class RateLimited(DomainError):
    status, code, title = 429, "rate_limited", "Too many requests"


class ServiceUnavailable(DomainError):
    status, code, title = 503, "service_unavailable", "Service unavailable"


class BadGateway(DomainError):
    """A service this one depends on (the e-signature gateway) answered, but not usefully."""

    status, code, title = 502, "bad_gateway", "Bad gateway"


def field_error(loc: list[str | int], msg: Message) -> dict[str, Any]:
    """One entry of a 422 `errors` list; the problem handler writes `msg` in the client's
    language."""
    return {"loc": loc, "msg": msg}


def clean_validation_msg(msg: str) -> str:
    """A Pydantic error message without its "Value error, " prefix."""
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix) :]
    return msg


class ProblemCode(NamedTuple):
    """What one stable `code` means and what the caller can do about it."""

    status: int
    meaning: str
    action: str


# Every `code` the service can answer: the /problems/{code} pages, the OpenAPI examples and the
# README's table are built from this one list (tests/api/test_problem_codes.py checks that every
# code raised in app/ is here).
PROBLEM_CODES: dict[str, ProblemCode] = {
    "bad_request": ProblemCode(400, "The request could not be read.", "Fix the request."),
    "bad_content_length": ProblemCode(
        400, "The Content-Length header is not a number.", "Send a correct Content-Length."
    ),
    "invalid_multipart": ProblemCode(
        400,
        "The multipart/form-data body could not be parsed.",
        "Send one part named `file`, or the raw PDF as application/pdf.",
    ),
    "missing_api_key": ProblemCode(
        401, "No API key was sent.", "Send `Authorization: Bearer skk_...`."
    ),
    "invalid_api_key": ProblemCode(
        401, "The API key is not known.", "Check the key; ask an admin for a new one."
    ),
    "revoked_api_key": ProblemCode(401, "The API key was revoked.", "Ask an admin for a new key."),
    "expired_api_key": ProblemCode(
        401, "The API key has passed its expiry.", "Ask an admin for a new key."
    ),
    "unauthorized": ProblemCode(401, "The request is not authenticated.", "Send an API key."),
    "forbidden": ProblemCode(403, "The key may not do this.", "Use a key with the right role."),
    "role_not_allowed": ProblemCode(
        403, "The key's role may not call this operation.", "Use a key with a role that may."
    ),
    "other_kelurahan": ProblemCode(
        403,
        "A kelurahan key touched a resident or figures of another kelurahan.",
        "Ask that kelurahan's office, or use an operator key.",
    ),
    "not_found": ProblemCode(404, "There is nothing at this address.", "Check the URL."),
    "resident_not_found": ProblemCode(
        404, "No resident has this NIK.", "Check the NIK, or register the resident first."
    ),
    "letter_not_found": ProblemCode(
        404, "No letter has this id or verification code.", "Check the id or scan the QR again."
    ),
    "api_key_not_found": ProblemCode(404, "No API key has this id.", "List the keys for ids."),
    "office_region_unknown": ProblemCode(
        404,
        "The office's region (the `office_region` setting) is not in the region table.",
        "Ask the operator to fix the setting or load the regions.",
    ),
    "method_not_allowed": ProblemCode(
        405, "This address does not take this HTTP method.", "See the API document."
    ),
    "conflict": ProblemCode(
        409,
        "The change conflicts with data stored at the same moment.",
        "Read the resource again and retry.",
    ),
    "nik_exists": ProblemCode(
        409, "A resident with this NIK is already registered.", "Update that resident instead."
    ),
    "recording_move_not_allowed": ProblemCode(
        409,
        "The e-KTP recording status cannot move to the one sent from the current one.",
        "Read the resident's status and send a move the rules allow.",
    ),
    "valid_letter_exists": ProblemCode(
        409,
        "The resident already holds a valid letter.",
        "Download that letter, or revoke it first with a reason.",
    ),
    "letter_not_valid": ProblemCode(
        409, "The letter is not valid any more (revoked, expired...).", "Issue a new letter."
    ),
    "resident_not_active": ProblemCode(
        409, "The resident moved out or died.", "No letter can be issued for this resident."
    ),
    "not_wajib_ktp": ProblemCode(
        409,
        "The resident is not yet obliged to hold an e-KTP (under 17 and never married).",
        "No letter is needed; come back when the resident is obliged.",
    ),
    "card_already_issued": ProblemCode(
        409, "The resident's e-KTP card was issued.", "The card serves as ID; no letter."
    ),
    "recording_needs_follow_up": ProblemCode(
        409,
        "The e-KTP recording failed centrally and needs follow-up before a letter.",
        "Record the resident's biometrics again, then issue the letter.",
    ),
    "not_yet_recorded": ProblemCode(
        409,
        "The office issues letters only to residents who have recorded their e-KTP "
        "(SKK_LETTER_POLICY=recorded_only), and this one has not.",
        "Record the resident's biometrics first, then issue the letter.",
    ),
    "record_print_ready": ProblemCode(
        409,
        "The resident's card is ready to print or being printed; the office refuses letters "
        "then (SKK_REFUSE_PRINT_READY).",
        "Print and hand over the card instead.",
    ),
    "database_not_empty": ProblemCode(
        409, "The demo data needs an empty database.", "Use a new database for the demo."
    ),
    "precondition_failed": ProblemCode(
        412, "The If-Match precondition failed.", "Read the resource again for its ETag."
    ),
    "stale_resident": ProblemCode(
        412,
        "The resident was changed since the ETag sent in If-Match was read.",
        "Read the resident again, re-apply your change and send the new ETag.",
    ),
    "payload_too_large": ProblemCode(
        413, "The body is larger than the limit.", "Send a smaller body."
    ),
    "import_too_large": ProblemCode(
        413, "The CSV file is larger than the import limit.", "Split the file and import parts."
    ),
    "unsupported_media_type": ProblemCode(
        415, "The body is not of a content type this operation takes.", "Fix Content-Type."
    ),
    "csv_expected": ProblemCode(415, "The import takes a CSV body.", "Send the file as text/csv."),
    "validation_error": ProblemCode(
        422, "A field is missing or invalid; `errors` lists each one.", "Fix the fields listed."
    ),
    "invalid_character": ProblemCode(
        422, "The address holds a NUL character (%00).", "Remove it and send the request again."
    ),
    "invalid_cursor": ProblemCode(
        422, "The `cursor` is not one this list gave.", "Start again without a cursor."
    ),
    "idempotency_key_reused": ProblemCode(
        422,
        "This Idempotency-Key was used before with a different request.",
        "Use a new key for a new request; reuse a key only to retry the same request.",
    ),
    "unknown_kelurahan": ProblemCode(
        422, "The kelurahan code is not in the region table.", "Send a 10-digit kode wilayah."
    ),
    "kelurahan_required": ProblemCode(
        422, "A kelurahan key needs a kelurahan code.", "Send `kelurahan_code`."
    ),
    "kelurahan_not_allowed": ProblemCode(
        422, "Only kelurahan keys take a kelurahan code.", "Leave `kelurahan_code` out."
    ),
    "invalid_key_expiry": ProblemCode(
        422,
        "A key's expiry is outside 1 hour to 3650 days.",
        "Send `expires_in_days` from 1 to 3650, or leave it out for a key without expiry.",
    ),
    "nik_sex_mismatch": ProblemCode(
        422,
        "The NIK's birth-day digits do not match the sex (women's day is plus 40).",
        "Check the NIK and the sex against the KK.",
    ),
    "event_out_of_order": ProblemCode(
        422,
        "The recording event is older than the resident's last one.",
        "Send events in the order they happened.",
    ),
    "photo_not_found": ProblemCode(
        404, "The resident has no photo.", "Upload one with PUT .../photo."
    ),
    "photo_required": ProblemCode(
        409,
        "The office issues letters only with the holder's photo, and the resident has none.",
        "Upload the resident's photo (PUT /api/v1/residents/{nik}/photo), then issue again.",
    ),
    "nationality_required": ProblemCode(
        422,
        "A foreign resident (WNA) needs a nationality.",
        "Send `nationality` as an ISO 3166 alpha-2 code, e.g. TL.",
    ),
    "unknown_query_parameter": ProblemCode(
        422,
        "The query holds a parameter this endpoint does not take.",
        "Remove it, or use one of the parameters the message lists.",
    ),
    "photo_too_many_pixels": ProblemCode(
        422, "The image has more pixels than the limit.", "Send a smaller photo."
    ),
    "photo_too_small": ProblemCode(
        422, "The image is too small for a pas foto.", "Send a photo of at least 150x200 pixels."
    ),
    "not_a_photo": ProblemCode(
        422, "The file is not a JPEG or PNG image.", "Send a JPEG or PNG photo of the holder."
    ),
    "photo_damaged": ProblemCode(
        422, "The image is damaged or cut short.", "Send the photo again."
    ),
    "letter_does_not_fit": ProblemCode(
        422,
        "The letter's text does not fit on one page.",
        "Shorten the purpose or the resident's address.",
    ),
    "not_utf8": ProblemCode(422, "The CSV is not UTF-8.", "Save the file as UTF-8 CSV."),
    "empty_file": ProblemCode(422, "The CSV file is empty.", "Send a header row and rows."),
    "duplicate_column": ProblemCode(
        422, "A CSV column name appears twice.", "Keep one column of each name."
    ),
    "missing_column": ProblemCode(
        422, "A required CSV column is missing.", "Add the column named in `detail`."
    ),
    "rate_limited": ProblemCode(
        429, "Too many requests from this address.", "Wait for Retry-After seconds."
    ),
    "internal_error": ProblemCode(
        500, "An unexpected error.", "Retry later; quote the request_id when reporting it."
    ),
    "http_error": ProblemCode(400, "An HTTP-level error.", "Read `detail`."),
    "service_unavailable": ProblemCode(
        503, "The service cannot answer right now.", "Wait for Retry-After seconds."
    ),
    "upload_check_busy": ProblemCode(
        503, "Too many PDF checks run at once.", "Wait for Retry-After seconds and retry."
    ),
    "signing_unavailable": ProblemCode(
        503,
        "The timestamp authority or a certificate status server did not answer; no letter "
        "was issued and no number was used.",
        "Wait for Retry-After seconds and retry.",
    ),
    "signer_passphrase_wrong": ProblemCode(
        502,
        "The e-signature service (BSrE) refused the signatory's passphrase; no letter was issued.",
        "The administrator sets the signatory's current passphrase in SKK_BSRE_PASSPHRASE.",
    ),
    "signer_not_registered": ProblemCode(
        502,
        "The signatory's NIK has no active certificate at the e-signature service (BSrE).",
        "The signatory renews or activates the certificate at BSrE, or SKK_BSRE_NIK is fixed.",
    ),
    "signer_certificate_expired": ProblemCode(
        502,
        "The signatory's certificate at the e-signature service has expired.",
        "The signatory renews the certificate at BSrE; then restart the service.",
    ),
    "signer_refused": ProblemCode(
        502,
        "The e-signature gateway refused the request; `detail` quotes its reason.",
        "Check the gateway's settings (SKK_BSRE_URL, SKK_BSRE_USER, SKK_BSRE_PASSWORD).",
    ),
    "signer_bad_result": ProblemCode(
        502,
        "The e-signature gateway sent back a PDF whose signature does not check; nothing "
        "was stored.",
        "Retry; if it happens again, report it to the gateway's administrator.",
    ),
    "signer_unavailable": ProblemCode(
        503,
        "The e-signature gateway is down or did not answer in time; no letter was issued.",
        "Wait a few minutes and issue the letter again.",
    ),
    "letter_number_expired": ProblemCode(
        503,
        "Signing took so long that the letter's reserved number went to the next letter; "
        "nothing was stored.",
        "Issue the letter again.",
    ),
    "database_unavailable": ProblemCode(
        503, "The database is not reachable.", "Wait for Retry-After seconds and retry."
    ),
}

PROBLEM_TYPE_PATH = "/problems/"


def problem_type(code: str, base_url: str = "") -> str:
    """The `type` URL of a problem: a page this service serves about that code."""
    return f"{base_url.rstrip('/')}{PROBLEM_TYPE_PATH}{code}"
