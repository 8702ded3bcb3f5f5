"""Every NIK, KK and letter-eligibility message a clerk reads, in Indonesian and English.

One table, so an office (or a translator) reads and corrects them in one file. Each entry is
keyed by a stable code; `{placeholders}` are filled by `message()`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LANGUAGES", "TEXTS", "CodedError", "Message", "fill", "message"]

# The languages every message exists in; the first is the office's own.
LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class Message:
    """One message in both languages; `en` is what `detail` and `str()` carried before."""

    code: str
    id: str
    en: str

    def __str__(self) -> str:
        return self.en

    def as_dict(self) -> dict[str, str]:
        """The two texts as the API's `messages` member: {"id": ..., "en": ...}."""
        return {"id": self.id, "en": self.en}

    def text(self, language: str) -> str:
        """The text in `language` ("id" or "en"; anything else is English)."""
        return self.id if language == "id" else self.en


# code -> (Indonesian, English)
TEXTS: dict[str, tuple[str, str]] = {
    # --- NIK and KK structure ---------------------------------------------------------------
    "not_text": ("{label_id} harus berupa teks", "{label} must be text, got {type}"),
    "non_latin_digit": (
        "{label_id} hanya boleh berisi angka 0-9 (ditemukan angka non-Latin {char}; "
        "ketik ulang dengan 0-9)",
        "{label} must contain only the digits 0-9 (found the non-Latin digit {char}; "
        "retype it with 0-9)",
    ),
    "not_digit": (
        "{label_id} hanya boleh berisi angka 0-9 (ditemukan {char})",
        "{label} must contain only the digits 0-9 (found {char})",
    ),
    "wrong_length": (
        "{label_id} harus 16 digit, yang diisi {length} digit",
        "{label} must have 16 digits, got {length}",
    ),
    "unknown_province": (
        "kode provinsi {province} pada {label_id} tidak pernah ada",
        "province {province} is not a province that has ever existed",
    ),
    "kecamatan_00": (
        "kode kecamatan 00 di wilayah {regency} tidak sah (kode kecamatan mulai dari 01)",
        "kecamatan 00 in region {regency} is not valid (kecamatan codes start at 01)",
    ),
    "serial_0000": (
        "nomor urut 0000 tidak sah",
        "serial 0000 is not valid",
    ),
    "date_not_exist": (
        "tanggal {date_id} tidak ada",
        "{date_en} does not exist",
    ),
    "nik_day": (
        "tanggal {day} pada NIK tidak sah (1-31 untuk laki-laki, 41-71 untuk perempuan)",
        "day {day} is not valid (1-31 for men, 41-71 for women)",
    ),
    "nik_month": (
        "bulan {month} pada NIK tidak sah (01-12)",
        "month {month} is not valid (01-12)",
    ),
    "kk_day": (
        "tanggal {day} pada tanggal terbit KK tidak sah (01-31, tanpa tambahan 40)",
        "day {day} of the issue date is not valid (01-31, no +40 on a KK)",
    ),
    "kk_month": (
        "bulan {month} pada tanggal terbit KK tidak sah (01-12)",
        "month {month} of the issue date is not valid (01-12)",
    ),
    "kk_future": (
        "tanggal terbit KK {date_id} belum terjadi",
        "issue date {date_en} is in the future",
    ),
    # --- one line of free text (names, addresses, a letter's purpose) ----------------------
    "text_line_break": (
        "baris baru tidak diperbolehkan; tulis teksnya dalam satu baris",
        "line breaks are not allowed; write the text on one line",
    ),
    "text_tab": (
        "karakter tab tidak diperbolehkan; pakai spasi",
        "tab characters are not allowed; use a space",
    ),
    "text_nul": (
        "karakter NUL (U+0000) tidak diperbolehkan",
        "NUL characters (U+0000) are not allowed",
    ),
    "text_control": (
        "karakter kontrol {char} tidak diperbolehkan",
        "control character {char} is not allowed",
    ),
    "text_surrogate": (
        "surrogate tanpa pasangan {char} tidak diperbolehkan; kirim UTF-8 yang sah",
        "unpaired surrogate {char} is not allowed; send valid UTF-8",
    ),
    "text_invisible": (
        "karakter tak terlihat {char} tidak diperbolehkan",
        "invisible character {char} is not allowed",
    ),
    # --- NIK warnings (accepted, the clerk decides) ---------------------------------------
    "nik_region_unknown": (
        "kode kabupaten/kota {regency} pada NIK tidak ada dalam daftar wilayah yang dikenal "
        "(provinsinya dikenal); periksa NIK, atau biarkan bila NIK memang diterbitkan dengan "
        "kode wilayah lama",
        "kabupaten/kota {regency} of the NIK is in no region list known here (its province "
        "is); check the NIK, or keep it if it was issued under an old region code",
    ),
    "nik_sex_mismatch": (
        "NIK mengodekan jenis kelamin {encoded_id}, tetapi jenis kelamin tercatat {sex_id}; "
        "periksa jenis kelamin, atau biarkan bila NIK memang diterbitkan demikian",
        "NIK encodes {encoded_en} but sex is {sex}; check the sex, or keep it if the NIK was "
        "issued that way",
    ),
    "nik_birth_date_mismatch": (
        "tanggal lahir {birth_id} berbeda dengan tanggal pada NIK ({encoded_id}); periksa "
        "tanggal lahir, atau biarkan bila tanggal itu dikoreksi setelah NIK diterbitkan",
        "birth date {birth_en} differs from the date encoded in the NIK ({encoded_en}); check "
        "the birth date, or keep it if it was corrected after the NIK was issued",
    ),
    # --- letter refusals (409) -------------------------------------------------------------
    "resident_moved_out": (
        "Penduduk ini sudah pindah dan tidak lagi terdaftar di sini; surat keterangan tidak "
        "dapat diterbitkan.",
        "This resident has moved away and is no longer registered here; no letter can be issued.",
    ),
    "resident_deceased": (
        "Penduduk ini sudah meninggal dunia; surat keterangan tidak dapat diterbitkan.",
        "This resident has died; no letter can be issued.",
    ),
    "resident_not_active": (
        "Penduduk ini tidak berstatus aktif (status {status}); surat keterangan tidak dapat "
        "diterbitkan.",
        "This resident is not active (status {status}); no letter can be issued.",
    ),
    "not_wajib_ktp_wna": (
        "Penduduk ini WNA tanpa izin tinggal tetap sehingga tidak wajib KTP-el; surat "
        "keterangan tidak dapat diterbitkan.",
        "This resident is a foreign national without a permanent stay permit (ITAP), so needs "
        "no KTP-el; no letter can be issued.",
    ),
    "not_wajib_ktp": (
        "Penduduk ini belum wajib KTP-el: belum berusia 17 tahun dan belum pernah kawin; "
        "surat keterangan tidak dapat diterbitkan.",
        "This resident does not need a KTP-el yet: under 17 and never married; no letter can "
        "be issued.",
    ),
    "card_already_issued": (
        "Penduduk ini sudah menerima KTP-el{since_id}; surat keterangan tidak diperlukan.",
        "This resident already received the KTP-el{since_en}; no letter is needed.",
    ),
    "recording_needs_follow_up": (
        "Perekaman KTP-el penduduk ini perlu ditindaklanjuti (status {status_id}{since_id}); "
        "surat keterangan tidak dapat diterbitkan.",
        "This resident's KTP-el recording needs follow-up (status {status_en}{since_en}); no "
        "letter can be issued.",
    ),
    "not_yet_recorded": (
        "Penduduk ini belum melakukan perekaman KTP-el; menurut kebijakan kantor ini surat "
        "keterangan hanya diterbitkan bagi penduduk yang sudah merekam. Arahkan penduduk ke "
        "perekaman KTP-el terlebih dahulu.",
        "This resident has not yet recorded for the KTP-el; this office issues the letter "
        "only to residents who have recorded. Send the resident to KTP-el recording first.",
    ),
    "record_print_ready": (
        "Data KTP-el penduduk ini sudah siap cetak (status {status}); cetak KTP-el-nya, "
        "surat keterangan tidak diterbitkan.",
        "This resident's KTP-el record is ready to print (status {status}); print the card "
        "instead, no letter is issued.",
    ),
    "valid_letter_exists": (
        "Penduduk ini masih memiliki surat keterangan yang berlaku (nomor {number}, berlaku "
        "sampai {until}); kirim supersede: true dengan alasan untuk menggantinya.",
        "This resident still has a valid letter (number {number}, valid until {until}); send "
        "supersede: true with a reason to replace it.",
    ),
}


def message(code: str, **params: object) -> Message:
    """The message `code` with its placeholders filled, in both languages."""
    return fill(TEXTS, code, params)


def fill(table: dict[str, tuple[str, str]], code: str, params: dict[str, object]) -> Message:
    """The entry `code` of a (Indonesian, English) table with its placeholders filled; a
    parameter that is itself a Message goes in each language as that language's text."""
    text_id, text_en = table[code]
    in_id = {k: v.id if isinstance(v, Message) else v for k, v in params.items()}
    in_en = {k: v.en if isinstance(v, Message) else v for k, v in params.items()}
    return Message(code=code, id=text_id.format(**in_id), en=text_en.format(**in_en))


class CodedError(ValueError):
    """A ValueError carrying a Message: str() is the English text, as before."""

    def __init__(self, msg: Message) -> None:
        super().__init__(msg.en)
        self.message = msg
