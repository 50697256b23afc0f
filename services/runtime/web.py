"""The worker's web server (/metrics, health, POST /ingest) on sockets the command binds before the worker starts: a
taken port is said in one line before the broker is asked anything, and no other process can take the port between a
check and Faust's own bind, since Faust serves the sockets bound here instead of binding its own."""

from __future__ import annotations

import errno
import socket
from dataclasses import dataclass

from aiohttp.web import SockSite
from faust.web.drivers.aiohttp import Web

from services.runtime.error_words import cannot_listen
from services.runtime.errors import WirewatchError
from services.runtime.ports import port_holder

__all__ = ["CannotListen", "Listening", "ListeningWeb", "listen"]


class CannotListen(WirewatchError):
    """The web server's port is taken, or not ours to listen on; the message is one line."""


@dataclass
class Listening:
    """Sockets listening on ``host:port``; ``gave_way`` says why not on the port asked for, when it is another."""

    host: str
    port: int
    sockets: list[socket.socket]
    gave_way: str | None = None

    @property
    def url(self) -> str:
        return f"http://{f'[{self.host}]' if ':' in self.host else self.host}:{self.port}/"

    def close(self) -> None:
        for sock in self.sockets:
            sock.close()


def listen(host: str, port: int, *, any_port_if_taken: bool = False, port_setting: str = "--web-port (WIREWATCH_WEB_PORT)",
           host_setting: str = "WIREWATCH_WEB_HOST") -> Listening:
    """Listen on ``host:port`` now. With ``any_port_if_taken``, a port another process holds (or one below 1024 as
    non-root) gives way to any free one; else CannotListen names the port and, where /proc says, who holds it, and
    the settings that say where (``port_setting``, ``host_setting``)."""
    try:
        sockets = _bind(host, port)
        return Listening(host, sockets[0].getsockname()[1], sockets)  # for port 0, the one it got
    except OSError as exc:
        why = _why(host, port, exc)
        if not (any_port_if_taken and port and exc.errno in (errno.EADDRINUSE, errno.EACCES)):
            hint = "names another" if exc.errno == errno.EADDRINUSE else f"and {host_setting} say where"
            raise CannotListen(f"{why}; {port_setting} {hint}") from exc
    try:
        sockets = _bind(host, 0)
    except OSError as exc:
        raise CannotListen(_why(host, 0, exc)) from exc
    return Listening(host, sockets[0].getsockname()[1], sockets, gave_way=why)


def _why(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        holder = port_holder(port)
        return f"port {port} on {host} is in use{f' by {holder}' if holder else ''}"
    return cannot_listen(host, port, exc)


def _bind(host: str, port: int) -> list[socket.socket]:
    """A listening socket for each address of ``host``, as asyncio's server binds them, all on one port: ``port``, or
    for 0 the one the first bind got."""
    sockets: list[socket.socket] = []
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        for family, kind, proto, _, address in dict.fromkeys(infos):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            # As servers do: connections of an earlier run in TIME_WAIT do not keep a restarted worker off its port.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)  # its IPv4 twin has a socket of its own
            sock.bind((address[0], port, *address[2:]))
            # Listening at once is what holds the port: Linux lets another SO_REUSEADDR socket bind a port that is
            # bound but not listened on. Connections made before the server serves wait in the backlog.
            sock.listen(128)
            port = sock.getsockname()[1]
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


class ListeningWeb(Web):
    """Faust's aiohttp web server, serving the sockets :func:`listen` bound (when given) instead of binding its own."""

    listening: Listening | None = None

    async def start_server(self) -> None:
        if self.listening is None:
            await super().start_server()
            return
        await self._runner.setup()
        for sock in self.listening.sockets:
            await SockSite(self._runner, sock).start()
