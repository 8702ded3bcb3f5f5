"""Every problem `detail`, field-error `msg` and problem `title` the API answers, in Indonesian
and English: one table, so an office (or a translator) reads and corrects them in one file.

Keys: each code of app.errors.PROBLEM_CODES has an entry of its own name (its default text);
a more precise text for one place is `code.what` (e.g. `other_kelurahan.statistics`); a
field error's text is `field.what`; a status line's title is `title.NNN`; the texts of
request validation are `pydantic.TYPE`, keyed by pydantic's error `type`
(app.api.problems). `{placeholders}` are filled by `problem_text()`; a placeholder given a
Message goes in each language as that language's text.
"""

from __future__ import annotations

from app.domain.messages import Message, fill

__all__ = ["PROBLEM_TEXTS", "problem_text"]

# key -> (Indonesian, English)
PROBLEM_TEXTS: dict[str, tuple[str, str]] = {
    # --- the default text of every problem code ----------------------------------------------
    "bad_request": ("Permintaan tidak dapat dibaca.", "The request could not be read."),
    "bad_content_length": (
        "header Content-Length bukan angka",
        "Content-Length is not a number",
    ),
    "invalid_multipart": (
        "badan multipart tidak dapat dibaca: {reason}",
        "the multipart body could not be read: {reason}",
    ),
    "missing_api_key": (
        "kunci API diperlukan: kirim `Authorization: Bearer <kunci>`",
        "an API key is required: send `Authorization: Bearer <key>`",
    ),
    "missing_api_key.scheme": (
        "header Authorization memakai skema {scheme!r}; kirim `Authorization: Bearer <kunci>`",
        "the Authorization header uses the {scheme!r} scheme; send `Authorization: Bearer <key>`",
    ),
    "invalid_api_key": ("kunci API tidak dikenal", "the API key is not known"),
    "revoked_api_key": ("kunci API sudah dicabut", "the API key was revoked"),
    "expired_api_key": (
        "kunci API sudah kedaluwarsa pada {when} UTC; minta kunci baru kepada admin",
        "the API key expired on {when} UTC; ask an admin for a new key",
    ),
    "invalid_key_expiry.range": (
        "masa berlaku kunci harus antara 1 jam dan 3650 hari sejak sekarang",
        "a key's expiry must be between 1 hour and 3650 days from now",
    ),
    "payload_too_large.form": (
        "formulir paling banyak {limit} byte, dengan Content-Length",
        "a form may carry at most {limit} bytes, with Content-Length",
    ),
    "invalid_input.too_many_letters": (
        "pilih paling banyak {most} surat sekaligus",
        "select at most {most} letters at once",
    ),
    "invalid_input.recording_status": (
        "status: bukan status perekaman",
        "status: not a recording status",
    ),
    "invalid_key_expiry": (
        "masa berlaku kunci tidak dapat dibaca: tulis misalnya 12h, 90d atau 2w",
        "the key's lifetime cannot be read: write e.g. 12h, 90d or 2w",
    ),
    "signer_bad_result": (
        "gateway tanda tangan elektronik mengirim kembali PDF yang tidak lolos pemeriksaan "
        "({problem}); tidak ada yang disimpan",
        "the e-signature gateway sent back a PDF that does not check ({problem}); nothing was "
        "stored",
    ),
    "signer_bad_result.no_pdf": (
        "gateway tanda tangan elektronik menjawab tanpa PDF yang ditandatangani",
        "the e-signature gateway answered without the signed PDF",
    ),
    "signer_bad_result.base64": (
        "gateway tanda tangan elektronik mengirim PDF bertanda tangan yang bukan base64 yang sah",
        "the e-signature gateway sent a signed PDF that is not valid base64",
    ),
    "signer_bad_result.not_json": (
        "gateway tanda tangan elektronik menjawab dengan sesuatu yang bukan JSON",
        "the e-signature gateway answered with something that is not JSON",
    ),
    "signer_unavailable": (
        "gateway tanda tangan elektronik tidak dapat dihubungi; tidak ada surat yang "
        "diterbitkan: coba lagi beberapa menit lagi",
        "the e-signature gateway cannot be reached; no letter was issued: try again in a few "
        "minutes",
    ),
    "signer_unavailable.timeout": (
        "gateway tanda tangan elektronik tidak menjawab tepat waktu; tidak ada surat yang "
        "diterbitkan: coba lagi beberapa menit lagi",
        "the e-signature gateway did not answer in time; no letter was issued: try again in a "
        "few minutes",
    ),
    "signer_unavailable.broken": (
        "sambungan ke gateway tanda tangan elektronik terputus; tidak ada surat yang "
        "diterbitkan: coba lagi beberapa menit lagi",
        "the connection to the e-signature gateway broke; no letter was issued: try again in a "
        "few minutes",
    ),
    "signer_unavailable.failed": (
        "gateway tanda tangan elektronik gagal (HTTP {status}); tidak ada surat yang "
        "diterbitkan: coba lagi beberapa menit lagi",
        "the e-signature gateway failed (HTTP {status}); no letter was issued: try again in a "
        "few minutes",
    ),
    "signer_passphrase_wrong": (
        "BSrE menolak passphrase penandatangan; tidak ada surat yang diterbitkan: admin harus "
        "mengisi passphrase penandatangan yang berlaku (SKK_BSRE_PASSPHRASE)",
        "BSrE refused the signatory's passphrase; no letter was issued: the administrator must "
        "set the signatory's current passphrase (SKK_BSRE_PASSPHRASE)",
    ),
    "signer_not_registered": (
        "BSrE tidak memiliki sertifikat aktif untuk penandatangan {who}; tidak ada surat yang "
        "diterbitkan: penandatangan harus mengaktifkan atau memperbaruinya di BSrE",
        "BSrE has no active certificate for the signatory {who}; no letter was issued: the "
        "signatory must activate or renew it at BSrE",
    ),
    "signer_certificate_expired": (
        "sertifikat penandatangan di BSrE sudah kedaluwarsa; tidak ada surat yang diterbitkan: "
        "penandatangan harus memperbaruinya",
        "the signatory's certificate at BSrE has expired; no letter was issued: the signatory "
        "must renew it",
    ),
    "signer_certificate_expired.ended": (
        "sertifikat penandatangan di BSrE berakhir pada {until}: tidak ada surat yang dapat "
        "ditandatangani sampai sertifikat itu diperbarui",
        "the signatory's certificate at BSrE ended on {until}: no letter can be signed until it "
        "is renewed",
    ),
    "signer_refused": (
        "gateway tanda tangan elektronik menolak surat ini (HTTP {status}{said})",
        "the e-signature gateway refused the letter (HTTP {status}{said})",
    ),
    "signer_refused.credentials": (
        "gateway tanda tangan elektronik menolak pengguna dan kata sandi layanan ini "
        "(SKK_BSRE_USER, SKK_BSRE_PASSWORD)",
        "the e-signature gateway refused this service's user and password (SKK_BSRE_USER, "
        "SKK_BSRE_PASSWORD)",
    ),
    "letter_number_expired": (
        "penandatanganan memakan waktu lebih dari {minutes} menit dan nomor surat sudah "
        "dipakai surat berikutnya; tidak ada yang disimpan: terbitkan surat itu lagi",
        "signing took longer than {minutes} minutes and the letter's number went to the next "
        "letter; nothing was stored: issue the letter again",
    ),
    "signing_unavailable": (
        "surat tidak dapat ditandatangani saat ini ({reason}); tidak ada surat atau nomor "
        "yang terpakai: coba lagi sebentar lagi",
        "the letter could not be signed just now ({reason}); no letter or number was used: "
        "try again shortly",
    ),
    "unauthorized": (
        "permintaan belum diautentikasi; kirim kunci API",
        "the request is not authenticated; send an API key",
    ),
    "forbidden": (
        "kunci ini tidak boleh melakukan tindakan ini",
        "this key may not do this",
    ),
    "role_not_allowed": (
        "tindakan ini memerlukan salah satu peran {allowed}; kunci Anda berperan {role}",
        "this action needs one of the roles {allowed}; your key has the role {role}",
    ),
    "other_kelurahan": (
        "kunci kelurahan {kelurahan} hanya boleh mendaftarkan dan memindahkan penduduk di "
        "kelurahannya sendiri",
        "a kelurahan key for {kelurahan} can only register and move residents within its own "
        "kelurahan",
    ),
    "other_kelurahan.statistics": (
        "kunci kelurahan hanya melihat statistik kelurahannya sendiri ({kelurahan}): minta "
        "dengan group_by=kelurahan",
        "a kelurahan key sees the statistics of its own kelurahan ({kelurahan}) only: ask with "
        "group_by=kelurahan",
    ),
    "not_found": ("tidak ada apa pun di alamat ini", "there is nothing at this address"),
    "not_found.path": (
        "tidak ada sumber daya di {path}",
        "there is no resource at {path}",
    ),
    "not_found.statistics_page": (
        "server ini tidak menyediakan halaman statistik publik",
        "there is no public statistics page on this server",
    ),
    "not_found.problem_code": (
        "tidak ada kode masalah {code!r}",
        "there is no problem code {code!r}",
    ),
    "resident_not_found": ("tidak ada penduduk dengan NIK ini", "no resident with this NIK"),
    "letter_not_found": ("tidak ada surat dengan id ini", "no letter with this id"),
    "letter_not_found.token": (
        "tidak ada surat dengan kode verifikasi ini; periksa apakah kode QR terbaca lengkap",
        "no letter has this verification code; check that the QR code was read completely",
    ),
    "api_key_not_found": (
        "kunci API {key_id} tidak ada",
        "API key {key_id} does not exist",
    ),
    "office_region_unknown": (
        "wilayah kantor {region} tidak ada dalam tabel wilayah; jalankan `skk init`",
        "the office region {region} is not in the regions table; run `skk init`",
    ),
    "method_not_allowed": (
        "alamat ini tidak menerima metode HTTP {method}",
        "this address does not take the HTTP method {method}",
    ),
    "conflict": (
        "perubahan ini bertabrakan dengan data yang disimpan pada saat yang sama; coba lagi",
        "the change conflicts with data stored at the same moment; try again",
    ),
    "nik_exists": (
        "penduduk dengan NIK ini sudah terdaftar",
        "a resident with this NIK is already registered",
    ),
    "recording_move_not_allowed": (
        "status perekaman tidak dapat berpindah dari {current} ke {new} (yang boleh berikutnya: "
        "{allowed})",
        "recording status cannot move from {current} to {new} (allowed next: {allowed})",
    ),
    "recording_move_not_allowed.same": (
        "status perekaman sudah {current}; pilih status lain (yang boleh berikutnya: {allowed})",
        "recording status is already {current}; choose a different status (allowed next: "
        "{allowed})",
    ),
    "valid_letter_exists": (
        "penduduk ini masih memiliki surat keterangan yang berlaku",
        "the resident already holds a valid letter",
    ),
    "letter_not_valid": (
        "hanya surat yang berlaku yang dapat dicabut; surat ini berstatus {status}",
        "only a valid letter can be revoked; this one is {status}",
    ),
    "resident_not_active": (
        "penduduk ini sudah pindah atau meninggal dunia",
        "the resident moved out or died",
    ),
    "not_wajib_ktp": (
        "penduduk ini belum wajib KTP-el",
        "the resident is not yet obliged to hold an e-KTP",
    ),
    "card_already_issued": (
        "penduduk ini sudah menerima KTP-el",
        "the resident's e-KTP card was issued",
    ),
    "recording_needs_follow_up": (
        "perekaman KTP-el penduduk ini perlu ditindaklanjuti",
        "the resident's e-KTP recording needs follow-up",
    ),
    "not_yet_recorded": (
        "penduduk ini belum melakukan perekaman KTP-el",
        "the resident has not yet recorded for the e-KTP",
    ),
    "record_print_ready": (
        "data KTP-el penduduk ini sudah siap cetak",
        "the resident's e-KTP record is ready to print",
    ),
    "database_not_empty": (
        "basis data sudah berisi {count} penduduk; data demo hanya dimuat ke basis data "
        "kosong (pakai --if-empty untuk melewatinya tanpa pesan)",
        "the database already holds {count} residents; the demo population loads into an "
        "empty database only (use --if-empty to skip quietly)",
    ),
    "precondition_failed": (
        "prasyarat If-Match tidak terpenuhi; baca ulang sumber dayanya untuk ETag terbaru",
        "the If-Match precondition failed; read the resource again for its ETag",
    ),
    "stale_resident": (
        "data penduduk sudah diubah sejak Anda membacanya: GET lagi lalu ulangi perubahan Anda",
        "the resident was changed since you read it: GET it again and reapply your change",
    ),
    "payload_too_large": (
        "badan permintaan lebih besar dari {kib} KiB",
        "the request body is larger than {kib} KiB",
    ),
    "payload_too_large.pdf": (
        "unggahan lebih besar dari batas {mb:g} MB; PDF surat jauh lebih kecil",
        "the upload is larger than the {mb:g} MB limit; a letter PDF is far smaller",
    ),
    "payload_too_large.photo": (
        "foto lebih besar dari batas {mb:g} MB; kirim berkas yang lebih kecil (pas foto tidak "
        "perlu lebih dari beberapa ratus KB)",
        "the photo is larger than the {mb:g} MB limit; send a smaller file (a pas foto needs "
        "no more than a few hundred KB)",
    ),
    "import_too_large": (
        "berkas lebih besar dari {limit:,} byte; pecah berkasnya, atau naikkan "
        "SKK_MAX_IMPORT_BYTES",
        "the file is larger than {limit:,} bytes; split it, or raise SKK_MAX_IMPORT_BYTES",
    ),
    "unsupported_media_type": (
        "kirim badan permintaan sebagai application/json (diterima {got})",
        "send the body as application/json (got {got})",
    ),
    "unsupported_media_type.upload": (
        "kirim {what} sebagai {types} atau sebagai {multipart} dengan field `file`, bukan {got}",
        "send {what} as {types} or as {multipart} with the field `file`, not {got}",
    ),
    "csv_expected": (
        "kirim berkas CSV itu sendiri sebagai badan permintaan dengan Content-Type text/csv "
        "(diterima {got})",
        "send the CSV file itself as the body with Content-Type text/csv (got {got})",
    ),
    "validation_error": (
        "ada isian yang kurang atau tidak sah; `errors` menyebut masing-masing",
        "a field is missing or invalid; `errors` lists each one",
    ),
    "validation_error.first": ("{where}: {msg}", "{where}: {msg}"),
    "validation_error.more": (
        "{where}: {msg} (dan {more} kesalahan lain)",
        "{where}: {msg} (and {more} more)",
    ),
    "validation_error.nationality_wni": (
        "kewarganegaraan lain hanya untuk WNA; WNI berkewarganegaraan Indonesia",
        "nationality applies to WNA only; a WNI is Indonesian",
    ),
    "validation_error.has_itap_wni": (
        "has_itap hanya untuk WNA; WNI tidak memiliki ITAP",
        "has_itap applies to WNA only; a WNI has no ITAP",
    ),
    "validation_error.as_of_future": (
        "as_of {as_of} ada di masa depan (hari ini {today} di kantor); statistik tersedia "
        "sampai hari ini",
        "as_of {as_of} is in the future (today is {today} at the office); statistics exist up "
        "to today",
    ),
    "validation_error.idempotency_key_length": (
        "Idempotency-Key harus 1 sampai {max} karakter",
        "Idempotency-Key must have 1 to {max} characters",
    ),
    "validation_error.occurred_at_naive": (
        "occurred_at memerlukan zona waktu, mis. 2026-11-20T09:30:00+08:00",
        "occurred_at needs a time zone, e.g. 2026-11-20T09:30:00+08:00",
    ),
    "validation_error.occurred_at_future": (
        "occurred_at ada di masa depan",
        "occurred_at is in the future",
    ),
    "validation_error.nik": ("NIK di {where}: {reason}", "NIK in the {where}: {reason}"),
    "validation_error.search_too_long": (
        "q: teks pencarian paling banyak {most} karakter",
        "q: a search text has at most {most} characters",
    ),
    "validation_error.file_missing": (
        "file: lampirkan {what} pada field multipart `file`",
        "file: attach {what} in the multipart field `file`",
    ),
    "invalid_character": (
        "alamat berisi karakter NUL (%00); hapus lalu kirim ulang permintaannya",
        "the address holds a NUL character (%00); remove it and send the request again",
    ),
    "invalid_cursor": (
        "cursor tidak sah: kirim kembali next_cursor dari halaman sebelumnya tanpa diubah",
        "the cursor is not valid: pass back the next_cursor of the previous page unchanged",
    ),
    "idempotency_key_reused": (
        "Idempotency-Key ini sudah dipakai untuk permintaan lain; pakai kunci baru untuk "
        "permintaan baru",
        "this Idempotency-Key was already used with a different request; use a new key for a "
        "new request",
    ),
    "unknown_kelurahan": (
        "kelurahan {code} bukan kelurahan/desa yang dikenal",
        "kelurahan {code} is not a known kelurahan/desa",
    ),
    "kelurahan_required": (
        "kunci kelurahan harus menyebut kelurahan_code-nya",
        "a kelurahan key must name its kelurahan_code",
    ),
    "kelurahan_not_allowed": (
        "hanya kunci kelurahan yang terikat pada kelurahan_code",
        "only a kelurahan key is bound to a kelurahan_code",
    ),
    "nik_sex_mismatch": (
        "tanggal lahir pada NIK tidak cocok dengan jenis kelamin (perempuan ditambah 40)",
        "the NIK's birth-day digits do not match the sex (women's day is plus 40)",
    ),
    "event_out_of_order": (
        "occurred_at lebih awal dari status saat ini ({status}, {at}); riwayat disimpan berurutan",
        "occurred_at is before the current status ({status}, {at}); history is kept in order",
    ),
    "photo_not_found": (
        "penduduk ini belum memiliki foto; unggah dengan PUT .../photo",
        "this resident has no photo yet; upload one with PUT .../photo",
    ),
    "photo_not_found.token": (
        "tidak ada foto untuk kode verifikasi ini: suratnya tidak dikenal, tanpa foto, atau "
        "tidak berlaku lagi",
        "no photo for this verification code: the letter is unknown, has no photo, or is no "
        "longer valid",
    ),
    "photo_required": (
        "Penduduk ini belum memiliki pas foto; unggah foto (PUT /api/v1/residents/{{nik}}/photo) "
        "sebelum menerbitkan surat keterangan.",
        "The resident has no photo yet: upload one (PUT /api/v1/residents/{{nik}}/photo) before "
        "issuing the letter.",
    ),
    "nationality_required": (
        "WNA memerlukan kewarganegaraan (kode negara ISO 3166, mis. TL)",
        "a WNA needs a nationality (ISO 3166 country code, e.g. TL)",
    ),
    "unknown_query_parameter": (
        "parameter query {name!r} tidak dikenal; endpoint ini menerima: {allowed}",
        "unknown query parameter {name!r}; this endpoint takes: {allowed}",
    ),
    "photo_too_many_pixels": (
        "gambar memiliki terlalu banyak piksel; kirim foto yang lebih kecil",
        "the image has too many pixels; send a smaller photo",
    ),
    "photo_too_many_pixels.size": (
        "gambar berukuran {width}×{height} piksel, melebihi batas {megapixels:g} megapiksel; "
        "kirim foto yang lebih kecil",
        "the image is {width}×{height} pixels, more than the {megapixels:g} megapixel limit; "
        "send a smaller photo",
    ),
    "photo_too_small": (
        "gambar berukuran {width}×{height} piksel; pas foto perlu minimal {min_width}×"
        "{min_height} agar wajahnya dapat dikenali",
        "the image is {width}×{height} pixels; a pas foto needs at least {min_width}×"
        "{min_height} for the face to be recognisable",
    ),
    "not_a_photo": (
        "berkas ini bukan gambar JPEG atau PNG; kirim foto pemegang surat",
        "the file is not a JPEG or PNG image; send a photo of the holder",
    ),
    "photo_damaged": (
        "gambar rusak atau terpotong; kirim ulang fotonya",
        "the image is damaged or cut short; send the photo again",
    ),
    "letter_does_not_fit": (
        "surat tidak muat dalam satu halaman bahkan dengan huruf terkecil: perpendek "
        "keperluannya, atau perbaiki nama, alamat, tempat lahir atau pekerjaan penduduk",
        "the letter does not fit on one page even in its smallest print: shorten the purpose, "
        "or correct the resident's name, address, birth place or occupation",
    ),
    "not_utf8": (
        "berkas bukan teks UTF-8: baris {line}, byte {byte} (0x{value:02x}) tidak dapat "
        "dibaca; simpan sebagai 'CSV UTF-8' lalu coba lagi",
        "the file is not UTF-8 text: line {line}, byte {byte} (0x{value:02x}) cannot be read; "
        "save it as 'CSV UTF-8' and retry",
    ),
    "empty_file": (
        "berkas kosong: baris pertama harus berupa header berisi nama kolom",
        "the file is empty: the first line must be the header with the column names",
    ),
    "duplicate_column": (
        "kolom {columns} muncul lebih dari sekali pada header",
        "column {columns} appears more than once in the header",
    ),
    "missing_column": (
        "kolom yang kurang: {missing} (header memerlukan {required}; opsional: {optional})",
        "missing column(s): {missing} (the header needs {required}; optional: {optional})",
    ),
    "rate_limited": (
        "terlalu banyak permintaan dari alamat ini; coba lagi dalam {seconds} detik",
        "too many requests from this address; try again in {seconds} s",
    ),
    "rate_limited.verify": (
        "terlalu banyak permintaan verifikasi dari alamat ini; coba lagi dalam {seconds} detik",
        "too many verification requests from this address; try again in {seconds} s",
    ),
    "internal_error": (
        "terjadi kesalahan yang tidak terduga; sebutkan request_id saat melaporkannya",
        "an unexpected error occurred; quote the request_id when reporting it",
    ),
    "http_error": ("kesalahan HTTP: {reason}", "HTTP error: {reason}"),
    "service_unavailable": (
        "layanan tidak dapat menjawab saat ini; coba lagi sebentar lagi",
        "the service cannot answer right now; try again in a moment",
    ),
    "upload_check_busy": (
        "terlalu banyak PDF unggahan yang sedang diperiksa; coba lagi dalam satu menit",
        "too many uploaded PDFs are being checked right now; try again in a minute",
    ),
    "database_unavailable": (
        "basis data tidak dapat dihubungi saat ini; coba lagi sebentar lagi",
        "the database is not reachable right now; try again in a moment",
    ),
    # --- field errors (`errors[].msg`) -------------------------------------------------------
    "field.not_a_cursor": (
        "bukan cursor yang diberikan layanan ini",
        "not a cursor this service gave out",
    ),
    "field.not_in_future": ("tidak boleh di masa depan", "must not be in the future"),
    "field.used_for_other_request": (
        "sudah dipakai untuk permintaan lain",
        "used for another request",
    ),
    "field.bad_length": ("panjangnya tidak sah", "bad length"),
    "field.required_for_wna": ("wajib untuk WNA", "required for a WNA"),
    "field.only_wna_nationality": (
        "hanya WNA yang memiliki kewarganegaraan lain",
        "only a WNA has another nationality",
    ),
    "field.only_wna_itap": ("hanya WNA yang memiliki ITAP", "only a WNA holds an ITAP"),
    "field.unknown_kelurahan": (
        "{code} bukan kelurahan/desa yang dikenal",
        "{code} is not a known kelurahan/desa",
    ),
    "field.time_zone_missing": ("zona waktu tidak ada", "time zone missing"),
    "field.before_current_status": (
        "lebih awal dari status saat ini",
        "before the current status",
    ),
    "field.key_expiry_range": ("antara 1 jam dan 3650 hari", "between 1 hour and 3650 days"),
    "field.not_a_recording_status": ("bukan status perekaman", "not a recording status"),
    "field.does_not_fit": (
        "surat tidak muat dalam satu halaman",
        "the letter does not fit on one page",
    ),
    "field.not_utf8": ("bukan UTF-8 yang sah", "not valid UTF-8"),
    "field.appears_twice": ("muncul dua kali", "appears twice"),
    "field.column_missing": ("kolom tidak ada", "column missing"),
    "field.required_for_kelurahan": (
        "wajib untuk peran kelurahan",
        "required for role kelurahan",
    ),
    "field.only_for_kelurahan": ("hanya untuk peran kelurahan", "only for role kelurahan"),
    "field.unknown_query_parameter": (
        "bukan parameter endpoint ini",
        "not a parameter of this endpoint",
    ),
    "field.file_required": ("berkas wajib dilampirkan", "a file is required"),
    "field.kelurahan_code_format": (
        "kelurahan_code harus berbentuk seperti 53.71.04.1001",
        "kelurahan_code must look like 53.71.04.1001",
    ),
    "field.rt_rw": ("harus berupa angka 001 sampai 999", "must be a number from 001 to 999"),
    "field.nationality_code": (
        "kewarganegaraan harus kode negara ISO 3166 dua huruf, mis. TL",
        "nationality must be an ISO 3166 country code of two letters, e.g. TL",
    ),
    "field.no_nulls": (
        "{fields}: null bukan nilai yang sah di sini; jangan kirim field itu bila tidak diubah",
        "{fields}: null is not a value here; leave a field out to keep it",
    ),
    "field.supersede_reason_required": (
        "supersede_reason wajib diisi bila supersede bernilai true",
        "supersede_reason is required when supersede is true",
    ),
    # --- request validation, by pydantic's error `type` ---------------------------------------
    "pydantic.missing": (
        "wajib diisi: kirim {field}",
        "required: send {field}",
    ),
    "pydantic.missing_body": (
        "badan permintaan tidak ada: kirim objek JSON {model} (field wajib: {fields})",
        "the request body is missing: send a JSON object {model} (required fields: {fields})",
    ),
    "pydantic.json_invalid": (
        "badan permintaan bukan JSON yang sah: {error} pada baris {line} kolom {column}; "
        "kirim JSON dengan Content-Type application/json",
        "the body is not valid JSON: {error} at line {line} column {column}; send JSON with "
        "Content-Type application/json",
    ),
    "pydantic.model_attributes_type": (
        "harus berupa objek JSON {{...}}",
        "must be a JSON object {{...}}",
    ),
    "pydantic.dict_type": ("harus berupa objek JSON {{...}}", "must be a JSON object {{...}}"),
    "pydantic.list_type": ("harus berupa daftar JSON [...]", "must be a JSON list [...]"),
    "pydantic.string_type": ("harus berupa teks", "must be text (a JSON string)"),
    "pydantic.int_type": ("harus berupa bilangan bulat", "must be a whole number"),
    "pydantic.int_parsing": ("harus berupa bilangan bulat", "must be a whole number"),
    "pydantic.int_from_float": (
        "harus berupa bilangan bulat, tanpa pecahan",
        "must be a whole number, without a fraction",
    ),
    "pydantic.float_type": ("harus berupa angka", "must be a number"),
    "pydantic.float_parsing": ("harus berupa angka", "must be a number"),
    "pydantic.bool_type": ("harus true atau false", "must be true or false"),
    "pydantic.bool_parsing": ("harus true atau false", "must be true or false"),
    "pydantic.date_type": (
        "harus berupa tanggal TTTT-BB-HH, mis. 1990-08-01",
        "must be a date YYYY-MM-DD, e.g. 1990-08-01",
    ),
    "pydantic.date_parsing": (
        "harus berupa tanggal TTTT-BB-HH, mis. 1990-08-01",
        "must be a date YYYY-MM-DD, e.g. 1990-08-01",
    ),
    "pydantic.date_from_datetime_parsing": (
        "harus berupa tanggal TTTT-BB-HH, mis. 1990-08-01",
        "must be a date YYYY-MM-DD, e.g. 1990-08-01",
    ),
    "pydantic.date_from_datetime_inexact": (
        "harus berupa tanggal saja, tanpa jam",
        "must be a date only, without a time of day",
    ),
    "pydantic.datetime_type": (
        "harus berupa waktu ISO 8601 dengan zona, mis. 2026-11-20T09:30:00+08:00",
        "must be an ISO 8601 time with a zone, e.g. 2026-11-20T09:30:00+08:00",
    ),
    "pydantic.datetime_parsing": (
        "harus berupa waktu ISO 8601 dengan zona, mis. 2026-11-20T09:30:00+08:00",
        "must be an ISO 8601 time with a zone, e.g. 2026-11-20T09:30:00+08:00",
    ),
    "pydantic.datetime_from_date_parsing": (
        "harus berupa waktu ISO 8601 dengan zona, mis. 2026-11-20T09:30:00+08:00",
        "must be an ISO 8601 time with a zone, e.g. 2026-11-20T09:30:00+08:00",
    ),
    "pydantic.uuid_type": ("harus berupa UUID", "must be a UUID"),
    "pydantic.uuid_parsing": (
        "harus berupa UUID, mis. 3f2b8c1e-0d4a-4b7e-9c61-5a8e2f7d9b10",
        "must be a UUID, e.g. 3f2b8c1e-0d4a-4b7e-9c61-5a8e2f7d9b10",
    ),
    "pydantic.enum": ("harus salah satu dari: {expected}", "must be one of: {expected}"),
    "pydantic.literal_error": ("harus salah satu dari: {expected}", "must be one of: {expected}"),
    "pydantic.string_too_short": (
        "minimal {min_length} karakter",
        "must have at least {min_length} characters",
    ),
    "pydantic.string_too_long": (
        "maksimal {max_length} karakter",
        "must have at most {max_length} characters",
    ),
    "pydantic.string_pattern_mismatch": (
        "bentuknya tidak sesuai pola {pattern}",
        "must match the pattern {pattern}",
    ),
    "pydantic.too_short": (
        "minimal {min_length} unsur",
        "must have at least {min_length} items",
    ),
    "pydantic.too_long": ("maksimal {max_length} unsur", "must have at most {max_length} items"),
    "pydantic.greater_than": ("harus lebih besar dari {gt}", "must be greater than {gt}"),
    "pydantic.greater_than_equal": (
        "harus paling sedikit {ge}",
        "must be at least {ge}",
    ),
    "pydantic.less_than": ("harus lebih kecil dari {lt}", "must be less than {lt}"),
    "pydantic.less_than_equal": ("harus paling banyak {le}", "must be at most {le}"),
    "pydantic.extra_forbidden": (
        "field ini tidak dikenal; hapus dari permintaan",
        "this field is not known here; remove it",
    ),
    "pydantic.string_unicode": ("harus berupa teks UTF-8", "must be UTF-8 text"),
    "pydantic.fallback": ("nilai tidak sah ({detail})", "invalid value ({detail})"),
    # --- names used inside other texts ---------------------------------------------------------
    "thing.pdf": ("PDF-nya", "the PDF"),
    "thing.photo": ("fotonya", "the photo"),
    "thing.no_content_type": ("badan tanpa Content-Type", "a body without Content-Type"),
    "thing.none": ("tidak ada", "none"),
    "audit_chain_broken": (
        "Rantai audit rusak ({problem}); tidak ada checkpoint yang ditandatangani. Jalankan "
        "`skk audit verify` dan cari tahu siapa yang mengubah log.",
        "The audit chain is broken ({problem}); no checkpoint was signed. Run `skk audit "
        "verify` and find out who changed the log.",
    ),
    "where.path": ("path", "path"),
    "where.query": ("query", "query"),
    "where.request": ("permintaan", "request"),
    # --- problem titles, by HTTP status --------------------------------------------------------
    "title.400": ("Permintaan tidak sah", "Bad request"),
    "title.401": ("Belum diautentikasi", "Unauthorized"),
    "title.403": ("Dilarang", "Forbidden"),
    "title.404": ("Tidak ditemukan", "Not found"),
    "title.405": ("Metode tidak diizinkan", "Method not allowed"),
    "title.406": ("Tidak dapat diterima", "Not acceptable"),
    "title.409": ("Konflik", "Conflict"),
    "title.412": ("Prasyarat gagal", "Precondition failed"),
    "title.413": ("Muatan terlalu besar", "Payload too large"),
    "title.415": ("Jenis media tidak didukung", "Unsupported media type"),
    "title.422": ("Masukan tidak sah", "Invalid input"),
    "title.429": ("Terlalu banyak permintaan", "Too many requests"),
    "title.500": ("Kesalahan server", "Internal server error"),
    "title.502": ("Gateway bermasalah", "Bad gateway"),
    "title.503": ("Layanan tidak tersedia", "Service unavailable"),
}


def problem_text(key: str, **params: object) -> Message:
    """The text `key` of PROBLEM_TEXTS with its placeholders filled, in both languages."""
    return fill(PROBLEM_TEXTS, key, params)
