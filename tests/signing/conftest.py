"""Fixtures of the signing backends: a SoftHSM2 token and a test PKI (CA, OCSP, CRL, TSA).

Tests that need a tool skip with the reason when it is absent; `.ci/run` installs the tools
and sets SKK_TEST_REQUIRE_SOFTHSM=1, which turns that skip into a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from .pki import PkiServer, serve_test_pki
from .softhsm import SoftHsmToken, make_softhsm_token, softhsm_module


def require_tool(available: bool, what: str, variable: str) -> None:
    """Skip with the reason when a tool is missing, or fail when CI says it must be there."""
    if available:
        return
    reason = f"{what} is not installed; .ci/run installs it"
    if os.environ.get(variable):
        pytest.fail(f"{variable} is set but {reason.split(';')[0]}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory) -> SoftHsmToken:
    """A fresh SoftHSM2 token holding an ECDSA P-256 key and its certificate under KEY_LABEL."""
    module = softhsm_module()
    require_tool(
        module is not None and shutil.which("softhsm2-util") is not None,
        "SoftHSM2 (Debian softhsm2)",
        "SKK_TEST_REQUIRE_SOFTHSM",
    )
    return make_softhsm_token(tmp_path_factory.mktemp("softhsm"))


@pytest.fixture(scope="session")
def sample_unsigned_pdf() -> bytes:
    """One rendered, unsigned letter (the document tests' sample content)."""
    from app.documents.render import render_letter
    from tests.documents.conftest import BASE_CONTENT

    return render_letter(BASE_CONTENT)


@pytest.fixture(scope="module")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PkiServer]:
    """A CA with OCSP, a CRL and a TSA on loopback, for the module's tests."""
    with serve_test_pki(tmp_path_factory.mktemp("pki")) as pki:
        yield pki
