"""Letters: today's counts, the list with filters, download, print view, revoke, and several
at once as a ZIP of the signed PDFs or one print copy."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from app.domain.masking import mask_nik
from app.domain.people import ResidencyStatus
from app.domain.recording import RecordingStatus
from app.errors import InvalidInput, NotFound, problem_text
from app.models import Letter, Resident
from app.office.print_copy import print_copy
from app.office.texts import text
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
from app.schemas.common import Role
from app.schemas.letter import LetterRevoke, LetterStatus
from app.services import letters
from app.services.access import Principal, require
from app.services.letters import LetterFilters, effective_status
from app.services.regions import region_names
from app.services.residents import wajib_ktp_clause

router = APIRouter(route_class=OfficeRoute)

MAX_SELECTED = 100
EXPIRING_DAYS = 14


def _in_scope(query: Any, column: Any, principal: Principal) -> Any:
    return query.where(column == principal.kelurahan_code) if principal.kelurahan_code else query


@router.get("/")
def today_page(request: Request, user: User) -> Response:
    settings = request.app.state.settings
    today = settings.office_today()
    p = user.principal
    with db(request) as session:
        # Counts only: no personal data is read, so nothing is audited here.
        issued = session.scalar(
            _in_scope(
                select(func.count()).select_from(Letter).where(Letter.valid_from == today),
                Letter.kelurahan_code,
                p,
            )
        )
        expiring = session.scalar(
            _in_scope(
                select(func.count())
                .select_from(Letter)
                .where(
                    Letter.status == LetterStatus.valid,
                    Letter.valid_until >= today,
                    Letter.valid_until <= today + timedelta(days=EXPIRING_DAYS),
                ),
                Letter.kelurahan_code,
                p,
            )
        )
        waiting = session.scalar(
            _in_scope(
                select(func.count())
                .select_from(Resident)
                .where(
                    Resident.residency_status == ResidencyStatus.active,
                    Resident.recording_status == RecordingStatus.unregistered.value,
                    wajib_ktp_clause(today),
                ),
                Resident.kelurahan_code,
                p,
            )
        )
        names = region_names(session)
    return render(
        request,
        "today.html",
        user=user,
        today=today,
        issued=issued or 0,
        expiring=expiring or 0,
        waiting=waiting or 0,
        expiring_to=today + timedelta(days=EXPIRING_DAYS),
        scope=names.get(p.kelurahan_code, p.kelurahan_code) if p.kelurahan_code else None,
    )


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/letters")
def letters_page(
    request: Request,
    user: User,
    issued_from: str = "",
    issued_to: str = "",
    status: str = "",
    kelurahan: str = "",
    q: str = "",
    expiring: str = "",
    cursor: str = "",
) -> Response:
    settings = request.app.state.settings
    today = settings.office_today()
    chosen = status if status in {s.value for s in LetterStatus} else ""
    kelurahan = kelurahan if re.fullmatch(r"\d{2}\.\d{2}\.\d{2}\.\d{4}", kelurahan) else ""
    # A search text no form sends (too long, a control character) is refused by the service
    # with the API's sentence, on a page of its own (422).
    q = q.strip()
    filters = LetterFilters(
        status=LetterStatus.valid if expiring else (LetterStatus(chosen) if chosen else None),
        kelurahan_code=kelurahan or None,
        issued_from=_date(issued_from),
        issued_to=_date(issued_to),
        q=q or None,
        valid_until_from=today if expiring else None,
        valid_until_to=today + timedelta(days=EXPIRING_DAYS) if expiring else None,
    )
    with db(request) as session:
        # The listing is audited as the API's is.
        rows, next_cursor = letters.list_letters(
            session,
            filters=filters,
            limit=50,
            cursor=cursor[:500] or None,
            actor=user.principal,
            today=today,
        )
        names = region_names(session)
    return render(
        request,
        "letters.html",
        user=user,
        rows=[(r, effective_status(r, today).value, mask_nik(r.resident_nik)) for r in rows],
        names=names,
        statuses=[s.value for s in LetterStatus],
        f={
            "issued_from": issued_from,
            "issued_to": issued_to,
            "status": chosen,
            "kelurahan": kelurahan,
            "q": q,
            "expiring": expiring,
        },
        wide=user.principal.kelurahan_code is None,
        next_cursor=next_cursor,
        error=request.query_params.get("error", ""),
    )


def _letter_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound(problem_text("letter_not_found"), code="letter_not_found") from None


def _filename(number: str) -> str:
    return "SKK-" + re.sub(r"[^A-Za-z0-9]+", "-", number).strip("-") + ".pdf"


@router.get("/letters/{letter_id}/pdf")
def download(request: Request, user: User, letter_id: str) -> Response:
    with db(request) as session:
        letter, pdf = letters.letter_pdf(
            session, letter_id=_letter_id(letter_id), actor=user.principal
        )
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={
            "ETag": f'"{letter.pdf_sha256}"',
            "Content-Disposition": f'attachment; filename="{_filename(letter.number)}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _letter_view(
    request: Request,
    user: Any,
    letter: Letter,
    *,
    names: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    settings = request.app.state.settings
    return render(
        request,
        "letter.html",
        user=user,
        status_code=status_code,
        letter=letter,
        status=effective_status(letter, settings.office_today()).value,
        masked=mask_nik(letter.resident_nik),
        names=names,
        url=letters.verification_url(settings, letter.verification_token),
        may_revoke=user.principal.role in (Role.admin, Role.operator),
        errors=errors or {},
        printing=request.query_params.get("print") == "1",
        notice=text("revoked_ok", lang_of(request)).format(number=letter.number)
        if request.query_params.get("done") == "revoked"
        else "",
    )


@router.get("/letters/{letter_id}")
def letter_page(request: Request, user: User, letter_id: str) -> Response:
    with db(request) as session:
        letter = letters.read_letter(session, letter_id=_letter_id(letter_id), actor=user.principal)
        names = region_names(session)
    return _letter_view(request, user, letter, names=names)


@router.post("/letters/{letter_id}/revoke")
def revoke(
    request: Request,
    user: Checked,
    letter_id: str,
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    settings = request.app.state.settings
    the_id = _letter_id(letter_id)
    revoked = None
    with refusals(lang_of(request)) as refused:
        require(user.principal, Role.admin, Role.operator)
        body = LetterRevoke(reason=reason)
        with db(request) as session:
            revoked = letters.revoke_letter(
                session,
                letter_id=the_id,
                reason=body.reason,
                actor=user.principal,
                today=settings.office_today(),
            )
    if revoked is not None:
        return redirect(f"{PREFIX}/letters/{the_id}?done=revoked")
    with db(request) as session:
        letter = letters.get_letter(session, letter_id=the_id, actor=user.principal)
        names = region_names(session)
    errors = refused.fields
    if "" in errors:
        errors["reason"] = errors.pop("")
    return _letter_view(
        request,
        user,
        letter,
        names=names,
        errors=errors,
        status_code=403 if refused.code == "role_not_allowed" else 409,
    )


@router.post("/letters/bundle")
async def bundle(request: Request, user: Checked) -> Response:
    form = await request.form()
    ids = [str(v) for v in form.getlist("letter")][: MAX_SELECTED + 1]
    kind = str(form.get("kind", "zip"))
    if not ids:
        return redirect(f"{PREFIX}/letters?error=none_selected")
    if len(ids) > MAX_SELECTED:
        raise InvalidInput(problem_text("invalid_input.too_many_letters", most=MAX_SELECTED))
    return await run_in_threadpool(_bundle, request, user, [_letter_id(i) for i in ids], kind)


def _bundle(request: Request, user: Any, ids: list[uuid.UUID], kind: str) -> Response:
    files: list[tuple[str, bytes]] = []
    with db(request) as session:
        for letter_id in dict.fromkeys(ids):
            # Each one is a download of a letter, audited as the API's is.
            letter, pdf = letters.letter_pdf(session, letter_id=letter_id, actor=user.principal)
            files.append((_filename(letter.number), pdf))
    if kind == "print":
        data = print_copy([pdf for _, pdf in files], text("print_copy_note", "id"))
        return Response(
            data,
            media_type="application/pdf",
            headers={
                "Content-Disposition": 'attachment; filename="SKK-salinan-cetak.pdf"',
                "Cache-Control": "private, no-store",
            },
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, pdf in files:
            archive.writestr(name, pdf)
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={
            "Content-Disposition": 'attachment; filename="SKK-surat.zip"',
            "Cache-Control": "private, no-store",
        },
    )
