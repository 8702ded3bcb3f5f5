"""Routing: the /api/v1 prefix once, and no route that depends on the order of inclusion."""

from __future__ import annotations

import re

import pytest

from app.api.params import ResidentKeyConvertor
from app.api.routes import API_V1


@pytest.mark.parametrize(
    ("segment", "is_resident"),
    [
        ("5371044108900001", True),
        ("5371.0441.0890.0001", True),
        ("5371 0441 0890 0001", True),
        ("export", False),
        ("import", False),
        ("exports", True),  # not a fixed path: a (bad) NIK, answered with a 422
    ],
)
def test_resident_segment_never_captures_fixed_paths(segment: str, is_resident: bool) -> None:
    matches = re.fullmatch(ResidentKeyConvertor.regex, segment) is not None
    assert matches is is_resident


def test_every_json_route_is_under_the_prefix_once(app) -> None:
    paths = set(app.openapi()["paths"])
    json_paths = {p for p in paths if p.startswith("/api/")}
    assert all(p.startswith(API_V1 + "/") and API_V1 not in p[len(API_V1) :] for p in json_paths)
    assert {"/health", "/statistics", "/v/{token}"} <= paths
