"""Synthetic demo population of Kota Kupang as of October 2016 (standard library only).

The generator reproduces the published Disdukcapil Kota Kupang figures for 13 October
2016 exactly: 411,046 residents obliged to hold an e-KTP (wajib KTP), of whom 219,402 had
recorded their biometrics and 191,644 had not, plus a group of residents who are not wajib
KTP (children, foreigners without ITAP, people who moved out or died). Everything else
(names, ages, households, event dates) is invented but plausible and fully deterministic
for a given seed and scale.
"""

from __future__ import annotations

import csv
import random
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import app
from app.domain.people import ResidencyStatus
from app.domain.recording import FOLLOW_UP, PIPELINE, RecordingStatus

__all__ = [
    "AS_OF",
    "FOLLOW_UP_STATUSES",
    "NOT_RECORDED_TOTAL",
    "NOT_WAJIB_TOTAL",
    "PIPELINE_STATUSES",
    "RECORDED_TOTAL",
    "RECORDING_START",
    "WAJIB_KTP_TOTAL",
    "DemoResident",
    "expected_counts",
    "generate",
]

AS_OF = date(2016, 10, 13)
WAJIB_KTP_TOTAL = 411_046
RECORDED_TOTAL = 219_402
NOT_RECORDED_TOTAL = 191_644
NOT_WAJIB_TOTAL = 25_000

# The national e-KTP programme started recording on this date: no event may precede it.
RECORDING_START = date(2011, 10, 1)
# KK numbers in the demo are issued no earlier than this (SIAK-era family cards).
KK_START = date(2005, 1, 1)

# The same vocabulary as the service, in pipeline order (the domain rules are pure too).
PIPELINE_STATUSES: tuple[str, ...] = tuple(status.value for status in PIPELINE)
FOLLOW_UP_STATUSES: tuple[str, ...] = tuple(
    status.value for status in RecordingStatus if status in FOLLOW_UP
)

_WILAYAH_DIR = Path(app.__file__).parent / "data" / "wilayah"
_KUPANG = "5371"
_MAX_AGE = 90  # keeps every two-digit NIK year unambiguous (19xx for 25-99, 20xx for 00-16)


