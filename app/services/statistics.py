"""Recording statistics: wajib KTP residents who have and have not recorded, per region, on a day.

Definitions (DESIGN.md):
- `residents`: residents whose residency_status is `active`. We do not know when someone moved
  out or died, so residency_status is taken as it is now, also for a past `as_of`.
- `wajib_ktp`: active residents who are wajib KTP on `as_of` (age and marital status on that
  day; citizenship, ITAP and marital status as stored now). Every other figure counts among them.
- `recorded`: recording status other than `unregistered`; `not_recorded` = wajib_ktp - recorded;
  `card_issued`: status `card_issued`; `needs_follow_up`: one of the four follow-up statuses.
- `valid_letters`: letters valid at the end of `as_of` (not yet expired, not revoked, superseded
  or voided by then).

"On `as_of`" means at the end of that day in the office's time zone (WITA, UTC+8, Kupang):
events with `occurred_at` before the next midnight WITA count. For today (or no `as_of`) the
resident's current status is used.

Every query groups by kelurahan in SQL; kecamatan and kota rows are sums of their kelurahan
(a resident's kecamatan_code is always the one of their kelurahan_code), so the kota total is
the sum of the kecamatan by construction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Join

from app.config import Settings
from app.domain.letters import LetterStatus
from app.domain.people import ResidencyStatus
from app.domain.recording import FOLLOW_UP, RecordingStatus
from app.errors import Forbidden, InvalidInput, NotFound, field_error, problem_text
from app.models import Letter, RecordingEvent, Region, Resident
from app.schemas.statistics import GroupBy
from app.services.access import Principal
from app.services.residents import wajib_ktp_clause

__all__ = [
    "GroupBy",
    "StatRow",
    "day_cutoff",
    "recording_statistics",
    "statistics_tree",
    "total_row",
]


_FOLLOW_UP = frozenset(s.value for s in FOLLOW_UP)
_UNREGISTERED = RecordingStatus.unregistered.value
_CARD_ISSUED = RecordingStatus.card_issued.value


@dataclass
class StatRow:
    """The figures of one region; see the module docstring for what each one counts."""

    code: str
    name: str
    parent_code: str | None = None
    residents: int = 0
    wajib_ktp: int = 0
    recorded: int = 0
    card_issued: int = 0
    needs_follow_up: int = 0
    valid_letters: int = 0
    children: list[StatRow] = field(default_factory=list, repr=False, compare=False)

    @property
    def not_recorded(self) -> int:
        return self.wajib_ktp - self.recorded

    @property
    def recorded_pct(self) -> float:
        """recorded / wajib_ktp * 100, one decimal rounded half up; 0 when nobody is wajib."""
        if not self.wajib_ktp:
            return 0.0
        pct = Decimal(self.recorded * 100) / Decimal(self.wajib_ktp)
        return float(pct.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

    def add(self, other: StatRow) -> None:
        """Add another row's counts to this one."""
        self.residents += other.residents
        self.wajib_ktp += other.wajib_ktp
        self.recorded += other.recorded
        self.card_issued += other.card_issued
        self.needs_follow_up += other.needs_follow_up
        self.valid_letters += other.valid_letters

    def count_status(self, status: str, n: int) -> None:
        """Count n wajib KTP residents with this recording status."""
        self.wajib_ktp += n
        if status != _UNREGISTERED:
            self.recorded += n
        if status == _CARD_ISSUED:
            self.card_issued += n
        elif status in _FOLLOW_UP:
            self.needs_follow_up += n


class _CrossJoin(Join):
    """An inner join that SQLite must run in the order written (CROSS JOIN ... ON): its
    planner, without statistics, would otherwise start from the wrong table."""

    inherit_cache = True


@compiles(_CrossJoin, "sqlite")
def _sqlite_cross_join(join: _CrossJoin, compiler: Any, **kw: Any) -> str:
    # "<left> JOIN <right table> ON <clause>": the last " JOIN " is this join's keyword.
    head, _, tail = compiler.visit_join(join, **kw).rpartition(" JOIN ")
    return f"{head} CROSS JOIN {tail}"


