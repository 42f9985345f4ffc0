"""Fixtures for the file-provenance tests: a real signer in a temp keys dir, a poster-like test image."""

from __future__ import annotations

from pathlib import Path

import pytest
from marks_helpers import poster
from PIL import Image

from imagegen.provenance.marks.certs import ENV_CERT, ENV_KEY, Signer, load_or_create_signer


@pytest.fixture(scope="session")
def poster_factory():  # type: ignore[no-untyped-def]
    return poster


@pytest.fixture(scope="session")
def poster_1024() -> Image.Image:
    return poster()


@pytest.fixture(scope="session")
def signer(tmp_path_factory: pytest.TempPathFactory) -> Signer:
    mp = pytest.MonkeyPatch()
    mp.delenv(ENV_CERT, raising=False)
    mp.delenv(ENV_KEY, raising=False)
    try:
        return load_or_create_signer(tmp_path_factory.mktemp("keys"))
    finally:
        mp.undo()


@pytest.fixture(autouse=True)
def _no_operator_cert(monkeypatch: pytest.MonkeyPatch) -> None:
    # an operator certificate in the developer's environment must not leak into these tests
    monkeypatch.delenv(ENV_CERT, raising=False)
    monkeypatch.delenv(ENV_KEY, raising=False)


@pytest.fixture
def keys_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"