@dataclass(slots=True)
class DemoResident:
    """One synthetic resident with their e-KTP recording history as of the demo date."""

    nik: str
    kk_number: str
    full_name: str
    birth_place: str
    birth_date: date
    sex: str
    blood_type: str
    religion: str
    marital_status: str
    occupation: str
    citizenship: str
    has_itap: bool
    address: str
    rt: str
    rw: str
    kelurahan_code: str
    residency_status: ResidencyStatus
    recording_status: str
    recording_events: list[tuple[str, datetime]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Counts and apportionment


def expected_counts(scale: float = 1.0) -> dict[str, int]:
    """Return the exact group sizes generate() produces at a scale."""
    if scale < 0:
        raise ValueError("scale must not be negative")
    wajib = round(WAJIB_KTP_TOTAL * scale)
    # Derived rather than rounded separately so recorded + not_recorded == wajib_ktp always.
    recorded = min(round(RECORDED_TOTAL * scale), wajib)
    not_wajib = round(NOT_WAJIB_TOTAL * scale)
    return {
        "wajib_ktp": wajib,
        "recorded": recorded,
        "not_recorded": wajib - recorded,
        "not_wajib": not_wajib,
        "total": wajib + not_wajib,
    }


def _apportion(
    total: int, weights: Sequence[float], caps: Sequence[int] | None = None
) -> list[int]:
    """Split total into integers proportional to weights (largest remainder), within caps."""
    n = len(weights)
    counts = [0] * n
    open_idx = [i for i in range(n) if weights[i] > 0 and (caps is None or caps[i] > 0)]
    remaining = total
    # Capped shares are fixed and the rest re-apportioned until nothing exceeds its cap.
    while remaining > 0 and open_idx:
        wsum = sum(weights[i] for i in open_idx)
        quotas = {i: remaining * weights[i] / wsum for i in open_idx}
        trial = {i: int(quotas[i]) for i in open_idx}
        left = remaining - sum(trial.values())
        order = sorted(open_idx, key=lambda i: (trial[i] - quotas[i], i))
        for i in order[:left]:
            trial[i] += 1
        over = [i for i in open_idx if caps is not None and counts[i] + trial[i] >= caps[i]]
        if not over:
            for i in open_idx:
                counts[i] += trial[i]
            return counts
        for i in over:
            assert caps is not None
            remaining -= caps[i] - counts[i]
            counts[i] = caps[i]
        open_idx = [i for i in open_idx if i not in over]
    if remaining > 0:
        raise ValueError(f"cannot apportion {total} within the caps")
    return counts


# ---------------------------------------------------------------------------------------
# Region data


@dataclass(frozen=True, slots=True)
class _Regions:
    kelurahan: tuple[tuple[str, str], ...]  # (dotted code, name), CSV order
    kecamatan_by_regency: dict[str, tuple[str, ...]]  # "5302" -> ("530201", ...)
    regencies_by_province: dict[str, tuple[str, ...]]  # "35" -> ("3501", ...)


@lru_cache(maxsize=1)
def _regions() -> _Regions:
    with (_WILAYAH_DIR / "kota_kupang_kelurahan.csv").open(encoding="utf-8", newline="") as f:
        kelurahan = tuple((r["code"], r["name"]) for r in csv.DictReader(f))
    by_regency: dict[str, list[str]] = {}
    with (_WILAYAH_DIR / "indonesia_kecamatan.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["level"] != "kecamatan":
                continue
            code = r["code"].replace(".", "")
            if len(code) != 6 or code.endswith("00"):
                continue
            by_regency.setdefault(code[:4], []).append(code)
    by_province: dict[str, list[str]] = {}
    for regency in by_regency:
        by_province.setdefault(regency[:2], []).append(regency)
    return _Regions(
        kelurahan=kelurahan,
        kecamatan_by_regency={k: tuple(v) for k, v in by_regency.items()},
        regencies_by_province={k: tuple(v) for k, v in by_province.items()},
    )


# Share of the population per kecamatan: Oebobo and Maulafa largest, Kota Lama smallest.
_KECAMATAN_SHARE: dict[str, float] = {
    "537101": 0.160,  # Alak
    "537102": 0.205,  # Maulafa
    "537103": 0.170,  # Kelapa Lima
    "537104": 0.225,  # Oebobo
    "537105": 0.145,  # Kota Raja
    "537106": 0.095,  # Kota Lama
}

# Relative size of each kelurahan inside its kecamatan (unknown codes weigh 1.0).
_KELURAHAN_WEIGHT: dict[str, float] = {
    "53.71.01.1001": 1.3, "53.71.01.1002": 1.0, "53.71.01.1003": 1.0, "53.71.01.1004": 0.7,
    "53.71.01.1005": 0.9, "53.71.01.1006": 1.1, "53.71.01.1007": 0.6, "53.71.01.1008": 1.0,
    "53.71.01.1009": 1.2, "53.71.01.1010": 0.9, "53.71.01.1011": 0.5, "53.71.01.1012": 0.8,
    "53.71.02.1001": 1.4, "53.71.02.1002": 1.0, "53.71.02.1003": 1.5, "53.71.02.1004": 1.1,
    "53.71.02.1005": 0.6, "53.71.02.1006": 0.5, "53.71.02.1007": 0.9, "53.71.02.1008": 1.8,
    "53.71.02.1009": 0.8,
    "53.71.03.1001": 0.9, "53.71.03.1010": 1.6, "53.71.03.1011": 1.1, "53.71.03.1014": 0.9,
    "53.71.03.1015": 0.8,
    "53.71.04.1001": 1.0, "53.71.04.1008": 0.8, "53.71.04.1009": 1.5, "53.71.04.1010": 1.4,
    "53.71.04.1011": 1.0, "53.71.04.1013": 1.3, "53.71.04.1014": 1.1,
    "53.71.05.1001": 1.2, "53.71.05.1002": 0.9, "53.71.05.1003": 1.0, "53.71.05.1004": 1.1,
    "53.71.05.1005": 0.7, "53.71.05.1006": 1.0, "53.71.05.1007": 0.7, "53.71.05.1008": 1.0,
    "53.71.06.1001": 0.6, "53.71.06.1002": 0.7, "53.71.06.1003": 0.8, "53.71.06.1004": 0.6,
    "53.71.06.1005": 0.5, "53.71.06.1006": 0.8, "53.71.06.1007": 1.2, "53.71.06.1008": 1.0,
    "53.71.06.1009": 1.3, "53.71.06.1010": 0.9,
}  # fmt: skip

# Seaside kelurahan, where fishing is a common occupation.
_COASTAL = frozenset(
    {
        "53.71.01.1001", "53.71.01.1002", "53.71.01.1004", "53.71.01.1008",
        "53.71.03.1001", "53.71.03.1010", "53.71.03.1011", "53.71.03.1014",
        "53.71.06.1004", "53.71.06.1005", "53.71.06.1007", "53.71.06.1009",
    }
)  # fmt: skip

_STREETS: dict[str, tuple[str, ...]] = {
    "537101": ("JL. YOS SUDARSO", "JL. ALAK", "JL. PENKASE", "JL. MANULAI", "JL. BATU PLAT",
               "JL. NAIONI", "JL. DUA LONTAR", "JL. TRIKORA", "JL. KENARI", "JL. NUNBAUN"),
    "537102": ("JL. ADISUCIPTO", "JL. H.R. KOROH", "JL. KOLHUA", "JL. BAUMATA", "JL. OEKAM",
               "JL. KEJORA", "JL. SUKUN", "JL. PENFUI TIMUR", "JL. BELLO", "JL. PERUMNAS"),
    "537103": ("JL. TIMOR RAYA", "JL. R.A. KARTINI", "JL. SAM RATULANGI", "JL. SUPRAPTO",
               "JL. JALUR 40", "JL. LASIANA", "JL. BUNDA HATI KUDUS", "JL. OESAPA"),
    "537104": ("JL. W.J. LALAMENTIK", "JL. EL TARI", "JL. FRANS SEDA", "JL. PIET A. TALLO",
               "JL. AMABI", "JL. PERINTIS KEMERDEKAAN", "JL. OEBOBO", "JL. LILIBA",
               "JL. FATULULI", "JL. THAMRIN"),
    "537105": ("JL. JEND. SUDIRMAN", "JL. ALFONS NISNONI", "JL. SOEHARTO", "JL. KAMBOJA",
               "JL. SIRIH", "JL. BAKUNASE", "JL. MOHAMMAD HATTA", "JL. KUANINO",
               "JL. FONTEIN"),
    "537106": ("JL. SOEKARNO", "JL. GARUDA", "JL. MERDEKA", "JL. SOLOR", "JL. KOSASIH",
               "JL. SUMATERA", "JL. ALOR", "JL. FLORES", "JL. PASIR PANJANG", "JL. OEBA"),
}  # fmt: skip

# Home town of each NTT regency (birth places of people first registered there).
_NTT_TOWN: dict[str, str] = {
    "5301": "KUPANG", "5302": "SOE", "5303": "KEFAMENANU", "5304": "ATAMBUA",
    "5305": "ALOR", "5306": "LARANTUKA", "5307": "MAUMERE", "5308": "ENDE",
    "5309": "BAJAWA", "5310": "RUTENG", "5311": "WAINGAPU", "5312": "WAIKABUBAK",
    "5313": "LEWOLEBA", "5314": "ROTE", "5315": "LABUAN BAJO", "5316": "MBAY",
    "5317": "WAIBAKUL", "5318": "TAMBOLAKA", "5319": "BORONG", "5320": "SABU",
    "5321": "BETUN", "5371": "KUPANG",
}  # fmt: skip
# Migration into Kota Kupang comes mostly from nearby Timor, Rote and Sabu.
_NTT_REGENCY_WEIGHTS: dict[str, float] = {
    "5301": 20, "5302": 12, "5303": 8, "5304": 7, "5305": 6, "5306": 5, "5307": 5,
    "5308": 5, "5309": 2, "5310": 3, "5311": 3, "5312": 1.5, "5313": 3, "5314": 10,
    "5315": 1, "5316": 1.5, "5317": 1, "5318": 1.5, "5319": 1, "5320": 7, "5321": 3,
}  # fmt: skip
# Provinces outside NTT that people move to Kupang from, with their usual birth place.
_OTHER_PROVINCES: dict[str, tuple[float, str]] = {
    "35": (25, "SURABAYA"), "73": (20, "MAKASSAR"), "51": (12, "DENPASAR"),
    "33": (9, "SEMARANG"), "31": (8, "JAKARTA"), "52": (8, "BIMA"), "71": (6, "MANADO"),
    "32": (5, "BANDUNG"), "81": (5, "AMBON"), "34": (2, "YOGYAKARTA"),
}  # fmt: skip
_FLORES_BELU = frozenset(
    {"5304", "5306", "5307", "5308", "5309", "5310", "5313", "5315", "5316", "5319", "5321"}
)
_SUMBA = frozenset({"5311", "5312", "5317", "5318"})

# ---------------------------------------------------------------------------------------
# Weighted choice tables: (values, cumulative weights normalised to end at exactly 1.0)

_Table = tuple[tuple, list[float]]


def _table(pairs: Sequence[tuple[object, float]]) -> _Table:
    total = sum(w for _, w in pairs)
    cum = [c / total for c in accumulate(w for _, w in pairs)]
    cum[-1] = 1.0  # a draw in [0, 1) can then never fall past the end
    return tuple(v for v, _ in pairs), cum


def _pick(rnd: Callable[[], float], table: _Table) -> Any:
    values, cum = table
    return values[bisect_right(cum, rnd())]


def _ages(lo: int, hi: int, weight: Callable[[int], float]) -> _Table:
    return _table([(a, weight(a)) for a in range(lo, hi + 1)])


def _head_weight(a: int) -> float:
    # Married household heads: few very young couples, bulk 30-55, thinning after 60.
    if a < 25:
        return (a - 20) * 0.8
    if a < 30:
        return 5.5
    if a < 45:
        return 6.5
    if a < 55:
        return 5.0
    if a < 65:
        return 3.2
    if a < 75:
        return 1.6
    return 0.6


_AGE_STUDENT = _table(
    [(17, 2), (18, 8), (19, 12), (20, 13), (21, 13), (22, 12), (23, 10), (24, 8), (25, 5),
     (26, 3)]
)  # fmt: skip
_AGE_WORKER = _ages(23, 55, lambda a: 6.0 if a < 35 else 3.0 if a < 45 else 1.5)
_AGE_ELDER = _ages(60, _MAX_AGE, lambda a: max(0.5, 10.0 - (a - 60) * 0.3))
_AGE_HEAD = _ages(22, 85, _head_weight)
_AGE_SINGLE_PARENT = _ages(35, 85, lambda a: 3.0 if a < 60 else 2.0 if a < 75 else 1.0)
_AGE_GAP = _table([(-3, 1), (-1, 3), (0, 4), (1, 6), (2, 8), (3, 8), (4, 6), (5, 5),
                   (6, 3), (8, 2), (10, 1), (14, 0.3)])  # fmt: skip

_HOUSEHOLD_KIND = _table(
    [("couple", 70), ("student", 14), ("worker", 5), ("elder", 3.5), ("single_parent", 7.5)]
)

_BLOOD = _table(
    [("tidak_tahu", 55), ("O", 13), ("B", 10), ("A", 9), ("AB", 3), ("O+", 4), ("A+", 2.5),
     ("B+", 2.5), ("AB+", 0.6), ("O-", 0.15), ("A-", 0.1), ("B-", 0.1), ("AB-", 0.05)]
)  # fmt: skip

_REL_TIMOR = _table([("kristen", 70), ("katolik", 18), ("islam", 10), ("hindu", 1.5),
                     ("buddha", 0.5)])  # fmt: skip
_REL_FLORES = _table([("katolik", 80), ("islam", 12), ("kristen", 8)])
_REL_SUMBA = _table([("kristen", 65), ("katolik", 25), ("islam", 6), ("kepercayaan", 4)])
_REL_ALOR = _table([("kristen", 60), ("islam", 38), ("katolik", 2)])
_REL_MUSLIM_PROV = _table([("islam", 86), ("kristen", 6), ("katolik", 4), ("buddha", 3),
                           ("khonghucu", 1)])  # fmt: skip
_REL_BALI = _table([("hindu", 90), ("islam", 5), ("kristen", 5)])
_REL_CHRISTIAN_PROV = _table([("kristen", 75), ("islam", 15), ("katolik", 10)])

_OCC_YOUNG = _table(
    [("PELAJAR/MAHASISWA", 55), ("BELUM/TIDAK BEKERJA", 20), ("KARYAWAN SWASTA", 10),
     ("WIRASWASTA", 6), ("BURUH HARIAN LEPAS", 5), ("SOPIR", 2), ("PEDAGANG", 2)]
)  # fmt: skip
_MALE_WORK = [
    ("WIRASWASTA", 20), ("PEGAWAI NEGERI SIPIL", 15), ("KARYAWAN SWASTA", 15),
    ("BURUH HARIAN LEPAS", 10), ("PETANI/PEKEBUN", 6), ("SOPIR", 6), ("TUKANG BATU", 4),
    ("PEDAGANG", 4), ("TENTARA NASIONAL INDONESIA", 3), ("KEPOLISIAN RI", 3), ("GURU", 4),
    ("DOSEN", 1.5), ("KARYAWAN HONORER", 4), ("BELUM/TIDAK BEKERJA", 3), ("PENDETA", 0.5),
    ("KARYAWAN BUMN", 1.5), ("NELAYAN/PERIKANAN", 1.5),
]  # fmt: skip
_OCC_MALE = _table(_MALE_WORK)
_OCC_MALE_COASTAL = _table([(o, w * 3 if o.startswith("NELAYAN") else w) for o, w in _MALE_WORK]
                           + [("NELAYAN/PERIKANAN", 10)])  # fmt: skip
_FEMALE_WORK = [
    ("PEGAWAI NEGERI SIPIL", 16), ("KARYAWAN SWASTA", 14), ("WIRASWASTA", 14), ("GURU", 10),
    ("PEDAGANG", 8), ("PERAWAT", 5), ("KARYAWAN HONORER", 8), ("BELUM/TIDAK BEKERJA", 10),
    ("DOSEN", 1.5), ("BIDAN", 2), ("PETANI/PEKEBUN", 3),
]  # fmt: skip
_OCC_FEMALE = _table(_FEMALE_WORK)
_OCC_FEMALE_MARRIED = _table(_FEMALE_WORK + [("MENGURUS RUMAH TANGGA", 90)])
_OCC_OLD_MALE = _table(
    [("PENSIUNAN", 35), ("PETANI/PEKEBUN", 18), ("WIRASWASTA", 15), ("BELUM/TIDAK BEKERJA", 22),
     ("PEDAGANG", 5), ("NELAYAN/PERIKANAN", 3), ("PENDETA", 2)]
)  # fmt: skip
_OCC_OLD_FEMALE = _table(
    [("MENGURUS RUMAH TANGGA", 50), ("PENSIUNAN", 20), ("BELUM/TIDAK BEKERJA", 20),
     ("PEDAGANG", 6), ("PETANI/PEKEBUN", 4)]
)  # fmt: skip

# Final status of recorded residents: most are stuck waiting for a card (2016 blank-card
# shortage). "last" anchors the history near as_of (still moving), "first" at the capture.
_FINAL_STATUS = _table(
    [(("bio_captured", "last"), 2.5), (("processing", "last"), 1.5),
     (("sent_for_enrollment", "last"), 2.5), (("received_at_central", "last"), 2.0),
     (("print_ready_record", "first"), 38), (("sent_for_card_printing", "first"), 17),
     (("card_printed", "last"), 1.8), (("card_shipped", "last"), 1.7),
     (("card_issued", "first"), 25), (("duplicate_record", "first"), 4.0),
     (("enroll_failure_at_central", "first"), 1.5),
     (("search_failure_at_central", "first"), 1.5),
     (("enroll_failure_at_regional", "first"), 1.0)]
)  # fmt: skip

_H, _D = 3600, 86400
# Seconds between a pipeline step and the next one, as (min, max) uniform ranges; index i
# is the gap from PIPELINE_STATUSES[i] to PIPELINE_STATUSES[i + 1].
_STEP_GAP: tuple[tuple[int, int], ...] = (
    (0, 0),  # unregistered -> bio_captured: unused
    (600, 3 * _D),  # bio_captured -> processing
    (_H, 7 * _D),  # processing -> sent_for_enrollment
    (_H, 5 * _D),  # sent_for_enrollment -> received_at_central
    (_D, 60 * _D),  # received_at_central -> print_ready_record
    (_D, 200 * _D),  # print_ready_record -> sent_for_card_printing (blank-card shortage)
    (_D, 120 * _D),  # sent_for_card_printing -> card_printed
    (_D, 14 * _D),  # card_printed -> card_shipped
    (_D, 30 * _D),  # card_shipped -> card_issued
)
_FOLLOW_UP_GAP = (_D, 90 * _D)
_DAYS_TO_17 = 6209  # 17 years in days, close enough for a soft lower bound

_FIRST_M = (
    "YOHANES", "AGUSTINUS", "FRANSISKUS", "DOMINGGUS", "FERDINAND", "YOSEF", "PETRUS",
    "PAULUS", "MARKUS", "YAKOBUS", "SAMUEL", "DANIEL", "MIKAEL", "ANDREAS", "STEFANUS",
    "ALFONS", "BERNADUS", "KORNELIS", "MELKIANUS", "ADRIANUS", "YUNUS", "SEMUEL", "NIKOLAS",
    "ARNOLDUS", "OKTOVIANUS", "RICKY", "JEFRI", "ALDO", "DEDI", "FRENGKI", "HERMAN",
    "IMANUEL", "ELIAS", "GABRIEL", "YERMIAS", "ROBERT", "ANTONIUS", "FREDERIK", "YONATAN",
    "YULIUS", "MATEUS", "LUKAS", "SIMON", "FILIPUS", "ZAKARIAS", "DOMINIKUS", "GERSON",
    "YOHANIS", "ABRAHAM", "MESAKH", "HENDRIK", "RUDOLF", "ALEXANDER", "WILLEM", "ROY",
)  # fmt: skip
_FIRST_F = (
    "MARIA", "YULIANA", "NOVI", "MARTHA", "MAGDALENA", "KRISTINA", "AGUSTINA", "YOHANA",
    "ELISABETH", "MARGARETHA", "DORKAS", "SERLINA", "FEBRIANTI", "DESI", "MERLIN", "YUNITA",
    "ROSALINDA", "FRANSISKA", "VERONIKA", "ANASTASIA", "SISILIA", "PAULINA", "ANGELINA",
    "RAHEL", "RUTH", "SARA", "DEBORA", "LENNY", "NELCI", "YENNY", "YASINTA", "IMELDA",
    "BERTA", "KATARINA", "SELVI", "NOFRIANA", "ANITA", "MERRY", "OKTAVIA", "YOSINA",
    "ADRIANA", "FERONIKA", "MARSELINA", "NAOMI", "ESTER", "LODIA", "ORPA", "SANTI",
)  # fmt: skip
_SURNAME_TIMOR = (
    "NDUN", "FANGGIDAE", "PAH", "TEFA", "NENABU", "BENU", "LAKA", "MANAFE", "LAY", "BESSIE",
    "MESSAKH", "SINLAE", "KANA", "RIWU", "TALLO", "AMALO", "DETHAN", "RATU", "ADOE", "BANI",
    "DIMU", "DJAMI", "HENUK", "LADO", "LOBO", "MALELAK", "NALLE", "NDOLU", "PELLO", "RADJA",
    "SELAN", "TANESAB", "ULY", "LIUNOKAS", "NUBATONIS", "TOY", "NAILIU", "OEMATAN", "NOKAS",
    "SAEKOKO", "BISILISIN", "NEONUFA", "KOLO", "MANU", "SAU", "BIRE", "HEKE", "HABA", "DAMI",
    "WADU", "ROHI", "KORE", "LUDJI", "TAKA", "NGGEBU", "FOEH", "ZACHARIAS", "BOBOY", "MISA",
)  # fmt: skip
_SURNAME_FLORES = (
    "DA COSTA", "PARERA", "FERNANDEZ", "DA SILVA", "GOBANG", "KEDANG", "LEWAR", "WUWUR",
    "GOLE", "WATU", "BAO", "MEO", "DJOGO", "DHAE", "NONG", "MUDA", "LEDE", "DUA", "TUKAN",
    "KOTEN", "SERAN", "NAHAK", "BERE", "KLAU", "MAU", "LELO", "HALE", "TAEK", "LUAN",
    "DE ROZARI", "HURINT", "RATO", "SOGE", "JEHAMAT", "NGGADAS",
)  # fmt: skip
_MUSLIM_M = (
    "AHMAD", "MUHAMMAD", "ABDUL", "HASAN", "ISMAIL", "IBRAHIM", "RIDWAN", "SAFRUDIN", "ARIF",
    "HAMZAH", "SYAMSUDIN", "USMAN", "ZAINAL", "RAHMAT", "FIRMAN", "AGUS", "BUDI", "SULAIMAN",
)  # fmt: skip
_MUSLIM_F = (
    "SITI", "NURHAYATI", "FATIMAH", "AMINAH", "HALIMAH", "RAHMA", "AISYAH", "NURUL", "SRI",
    "DEWI", "ZAENAB", "SALMA", "WAHYUNI", "HASNAH", "MARYAM", "KHADIJAH",
)  # fmt: skip
_MUSLIM_LAST = (
    "RAHMAN", "HAMID", "SALEH", "BAKAR", "HASAN", "YUSUF", "IDRIS", "DJAFAR", "ALI", "KADIR",
    "MANSYUR", "LATIF", "SYARIF", "BADJIDEH", "ARSYAD", "BAHRI", "MAHMUD", "HASYIM",
)  # fmt: skip
_BALI_PREFIX_M = ("I WAYAN", "I MADE", "I NYOMAN", "I KETUT", "I GEDE", "I PUTU")
_BALI_PREFIX_F = ("NI WAYAN", "NI MADE", "NI NYOMAN", "NI KETUT", "NI LUH", "NI PUTU")
_BALI_M = ("SUDARMA", "ARTAWAN", "SUARDANA", "WIRAWAN", "ASTAWA", "MERTAYASA", "SUKARTA")
_BALI_F = ("SRI ARYANI", "SUARNI", "ARTINI", "WIDIASIH", "SUASTINI", "PUSPAWATI")
_CHINESE_M = ("HENDRA", "WILLIAM", "SUSANTO", "JOHNNY", "KEVIN", "RUDY", "ANDY", "TONNY")
_CHINESE_F = ("LIANA", "MEILIANA", "FELICIA", "LINDA", "YENNY", "SUSAN", "LILY", "VIVI")
_CHINESE_LAST = ("TANUDJAJA", "WIJAYA", "SALIM", "GUNAWAN", "LAY", "LIEM", "TANOTO", "HALIM",
                 "SANTOSO", "KURNIAWAN")  # fmt: skip
_SUMBA_M = ("UMBU NDAKULARAK", "UMBU TAMU", "UMBU PADJI", "UMBU DEKU", "UMBU RADA")
_SUMBA_F = ("RAMBU ANA", "RAMBU KAHI", "RAMBU LIKU", "RAMBU HAMU", "RAMBU NGANA")
_WNA_M = ("JOAO", "MANUEL", "ANTONIO", "DOMINGOS", "JOSE", "FRANCISCO", "JOHN", "DAVID")
_WNA_F = ("ANA", "MARIA", "TERESA", "ROSA", "JOANA", "SARAH", "ELIZABETH")
_WNA_LAST = ("DA COSTA SOARES", "DOS SANTOS", "PEREIRA", "XIMENES", "GUTERRES", "DE JESUS",
             "SMITH", "WILLIAMS")  # fmt: skip
_WNA_PLACE = ("DILI", "DILI", "BAUCAU", "SUAI", "MALIANA", "DARWIN")
_MIDDLE_INITIALS = "ABCDEFGHIJKLMNOPRSTWY"


# ---------------------------------------------------------------------------------------
# Internal household model


class _Member:
    __slots__ = ("female", "age", "marital", "role", "residency", "wna", "itap", "recorded")

    def __init__(self, female: bool, age: int, marital: str, role: str) -> None:
        self.female = female
        self.age = age
        self.marital = marital
        self.role = role
        self.residency = ResidencyStatus.active
        self.wna = False
        self.itap = False
        self.recorded = False


class _Household:
    __slots__ = ("kind", "members")

    def __init__(self, kind: str, members: list[_Member]) -> None:
        self.kind = kind
        self.members = members


def _adult_children(rnd: Callable[[], float], youngest_parent: int, limit: int) -> list[_Member]:
    """Unmarried children aged 17+ still living with their parents."""
    top = min(youngest_parent - 20, 40)
    if top < 17 or limit <= 0:
        return []
    span = youngest_parent - 36
    # Older parents: most children have left home.
    n = int(rnd() * 3) if youngest_parent >= 65 else min(4, int(rnd() * (2 + span / 6)))
    kids = []
    for _ in range(min(n, limit)):
        # Mildly skewed young: children in their 20s more often still live at home.
        r = rnd()
        age = 17 + int((top - 16) * r * (0.4 + 0.6 * r))
        kids.append(_Member(rnd() < 0.5, age, "belum_kawin", "child"))
    return kids


def _make_household(rnd: Callable[[], float], left: int) -> _Household:
    """One household of wajib-KTP adults, at most left members."""
    kind = _pick(rnd, _HOUSEHOLD_KIND)
    if kind == "student" or (left == 1 and kind in ("couple", "single_parent")):
        # Boarding students (kos) make Kupang a young university town.
        return _Household("student", [_Member(rnd() < 0.5, _pick(rnd, _AGE_STUDENT),
                                              "belum_kawin", "student")])  # fmt: skip
    if kind == "worker":
        marital = "belum_kawin" if rnd() < 0.75 else "cerai_hidup"
        return _Household(kind, [_Member(rnd() < 0.45, _pick(rnd, _AGE_WORKER), marital, "head")])
    if kind == "elder":
        r = rnd()
        marital = "cerai_mati" if r < 0.8 else "cerai_hidup" if r < 0.9 else "belum_kawin"
        return _Household(kind, [_Member(rnd() < 0.7, _pick(rnd, _AGE_ELDER), marital, "head")])
    if kind == "single_parent":
        marital = "cerai_mati" if rnd() < 0.6 else "cerai_hidup"
        head = _Member(rnd() < 0.7, _pick(rnd, _AGE_SINGLE_PARENT), marital, "head")
        return _Household(kind, [head, *_adult_children(rnd, head.age, min(left - 1, 4))])
    head_age = _pick(rnd, _AGE_HEAD)
    head_female = rnd() < 0.08
    gap = _pick(rnd, _AGE_GAP)
    spouse_age = max(17, min(_MAX_AGE, head_age + gap if head_female else head_age - gap))
    head = _Member(head_female, head_age, "kawin", "head")
    spouse = _Member(not head_female, spouse_age, "kawin", "spouse")
    if rnd() < 0.0005:
        # A handful of foreign heads (mostly Timor-Leste) with a permanent stay permit.
        head.wna = head.itap = True
    members = [head, spouse]
    members += _adult_children(rnd, min(head_age, spouse_age), min(left - 2, 4))
    if len(members) < left and rnd() < 0.12:
        if rnd() < 0.6:  # a nephew or niece from the village, studying in town
            members.append(_Member(rnd() < 0.5, _pick(rnd, _AGE_STUDENT), "belum_kawin",
                                   "relative_student"))  # fmt: skip
        else:  # a widowed parent
            age = min(_MAX_AGE, max(head_age, spouse_age) + 20 + int(rnd() * 10))
            members.append(_Member(rnd() < 0.7, age, "cerai_mati", "relative_elder"))
    return _Household(kind, members)


def _build_kelurahan(
    rnd: Callable[[], float], n_wajib: int, n_recorded: int, n_not_wajib: int
) -> list[_Household]:
    """Households of one kelurahan with exactly the requested group sizes."""
    households: list[_Household] = []
    adults: list[_Member] = []
    left = n_wajib
    while left > 0:
        hh = _make_household(rnd, left)
        households.append(hh)
        adults += hh.members
        left -= len(hh.members)

    # Recording is likelier for working-age adults: new 17-year-olds, boarding students
    # registered elsewhere and the very old lag behind. Ranking by a noisy score keeps that
    # tendency while the kelurahan total stays exact.
    def score(m: _Member) -> float:
        a = m.age
        bias = -0.35 if a < 20 else -0.1 if a < 25 else 0.15 if a < 60 else 0.0 if a < 75 else -0.3
        return rnd() + bias

    ranked = sorted(((score(m), i) for i, m in enumerate(adults)), reverse=True)
    for _, i in ranked[:n_recorded]:
        adults[i].recorded = True

    # Children go to couples or single parents young enough to be their parents.
    candidates = [
        hh
        for hh in households
        if hh.kind in ("couple", "single_parent")
        and 20 <= min(m.age for m in hh.members[:2] if m.role in ("head", "spouse")) <= 55
    ]
    for _ in range(n_not_wajib):
        r = rnd()
        if r < 0.001:
            # Foreigner on a temporary permit (KITAS): registered but never wajib KTP.
            m = _Member(rnd() < 0.4, 25 + int(rnd() * 35), "belum_kawin", "head")
            m.wna = True
            households.append(_Household("wna", [m]))
        elif r < 0.035:
            if r < 0.023:
                m = _Member(rnd() < 0.5, 18 + int(rnd() * 22), "belum_kawin", "child")
                m.residency = ResidencyStatus.moved_out
            else:
                m = _Member(rnd() < 0.45, 55 + int(rnd() * (_MAX_AGE - 54)), "cerai_mati",
                            "relative_elder")  # fmt: skip
                m.residency = ResidencyStatus.deceased
            m.recorded = rnd() < 0.6
            for _ in range(5):
                host = households[int(rnd() * len(households))] if households else None
                if host is not None and len(host.members) < 7:
                    host.members.append(m)
                    break
            else:
                households.append(_Household("single", [m]))
        else:
            family: _Household | None = None
            while candidates:
                j = int(rnd() * len(candidates))
                if len(candidates[j].members) < 7:
                    family = candidates[j]
                    break
                candidates[j] = candidates[-1]  # full: drop it without shifting the list
                candidates.pop()
            if family is None:
                # Only at tiny scales: no suitable family left, the child is its own entry.
                kid = _Member(rnd() < 0.5, int(rnd() * 17), "belum_kawin", "kid")
                households.append(_Household("single", [kid]))
                continue
            parent_age = min(m.age for m in family.members if m.role in ("head", "spouse"))
            top = min(16, parent_age - 19)
            family.members.append(
                _Member(rnd() < 0.5, int(rnd() * (top + 1)), "belum_kawin", "kid")
            )
    return households


# ---------------------------------------------------------------------------------------
# Generation


def _birth_windows(as_of: date) -> list[tuple[int, int]]:
    """For each age 0.._MAX_AGE, the (first, last) birth ordinal giving that age on as_of."""

    def age_on(o: int) -> int:
        b = date.fromordinal(o)
        return as_of.year - b.year - ((as_of.month, as_of.day) < (b.month, b.day))

    latest = []  # latest[a]: last ordinal whose age on as_of is >= a
    for a in range(_MAX_AGE + 2):
        o = as_of.toordinal() - round(a * 365.2425)
        while age_on(o) < a:
            o -= 1
        while age_on(o + 1) >= a:
            o += 1
        latest.append(o)
    # Newborns are at least a week old so their KK can be issued before as_of.
    latest[0] = min(latest[0], as_of.toordinal() - 7)
    return [(latest[a + 1] + 1, latest[a]) for a in range(_MAX_AGE + 1)]


def _bio_day_table(first: date, last: date) -> _Table:
    """Capture dates: 2012-2013 mass recording, a lull, then the 2016 deadline rush."""

    def weight(d: date) -> float:
        if d.year == 2011:
            return 0.3
        if d.year == 2012:
            return 3.0
        if d.year == 2013:
            return 2.0
        if d.year in (2014, 2015):
            return 0.8
        return 3.0 if d.month in (8, 9) else 1.2

    o0 = first.toordinal()
    return _table([(o, weight(date.fromordinal(o))) for o in range(o0, last.toordinal() + 1)])


def generate(
    *, seed: int = 2016, scale: float = 1.0, as_of: date = AS_OF
) -> Iterator[DemoResident]:
    """Yield the demo residents in a stable order: by kelurahan, then household, then member."""
    if as_of <= RECORDING_START + timedelta(days=30):
        raise ValueError("as_of must be well after the start of e-KTP recording (2011-10-01)")
    regions = _regions()
    kel_codes = [code for code, _ in regions.kelurahan]
    wajib, recorded, not_wajib = _kelurahan_targets(kel_codes, expected_counts(scale))
    population = _Population(random.Random(seed).random, regions, as_of)
    for ki, kel in enumerate(kel_codes):
        yield from population.kelurahan(kel, wajib[ki], recorded[ki], not_wajib[ki])


def _kecamatan_digits(kelurahan_code: str) -> str:
    return kelurahan_code[:8].replace(".", "")


def _kelurahan_targets(
    kel_codes: list[str], counts: dict[str, int]
) -> tuple[list[int], list[int], list[int]]:
    """Per kelurahan: wajib KTP, recorded and not-wajib residents, summing to the city's."""
    kec_weight: dict[str, float] = {}
    for code in kel_codes:
        kec = _kecamatan_digits(code)
        kec_weight[kec] = kec_weight.get(kec, 0.0) + _KELURAHAN_WEIGHT.get(code, 1.0)
    weights = [
        _KECAMATAN_SHARE.get(_kecamatan_digits(c), 0.1)
        * _KELURAHAN_WEIGHT.get(c, 1.0)
        / kec_weight[_kecamatan_digits(c)]
        for c in kel_codes
    ]
    wajib = _apportion(counts["wajib_ktp"], weights)
    # Recorded share per kelurahan between 45% and 62%, fixed by the code (not the seed),
    # then scaled by the apportionment so the city total is exact.
    share = [0.45 + 0.17 * (zlib.crc32(c.encode()) % 1000) / 999 for c in kel_codes]
    recorded = _apportion(counts["recorded"], [w * s for w, s in zip(wajib, share, strict=True)],
                          caps=wajib)  # fmt: skip
    not_wajib = _apportion(counts["not_wajib"], weights)
    return wajib, recorded, not_wajib


@dataclass(frozen=True, slots=True)
class _Neighbourhood:
    """A kelurahan's streets: each RT sits on one street; RTs are grouped into RWs."""

    kel: str
    kec: str
    coastal: bool
    n_rt: int
    rt_per_rw: int
    rt_street: list[str]


class _Population:
    """The generator's state: one random stream (every draw in a fixed order, so a seed
    always gives the same people), the region tables and the NIK and KK serial counters."""

    def __init__(self, rnd: Callable[[], float], regions: _Regions, as_of: date) -> None:
        self.rnd = rnd
        self.as_of_o = as_of.toordinal()
        self.windows = _birth_windows(as_of)
        self.base = datetime(RECORDING_START.year, RECORDING_START.month, RECORDING_START.day)
        self.base_o = RECORDING_START.toordinal()
        self.end_day = self.as_of_o - 1 - self.base_o  # last allowed event day, relative to base
        self.end_sec = (self.end_day + 1) * _D  # events strictly before as_of 00:00
        self.bio_days = _bio_day_table(RECORDING_START, as_of - timedelta(days=1))
        self.kk_start_o = KK_START.toordinal()
        self.nik_serial: dict[str, int] = {}
        self.kk_serial: dict[str, int] = {}
        self.kupang_kec = sorted(c for c in regions.kecamatan_by_regency.get(_KUPANG, ()))
        self.ntt_regencies = _table([(r, w) for r, w in _NTT_REGENCY_WEIGHTS.items()
                                     if r in regions.kecamatan_by_regency])  # fmt: skip
        self.other_provinces = _table([(p, w) for p, (w, _) in _OTHER_PROVINCES.items()
                                       if p in regions.regencies_by_province])  # fmt: skip
        self.by_regency = regions.kecamatan_by_regency
        self.by_province = regions.regencies_by_province

    # -- one kelurahan, one household, one member ------------------------------------

    def kelurahan(
        self, kel: str, n_wajib: int, n_recorded: int, n_not_wajib: int
    ) -> Iterator[DemoResident]:
        rnd = self.rnd
        kec = _kecamatan_digits(kel)
        streets = _STREETS.get(kec, ("JL. EL TARI",))
        n_rt = 8 + int(rnd() * 13)
        rt_per_rw = 3 + int(rnd() * 3)
        rt_street = [self.choice(streets) for _ in range(n_rt)]
        place = _Neighbourhood(kel, kec, kel in _COASTAL, n_rt, rt_per_rw, rt_street)
        for hh in _build_kelurahan(rnd, n_wajib, n_recorded, n_not_wajib):
            yield from self.household(hh, place)

    def household(self, hh: _Household, place: _Neighbourhood) -> Iterator[DemoResident]:
        members = hh.members
        births = [self.birth_date(m) for m in members]
        head = members[0]
        head_region, religion = self.head_origin(hh, place.kec)
        fam = self.family_surname(religion, head_region)
        kk_number = self.kk_number(place.kec, births)
        rt, rw, address = self.address(place)
        for m, bd in zip(members, births, strict=True):
            region = head_region if m is head else self.member_region(m, place.kec)
            # Wives keep their own clan name; children and the head carry the family's.
            if m.role == "spouse" or m.role.startswith("relative"):
                surname = self.family_surname(religion, region)
            else:
                surname = fam
            nik = self.nik(region, bd, m.female)
            if m.recorded:
                status, history = self.events(bd.toordinal())
            else:
                status, history = "unregistered", []
            yield DemoResident(
                nik,
                kk_number,
                self.full_name(m.female, religion, surname, m.wna),
                self.choice(_WNA_PLACE) if m.wna else self.birth_place(region),
                bd,
                "perempuan" if m.female else "laki_laki",
                _pick(self.rnd, _BLOOD),
                religion,
                m.marital,
                self.occupation(m, place.coastal),
                "WNA" if m.wna else "WNI",
                m.itap,
                address,
                rt,
                rw,
                place.kel,
                m.residency,
                status,
                history,
            )

    # -- the steps -------------------------------------------------------------------

    def birth_date(self, m: _Member) -> date:
        lo, hi = self.windows[m.age]
        o = lo + int(self.rnd() * (hi - lo + 1))
        d = date.fromordinal(o)
        if d.month == 2 and d.day == 29:
            # Avoid leap-day birthdays; both neighbours keep the same age on as_of.
            o = o - 1 if o - 1 >= lo else o + 1
            d = date.fromordinal(o)
        return d

    def head_origin(self, hh: _Household, kec: str) -> tuple[str, str]:
        """Where the head was first registered (their NIK's region) and the family's religion."""
        if hh.members[0].wna:
            # Foreigners get their NIK where they first registered a stay in Kupang.
            return kec, "katolik" if self.rnd() < 0.85 else "kristen"
        students = hh.kind == "student"
        head_region = self.region_for(kec, 0.40 if students else 0.17, 0.05 if students else 0.04)
        return head_region, _pick(self.rnd, self.religion_table(head_region))

    def member_region(self, m: _Member, kec: str) -> str:
        if m.role in ("kid", "child"):
            return self.region_for(kec, 0.06, 0.01)
        if m.role == "relative_student":
            return self.region_for(kec, 0.6, 0.02)
        return self.region_for(kec, 0.17, 0.04)

    def kk_number(self, kec: str, births: list[date]) -> str:
        """KK issued on or after the youngest member's birth (a new card is issued then)."""
        kk_lo = max(self.kk_start_o, max(d.toordinal() for d in births))
        kk_day = date.fromordinal(kk_lo + int(self.rnd() * (self.as_of_o - kk_lo)))
        kk_key = f"{kec}{kk_day.day:02d}{kk_day.month:02d}{kk_day.year % 100:02d}"
        self.kk_serial[kk_key] = n = self.kk_serial.get(kk_key, 0) + 1
        if n > 9999:
            raise RuntimeError(f"KK serials exhausted for {kk_key}; use a smaller scale")
        return f"{kk_key}{n:04d}"

    def nik(self, region: str, bd: date, female: bool) -> str:
        ddmmyy = f"{bd.day + 40 if female else bd.day:02d}{bd.month:02d}{bd.year % 100:02d}"
        key = region + ddmmyy
        self.nik_serial[key] = n = self.nik_serial.get(key, 0) + 1
        if n > 9999:
            raise RuntimeError(f"NIK serials exhausted for {key}; use a smaller scale")
        return f"{key}{n:04d}"

    def address(self, place: _Neighbourhood) -> tuple[str, str, str]:
        """RT, RW and street address of a household."""
        rnd = self.rnd
        rt_i = int(rnd() * place.n_rt)
        street = place.rt_street[rt_i]
        r = rnd()
        if r < 0.8:
            address = f"{street} NO. {1 + int(rnd() * 150)}"
        elif r < 0.9:
            address = f"{street} GG. {1 + int(rnd() * 9)}"
        else:
            address = f"{street} GG. {1 + int(rnd() * 9)} NO. {1 + int(rnd() * 40)}"
        return f"{rt_i + 1:03d}", f"{rt_i // place.rt_per_rw + 1:03d}", address

    def region_for(self, home_kec: str, p_ntt: float, p_other: float) -> str:
        rnd = self.rnd
        r = rnd()
        if r < p_other:
            regencies = self.by_province[_pick(rnd, self.other_provinces)]
            kecs = self.by_regency[regencies[int(rnd() * len(regencies))]]
            return kecs[int(rnd() * len(kecs))]
        if r < p_other + p_ntt:
            kecs = self.by_regency[_pick(rnd, self.ntt_regencies)]
            return kecs[int(rnd() * len(kecs))]
        # Most were first registered in the kecamatan they live in now.
        if rnd() < 0.75 or not self.kupang_kec:
            return home_kec
        return self.kupang_kec[int(rnd() * len(self.kupang_kec))]

    def birth_place(self, region: str) -> str:
        regency = region[:4]
        if regency == _KUPANG:
            # Some were born elsewhere in NTT and registered only after moving.
            if self.rnd() < 0.8:
                return "KUPANG"
            return _NTT_TOWN[_pick(self.rnd, self.ntt_regencies)]
        if region[:2] == "53":
            return _NTT_TOWN.get(regency, "KUPANG") if self.rnd() < 0.9 else "KUPANG"
        return _OTHER_PROVINCES.get(region[:2], (0, "JAKARTA"))[1]

    @staticmethod
    def religion_table(region: str) -> _Table:
        regency = region[:4]
        if region[:2] == "53":
            if regency in _FLORES_BELU:
                return _REL_FLORES
            if regency in _SUMBA:
                return _REL_SUMBA
            if regency == "5305":
                return _REL_ALOR
            return _REL_TIMOR
        if region[:2] == "51":
            return _REL_BALI
        if region[:2] in ("71", "81"):
            return _REL_CHRISTIAN_PROV
        return _REL_MUSLIM_PROV

    def choice(self, seq: Sequence[str]) -> str:
        return seq[int(self.rnd() * len(seq))]

    def christian_surname(self, religion: str, region: str) -> str:
        flores = region[:4] in _FLORES_BELU or (religion == "katolik" and self.rnd() < 0.5)
        return self.choice(_SURNAME_FLORES if flores else _SURNAME_TIMOR)

    def full_name(self, female: bool, religion: str, surname: str, wna: bool) -> str:
        choice = self.choice
        if wna:
            return f"{choice(_WNA_F if female else _WNA_M)} {choice(_WNA_LAST)}"
        if religion == "islam":
            return f"{choice(_MUSLIM_F if female else _MUSLIM_M)} {choice(_MUSLIM_LAST)}"
        if religion == "hindu":
            if female:
                return f"{choice(_BALI_PREFIX_F)} {choice(_BALI_F)}"
            return f"{choice(_BALI_PREFIX_M)} {choice(_BALI_M)}"
        if religion in ("buddha", "khonghucu"):
            return f"{choice(_CHINESE_F if female else _CHINESE_M)} {surname}"
        if religion == "kepercayaan":
            return f"{choice(_SUMBA_F if female else _SUMBA_M)}"
        pool = _FIRST_F if female else _FIRST_M
        first = choice(pool)
        r = self.rnd()
        if r < 0.15:
            return f"{first} {choice(_MIDDLE_INITIALS)}. {surname}"
        if r < 0.25:
            second = choice(pool)
            if second != first:
                return f"{first} {second} {surname}"
        return f"{first} {surname}"

    def family_surname(self, religion: str, region: str) -> str:
        if religion in ("buddha", "khonghucu"):
            return self.choice(_CHINESE_LAST)
        return self.christian_surname(religion, region)

    def occupation(self, m: _Member, coastal: bool) -> str:
        rnd = self.rnd
        a = m.age
        if a < 5:
            return "BELUM/TIDAK BEKERJA"
        if a < 17:
            return "PELAJAR/MAHASISWA"
        if a < 25:
            if m.role in ("student", "relative_student") and rnd() < 0.9:
                return "PELAJAR/MAHASISWA"
            return _pick(rnd, _OCC_YOUNG)
        if a < 58:
            if m.female:
                return _pick(rnd, _OCC_FEMALE_MARRIED if m.marital == "kawin" else _OCC_FEMALE)
            return _pick(rnd, _OCC_MALE_COASTAL if coastal else _OCC_MALE)
        return _pick(rnd, _OCC_OLD_FEMALE if m.female else _OCC_OLD_MALE)

    def events(self, birth_o: int) -> tuple[str, list[tuple[str, datetime]]]:
        """The final recording status and the history that led to it."""
        rnd, base_o, end_day, end_sec = self.rnd, self.base_o, self.end_day, self.end_sec
        final, anchor = _pick(rnd, _FINAL_STATUS)
        if final in FOLLOW_UP_STATUSES:
            steps: tuple[str, ...] = ("bio_captured", final)
            gaps = [_FOLLOW_UP_GAP[0] + int(rnd() * (_FOLLOW_UP_GAP[1] - _FOLLOW_UP_GAP[0]))]
        else:
            k = PIPELINE_STATUSES.index(final)
            steps = PIPELINE_STATUSES[1 : k + 1]
            gaps = [lo + int(rnd() * (hi - lo)) for lo, hi in _STEP_GAP[1:k]]
        total = sum(gaps)
        # Capture is possible from (about) the 17th birthday, never before the programme.
        lo_day = min(max(0, birth_o + _DAYS_TO_17 - 30 - base_o), end_day)
        if anchor == "last":
            day = (end_sec - int(rnd() * 120 * _D) - total) // _D
        else:
            day = _pick(rnd, self.bio_days) - base_o
        if day < lo_day:
            day = lo_day + int(rnd() * (end_day - lo_day + 1))
        day = min(day, end_day)
        t = day * _D + 8 * _H + int(rnd() * 8 * _H)  # office hours
        room = end_sec - 1 - t
        if total > room:
            # Squeeze the history so the last step still happens before as_of.
            factor = (room - len(gaps)) / total
            gaps = [int(g * factor) + 1 for g in gaps]
        out = [(steps[0], self.base + timedelta(seconds=t))]
        for status, g in zip(steps[1:], gaps, strict=True):
            t += g
            out.append((status, self.base + timedelta(seconds=t)))
        return final, out
