"""An OS or network error in words for a person: ``connection refused``, ``no such host``, ``no such file or
directory``, not ``[Errno 111] Connect call failed ('127.0.0.1', 9)``; and what is wrong with a broker address, before a
client fails on it with a traceback. Shared by the broker's clients, the settings, the feed fetcher and the commands."""

from __future__ import annotations

import errno
import socket

__all__ = ["NO_SUCH_NAME", "BOOTSTRAP_FORM", "bootstrap_problem", "cannot_listen", "no_such_host", "os_error_in_words",
           "sentence_part"]

BOOTSTRAP_FORM = "HOST:PORT, or several separated by commas"

# getaddrinfo's answers for a name that does not exist (EAI_NODATA: the name exists with no address; not on every OS).
NO_SUCH_NAME = frozenset({socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)})


def sentence_part(text: str) -> str:
    """``Network is unreachable`` → ``network is unreachable``; an acronym (``TLS``) kept."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def no_such_host(exc: BaseException) -> bool:
    return isinstance(exc, socket.gaierror) and exc.errno in NO_SUCH_NAME


def os_error_in_words(exc: OSError) -> str:
    """Why a connection failed, as the system says it, without errno numbers or address tuples."""
    if isinstance(exc, socket.gaierror):
        return "no such host" if no_such_host(exc) else \
            f"its name could not be looked up: {sentence_part(exc.strerror or str(exc))}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError) and not exc.strerror:
        return "no answer in time"
    return sentence_part(exc.strerror or str(exc) or type(exc).__name__)


def cannot_listen(host: str, port: int, exc: OSError) -> str:
    """Why a server could not listen on ``host:port``: ``cannot listen on 192.0.2.1:8080: 192.0.2.1 is not an address
    of this machine``, not the system's ``cannot assign requested address`` (EADDRNOTAVAIL), which names no address."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {where}: {host} is not an address of this machine"
    return f"cannot listen on {where}: {os_error_in_words(exc)}"


def bootstrap_problem(servers: str) -> str | None:
    """What is wrong with Kafka bootstrap servers (``host:port[,host:port]``, a port left out being 9092, an IPv6
    address in brackets when it has a port), or None. aiokafka raises a bare ``ValueError: invalid literal for int()``
    at its first connection for a port that is no number, and takes an empty host for a host that does not exist."""
    for entry in (part.strip() for part in servers.split(",")):
        if not entry:
            return f"{servers!r}: an empty address ({BOOTSTRAP_FORM})"
        if entry.startswith("["):
            host, _, rest = entry[1:].partition("]")
            port = None if not rest else rest[1:] if rest.startswith(":") else rest
        elif ":" not in entry or _ipv6(entry):  # an IPv6 address without a port is one, as for aiokafka
            host, port = entry, None
        else:
            host, _, port = entry.rpartition(":")
        if not host:
            return f"{entry!r}: no host name{' before the port' if port else ''} ({BOOTSTRAP_FORM})"
        if any(c.isspace() for c in host):
            return f"{entry!r}: a host name has no spaces ({BOOTSTRAP_FORM})"
        if port == "":
            return f"{entry!r}: no port after the colon ({BOOTSTRAP_FORM})"
        if port is not None and not port.isdigit():
            return f"{entry!r}: the port {port!r} is no number ({BOOTSTRAP_FORM})"
        if port is not None and not 0 < int(port) < 65536:
            return f"{entry!r}: the port {port} is not between 1 and 65535 ({BOOTSTRAP_FORM})"
    return None


def _ipv6(text: str) -> bool:
    try:
        socket.inet_pton(socket.AF_INET6, text)
    except (OSError, ValueError):
        return False
    return True
