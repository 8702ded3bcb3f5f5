"""The front desk: find a resident, their page, register, correct, record, photo, issue."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from app.domain.people import ResidencyStatus
from app.domain.recording import RecordingStatus
from app.errors import InvalidInput, NotFound, PayloadTooLarge, field_error, problem_text
from app.models import AuditEvent, Letter, Resident, ResidentPhoto
from app.models.api_key import ApiKey
from app.office.texts import TEXTS, text
from app.office.web import (
    PREFIX,
    Checked,
    OfficeRoute,
    User,
    db,
    lang_of,
    redirect,
    refusals,
    render,
)
from app.schemas.common import BloodType, Citizenship, MaritalStatus, Religion, Role, Sex
from app.schemas.letter import LetterCreate
from app.schemas.resident import ResidentCreate, ResidentUpdate
from app.services import audit, letters, photos, residents
from app.services.access import require
from app.services.letters import effective_status
from app.services.regions import region_names
from app.services.residents import ResidentFilters

router = APIRouter(route_class=OfficeRoute)

WRITERS = (Role.admin, Role.operator, Role.kelurahan)
ISSUERS = (Role.admin, Role.operator)

# The resident form: (field, input kind, choices). Order is the order on the page.
FIELDS: list[tuple[str, str, list[str]]] = [
    ("nik", "text", []),
    ("kk_number", "text", []),
    ("full_name", "text", []),
    ("birth_place", "text", []),
    ("birth_date", "date", []),
    ("sex", "select", [s.value for s in Sex]),
    ("blood_type", "select", [b.value for b in BloodType]),
    ("religion", "select", [r.value for r in Religion]),
    ("marital_status", "select", [m.value for m in MaritalStatus]),
    ("occupation", "text", []),
    ("citizenship", "select", [c.value for c in Citizenship]),
    ("nationality", "text", []),
    ("has_itap", "checkbox", []),
    ("address", "text", []),
    ("rt", "text", []),
    ("rw", "text", []),
    ("kelurahan_code", "text", []),
    ("residency_status", "select", [r.value for r in ResidencyStatus]),
]
EDITABLE = [f for f in FIELDS if f[0] != "nik"]


def _resident_path(nik: str) -> str:
    return f"{PREFIX}/residents/{nik}"


def _checked_nik(nik: str) -> str:
    # Anything but 16 digits names nobody: the same 404 as an unknown NIK.
    if not (len(nik) == 16 and nik.isascii() and nik.isdigit()):
        raise NotFound(problem_text("resident_not_found"), code="resident_not_found")
    return nik


@router.get("/residents")
def find(request: Request, user: User, q: str = "", waiting: str = "") -> Response:
    lang = lang_of(request)
    q = q.strip()[:100]
    found: list[Resident] = []
    error = ""
    if waiting:
        with db(request) as session:
            found, _ = residents.list_residents(
                session,
                filters=ResidentFilters(
                    recording_status=RecordingStatus.unregistered, wajib_ktp=True
                ),
                limit=200,
                cursor=None,
                actor=user.principal,
            )
    elif q:
        digits = "".join(ch for ch in q if ch not in " .-")
        if len(q) < 2:
            error = text("query_too_short", lang)
        else:
            with db(request) as session:
                found, _ = residents.list_residents(
                    session,
                    filters=ResidentFilters(q=q),
                    limit=50,
                    cursor=None,
                    actor=user.principal,
                )
            if len(digits) == 16 and digits.isdigit() and len(found) == 1:
                return redirect(_resident_path(found[0].nik))
    return render(
        request, "find.html", user=user, q=q, found=found, error=error, waiting=bool(waiting)
    )


def _letters_of(session: Any, resident: Resident) -> list[Letter]:
    return list(
        session.scalars(
            select(Letter)
            .where(Letter.resident_id == resident.id)
            .order_by(Letter.issued_at.desc())
        )
    )


def _resident_page(
    request: Request,
    user: Any,
    nik: str,
    *,
    errors: dict[str, dict[str, str]] | None = None,
    form: dict[str, Any] | None = None,
    notice_key: str = "",
    status_code: int = 200,
) -> Response:
    settings = request.app.state.settings
    with db(request) as session:
        resident = residents.read_resident(session, nik=nik, actor=user.principal)
        events = residents.list_events(session, nik=nik, actor=user.principal)
        held = _letters_of(session, resident)
        has_photo = session.get(ResidentPhoto, resident.id) is not None
        names = region_names(session)
        wajib = residents.resident_wajib_ktp(resident, on=settings.office_today())
    today = settings.office_today()
    return render(
        request,
        "resident.html",
        user=user,
        status_code=status_code,
        r=resident,
        events=events,
        letters=[(letter, effective_status(letter, today).value) for letter in held],
        has_photo=has_photo,
        names=names,
        wajib=wajib,
        errors=errors or {},
        form=form or {},
        # The number named is the resident's newest letter's, never one taken from the URL.
        notice=text(notice_key, lang_of(request)).format(number=held[0].number if held else "")
        if notice_key
        else "",
        statuses=[s.value for s in RecordingStatus],
        may_issue=user.principal.role in ISSUERS,
        may_write=user.principal.role in WRITERS,
        fields=EDITABLE,
    )


@router.get("/residents/{nik}")
def resident_page(request: Request, user: User, nik: str) -> Response:
    done = request.query_params.get("done", "")
    return _resident_page(
        request, user, _checked_nik(nik), notice_key=done if done in _NOTICES else ""
    )


_NOTICES = {"issued_ok", "recorded_ok", "photo_ok", "corrected_ok", "registered_ok"}


@router.get("/residents/{nik}/photo")
def resident_photo(request: Request, user: User, nik: str) -> Response:
    with db(request) as session:
        stored = photos.read_photo(session, nik=_checked_nik(nik), actor=user.principal)
        jpeg = stored.jpeg  # deferred: read while the session is open
    return Response(
        jpeg,
        media_type="image/jpeg",
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


@router.post("/residents/{nik}/letters")
def issue_letter(
    request: Request,
    user: Checked,
    nik: str,
    purpose: Annotated[str, Form(max_length=1000)] = "",
    supersede: Annotated[str, Form(max_length=10)] = "",
    supersede_reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    nik = _checked_nik(nik)
    lang = lang_of(request)
    form = {"purpose": purpose, "supersede": bool(supersede), "supersede_reason": supersede_reason}
    settings = request.app.state.settings
    letter = None
    with refusals(lang) as refused:
        require(user.principal, *ISSUERS)
        body = LetterCreate(
            purpose=purpose,
            supersede=bool(supersede),
            supersede_reason=supersede_reason or None,
        )
        with db(request) as session:
            letter = letters.issue_letter(
                session,
                nik=nik,
                purpose=body.purpose,
                supersede=body.supersede,
                supersede_reason=body.supersede_reason,
                actor=user.principal,
                settings=settings,
                signer=request.app.state.signer,
            )
    if letter is None:
        errors = refused.fields
        # A valid letter held already: the refusal belongs next to the "supersede" box.
        if refused.code == "valid_letter_exists":
            errors["supersede"] = errors.pop("")
        status = 422 if refused.code in ("validation_error", "letter_does_not_fit") else 409
        if refused.code == "role_not_allowed":
            status = 403
        return _resident_page(
            request, user, nik, errors={"issue": errors}, form=form, status_code=status
        )
    return redirect(f"{_resident_path(nik)}?done=issued_ok#letters")


@router.post("/residents/{nik}/recording-events")
def record_event(
    request: Request,
    user: Checked,
    nik: str,
    status: Annotated[str, Form(max_length=40)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    nik = _checked_nik(nik)
    lang = lang_of(request)
    with refusals(lang) as refused:
        require(user.principal, *WRITERS)
        try:
            new_status = RecordingStatus(status)
        except ValueError:
            raise InvalidInput(
                problem_text("invalid_input.recording_status"),
                errors=[
                    field_error(["body", "status"], problem_text("field.not_a_recording_status"))
                ],
            ) from None
        with db(request) as session:
            residents.record_event(
                session,
                nik=nik,
                status=new_status,
                occurred_at=None,
                note=note.strip() or None,
                actor=user.principal,
            )
    if refused:
        return _resident_page(
            request,
            user,
            nik,
            errors={"record": refused.fields},
            form={"status": status, "note": note},
            status_code=409,
        )
    return redirect(f"{_resident_path(nik)}?done=recorded_ok#history")


@router.post("/residents/{nik}/photo")
async def upload_photo(
    request: Request,
    user: Checked,
    nik: str,
    photo: Annotated[UploadFile | None, File()] = None,
) -> Response:
    nik = _checked_nik(nik)
    settings = request.app.state.settings
    data = b""
    if photo is not None:
        data = await photo.read(settings.photo_max_bytes + 1)
    return await run_in_threadpool(_save_photo, request, user, nik, data)


def _save_photo(request: Request, user: Any, nik: str, data: bytes) -> Response:
    settings = request.app.state.settings
    lang = lang_of(request)
    with refusals(lang) as refused:
        require(user.principal, *WRITERS)
        if len(data) > settings.photo_max_bytes:
            raise PayloadTooLarge(
                problem_text("payload_too_large.photo", mb=settings.photo_max_bytes / (1024 * 1024))
            )
        prepared = photos.prepare_photo(data, settings=settings)
        with db(request) as session:
            photos.save_photo(session, nik=nik, photo=prepared, actor=user.principal)
    if refused:
        errors = {"photo": next(iter(refused.fields.values()))}
        status = 403 if refused.code == "role_not_allowed" else 422
        return _resident_page(request, user, nik, errors={"photo": errors}, status_code=status)
    return redirect(f"{_resident_path(nik)}?done=photo_ok")


def _form_values(form: Any, fields: list[tuple[str, str, list[str]]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, kind, _ in fields:
        raw = form.get(name)
        if kind == "checkbox":
            values[name] = raw not in (None, "")
        elif isinstance(raw, str):
            values[name] = raw.strip()[:500]
    return values


@router.get("/register")
def register_form(request: Request, user: User) -> Response:
    return render(
        request,
        "register.html",
        user=user,
        fields=FIELDS,
        form={"kelurahan_code": user.principal.kelurahan_code or ""},
        errors={},
    )


@router.post("/register")
async def register(request: Request, user: Checked) -> Response:
    values = _form_values(await request.form(), FIELDS)
    return await run_in_threadpool(_register, request, user, values)


def _register(request: Request, user: Any, values: dict[str, Any]) -> Response:
    lang = lang_of(request)
    saved = None
    with refusals(lang) as refused:
        require(user.principal, *WRITERS)
        data = {k: v for k, v in values.items() if v not in ("", None)}
        data["has_itap"] = bool(values.get("has_itap"))
        body = ResidentCreate.model_validate(data)
        with db(request) as session:
            saved = residents.create_resident(session, data=body, actor=user.principal)
    if saved is None:
        return render(
            request,
            "register.html",
            user=user,
            fields=FIELDS,
            form=values,
            errors=refused.fields,
            status_code=403 if refused.code == "role_not_allowed" else 422,
        )
    return redirect(f"{_resident_path(saved.resident.nik)}?done=registered_ok")


@router.get("/residents/{nik}/correct")
def correct_form(request: Request, user: User, nik: str) -> Response:
    with db(request) as session:
        resident = residents.read_resident(session, nik=_checked_nik(nik), actor=user.principal)
    form = {name: _shown(getattr(resident, name)) for name, _, _ in EDITABLE}
    return render(
        request,
        "correct.html",
        user=user,
        r=resident,
        fields=EDITABLE,
        form=form,
        version=resident.version,
        errors={},
        stale="",
    )


def _shown(value: Any) -> Any:
    if value is None:
        return ""
    return value.value if hasattr(value, "value") else value


@router.post("/residents/{nik}/correct")
async def correct(request: Request, user: Checked, nik: str) -> Response:
    form = await request.form()
    values = _form_values(form, EDITABLE)
    version = str(form.get("version", ""))[:12]
    return await run_in_threadpool(_correct, request, user, _checked_nik(nik), values, version)


def _correct(
    request: Request, user: Any, nik: str, values: dict[str, Any], version: str
) -> Response:
    lang = lang_of(request)
    saved = None
    stale = ""
    with db(request) as session:
        current = residents.get_resident(session, nik=nik, actor=user.principal)
        before = {name: _shown(getattr(current, name)) for name, _, _ in EDITABLE}
        current_version = current.version
    # Only what the clerk changed on the form is sent, as a PATCH would.
    changes = {k: v for k, v in values.items() if str(v) != str(before.get(k, ""))}
    with refusals(lang) as refused:
        require(user.principal, *WRITERS)
        body = ResidentUpdate.model_validate({k: v for k, v in changes.items() if v != ""})
        with db(request) as session:
            saved = residents.update_resident(
                session,
                nik=nik,
                changes=body.model_dump(exclude_unset=True),
                if_match=f'"{version}"',
                actor=user.principal,
            )
    if saved is not None:
        return redirect(f"{_resident_path(nik)}?done=corrected_ok")
    errors = refused.fields
    if refused.code == "stale_resident":
        stale = _who_changed(request, nik, lang=lang)
        values = before
        version = str(current_version)
        errors = {}
    return render(
        request,
        "correct.html",
        user=user,
        r=current,
        fields=EDITABLE,
        form=values,
        version=version,
        errors=errors,
        stale=stale,
        status_code=412 if stale else 422,
    )


def _who_changed(request: Request, nik: str, *, lang: Any) -> str:
    """The sentence a stale form shows: who last changed the resident, when, which fields."""
    with db(request) as session:
        row = session.execute(
            select(AuditEvent.occurred_at, AuditEvent.details, ApiKey.name)
            .outerjoin(ApiKey, ApiKey.id == AuditEvent.key_id)
            .where(
                AuditEvent.action == "resident.updated",
                AuditEvent.target == audit.resident_target(nik),
            )
            .order_by(AuditEvent.occurred_at.desc())
            .limit(1)
        ).first()
    if row is None:
        who, when, fields = "?", "?", ""
    else:
        who = row.name or "system"
        when = row.occurred_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        changed = (row.details or {}).get("fields", [])
        fields = ", ".join(text(f, lang) if f in TEXTS else str(f) for f in changed)
    return text("stale_form", lang).format(who=who, when=when, fields=fields)
