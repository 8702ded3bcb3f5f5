"""What a new integrator does: generate a Python client from the live /openapi.json with
openapi-python-client and the repository's config, then drive a short flow with it."""

from __future__ import annotations

import importlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from app.cli import initialise
from app.config import Settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.schemas.common import Role
from app.services.keys import create_key
from tests.factories import resident_payload

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "clients" / "openapi-python-client.yaml"
GENERATOR = shutil.which("openapi-python-client") or str(
    Path(sys.executable).parent / "openapi-python-client"
)
pytestmark = pytest.mark.skipif(
    not Path(GENERATOR).exists(),
    reason="openapi-python-client is not installed (it is in the `test` extra)",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """`skk serve` on a free port over a fresh SQLite database, and an operator key."""
    tmp = tmp_path_factory.mktemp("integrator")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SKK_DATABASE_URL": f"sqlite:///{tmp / 'skk.db'}",
        "SKK_DATA_DIR": str(tmp / "data"),
        "SKK_PUBLIC_BASE_URL": base,
    }
    settings = Settings(
        database_url=env["SKK_DATABASE_URL"],
        data_dir=tmp / "data",
        public_base_url=base,
        _env_file=None,  # type: ignore[call-arg]
    )
    initialise(settings)
    engine = make_engine(settings.database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        secret = create_key(session, name="integrator", role=Role.operator).secret
    engine.dispose()
    log = open(tmp / "server.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the server did not start: " + (tmp / "server.log").read_text())
            time.sleep(0.3)
        yield base, secret
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def generated(live: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The client generated from the running server's document, importable as skk_client."""
    base, _ = live
    out = tmp_path_factory.mktemp("generated")
    spec = out / "openapi.json"
    spec.write_bytes(httpx.get(f"{base}/openapi.json").content)
    result = subprocess.run(
        [
            GENERATOR,
            "generate",
            "--path",
            str(spec),
            "--config",
            str(CONFIG),
            "--output-path",
            str(out / "client"),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # The generator drops what it cannot type (an endpoint, a body) with a warning.
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(out))
    try:
        return importlib.import_module("client")
    finally:
        sys.path.remove(str(out))


def _api(generated: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{generated.__name__}.{name}")


def test_the_generated_client_drives_a_letter_flow(
    live: tuple[str, str], generated: ModuleType
) -> None:
    base, secret = live
    models = _api(generated, "models")
    types = _api(generated, "types")
    create_resident = _api(generated, "api.residents.create_resident")
    list_residents = _api(generated, "api.residents.list_residents")
    import_residents = _api(generated, "api.residents.import_residents")
    issue_letter = _api(generated, "api.letters.issue_letter")
    download_pdf = _api(generated, "api.letters.download_pdf")
    verify_upload = _api(generated, "api.verification.verify_upload")

    client = generated.AuthenticatedClient(
        base_url=base, token=secret, raise_on_unexpected_status=True
    )
    with client:
        # Blood types that generators used to fold into one name (A, A+, A-).
        for blood in ("A", "A+", "A-"):
            created = create_resident.sync(
                client=client,
                body=models.ResidentCreate.from_dict(
                    resident_payload(blood_type=blood, birth_date=f"1990-08-{10 + len(blood):02d}")
                ),
            )
            assert isinstance(created, models.ResidentRead), created
        page = list_residents.sync(client=client)
        assert isinstance(page, models.PageResidentRead), page
        bloods = {r.blood_type for r in page.items}
        assert {models.BloodType.A, models.BloodType.A_POS, models.BloodType.A_NEG} <= bloods

        letter = issue_letter.sync(
            nik=page.items[0].nik,
            client=client,
            body=models.LetterCreate(purpose="Pembukaan rekening bank"),
            idempotency_key="integrator-flow-1",
        )
        assert isinstance(letter, models.LetterRead), letter

        pdf = download_pdf.sync(letter_id=letter.id, client=client)
        assert isinstance(pdf, types.File), pdf
        data = pdf.payload.read()
        assert data.startswith(b"%PDF")

        raw = verify_upload.sync(client=client, body=types.File(payload=BytesIO(data)))
        assert isinstance(raw, models.UploadVerification), raw
        assert raw.outcome == models.UploadOutcome.GENUINE
        multipart = verify_upload.sync(
            client=client,
            body=models.VerifyUploadFilesBody(
                file=types.File(payload=BytesIO(data), file_name="surat.pdf")
            ),
        )
        assert isinstance(multipart, models.UploadVerification), multipart
        assert multipart.outcome == models.UploadOutcome.GENUINE

        row = resident_payload(birth_date="1991-02-03", blood_type="B+")
        columns = [k for k in row if k != "has_itap"]
        csv = ",".join(columns) + "\n" + ",".join(str(row[c]) for c in columns) + "\n"
        report = import_residents.sync(
            client=client, body=types.File(payload=BytesIO(csv.encode()), mime_type="text/csv")
        )
        assert isinstance(report, models.ImportReport), report
        assert (report.inserted, report.rejected, report.committed) == (1, 0, True), (
            report.to_dict()
        )
