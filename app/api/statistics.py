"""Recording statistics: the JSON/CSV API (any key) and the public HTML page (no key)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.api.deps import CurrentKey, SessionDep, SettingsDep
from app.api.problems import problem_responses
from app.api.ratelimit import check_public_rate
from app.errors import NotFound, RateLimited, problem_text
from app.models._types import utcnow
from app.schemas.common import Role
from app.schemas.statistics import STAT_COLUMNS, GroupBy, RecordingStatistics, RecordingStatRow
from app.services import statistics
from app.services.access import Principal
from app.services.regions import region_names
from app.services.statistics import StatRow
from app.web import HTML_SECURITY_HEADERS, templates
from app.web.svg import Bar, format_int_id, format_pct_id, stacked_bar_chart

router = APIRouter(tags=["statistics"])
# The public HTML page, outside /api/v1.
pages = APIRouter(tags=["statistics"])

CSV_MEDIA_TYPE = "text/csv"
JSON_MEDIA_TYPE = "application/json"
# Whoever reads the public page sees what any key would see for the whole city.
PUBLIC = Principal(key_id=None, name="public statistics page", role=Role.auditor)

# Nobody alive and wajib KTP was registered before this; earlier days also underflow the
# 17-year arithmetic of the age rule.
EARLIEST_AS_OF = date(1900, 1, 1)

AsOf = Annotated[
    date | None,
    Query(
        ge=EARLIEST_AS_OF,
        description="The day (YYYY-MM-DD): statuses at its end in the office's time zone. "
        "Default: today. Not before 1900-01-01, not in the future.",
        examples=["2016-10-13"],
    ),
]


def prefers_csv(accept: str | None) -> bool:
    """True when the Accept header ranks text/csv at least as high as JSON (and above 0)."""
    quality = {CSV_MEDIA_TYPE: 0.0, JSON_MEDIA_TYPE: 0.0}
    for part in (accept or "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.lower()
        if media in quality:
            quality[media] = max(quality[media], q)
    return quality[CSV_MEDIA_TYPE] > 0 and quality[CSV_MEDIA_TYPE] >= quality[JSON_MEDIA_TYPE]


def _csv(items: list[RecordingStatRow], total: RecordingStatRow) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(STAT_COLUMNS)
    for item in items:
        writer.writerow([_cell(getattr(item, c)) for c in STAT_COLUMNS])
    total_cells = {**total.model_dump(), "code": "TOTAL", "parent_code": total.code}
    writer.writerow([_cell(total_cells[c]) for c in STAT_COLUMNS])
    return out.getvalue()


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


@router.get(
    "/statistics/recording",
    summary="Recording statistics per kota, kecamatan or kelurahan",
    response_model=RecordingStatistics,
    responses={
        200: {
            "description": "The figures per group and their total; CSV (header row, one row "
            "per group, then a TOTAL row whose parent_code is the scope's code) when the "
            "request sends `Accept: text/csv`",
            "content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}},
        },
        **problem_responses(
            401,
            403,
            422,
            codes=(
                "other_kelurahan",
                "office_region_unknown",
            ),
        ),
    },
)
async def recording_statistics(
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentKey,
    group_by: GroupBy = GroupBy.kecamatan,
    as_of: AsOf = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Any:
    """How many wajib KTP residents have and have not recorded their e-KTP, per region, at
    the end of `as_of` in the office's time zone. Every figure but `residents` counts wajib
    KTP residents on that day; `residents` is the active residents as of now (moves are not
    dated). Every kecamatan and kelurahan of the office's region is listed, with zeros where
    nobody lives. A kelurahan key sees its own kelurahan only (`group_by=kelurahan`)."""

    def figures(s: Session) -> tuple[list[StatRow], StatRow]:
        rows = statistics.recording_statistics(
            s, group_by=group_by, as_of=as_of, actor=actor, settings=settings
        )
        return rows, _total(s, rows, actor, settings.office_region_code)

    rows, total_row = await session.run_sync(figures)
    day = as_of or settings.office_today()
    items = [RecordingStatRow.model_validate(row) for row in rows]
    total = RecordingStatRow.model_validate(total_row)
    if prefers_csv(accept):
        filename = f"statistik-rekam-ktp-el-{group_by.value}-{day.isoformat()}.csv"
        return Response(
            _csv(items, total),
            media_type=f"{CSV_MEDIA_TYPE}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    return RecordingStatistics(
        group_by=group_by, as_of=day, generated_at=utcnow(), items=items, total=total
    )


def _total(session: Session, rows: list[StatRow], actor: Principal, region_code: str) -> StatRow:
    """The sum of the rows, named after the scope: the office's region, or a key's kelurahan."""
    code = actor.kelurahan_code or region_code
    if len(rows) == 1 and rows[0].code == code:
        return rows[0]
    return statistics.total_row(rows, code=code, name=region_names(session).get(code, code))


@pages.get(
    "/statistics",
    summary="Public statistics page (HTML, no key)",
    response_class=HTMLResponse,
    include_in_schema=True,
    responses={
        200: {"content": {"text/html": {}}, "description": "The page, in Indonesian"},
        **problem_responses(
            404,
            422,
            429,
            codes=(
                "not_found",
                "office_region_unknown",
            ),
        ),
    },
)
async def statistics_page(
    request: Request, session: SessionDep, settings: SettingsDep, as_of: AsOf = None
) -> HTMLResponse:
    """Recording figures of the city, per kecamatan and per kelurahan, with bar charts drawn
    on the server: aggregate figures only, nobody's data. 404 when the office has closed the
    page (`SKK_STATISTICS_PAGE_PUBLIC=false`)."""
    if not settings.statistics_page_public:
        raise NotFound(problem_text("not_found.statistics_page"), code="not_found")
    decision = check_public_rate(request)
    if not decision.allowed:
        raise RateLimited(
            problem_text("rate_limited", seconds=decision.retry_after),
            headers={"Retry-After": str(decision.retry_after)},
        )
    kota = await session.run_sync(
        statistics.statistics_tree, as_of=as_of, actor=PUBLIC, settings=settings
    )
    context = {
        "kota": kota,
        "as_of": as_of or settings.office_today(),
        "today": settings.office_today(),
        "generated_at": utcnow().astimezone(settings.office_zone),
        "office_agency": settings.office_agency,
        "office_government": settings.office_government,
        "kecamatan_chart": _chart(kota.children, f"Perekaman KTP-el per kecamatan, {kota.name}"),
        "kelurahan_charts": {
            kec.code: _chart(kec.children, f"Perekaman KTP-el per kelurahan, Kecamatan {kec.name}")
            for kec in kota.children
        },
        "angka": format_int_id,
        "persen": format_pct_id,
    }
    return templates.TemplateResponse(
        request, "statistics.html", context, headers=HTML_SECURITY_HEADERS
    )


def _chart(rows: list[StatRow], title: str) -> Any:
    return stacked_bar_chart(
        [Bar(label=row.name, recorded=row.recorded, not_recorded=row.not_recorded) for row in rows],
        title=title,
    )
