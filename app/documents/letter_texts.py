"""Every sentence and label printed on the Surat Keterangan Kependudukan, in one file.

An office reads and corrects the letter's wording here; the renderer only fills the
`{placeholders}` and lays the texts out. Changing a text changes the PDF of new letters only:
issued letters keep the bytes they were signed with.
"""

from __future__ import annotations

__all__ = [
    "BLOOD_TYPE_UNKNOWN",
    "CLOSING",
    "CONTACT_PARTS",
    "DEVELOPMENT_WARNING",
    "DEVELOPMENT_WARNING_EN",
    "DEVELOPMENT_WATERMARK",
    "ESIGN_DEVELOPMENT",
    "ESIGN_STATEMENT",
    "ESIGN_UU_ITE",
    "KEPERCAYAAN_LABEL",
    "KEPERCAYAAN_VALUE",
    "NIP_LINE",
    "NUMBER_LINE",
    "OPENING",
    "PLACE_AND_DATE",
    "PURPOSE",
    "QR_CAPTION",
    "REGISTERED",
    "ROW_LABELS",
    "SIGNATURE_HEADING",
    "STAMP_HEADING",
    "STATEMENT",
    "TITLE",
    "USE",
    "VALIDITY",
]

TITLE = "SURAT KETERANGAN KEPENDUDUKAN"
NUMBER_LINE = "Nomor: {number}"

# The letterhead's contact line: each part printed only when its setting is filled.
CONTACT_PARTS = {
    "phone": "Telepon {value}",
    "email": "Pos-el {value}",
    "website": "Laman {value}",
}

# The opening sentence by the signatory's capacity (setting SKK_SIGNATORY_CAPACITY).
OPENING = {
    "": "Yang bertanda tangan di bawah ini, {title}, dengan ini menerangkan bahwa:",
    "Plt.": "Yang bertanda tangan di bawah ini, Plt. {title}, dengan ini menerangkan bahwa:",
    "a.n.": (
        "Yang bertanda tangan di bawah ini, {title}, atas nama {on_behalf_of}, dengan ini "
        "menerangkan bahwa:"
    ),
}

# The resident's data, labelled as on a KTP-el.
ROW_LABELS = {
    "nik": "NIK",
    "name": "Nama",
    "birth": "Tempat/Tgl. Lahir",
    "sex": "Jenis Kelamin",
    "blood_type": "Golongan Darah",
    "address": "Alamat",
    "rt_rw": "RT/RW",
    "kelurahan": "Kelurahan/Desa",
    "kecamatan": "Kecamatan",
    "religion": "Agama",
    "marital_status": "Status Perkawinan",
    "occupation": "Pekerjaan",
    "citizenship": "Kewarganegaraan",
}
# A resident of a kepercayaan reads, as on the KTP-el since 2017, this label and value.
KEPERCAYAAN_LABEL = "Kepercayaan"
KEPERCAYAAN_VALUE = "KEPERCAYAAN TERHADAP TUHAN YME"
BLOOD_TYPE_UNKNOWN = "-"

REGISTERED = (
    "Nama tersebut di atas adalah benar penduduk yang terdaftar dalam database kependudukan "
    "{registry} dan telah memenuhi syarat wajib memiliki KTP-el"
)

# What the letter says about the KTP-el, by wording (app.domain.eligibility.LetterWording).
STATEMENT = {
    "not_recorded": (
        "{registered}, namun sampai dengan diterbitkannya surat keterangan ini yang "
        "bersangkutan belum melakukan perekaman KTP-el."
    ),
    "in_process": (
        "{registered}. Yang bersangkutan telah melakukan perekaman KTP-el dan data sedang diproses."
    ),
    "being_printed": (
        "{registered}. Yang bersangkutan telah melakukan perekaman KTP-el dan KTP-el yang "
        "bersangkutan sedang dalam proses pencetakan."
    ),
    "ready_to_collect": (
        "{registered}. Yang bersangkutan telah melakukan perekaman KTP-el dan KTP-el yang "
        "bersangkutan telah selesai dicetak dan dapat diambil di {collection_place}."
    ),
}

# What the letter is for: a resident who has not recorded gets proof of registration only.
USE = {
    "not_recorded": (
        "Surat keterangan ini merupakan bukti bahwa yang bersangkutan terdaftar sebagai "
        "penduduk, dan bukan pengganti KTP-el."
    ),
    "recorded": (
        "Surat keterangan ini berlaku sebagai pengganti KTP-el untuk keperluan administrasi "
        "kependudukan dan pelayanan publik."
    ),
}

PURPOSE = "Surat keterangan ini dipergunakan untuk: {purpose}."
VALIDITY = (
    "Surat keterangan ini mulai berlaku tanggal {valid_from} dan berlaku sampai dengan "
    "{valid_until}."
)
CLOSING = (
    "Demikian surat keterangan ini dibuat dengan sebenarnya untuk dapat dipergunakan "
    "sebagaimana mestinya."
)

PLACE_AND_DATE = "{city}, {date}"
# The lines above the signature by capacity; a.n. names the official signed for first.
SIGNATURE_HEADING = {
    "": ("{title},",),
    "Plt.": ("Plt. {title},",),
    "a.n.": ("a.n. {on_behalf_of}", "{title},"),
}
NIP_LINE = "NIP. {nip}"
STAMP_HEADING = "Ditandatangani secara elektronik"

# The statement Indonesian electronically signed documents carry, with the certificate's issuer.
ESIGN_STATEMENT = (
    "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik "
    "yang diterbitkan oleh {issuer}."
)
ESIGN_UU_ITE = (
    "Sesuai Pasal 5 ayat (1) Undang-Undang Nomor 11 Tahun 2008 tentang Informasi dan "
    "Transaksi Elektronik sebagaimana telah diubah terakhir dengan Undang-Undang Nomor 1 "
    "Tahun 2024, dokumen elektronik dan hasil cetaknya merupakan alat bukti hukum yang sah."
)
ESIGN_DEVELOPMENT = (
    "Dokumen ini ditandatangani dengan kunci pengembangan, bukan dengan "
    "sertifikat elektronik resmi: dokumen ini TIDAK SAH dan tidak dapat dipergunakan."
)

QR_CAPTION = (
    "Pindai kode QR untuk memeriksa",
    "keaslian surat ini.",
    "Kode verifikasi: {token}",
)

DEVELOPMENT_WARNING = "TANDA TANGAN PENGEMBANGAN — TIDAK SAH"
DEVELOPMENT_WARNING_EN = "Development signature — not valid"
DEVELOPMENT_WATERMARK = "CONTOH — TIDAK SAH"
