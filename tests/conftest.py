"""Shared fixtures.  Test data lives in ../shared/data beside the repository (never copied in)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TELENB_SHARED", REPO.parent / "shared")).resolve()


def shared_path(*parts: str) -> Path:
    """Path under ../shared/data; skips the calling test (with the reason) when absent."""
    path = SHARED.joinpath("data", *parts)
    if not path.exists():
        pytest.skip(f"test data {path} is absent (../shared/data is not beside the repository)")
    return path


@pytest.fixture
def fsdd_dir() -> Path:
    return shared_path("fsdd")


@pytest.fixture
def g711_dir() -> Path:
    return shared_path("g711")


class TestingShell(InteractiveShell):
    """A real IPython shell whose cells raise their errors (IPython prints and swallows
    them), so a magic that fails fails the test; JupySQL tests its magics the same way."""

    __test__ = False  # not a test class, despite the name

    def run_cell(self, raw_cell, *args, **kwargs):  # type: ignore[no-untyped-def]
        result = super().run_cell(raw_cell, *args, **kwargs)
        result.raise_error()
        return result


@pytest.fixture
def ipython() -> Iterator[TestingShell]:
    """A fresh shell with telenb loaded; cleared afterwards so tests do not share state."""
    shell = TestingShell.instance()
    shell.run_line_magic("load_ext", "telenb")
    try:
        yield shell
    finally:
        TestingShell.clear_instance()
