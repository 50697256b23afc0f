"""A network error in words for a person: ``connection refused``, ``no such host``, not ``[Errno 111] Connect call
failed ('127.0.0.1', 9)``. Shared by the broker's clients and the feed fetcher."""

from __future__ import annotations

import socket

__all__ = ["NO_SUCH_NAME", "no_such_host", "os_error_in_words", "sentence_part"]

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
