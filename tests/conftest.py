"""Shared fixtures: where the repository and the shared test material are."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TEIKIT_SHARED", REPO.parent / "shared"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

SEED_TEXT = REPO / "seeds" / "frus1981-88v04-d321.txt"
SEED_TEI = REPO / "tei" / "frus1981-88v04-d321.xml"


def need_shared(relative: str = "") -> Path:
    """A path under ../shared; skip with a message where it is absent, fail under CI."""
    path = SHARED / relative
    if not path.exists():
        message = f"{path} is missing: the shared test material must sit beside the repository"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def need_tool(name: str, package: str) -> str:
    """A system tool; skip naming the Debian package where it is absent, fail under CI."""
    found = shutil.which(name)
    if not found:
        message = f"{name} is not installed (Debian package {package})"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def shared() -> Path:
    return need_shared()


@pytest.fixture
def project(tmp_path) -> Path:
    """A fresh project: the repository's config and seed, nothing generated yet."""
    shutil.copy(REPO / "teikit.toml", tmp_path / "teikit.toml")
    (tmp_path / "seeds").mkdir()
    shutil.copy(SEED_TEXT, tmp_path / "seeds" / SEED_TEXT.name)
    return tmp_path


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files from the current output (review the diff before committing)")
