"""Every text of the office pages, in Indonesian (the default) and English: one table, keyed."""

from __future__ import annotations

from typing import Literal

Lang = Literal["id", "en"]
LANGS: tuple[Lang, ...] = ("id", "en")

# key -> (Indonesian, English)
TEXTS: dict[str, tuple[str, str]] = {
    "app_name": ("Layanan SKK — Kantor", "SKK service — Office"),
    "skip": ("Langsung ke isi", "Skip to content"),
    "nav_today": ("Hari ini", "Today"),
    "nav_letters": ("Surat", "Letters"),
    "nav_residents": ("Penduduk", "Residents"),
    "nav_register": ("Daftarkan penduduk", "Register a resident"),
    "sign_out": ("Keluar", "Sign out"),
    "signed_in_as": ("Masuk sebagai", "Signed in as"),
    "language": ("Bahasa", "Language"),
    # Sign in
    "sign_in": ("Masuk", "Sign in"),
    "key_from_qr": (
        "Kunci dari kode QR sudah terisi. Periksa alamat halaman ini, lalu tekan Masuk.",
        "The key from the QR code is filled in. Check this page's address, then press Sign in.",
    ),
    "sign_in_title": ("Masuk ke halaman kantor", "Sign in to the office pages"),
    "sign_in_help": (
        "Tempelkan kunci API kantor Anda (dimulai dengan skk_). Kunci hanya dipakai sekali untuk "
        "masuk; peramban menyimpan sesi, bukan kunci.",
        "Paste your office's API key (it starts with skk_). The key is used once to sign in; "
        "the browser keeps a session, not the key.",
    ),
    "api_key": ("Kunci API", "API key"),
    "key_unknown": ("Kunci API tidak dikenal.", "The API key is not known."),
    "key_revoked": ("Kunci API sudah dicabut.", "The API key was revoked."),
    "session_ended": (
        "Sesi Anda berakhir (tidak aktif terlalu lama, atau kunci dicabut). Silakan masuk lagi.",
        "Your session ended (idle too long, or the key was revoked). Please sign in again.",
    ),
    "signed_out": ("Anda sudah keluar.", "You are signed out."),
    "csrf_title": ("Formulir ditolak", "Form refused"),
    "csrf_text": (
        "Formulir ini tidak berasal dari halaman kantor yang masih aktif. Muat ulang halaman lalu "
        "coba lagi. Tidak ada yang diubah.",
        "This form did not come from a current office page. Reload the page and try again. "
        "Nothing was changed.",
    ),
    "not_found_title": ("Tidak ditemukan", "Not found"),
    "forbidden_title": ("Tidak diizinkan", "Not allowed"),
    "error_title": ("Permintaan ditolak", "Request refused"),
    "back_home": ("Kembali ke halaman Hari ini", "Back to Today"),
    # Today
    "today_title": ("Hari ini", "Today"),
    "issued_today": ("Surat terbit hari ini", "Letters issued today"),
    "expiring_soon": ("Surat berakhir dalam 14 hari", "Letters expiring within 14 days"),
    "waiting_recording": ("Penduduk wajib KTP belum rekam", "Wajib KTP residents not yet recorded"),
    "scope_all": ("Semua kelurahan", "All kelurahan"),
    # Residents
    "find_title": ("Cari penduduk", "Find a resident"),
    "find_label": ("NIK atau nama", "NIK or name"),
    "find_help": (
        "16 digit NIK, atau awal nama (minimal 2 huruf).",
        "The 16-digit NIK, or the start of the name (at least 2 letters).",
    ),
    "find": ("Cari", "Find"),
    "no_results": ("Tidak ada penduduk yang cocok.", "No resident matches."),
    "query_too_short": ("Ketik minimal 2 huruf.", "Type at least 2 letters."),
    "waiting_list": ("Belum rekam (wajib KTP)", "Not yet recorded (wajib KTP)"),
    "nik": ("NIK", "NIK"),
    "kk_number": ("Nomor KK", "KK number"),
    "full_name": ("Nama lengkap", "Full name"),
    "birth_place": ("Tempat lahir", "Place of birth"),
    "birth_date": ("Tanggal lahir", "Date of birth"),
    "sex": ("Jenis kelamin", "Sex"),
    "blood_type": ("Golongan darah", "Blood type"),
    "religion": ("Agama", "Religion"),
    "marital_status": ("Status perkawinan", "Marital status"),
    "occupation": ("Pekerjaan", "Occupation"),
    "citizenship": ("Kewarganegaraan", "Citizenship"),
    "nationality": ("Negara (WNA, kode ISO)", "Country (WNA, ISO code)"),
    "has_itap": ("Memiliki ITAP (WNA)", "Holds an ITAP (WNA)"),
    "address": ("Alamat", "Address"),
    "rt": ("RT", "RT"),
    "rw": ("RW", "RW"),
    "kelurahan": ("Kelurahan", "Kelurahan"),
    "kelurahan_code": ("Kode kelurahan", "Kelurahan code"),
    "kecamatan": ("Kecamatan", "Kecamatan"),
    "residency_status": ("Status kependudukan", "Residency status"),
    "recording_status": ("Status perekaman e-KTP", "e-KTP recording status"),
    "wajib_ktp": ("Wajib KTP", "Wajib KTP"),
    "yes": ("Ya", "Yes"),
    "no": ("Tidak", "No"),
    "photo": ("Foto", "Photo"),
    "no_photo": ("Belum ada foto", "No photo yet"),
    "resident_data": ("Data penduduk", "Resident's data"),
    "history": ("Riwayat perekaman", "Recording history"),
    "occurred_at": ("Waktu", "When"),
    "note": ("Catatan", "Note"),
    "letters": ("Surat", "Letters"),
    "no_letters": ("Belum ada surat.", "No letters yet."),
    # Letters
    "issue_title": ("Terbitkan surat", "Issue a letter"),
    "purpose": ("Keperluan", "Purpose"),
    "purpose_help": (
        "Dicetak pada surat, misalnya: Pembukaan rekening bank.",
        "Printed on the letter, e.g. Pembukaan rekening bank.",
    ),
    "supersede": ("Gantikan surat yang masih berlaku", "Supersede the letter still valid"),
    "supersede_reason": ("Alasan penggantian", "Reason for superseding"),
    "issue": ("Terbitkan", "Issue"),
    "issued_ok": ("Surat {number} telah terbit.", "Letter {number} was issued."),
    "download_pdf": ("Unduh PDF bertanda tangan", "Download the signed PDF"),
    "print_view": ("Tampilan cetak", "Print view"),
    "revoke": ("Cabut", "Revoke"),
    "revoke_reason": ("Alasan pencabutan", "Reason for revoking"),
    "revoked_ok": ("Surat {number} telah dicabut.", "Letter {number} was revoked."),
    "number": ("Nomor", "Number"),
    "holder": ("Pemegang", "Holder"),
    "status": ("Status", "Status"),
    "issued_at": ("Terbit", "Issued"),
    "valid_until": ("Berlaku sampai", "Valid until"),
    "letters_title": ("Surat", "Letters"),
    "filter": ("Saring", "Filter"),
    "date_from": ("Dari tanggal", "From"),
    "date_to": ("Sampai tanggal", "To"),
    "any": ("Semua", "Any"),
    "search_letters": ("Nama atau NIK", "Name or NIK"),
    "select": ("Pilih", "Select"),
    "zip_selected": ("Unduh ZIP (PDF bertanda tangan)", "Download a ZIP (signed PDFs)"),
    "print_selected": ("Satu PDF untuk dicetak", "One PDF to print"),
    "none_selected": ("Pilih minimal satu surat.", "Select at least one letter."),
    "more": ("Berikutnya", "Next page"),
    "count_letters": ("{n} surat", "{n} letters"),
    "print_short": ("Cetak", "Print"),
    "print_copy_note": (
        "SALINAN CETAK — bukan dokumen bertanda tangan. Yang dapat diverifikasi adalah berkas PDF "
        "bertanda tangan atau kode QR.",
        "PRINT COPY — not the signed document. What verifies is the signed PDF file or the QR "
        "code.",
    ),
    # Register / correct / record / photo
    "register_title": ("Daftarkan penduduk", "Register a resident"),
    "register": ("Simpan", "Save"),
    "registered_ok": ("Penduduk telah didaftarkan.", "The resident was registered."),
    "correct_title": ("Perbaiki data", "Correct the data"),
    "correct": ("Simpan perbaikan", "Save the correction"),
    "corrected_ok": ("Data telah diperbaiki.", "The data was corrected."),
    "stale_form": (
        "Data penduduk ini sudah diubah oleh {who} pada {when} sejak formulir dibuka ({fields}). "
        "Periksa data terbaru di bawah, lalu simpan lagi.",
        "This resident was changed by {who} at {when} since the form was opened ({fields}). "
        "Check the latest data below, then save again.",
    ),
    "record_title": ("Catat status perekaman", "Record a recording event"),
    "record": ("Catat", "Record"),
    "recorded_ok": ("Status perekaman dicatat.", "The recording status was recorded."),
    "photo_title": ("Unggah foto", "Upload a photo"),
    "photo_help": (
        "Di tablet, tombol ini membuka kamera.",
        "On a tablet, this button opens the camera.",
    ),
    "upload": ("Unggah", "Upload"),
    "photo_ok": ("Foto disimpan.", "The photo was saved."),
    "warning": ("Perhatian", "Warning"),
    "fix_fields": ("Periksa isian yang ditandai.", "Check the marked fields."),
    "choose": ("— pilih —", "— choose —"),
    # Stored values as a clerk reads them (the value itself stays in forms and URLs).
    "v_unregistered": ("belum rekam", "not recorded"),
    "v_bio_captured": ("sudah rekam (biometrik diambil)", "recorded (biometrics captured)"),
    "v_processing": ("diproses", "processing"),
    "v_sent_for_enrollment": ("dikirim untuk enrolmen", "sent for enrollment"),
    "v_received_at_central": ("diterima di pusat", "received centrally"),
    "v_print_ready_record": ("siap cetak", "ready to print"),
    "v_sent_for_card_printing": ("dikirim untuk dicetak", "sent for card printing"),
    "v_card_printed": ("KTP-el tercetak", "card printed"),
    "v_card_shipped": ("KTP-el dikirim", "card shipped"),
    "v_card_issued": ("KTP-el diterima", "card issued"),
    "v_duplicate_record": ("data ganda (perlu tindak lanjut)", "duplicate record (follow up)"),
    "v_enroll_failure_at_central": (
        "gagal enrolmen di pusat (perlu tindak lanjut)",
        "enrollment failed centrally (follow up)",
    ),
    "v_search_failure_at_central": (
        "gagal pencarian di pusat (perlu tindak lanjut)",
        "search failed centrally (follow up)",
    ),
    "v_enroll_failure_at_regional": (
        "gagal enrolmen di daerah (perlu tindak lanjut)",
        "enrollment failed regionally (follow up)",
    ),
    "v_active": ("aktif", "active"),
    "v_moved_out": ("pindah keluar", "moved out"),
    "v_deceased": ("meninggal", "deceased"),
    "v_laki_laki": ("laki-laki", "male"),
    "v_perempuan": ("perempuan", "female"),
    "v_valid": ("berlaku", "valid"),
    "v_expired": ("kedaluwarsa", "expired"),
    "v_revoked": ("dicabut", "revoked"),
    "v_superseded": ("digantikan", "superseded"),
    "v_void": ("batal", "void"),
}


def value_label(value: str, lang: Lang) -> str:
    """A stored value (a status, a sex) in words; the value itself where none is written."""
    return text(f"v_{value}", lang) if f"v_{value}" in TEXTS else value


def text(key: str, lang: Lang) -> str:
    """The text of `key` in `lang`."""
    indonesian, english = TEXTS[key]
    return english if lang == "en" else indonesian
