"""Fixtures the unit tests of several modules share."""

from __future__ import annotations

import socket

import pytest

from services.normalize.core import Normalizer
from services.normalize.settings import NormalizeSettings


@pytest.fixture
async def normalizer():
    """A normalizer on the default settings (the real Apertium pairs), closed after the test."""
    n = Normalizer(NormalizeSettings())
    yield n
    await n.aclose()


UNKNOWN_HOST = "no-such-host.invalid"  # .invalid is reserved: never a host (RFC 6761)


@pytest.fixture
def unknown_host():
    """A host name the resolver says does not exist; the test is skipped where the resolver cannot say (no DNS)."""
    try:
        socket.getaddrinfo(UNKNOWN_HOST, 9092)
    except socket.gaierror as exc:
        if exc.errno not in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
            pytest.skip(f"this machine's resolver cannot say whether {UNKNOWN_HOST} exists: {exc}")
    else:
        pytest.skip(f"this machine's resolver gives an address for {UNKNOWN_HOST}")
    return UNKNOWN_HOST


@pytest.fixture
def closed_port():
    """A loopback port bound and not listening, so a connection to it is refused and no other process takes it."""
    with socket.socket() as keeper:
        keeper.bind(("127.0.0.1", 0))
        yield keeper.getsockname()[1]