def day_cutoff(day: date, zone: tzinfo) -> datetime:
    """The first instant after `day` ends at the office: events before it happened on or
    before that day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def total_row(rows: Iterable[StatRow], *, code: str, name: str) -> StatRow:
    """The sum of rows, as one row."""
    total = StatRow(code=code, name=name)
    for row in rows:
        total.add(row)
    return total


def recording_statistics(
    session: Session,
    *,
    group_by: GroupBy | str,
    as_of: date | None,
    actor: Principal,
    settings: Settings,
) -> list[StatRow]:
    """Recording figures per kota, kecamatan or kelurahan of the office's region on a day."""
    group_by = GroupBy(group_by)
    if actor.kelurahan_code and group_by is not GroupBy.kelurahan:
        raise Forbidden(
            problem_text("other_kelurahan.statistics", kelurahan=actor.kelurahan_code),
            code="other_kelurahan",
        )
    kota = statistics_tree(session, as_of=as_of, actor=actor, settings=settings)
    if group_by is GroupBy.kota:
        return [kota]
    if group_by is GroupBy.kecamatan:
        return list(kota.children)
    return [kel for kec in kota.children for kel in kec.children]


def statistics_tree(
    session: Session,
    *,
    as_of: date | None,
    actor: Principal,
    settings: Settings,
) -> StatRow:
    """The kota's row, its kecamatan as children and their kelurahan as grandchildren (only
    the actor's kelurahan for a kelurahan key)."""
    today = settings.office_today()
    if as_of is not None and as_of > today:
        raise InvalidInput(
            problem_text(
                "validation_error.as_of_future", as_of=as_of.isoformat(), today=today.isoformat()
            ),
            errors=[field_error(["query", "as_of"], problem_text("field.not_in_future"))],
        )
    kota = _region_tree(session, settings.office_region_code, only_kelurahan=actor.kelurahan_code)
    kelurahan = {k.code: k for kec in kota.children for k in kec.children}
    if kelurahan:
        zone = settings.office_zone
        _count_residents(
            session,
            kelurahan,
            as_of=None if as_of in (None, today) else as_of,
            today=today,
            zone=zone,
        )
        _count_letters(session, kelurahan, as_of=as_of or today, zone=zone)
    for kec in kota.children:
        for kel in kec.children:
            kec.add(kel)
        kota.add(kec)
    return kota


def _region_tree(session: Session, kota_code: str, *, only_kelurahan: str | None) -> StatRow:
    """Empty rows for the kota, its kecamatan and their kelurahan, from the regions table."""
    kota_region = session.get(Region, kota_code)
    if kota_region is None:
        raise NotFound(
            problem_text("office_region_unknown", region=kota_code),
            code="office_region_unknown",
        )
    kota = StatRow(
        code=kota_region.code, name=kota_region.name, parent_code=kota_region.parent_code
    )
    kecamatan = session.execute(
        select(Region.code, Region.name)
        .where(Region.parent_code == kota_code, Region.level == "kecamatan")
        .order_by(Region.code)
    ).all()
    by_code = {}
    for code, name in kecamatan:
        by_code[code] = StatRow(code=code, name=name, parent_code=kota_code)
        kota.children.append(by_code[code])
    query = (
        select(Region.code, Region.name, Region.parent_code)
        .where(Region.parent_code.in_(by_code), Region.level == "kelurahan_desa")
        .order_by(Region.code)
    )
    if only_kelurahan:
        query = query.where(Region.code == only_kelurahan)
    for code, name, parent in session.execute(query):
        by_code[parent].children.append(StatRow(code=code, name=name, parent_code=parent))
    if only_kelurahan:
        kota.children = [kec for kec in kota.children if kec.children]
    return kota


