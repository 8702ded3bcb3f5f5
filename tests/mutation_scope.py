"""pytest plugin for the mutation pass (`.ci/mutation`), loaded only through mutmut's
`pytest_add_cli_args` in pyproject.toml; a plain `pytest` never loads it.

`[tool.skk.mutation.tests]` in pyproject.toml maps mutant names (globs) to the tests that
judge them (globs on pytest node ids). This plugin keeps only the tests some entry names,
so mutmut records coverage for those alone, and while a mutant runs it keeps only the
tests of the first entry matching that mutant: a pure domain rule is judged by its own
unit tests, not by every API test that happens to call it.
"""

from __future__ import annotations

import os
import tomllib
from fnmatch import fnmatch

import pytest


def _scopes(config: pytest.Config) -> list[tuple[str, list[str]]]:
    with open(config.rootpath / "pyproject.toml", "rb") as f:
        table = tomllib.load(f)["tool"]["skk"]["mutation"]["tests"]
    return [(mutants, list(tests)) for mutants, tests in table.items()]


def _wanted(nodeid: str, patterns: list[str]) -> bool:
    return any(fnmatch(nodeid, pattern) for pattern in patterns)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    scopes = _scopes(config)
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if "__mutmut_" in mutant:
        patterns = next((tests for glob, tests in scopes if fnmatch(mutant, glob)), [])
    else:  # collecting, coverage statistics, the clean run, the forced failure
        patterns = [pattern for _, tests in scopes for pattern in tests]
    keep = [item for item in items if _wanted(item.nodeid, patterns)]
    dropped = [item for item in items if not _wanted(item.nodeid, patterns)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
