"""Tests for the Kota Kupang October 2016 demo population generator."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest

import app
from app.demo.kupang2016 import (
    AS_OF,
    NOT_RECORDED_TOTAL,
    NOT_WAJIB_TOTAL,
    RECORDED_TOTAL,
    WAJIB_KTP_TOTAL,
    DemoResident,
    expected_counts,
    generate,
)

WILAYAH = Path(app.__file__).parent / "data" / "wilayah"
SEED = 7

PIPELINE = (
    "unregistered",
    "bio_captured",
    "processing",
    "sent_for_enrollment",
    "received_at_central",
    "print_ready_record",
    "sent_for_card_printing",
    "card_printed",
    "card_shipped",
    "card_issued",
)
FOLLOW_UP = {
    "duplicate_record",
    "enroll_failure_at_central",
    "search_failure_at_central",
    "enroll_failure_at_regional",
}
MARRIED_EVER = {"kawin", "cerai_hidup", "cerai_mati"}


def _age(birth: date, on: date) -> int:
    # Written out here on purpose: the test must not trust the generator's own age rule.
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _wajib(r: DemoResident, on: date) -> bool:
    if r.residency_status != "active":
        return False
    if not (r.citizenship == "WNI" or (r.citizenship == "WNA" and r.has_itap)):
        return False
    return _age(r.birth_date, on) >= 17 or r.marital_status in MARRIED_EVER


def _read(name: str) -> list[dict[str, str]]:
    with (WILAYAH / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


KECAMATAN_CODES = {
    r["code"].replace(".", "")
    for r in _read("indonesia_kecamatan.csv")
    if r["level"] == "kecamatan"
}
REGENCY_CODES = {
    r["code"].replace(".", "")
    for r in _read("indonesia_kecamatan.csv")
    if r["level"] == "kabupaten_kota"
}
KELURAHAN_CODES = {r["code"] for r in _read("kota_kupang_kelurahan.csv")}


@pytest.fixture(scope="module")
def small() -> list[DemoResident]:
    return list(generate(seed=SEED, scale=0.01))


@pytest.fixture(scope="module")
def medium() -> list[DemoResident]:
    return list(generate(seed=SEED, scale=0.05))


def _check_counts(residents: list[DemoResident], scale: float, on: date) -> None:
    expected = expected_counts(scale)
    wajib = [r for r in residents if _wajib(r, on)]
    recorded = sum(r.recording_status != "unregistered" for r in wajib)
    assert len(residents) == expected["total"]
    assert len(wajib) == expected["wajib_ktp"]
    assert recorded == expected["recorded"]
    assert len(wajib) - recorded == expected["not_recorded"]
    assert len(residents) - len(wajib) == expected["not_wajib"]


def test_expected_counts_full_scale_are_the_published_figures() -> None:
    assert expected_counts() == {
        "wajib_ktp": 411_046,
        "recorded": 219_402,
        "not_recorded": 191_644,
        "not_wajib": 25_000,
        "total": 436_046,
    }
    assert WAJIB_KTP_TOTAL == RECORDED_TOTAL + NOT_RECORDED_TOTAL
    assert NOT_WAJIB_TOTAL == 25_000


@pytest.mark.parametrize("scale", [0.0, 0.0001, 0.003, 0.01, 0.5, 2.0])
def test_expected_counts_are_consistent(scale: float) -> None:
    c = expected_counts(scale)
    assert c["recorded"] + c["not_recorded"] == c["wajib_ktp"]
    assert c["wajib_ktp"] + c["not_wajib"] == c["total"]
    assert c["wajib_ktp"] == round(WAJIB_KTP_TOTAL * scale)
    assert c["recorded"] == round(RECORDED_TOTAL * scale)
    assert c["not_wajib"] == round(NOT_WAJIB_TOTAL * scale)


def test_negative_scale_is_refused() -> None:
    with pytest.raises(ValueError):
        expected_counts(-0.1)


def test_small_scale_reproduces_exact_counts(small: list[DemoResident]) -> None:
    _check_counts(small, 0.01, AS_OF)


def test_other_as_of_keeps_exact_counts() -> None:
    # 1 March right after a non-leap February exercises the birthday boundary logic.
    on = date(2015, 3, 1)
    _check_counts(list(generate(seed=3, scale=0.004, as_of=on)), 0.004, on)


def test_tiny_scale_still_exact() -> None:
    _check_counts(list(generate(seed=1, scale=0.0005)), 0.0005, AS_OF)


def test_zero_scale_yields_nothing() -> None:
    assert list(generate(scale=0.0)) == []


def test_kecamatan_proportions(medium: list[DemoResident]) -> None:
    share = Counter(r.kelurahan_code[:8] for r in medium)
    total = sum(share.values())
    designed = {
        "53.71.01": 0.160,
        "53.71.02": 0.205,
        "53.71.03": 0.170,
        "53.71.04": 0.225,
        "53.71.05": 0.145,
        "53.71.06": 0.095,
    }
    assert set(share) == set(designed)
    for kec, want in designed.items():
        assert abs(share[kec] / total - want) < 0.01, kec
    ranked = [k for k, _ in share.most_common()]
    assert ranked[:2] == ["53.71.04", "53.71.02"]
    assert ranked[-1] == "53.71.06"


def test_all_kelurahan_present_with_varied_sizes(medium: list[DemoResident]) -> None:
    per_kel = Counter(r.kelurahan_code for r in medium)
    assert set(per_kel) == KELURAHAN_CODES
    assert len(per_kel) == 51
    assert max(per_kel.values()) > 2 * min(per_kel.values())


def test_recorded_share_varies_by_kelurahan(medium: list[DemoResident]) -> None:
    wajib: Counter[str] = Counter()
    recorded: Counter[str] = Counter()
    for r in medium:
        if _wajib(r, AS_OF):
            wajib[r.kelurahan_code] += 1
            recorded[r.kelurahan_code] += r.recording_status != "unregistered"
    shares = [recorded[k] / wajib[k] for k in wajib]
    assert min(shares) >= 0.40
    assert max(shares) <= 0.68
    assert max(shares) - min(shares) > 0.08


def test_niks_are_valid_and_unique(small: list[DemoResident]) -> None:
    niks = [r.nik for r in small]
    assert len(set(niks)) == len(niks)
    for r in small:
        nik = r.nik
        assert len(nik) == 16 and nik.isascii() and nik.isdigit(), nik
        assert nik[:4] in REGENCY_CODES, nik
        assert nik[:6] in KECAMATAN_CODES, nik
        assert nik[4:6] != "00", nik
        day = int(nik[6:8])
        if r.sex == "perempuan":
            assert 41 <= day <= 71, nik
            day -= 40
        else:
            assert r.sex == "laki_laki"
            assert 1 <= day <= 31, nik
        assert day == r.birth_date.day, nik
        assert int(nik[8:10]) == r.birth_date.month, nik
        assert int(nik[10:12]) == r.birth_date.year % 100, nik
        assert nik[12:] != "0000", nik


def test_nik_origins_are_mostly_kupang(medium: list[DemoResident]) -> None:
    kupang = sum(r.nik.startswith("5371") for r in medium) / len(medium)
    ntt_other = sum(r.nik.startswith("53") and not r.nik.startswith("5371") for r in medium)
    elsewhere = sum(not r.nik.startswith("53") for r in medium)
    assert 0.75 < kupang < 0.88
    assert 0.10 < ntt_other / len(medium) < 0.20
    assert 0.01 < elsewhere / len(medium) < 0.06
    assert {r.nik[:6] for r in medium if r.nik.startswith("5371")} <= {
        f"53710{i}" for i in range(1, 7)
    }


def test_kk_numbers_and_households(small: list[DemoResident]) -> None:
    households: dict[str, list[DemoResident]] = defaultdict(list)
    for r in small:
        households[r.kk_number].append(r)
    for kk, members in households.items():
        assert len(kk) == 16 and kk.isdigit(), kk
        assert kk[:4] == "5371" and kk[4:6] in {"01", "02", "03", "04", "05", "06"}, kk
        issued = date(2000 + int(kk[10:12]), int(kk[8:10]), int(kk[6:8]))  # no +40 on a KK
        assert date(2005, 1, 1) <= issued < AS_OF, kk
        assert kk[12:] != "0000", kk
        assert 1 <= len(members) <= 7, kk
        assert issued >= max(m.birth_date for m in members), kk
        assert len({(m.address, m.rt, m.rw, m.kelurahan_code) for m in members}) == 1, kk
        assert kk[:6] == members[0].kelurahan_code[:8].replace(".", ""), kk
    sizes = Counter(len(m) for m in households.values())
    assert len(sizes) >= 5  # a realistic mix of household sizes


def test_recording_events(small: list[DemoResident]) -> None:
    start = datetime(2011, 10, 1)
    cutoff = datetime(AS_OF.year, AS_OF.month, AS_OF.day)
    known = set(PIPELINE) | FOLLOW_UP
    for r in small:
        assert r.recording_status in known
        events = r.recording_events
        if r.recording_status == "unregistered":
            assert events == []
            continue
        assert events, r.nik
        statuses = [s for s, _ in events]
        times = [t for _, t in events]
        assert statuses[-1] == r.recording_status
        assert statuses[0] == "bio_captured"
        assert all(a < b for a, b in zip(times, times[1:], strict=False)), r.nik
        assert start <= times[0] and times[-1] < cutoff, r.nik
        assert times[-1].date() <= date(2016, 10, 12)
        if r.recording_status in FOLLOW_UP:
            assert statuses == ["bio_captured", r.recording_status]
        else:
            assert statuses == list(PIPELINE[1 : PIPELINE.index(r.recording_status) + 1])


def test_recorded_status_mix_is_plausible(medium: list[DemoResident]) -> None:
    statuses = Counter(r.recording_status for r in medium if r.recording_status != "unregistered")
    n = sum(statuses.values())
    waiting = statuses["print_ready_record"] + statuses["sent_for_card_printing"]
    assert 0.45 < waiting / n < 0.65
    assert 0.18 < statuses["card_issued"] / n < 0.32
    assert 0.04 < sum(statuses[s] for s in FOLLOW_UP) / n < 0.12
    assert set(statuses) == set(PIPELINE[1:]) | FOLLOW_UP


def test_people_are_plausible(medium: list[DemoResident]) -> None:
    for r in medium:
        age = _age(r.birth_date, AS_OF)
        assert 0 <= age <= 90
        assert (r.birth_date.month, r.birth_date.day) != (2, 29)
        assert r.full_name == r.full_name.upper() and r.full_name.strip()
        assert r.birth_place == r.birth_place.upper()
        assert r.sex in {"laki_laki", "perempuan"}
        assert r.citizenship in {"WNI", "WNA"}
        assert not (r.has_itap and r.citizenship == "WNI")
        assert r.residency_status in {"active", "moved_out", "deceased"}
        assert len(r.rt) == 3 and 1 <= int(r.rt) <= 20
        assert len(r.rw) == 3 and 1 <= int(r.rw) <= 20
        assert r.address.startswith("JL. ")
        assert r.religion in {
            "islam",
            "kristen",
            "katolik",
            "hindu",
            "buddha",
            "khonghucu",
            "kepercayaan",
        }
        if age < 17:
            assert r.marital_status == "belum_kawin"
            assert r.occupation in {"PELAJAR/MAHASISWA", "BELUM/TIDAK BEKERJA"}
        if r.occupation == "PENSIUNAN":
            assert age >= 55
        if _wajib(r, AS_OF):
            assert 17 <= age <= 90
    religions = Counter(r.religion for r in medium)
    assert [k for k, _ in religions.most_common(3)] == ["kristen", "katolik", "islam"]
    assert Counter(r.birth_place for r in medium).most_common(1)[0][0] == "KUPANG"
    blood = Counter(r.blood_type for r in medium)
    assert blood.most_common(1)[0][0] == "tidak_tahu"
    not_wajib = [r for r in medium if not _wajib(r, AS_OF)]
    kids = sum(_age(r.birth_date, AS_OF) < 17 for r in not_wajib)
    assert kids / len(not_wajib) > 0.9


def test_deterministic_for_a_seed() -> None:
    first = list(generate(seed=11, scale=0.003))
    again = list(generate(seed=11, scale=0.003))
    other = list(generate(seed=12, scale=0.003))
    assert first == again
    assert [r.nik for r in first] != [r.nik for r in other]
    assert len(first) == len(other)


def test_as_of_too_early_is_refused() -> None:
    with pytest.raises(ValueError):
        next(generate(as_of=date(2011, 10, 5)))


@pytest.mark.slow
def test_full_scale_exact_published_figures() -> None:
    wajib = recorded = total = 0
    niks: set[str] = set()
    for r in generate():
        total += 1
        niks.add(r.nik)
        if _wajib(r, AS_OF):
            wajib += 1
            recorded += r.recording_status != "unregistered"
    assert wajib == 411_046
    assert recorded == 219_402
    assert wajib - recorded == 191_644
    assert total == 411_046 + NOT_WAJIB_TOTAL
    assert len(niks) == total