def _count_residents(
    session: Session,
    kelurahan: dict[str, StatRow],
    *,
    as_of: date | None,
    today: date,
    zone: tzinfo,
) -> None:
    """Fill residents and the recording figures; as_of None means now (current status)."""
    in_scope = Resident.kelurahan_code.in_(kelurahan)
    by_status = (Resident.kelurahan_code, Resident.recording_status)
    # Each query is one pass over ix_residents_statistics, which is already in (kelurahan,
    # status) order: SQLite counts without sorting or touching the table.
    if as_of is None:
        wajib = wajib_ktp_clause(today)
        query = (
            select(*by_status, func.count(), func.count(case((wajib, 1))))
            .where(Resident.residency_status == ResidencyStatus.active, in_scope)
            .group_by(*by_status)
        )
        for code, status, active, n_wajib in session.execute(query):
            kelurahan[code].residents += active
            kelurahan[code].count_status(status, n_wajib)
        return

    active_query = (
        select(Resident.kelurahan_code, func.count())
        .where(Resident.residency_status == ResidencyStatus.active, in_scope)
        .group_by(Resident.kelurahan_code)
    )
    for code, active in session.execute(active_query):
        kelurahan[code].residents += active
    cutoff = day_cutoff(as_of, zone)
    wajib = wajib_ktp_clause(as_of)
    # Whoever has had no event since the cutoff still has the status they had that day; only
    # the others ("changed") need their history.
    changed = Resident.recording_status_at >= cutoff
    query = (
        select(*by_status, func.count(), func.count(case((changed, 1))))
        .where(wajib, in_scope)
        .group_by(*by_status)
    )
    changed_per_kelurahan: dict[str, int] = defaultdict(int)
    for code, status, n_wajib, n_changed in session.execute(query):
        kelurahan[code].count_status(status, n_wajib - n_changed)
        changed_per_kelurahan[code] += n_changed
    if not any(changed_per_kelurahan.values()):
        return
    latest = _latest_status_before(session, cutoff)
    history = (
        select(Resident.kelurahan_code, latest.c.status, func.count())
        # SQLite: drive from the events pass and look residents up by id, instead of probing
        # a temporary index of that pass for every resident.
        .select_from(_CrossJoin(latest, Resident, Resident.id == latest.c.resident_id))
        .where(wajib, changed, in_scope)
        .group_by(Resident.kelurahan_code, latest.c.status)
    )
    for code, status, n in session.execute(history):
        kelurahan[code].count_status(status, n)
        changed_per_kelurahan[code] -= n
    # Changed residents without any event before the cutoff had not recorded yet.
    for code, n in changed_per_kelurahan.items():
        kelurahan[code].count_status(_UNREGISTERED, n)


def _latest_status_before(session: Session, cutoff: datetime) -> Any:
    """Subquery (resident_id, status): each resident's latest event before the cutoff."""
    before = RecordingEvent.occurred_at < cutoff
    if session.get_bind().dialect.name == "sqlite":
        # SQLite fills a bare column from the first row that holds the max(); reading
        # ix_recording_events_resident_latest (latest first, then the higher id) makes that the
        # latest event, ties going to the later id, in one index-only pass. The window function
        # below takes several times longer on SQLite.
        return (
            select(
                RecordingEvent.resident_id,
                RecordingEvent.status,
                func.max(RecordingEvent.occurred_at),
            )
            .where(before)
            .group_by(RecordingEvent.resident_id)
            .subquery("latest")
        )
    ranked = (
        select(
            RecordingEvent.resident_id,
            RecordingEvent.status,
            func.row_number()
            .over(
                partition_by=RecordingEvent.resident_id,
                order_by=(RecordingEvent.occurred_at.desc(), RecordingEvent.id.desc()),
            )
            .label("rank"),
        )
        .where(before)
        .subquery("ranked")
    )
    return (
        select(ranked.c.resident_id, ranked.c.status).where(ranked.c.rank == 1).subquery("latest")
    )


def _count_letters(
    session: Session, kelurahan: dict[str, StatRow], *, as_of: date, zone: tzinfo
) -> None:
    """Fill valid_letters: letters of wajib KTP residents valid at the end of as_of."""
    cutoff = day_cutoff(as_of, zone)
    # Valid then = issued by then, in its validity period, and still `valid` now or changed
    # (revoked, superseded, voided) only after that day.
    valid_then = and_(
        Letter.issued_at < cutoff,
        Letter.valid_from <= as_of,
        Letter.valid_until >= as_of,
        or_(Letter.status == LetterStatus.valid, Letter.status_changed_at >= cutoff),
    )
    query = (
        select(Resident.kelurahan_code, func.count())
        # SQLite: from the (few) letters to their residents, not the other way round.
        .select_from(_CrossJoin(Letter, Resident, Resident.id == Letter.resident_id))
        .where(valid_then, wajib_ktp_clause(as_of), Resident.kelurahan_code.in_(kelurahan))
        .group_by(Resident.kelurahan_code)
    )
    for code, n in session.execute(query):
        kelurahan[code].valid_letters += n
