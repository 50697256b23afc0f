"""Whether a TCP port is free to listen on, and which process holds it when not, said before a server fails on it."""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path

__all__ = ["port_in_use", "port_holder", "listens_on"]


def port_in_use(host: str, port: int) -> bool:
    """True when a server could not listen on ``host:port`` because something else does.

    The bind uses SO_REUSEADDR, as servers do, so a port with only closed connections in TIME_WAIT is free. Any other
    reason the bind fails (EACCES for a port below 1024 as non-root, EADDRNOTAVAIL for an address not this machine's)
    is raised as the OSError, for the caller to say in one line (its ``strerror``)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def port_holder(port: int, proc: Path = Path("/proc")) -> str | None:
    """"pid 123: tansu broker ..." for the process listening on ``port``, when Linux's /proc says (and we may read
    its file descriptors); else None."""
    inodes = _listening_inodes(port, proc)
    if not inodes:
        return None
    for pid_dir in proc.iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            for fd in (pid_dir / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    command = " ".join((pid_dir / "cmdline").read_bytes().decode("utf-8", "replace").replace("\0", " ").split())
                    return f"pid {pid_dir.name}: {command[:120]}" if command else f"pid {pid_dir.name}"
        except OSError:  # gone meanwhile, or another user's
            continue
    return None


def listens_on(pid: int, port: int, proc: Path = Path("/proc")) -> bool | None:
    """Whether process ``pid`` holds a socket listening on ``port``: None when /proc cannot say (not Linux, or its
    file descriptors are not ours to read), False when nothing or another process listens there."""
    if not (proc / "net/tcp").exists():
        return None
    inodes = _listening_inodes(port, proc)
    if not inodes:
        return False
    try:
        return any(os.readlink(fd) in inodes for fd in (proc / str(pid) / "fd").iterdir())
    except FileNotFoundError:  # it has exited
        return False
    except OSError:
        return None


def _listening_inodes(port: int, proc: Path) -> set[str]:
    inodes: set[str] = set()
    for table in ("net/tcp", "net/tcp6"):
        try:
            lines = (proc / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            # local_address is HEX_IP:HEX_PORT; state 0A is LISTEN; the inode is the tenth field.
            if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    return inodes
