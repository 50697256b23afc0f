"""Fixtures the unit tests of several modules share."""

from __future__ import annotations

import pytest

from services.normalize.core import Normalizer
from services.normalize.settings import NormalizeSettings


@pytest.fixture
async def normalizer():
    """A normalizer on the default settings (the real Apertium pairs), closed after the test."""
    n = Normalizer(NormalizeSettings())
    yield n
    await n.aclose()
