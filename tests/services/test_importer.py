"""The CSV importer: SIAK labels, bad rows, modes, upsert, history, export round trip."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from app.db import session_scope
from app.errors import InvalidInput
from app.models import RecordingEvent, Resident
from app.schemas.common import Role
from app.schemas.importer import ImportMode, ImportReport, RowFieldError
from app.services.access import SYSTEM, Principal
from app.services.exporter import EXPORT_COLUMNS, export_csv
from app.services.importer import IMPORT_COLUMNS, REQUIRED_COLUMNS, run_import
from app.services.residents import ResidentFilters
from tests.factories import KELURAHAN, OTHER_KELURAHAN, nik_for, resident_payload


def row(**overrides: Any) -> dict[str, Any]:
    """A valid import row (CSV text values); the NIK follows birth date and sex."""
    payload = resident_payload(**overrides)
    payload.setdefault("residency_status", "active")
    payload.setdefault("recording_status", "unregistered")
    payload["has_itap"] = str(payload["has_itap"]).lower()
    return payload


def to_csv(rows: list[dict[str, Any]], *, columns: list[str] | None = None, delimiter: str = ",",
           bom: bool = False) -> bytes:  # fmt: skip
    columns = columns or [c for c in IMPORT_COLUMNS if any(c in r for r in rows)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow([r.get(c, "") for c in columns])
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode()


def do_import(
    sessionmaker_, data: bytes, actor: Principal = SYSTEM, **options: Any
) -> ImportReport:  # type: ignore[no-untyped-def]  # noqa: E501
    with session_scope(sessionmaker_) as session:
        return run_import(
            session, io.BytesIO(data), actor=actor, checkpoint=session.commit, **options
        )


def stored(sessionmaker_) -> dict[str, Resident]:  # type: ignore[no-untyped-def]
    with session_scope(sessionmaker_) as session:
        return {r.nik: r for r in session.scalars(select(Resident))}


def events_of(sessionmaker_, nik: str) -> list[RecordingEvent]:  # type: ignore[no-untyped-def]
    with session_scope(sessionmaker_) as session:
        return list(
            session.scalars(
                select(RecordingEvent)
                .join(Resident, Resident.id == RecordingEvent.resident_id)
                .where(Resident.nik == nik)
                .order_by(RecordingEvent.id)
            )
        )


def test_columns_are_the_resident_fields_of_the_contract() -> None:
    from app.schemas.resident import ResidentCreate

    # nationality (issue 12) is not a CSV column yet: SIAK's export has none, and an imported
    # WNA keeps it empty until a clerk sets it through the API (the letter then prints "WNA").
    fields = set(ResidentCreate.model_fields) - {"nationality"}
    assert set(IMPORT_COLUMNS) == fields | {"recording_status_at"}
    assert EXPORT_COLUMNS == IMPORT_COLUMNS
    assert "nik" in REQUIRED_COLUMNS and "recording_status" not in REQUIRED_COLUMNS


def test_valid_rows_are_inserted_and_status_goes_into_history(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    plain = row(birth_date="1991-02-03")
    recorded = row(birth_date="1992-03-04", recording_status="card_printed",
                   recording_status_at="2016-09-01T09:30:00+08:00")  # fmt: skip
    report = do_import(sessionmaker_, to_csv([plain, recorded]))
    assert (report.inserted, report.updated, report.unchanged, report.rejected) == (2, 0, 0, 0)
    assert report.committed
    residents = stored(sessionmaker_)
    assert residents[plain["nik"]].recording_status == "unregistered"
    assert events_of(sessionmaker_, plain["nik"]) == []
    [event] = events_of(sessionmaker_, recorded["nik"])
    assert (event.status, event.source) == ("card_printed", "import")
    assert event.occurred_at == datetime(2016, 9, 1, 1, 30, tzinfo=UTC)
    assert residents[recorded["nik"]].recording_status_at == event.occurred_at
    assert residents[recorded["nik"]].kecamatan_code == "53.71.04"


def test_siak_labels_ddmmyyyy_and_separators_are_understood(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    nik = nik_for(date(1985, 12, 24), "perempuan")
    siak = row(
        nik=f"{nik[:6]}.{nik[6:12]}.{nik[12:]}",
        birth_date="1985-12-24",
        sex="PEREMPUAN",
        religion="KRISTEN",
        marital_status="CERAI HIDUP",
        blood_type="TIDAK TAHU",
        citizenship="WNI",
        has_itap="TIDAK",
        recording_status="SUDAH REKAM",
        residency_status="AKTIF",
        rt="7",
    )
    siak["birth_date"] = "24-12-1985"
    other = row(birth_date="1970-01-05", sex="LAKI-LAKI", religion="BUDHA", blood_type="O+",
                marital_status="BELUM KAWIN", recording_status="BELUM REKAM",
                has_itap="0")  # fmt: skip
    other["birth_date"] = "05/01/1970"
    report = do_import(sessionmaker_, to_csv([siak, other]))
    assert report.rejected == 0, report.rejected_rows
    first = stored(sessionmaker_)[nik]
    assert (first.sex, first.religion, first.marital_status, first.blood_type) == (
        "perempuan", "kristen", "cerai_hidup", "tidak_tahu",
    )  # fmt: skip
    assert (first.birth_date, first.rt, first.recording_status) == (
        date(1985, 12, 24), "007", "bio_captured",
    )  # fmt: skip
    second = stored(sessionmaker_)[other["nik"]]
    assert (second.religion, second.blood_type, second.birth_date) == (
        "buddha", "O+", date(1970, 1, 5),
    )  # fmt: skip


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_bom_and_semicolon_files(sessionmaker_, bom: bool, delimiter: str) -> None:  # type: ignore[no-untyped-def]
    data = to_csv([row(birth_date="1980-05-06", address="JL. A; GG. 2, NO. 3")],
                  delimiter=delimiter, bom=bom)  # fmt: skip
    report = do_import(sessionmaker_, data)
    assert (report.inserted, report.rejected, report.delimiter) == (1, 0, delimiter)
    assert next(iter(stored(sessionmaker_).values())).address == "JL. A; GG. 2, NO. 3"


BAD_ROWS = [
    ("bad NIK", {"nik": "53710412089"}, "nik", "16 digits"),
    ("NIK serial 0000", {"nik": "5371044108900000"}, "nik", "0000"),
    ("unknown kelurahan", {"kelurahan_code": "53.71.04.9999"}, "kelurahan_code", "not a known"),
    ("impossible date", {"birth_date": "31-02-1990"}, "birth_date", "not a date that exists"),
    ("unreadable date", {"birth_date": "1 Agustus 1990"}, "birth_date", "DD-MM-YYYY"),
    (
        "future birth date",
        {"birth_date": "2999-01-01", "nik": "5371040101990001"},
        "birth_date",
        "future",
    ),  # fmt: skip
    ("unknown religion", {"religion": "ATHEIS"}, "religion", "not a known religion"),
    ("unknown sex label", {"sex": "X"}, "sex", "not a known sex"),
    (
        "unknown recording status",
        {"recording_status": "SELESAI"},
        "recording_status",
        "not a known recording status",
    ),  # fmt: skip
    ("unknown blood type", {"blood_type": "Z"}, "blood_type", "not a blood type"),
    ("has_itap for a WNI", {"has_itap": "YA"}, "has_itap", "WNA only"),
    ("empty required cell", {"full_name": " "}, "full_name", "empty"),
    ("bad rt", {"rt": "1000"}, "rt", "001 to 999"),
    (
        "line break in a name",
        {"full_name": "MARIA\nBerlaku sampai 2099"},
        "full_name",
        "line breaks are not allowed",
    ),
    ("U+2028 in an address", {"address": "JL. A\u2028RT 001"}, "address", "line breaks"),
    ("bidi override in an occupation", {"occupation": "GURU\u202e"}, "occupation", "U+202E"),
    ("NUL in a birth place", {"birth_place": "KUPANG\x00"}, "birth_place", "U+0000"),
    ("zero-width space in a name", {"full_name": "MA\u200bRIA"}, "full_name", "U+200B"),
    ("name too long", {"full_name": "A" * 121}, "full_name", "at most 120"),
    (
        "naive recording_status_at",
        {"recording_status": "bio_captured", "recording_status_at": "2016-09-01 10:00"},
        "recording_status_at",
        "time zone",
    ),  # fmt: skip
]


@pytest.mark.parametrize(("override", "field", "phrase"), [b[1:] for b in BAD_ROWS],
                         ids=[b[0] for b in BAD_ROWS])  # fmt: skip
def test_every_kind_of_bad_row_is_rejected_with_a_reason(
    sessionmaker_, override: dict[str, Any], field: str, phrase: str
) -> None:  # type: ignore[no-untyped-def]
    good = row(birth_date="1975-07-08")
    bad = {**row(birth_date="1990-08-01"), **override}
    report = do_import(sessionmaker_, to_csv([good, bad, row(birth_date="1975-07-09")]))
    assert report.rejected == 1
    [rejected] = report.rejected_rows
    assert rejected.line == 3
    assert field in [e.field for e in rejected.errors], rejected.errors
    assert any(phrase in e.msg for e in rejected.errors if e.field == field), rejected.errors
    assert "******" in rejected.nik or set(rejected.nik) == {"*"}  # never the full NIK
    assert not report.committed
    assert stored(sessionmaker_) == {}  # all or nothing


def test_duplicate_nik_within_the_file(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    first = row(birth_date="1960-01-02")
    report = do_import(sessionmaker_, to_csv([first, first | {"full_name": "OTHER NAME"}]),
                       mode=ImportMode.partial)  # fmt: skip
    assert (report.inserted, report.rejected) == (1, 1)
    [rejected] = report.rejected_rows
    assert rejected.line == 3
    assert rejected.errors[0].field == "nik"
    assert "line 2" in rejected.errors[0].msg


def test_missing_column_refuses_the_whole_file(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    columns = [c for c in IMPORT_COLUMNS if c != "birth_date"]
    with pytest.raises(InvalidInput) as caught:
        do_import(sessionmaker_, to_csv([row()], columns=columns))
    assert "birth_date" in caught.value.detail
    assert caught.value.extra["errors"][0]["loc"] == ["body", "columns", "birth_date"]


def test_non_utf8_input_names_the_line(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    data = to_csv([row(birth_date="1980-01-01"), row(birth_date="1980-01-02")])
    data = data.replace(b"MARIA", "MARÍA".encode("latin-1"), 2)  # lines 2 and 3, latin-1
    with pytest.raises(InvalidInput) as caught:
        do_import(sessionmaker_, data)
    assert caught.value.code == "not_utf8"
    assert "line 2" in caught.value.detail


def test_dry_run_stores_nothing_but_counts(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    for mode in ImportMode:
        report = do_import(sessionmaker_, to_csv([row(birth_date="1980-01-01")]), dry_run=True,
                           mode=mode)  # fmt: skip
        assert (report.inserted, report.committed, report.dry_run) == (1, False, True)
    assert stored(sessionmaker_) == {}


def test_partial_stores_the_good_rows(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    good = [row(birth_date=f"1980-01-{d:02d}") for d in range(1, 6)]
    bad = row(birth_date="1990-08-01", religion="?")
    report = do_import(sessionmaker_, to_csv([*good[:2], bad, *good[2:]]), mode=ImportMode.partial,
                       batch_size=2)  # fmt: skip
    assert (report.inserted, report.rejected, report.committed) == (5, 1, True)
    assert set(stored(sessionmaker_)) == {g["nik"] for g in good}


def test_reimport_changes_nothing_and_says_so(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    rows = [row(birth_date="1980-01-01"),
            row(birth_date="1981-01-01", recording_status="processing")]  # fmt: skip
    data = to_csv(rows)
    do_import(sessionmaker_, data)
    before = {n: (r.version, r.updated_at) for n, r in stored(sessionmaker_).items()}
    report = do_import(sessionmaker_, data)
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 2)
    assert {n: (r.version, r.updated_at) for n, r in stored(sessionmaker_).items()} == before
    assert len(events_of(sessionmaker_, rows[1]["nik"])) == 1


def test_changed_field_updates_the_resident(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    original = row(birth_date="1980-01-01")
    do_import(sessionmaker_, to_csv([original]))
    # SIAK spellings of the same values count as unchanged; only the address differs.
    changed = original | {"address": "JL. EL TARI NO. 5", "religion": "KATHOLIK", "rt": "7"}
    report = do_import(sessionmaker_, to_csv([changed]))
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 0)
    resident = stored(sessionmaker_)[original["nik"]]
    assert (resident.address, resident.version) == ("JL. EL TARI NO. 5", 2)


def test_status_change_is_recorded_without_transition_rules_but_never_back(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    first = row(birth_date="1980-01-01", recording_status="card_issued")
    nik = first["nik"]
    do_import(sessionmaker_, to_csv([first]))
    # card_issued -> processing is not an allowed API move, but SIAK is the source of truth.
    report = do_import(sessionmaker_, to_csv([row(birth_date="1980-01-01", nik=nik,
                                                  recording_status="processing")]))  # fmt: skip
    assert report.updated == 1
    assert [e.status for e in events_of(sessionmaker_, nik)] == ["card_issued", "processing"]
    assert all(e.source == "import" for e in events_of(sessionmaker_, nik))
    back = do_import(sessionmaker_, to_csv([row(birth_date="1980-01-01", nik=nik,
                                                recording_status="BELUM REKAM")]))  # fmt: skip
    assert back.rejected == 1
    assert "back to unregistered" in back.rejected_rows[0].errors[0].msg
    assert stored(sessionmaker_)[nik].recording_status == "processing"


def test_missing_optional_columns_keep_stored_values(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    full = row(birth_date="1980-01-01", blood_type="AB-", recording_status="bio_captured")
    do_import(sessionmaker_, to_csv([full]))
    columns = [c for c in REQUIRED_COLUMNS]
    report = do_import(sessionmaker_, to_csv([full], columns=columns))
    assert report.unchanged == 1
    resident = stored(sessionmaker_)[full["nik"]]
    assert (resident.blood_type, resident.recording_status) == ("AB-", "bio_captured")


def test_kelurahan_key_imports_only_its_own_kelurahan(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    clerk = Principal(key_id=None, name="kelurahan", role=Role.kelurahan, kelurahan_code=KELURAHAN)
    own = row(birth_date="1980-01-01")
    other = row(birth_date="1980-01-02", kelurahan_code=OTHER_KELURAHAN)
    report = do_import(sessionmaker_, to_csv([own, other]), actor=clerk, mode=ImportMode.partial)
    assert (report.inserted, report.rejected) == (1, 1)
    assert report.rejected_rows[0].errors[0].field == "kelurahan_code"
    # A resident registered elsewhere cannot be pulled in by a kelurahan key either.
    do_import(sessionmaker_, to_csv([other]))
    moved = do_import(sessionmaker_, to_csv([other | {"kelurahan_code": KELURAHAN}]), actor=clerk)
    assert moved.rejected == 1
    assert "registered outside your kelurahan" in moved.rejected_rows[0].errors[0].msg
    assert OTHER_KELURAHAN not in moved.model_dump_json()


def test_rejected_rows_reach_the_sink_as_sent(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    class Sink:
        def start(self, header: list[str], delimiter: str) -> None:
            self.header, self.delimiter, self.rows = header, delimiter, []

        def add(self, fields: list[str], errors: list[RowFieldError]) -> None:
            self.rows.append((fields, errors))

    sink = Sink()
    bad = row(birth_date="1990-08-01", marital_status="KAWIN SIRI")
    do_import(sessionmaker_, to_csv([bad], delimiter=";"), sink=sink)
    assert sink.delimiter == ";"
    [(fields, errors)] = sink.rows
    assert fields[sink.header.index("marital_status")] == "KAWIN SIRI"
    assert errors[0].field == "marital_status"


def test_export_then_import_changes_nothing(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    rows = [row(birth_date=f"1980-02-{d:02d}", recording_status="sent_for_enrollment",
                recording_status_at="2016-03-04T05:06:07+00:00") for d in range(1, 4)]  # fmt: skip
    rows.append(row(birth_date="2001-05-06", full_name="ANAK  KECIL", blood_type="B+",
                    citizenship="WNA", has_itap="YA", residency_status="moved_out"))  # fmt: skip
    # Cells a spreadsheet would run as formulas, and a name that really begins with '.
    rows.append(row(birth_date="1977-07-01", full_name='=HYPERLINK("http://x","y")',
                    birth_place="@SUM(A1)", occupation="-1", address="+62 812 000"))  # fmt: skip
    rows.append(row(birth_date="1977-07-02", full_name="'ABDUL", address="''"))
    do_import(sessionmaker_, to_csv(rows))
    exported = b"".join(export_csv(sessionmaker_, filters=ResidentFilters(), actor=SYSTEM,
                                   chunk_size=2))  # fmt: skip
    header, *lines = exported.decode().splitlines()
    assert header.split(",") == list(EXPORT_COLUMNS)
    assert len(lines) == 6
    assert not [c for r in csv.reader(lines) for c in r if c[:1] in ("=", "+", "-", "@")]
    report = do_import(sessionmaker_, exported)
    assert (report.unchanged, report.inserted, report.updated, report.rejected) == (6, 0, 0, 0)
    assert {r.full_name for r in stored(sessionmaker_).values()} >= {
        '=HYPERLINK("http://x","y")',
        "'ABDUL",
    }
    again = b"".join(export_csv(sessionmaker_, filters=ResidentFilters(), actor=SYSTEM))
    assert again == exported
    with session_scope(sessionmaker_) as session:
        assert session.scalar(select(func.count()).select_from(RecordingEvent)) == 3


def test_demo_loader_converts_wita_to_utc_and_loads_once(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from app.demo.kupang2016 import expected_counts, generate
    from app.errors import Conflict
    from app.services.demo_loader import load_demo

    with session_scope(sessionmaker_) as session:
        result = load_demo(session, seed=3, scale=0.002, batch_size=100)
    assert result.residents == expected_counts(0.002)["total"]
    people = list(generate(seed=3, scale=0.002))
    assert result.events == sum(len(p.recording_events) for p in people)
    person = next(p for p in people if p.recording_events)
    status, local = person.recording_events[-1]
    resident = stored(sessionmaker_)[person.nik]
    assert resident.recording_status == status
    assert resident.recording_status_at == (local - timedelta(hours=8)).replace(tzinfo=UTC)
    assert {e.source for e in events_of(sessionmaker_, person.nik)} == {"demo"}
    with session_scope(sessionmaker_) as session:
        assert load_demo(session, seed=3, scale=0.002, if_empty=True).skipped
        with pytest.raises(Conflict):
            load_demo(session, seed=3, scale=0.002)


def test_timestamp_without_offset_is_read_in_the_office_zone(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    recorded = row(birth_date="1980-01-01", recording_status="bio_captured",
                   recording_status_at="2016-09-01 10:00")  # fmt: skip
    report = do_import(sessionmaker_, to_csv([recorded]), office_zone=ZoneInfo("Asia/Makassar"))
    assert report.inserted == 1
    [event] = events_of(sessionmaker_, recorded["nik"])
    assert event.occurred_at == datetime(2016, 9, 1, 2, 0, tzinfo=UTC)


def test_sex_or_region_the_nik_disagrees_with_are_imported_with_warnings(sessionmaker_) -> None:
    woman = nik_for(date(1990, 8, 1), "perempuan")
    data = to_csv(
        [
            row(nik=woman, sex="laki_laki", birth_date="1990-08-01"),
            row(nik="9471" + nik_for(date(1991, 3, 4), "laki_laki")[4:], birth_date="1991-03-04"),
        ]
    )
    report = do_import(sessionmaker_, data)
    assert (report.inserted, report.rejected) == (2, 0)
    messages = [w.msg for w in report.warnings]
    assert any("NIK encodes perempuan" in m for m in messages)
    assert any("94.71" in m for m in messages)
