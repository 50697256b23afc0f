"""The newsroom's port: the one asked for, or, when the caller allows it (``wirewatch demo``), any free one when
another process took it after it was chosen. Real sockets: the port is held by a listening socket of the test's."""

from __future__ import annotations

import errno
import socket
import subprocess
import sys

import aiohttp
import pytest

from services.demo import _port_in_log
from services.newsroom.live import LiveHub
from services.newsroom.server import Newsroom
from services.newsroom.settings import NewsroomSettings
from services.newsroom.sqlite import SQLiteStore


def _held() -> socket.socket:
    """A loopback port another process might have taken: bound and listening."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


async def test_a_port_taken_before_the_newsroom_binds_it_gives_way_to_a_free_one_that_serves(tmp_path):
    room = Newsroom(SQLiteStore(tmp_path / "newsroom.sqlite3"), LiveHub(), NewsroomSettings(), token=None)
    with _held() as other:
        taken = other.getsockname()[1]
        try:
            port = await room.start("127.0.0.1", taken, any_port_if_taken=True)
            assert port != taken
            async with aiohttp.ClientSession() as session:
                async with session.get(f"http://127.0.0.1:{port}/api/stories") as resp:
                    assert resp.status == 200
                    assert (await resp.json())["items"] == []
        finally:
            await room.stop()


async def test_wirewatch_run_still_fails_on_its_configured_port_when_taken(tmp_path):
    room = Newsroom(SQLiteStore(tmp_path / "newsroom.sqlite3"), LiveHub(), NewsroomSettings(), token=None)
    with _held() as other:
        try:
            with pytest.raises(OSError) as failed:
                await room.start("127.0.0.1", other.getsockname()[1])
            assert failed.value.errno == errno.EADDRINUSE
        finally:
            await room.stop()


async def test_the_demo_shows_the_port_the_services_process_printed(tmp_path):
    log = tmp_path / "worker.log"
    log.write_bytes(b'{"event": "newsroom_port_taken", "port": 8080}\nnewsroom on http://127.0.0.1:41234/\n')
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])  # a services process that lives
    try:
        assert await _port_in_log(log, worker, "newsroom") == 41234
    finally:
        worker.kill()
        worker.wait()


async def test_the_demo_fails_with_a_line_when_the_services_process_exits_before_its_newsroom_listens(tmp_path, capsys):
    log = tmp_path / "worker.log"
    log.write_bytes(b"Traceback (most recent call last):\n")
    worker = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    worker.wait()
    assert await _port_in_log(log, worker, "newsroom") is None
    assert "FAILED: the services process exited with code 3 before its newsroom listened" in capsys.readouterr().out


async def test_the_demo_says_the_port_asked_for_was_taken_when_the_newsroom_is_on_another(tmp_path, capsys):
    from services.demo import show_newsroom
    from tests.unit.test_newsroom_store import NOW, article

    store = SQLiteStore(tmp_path / "newsroom.sqlite3")
    seed = article(1, "seed")
    store.write_article(seed, now=NOW)
    room = Newsroom(store, LiveHub(), NewsroomSettings(), token=None)
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])  # a services process that lives
    with _held() as other:
        taken = other.getsockname()[1]
        try:
            port = await room.start("127.0.0.1", taken, any_port_if_taken=True)
            assert await show_newsroom(port, worker, {"seed": {seed.id}}, serve=False, asked=taken) == 0
        finally:
            worker.kill()
            worker.wait()
            await room.stop()
    out = capsys.readouterr().out
    assert f"newsroom: http://127.0.0.1:{port}/" in out
    assert f"port {taken} was taken, so the newsroom listens on {port}" in out
