"""Fixtures for the contract tests."""

from __future__ import annotations

import pytest
from contract_images_helper import encode


@pytest.fixture
def png_1024() -> bytes:
    return encode((1024, 1024))


@pytest.fixture
def mask_1024() -> bytes:
    return encode((1024, 1024), mode="RGBA", color=(0, 0, 0, 0))
