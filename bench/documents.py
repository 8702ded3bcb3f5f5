"""Benchmark the document layer: render and sign N letters, print median and p95 in ms.

Usage: .venv/bin/python bench/documents.py [N] [--threads T]

With --threads > 1 the letters are rendered and signed from a thread pool, which
shows per-letter latency when requests compete for the GIL.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.documents.render import LetterContent, Office, Signatory, render_letter  # noqa: E402
from app.documents.signing import LetterSigner, create_development_key, verify_pdf  # noqa: E402

FIRST = ["MARIA", "YOHANES", "NGUYỄN", "SITI", "ŁUCJA", "AGUSTINUS", "FRANSISKA", "MUHAMMAD"]
MIDDLE = ["", "THỊ", "BENEDIKTUS", "NUR", "DA COSTA", "KRISTINA"]
LAST = ["SERAN", "NDOLU", "BANUNAEK", "LAKA", "PELLO", "ŻÓŁKIEWSKA", "TAOLIN", "BIRE"]
WORDINGS = ["not_recorded", "in_process"]
SEXES = ["laki_laki", "perempuan"]
RELIGIONS = ["islam", "kristen", "katolik", "hindu", "buddha", "khonghucu", "kepercayaan"]
MARITAL = ["belum_kawin", "kawin", "cerai_hidup", "cerai_mati"]
BLOOD = ["A", "B+", "AB-", "O", "tidak_tahu"]
STREETS = ["EL TARI", "SOEKARNO", "W.J. LALAMENTIK", "FRANS SEDA"]


def make_contents(n: int) -> list[LetterContent]:
    """N letters with varied residents (deterministic pseudo-random)."""
    rng = random.Random(20260312)
    office = Office(
        government="PEMERINTAH KOTA KUPANG",
        agency="DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
        address="Jl. Timor Raya No. 123, Kelurahan Oesapa, Kecamatan Kelapa Lima, Kota Kupang",
        city="Kupang",
    )
    signatory = Signatory(
        name="Drs. YOHANES B. SERAN, M.Si",
        title="Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Kupang",
        nip="197001011990031001",
    )
    contents = []
    for i in range(n):
        name = " ".join(p for p in (rng.choice(FIRST), rng.choice(MIDDLE), rng.choice(LAST)) if p)
        token = "".join(
            rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
            for _ in range(22)
        )
        issued = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
        contents.append(
            LetterContent(
                office=office,
                signatory=signatory,
                number=f"470/{i + 1:04d}/SKK/{issued.month:02d}/{issued.year}",
                issued_on=issued,
                valid_from=issued,
                valid_until=issued + timedelta(days=182),
                purpose=rng.choice(
                    ["Pendaftaran sekolah anak", "Pembukaan rekening bank", "Melamar pekerjaan"]
                ),
                wording=rng.choice(WORDINGS),
                nik=f"5371{rng.randrange(10**12):012d}",
                full_name=name,
                birth_place=rng.choice(["KUPANG", "SOE", "ATAMBUA", "ENDE", "MAUMERE"]),
                birth_date=date(1960, 1, 1) + timedelta(days=rng.randrange(20000)),
                sex=rng.choice(SEXES),
                blood_type=rng.choice(BLOOD),
                address=f"JL. {rng.choice(STREETS)} NO. {i % 97}",
                rt=str(rng.randrange(1, 30)),
                rw=str(rng.randrange(1, 12)),
                kelurahan=rng.choice(["OEBOBO", "OESAPA", "LILIBA", "FATULULI"]),
                kecamatan=rng.choice(["OEBOBO", "KELAPA LIMA", "MAULAFA"]),
                religion=rng.choice(RELIGIONS),
                marital_status=rng.choice(MARITAL),
                occupation=rng.choice(["WIRASWASTA", "PELAJAR/MAHASISWA", "PETANI/PEKEBUN"]),
                citizenship="WNI",
                verification_url=f"https://skk.example.go.id/v/{token}",
                verification_token=token,
                development_signature=bool(i % 2),
            )
        )
    return contents


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile (0.5 = median)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(label: str, samples_ms: list[float]) -> str:
    """One line with median and p95 of the samples."""
    median, p95 = percentile(samples_ms, 0.5), percentile(samples_ms, 0.95)
    return f"{label:<16} median {median:6.2f} ms   p95 {p95:6.2f} ms"


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=300, help="letters (default 300)")
    parser.add_argument("--threads", type=int, default=1, help="worker threads (default 1)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        signer = LetterSigner.from_pkcs12(create_development_key(Path(tmp)), None)
        contents = make_contents(args.n)
        # Warm-up: font registration and the first subsets are one-off costs.
        for content in contents[:5]:
            signer.sign(render_letter(content))

        def issue(content: LetterContent) -> tuple[float, float, bytes]:
            start = time.perf_counter()
            pdf = render_letter(content)
            rendered = time.perf_counter()
            signed = signer.sign(pdf)
            done = time.perf_counter()
            return (rendered - start) * 1000, (done - rendered) * 1000, signed

        wall = time.perf_counter()
        if args.threads > 1:
            with ThreadPoolExecutor(args.threads) as pool:
                results = list(pool.map(issue, contents))
        else:
            results = [issue(c) for c in contents]
        wall = time.perf_counter() - wall

        verify_ms = []
        for _, _, signed in results[:50]:
            start = time.perf_counter()
            report = verify_pdf(signed, trusted_certificates_sha256={signer.certificate_sha256})
            verify_ms.append((time.perf_counter() - start) * 1000)
            assert report.valid, report.problem

    print(f"{args.n} letters, {args.threads} thread(s), {args.n / wall:.0f} letters/s")
    print(summary("render", [r for r, _, _ in results]))
    print(summary("sign", [s for _, s, _ in results]))
    print(summary("render + sign", [r + s for r, s, _ in results]))
    print(summary("verify (50)", verify_ms))
    size = percentile([float(len(s)) for _, _, s in results], 0.5)
    print(f"signed PDF size  ~{size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
