"""Shared fixtures.  Test data lives in ../shared/data beside the repository (never copied in)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
