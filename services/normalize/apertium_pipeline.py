"""Apertium's processes: a program run once within a bound, and a language pair's pipeline from its mode file
(edited where a pair needs it: no statistical tagger, ``chunk_case`` before postchunk) kept running in null-flush mode.
Which pairs, and which route through them, is ``apertium.py``'s business."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import shutil
import signal
import sys
from pathlib import Path

from services.normalize import chunk_case
from services.normalize.apertium_stream import deformat, reformat
from services.normalize.backends import SourceText, TranslatedText
from services.normalize.errors import TranslationError, TranslationUnavailable

__all__ = ["ApertiumStream", "CG_ONLY_PAIRS", "MISSING_PACKAGES", "ProcessResult", "SETUP_TIMEOUT_S", "STALE_CHUNK_CASE_PAIRS",
           "missing_programs", "run_process", "spans_to_keep"]


class ProcessResult:
    __slots__ = ("returncode", "stdout", "stderr")

    def __init__(self, returncode: int, stdout: bytes, stderr: bytes) -> None:
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


# Asking what is installed (`apertium -l`, a mode's pipeline) is done once and is no translation: it gets its own
# bound, so a short translation timeout on a loaded machine does not turn the set-up into a failed translation.
SETUP_TIMEOUT_S = 10.0


async def run_process(args: list[str], stdin: bytes | None, timeout: float, *, engine: str) -> ProcessResult:
    """Run a process to completion; on timeout or cancellation kill its whole process group."""
    try:
        proc = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            # Its own group: apertium is a shell script whose pipeline children must die with it.
            start_new_session=True,
        )
    except FileNotFoundError as exc:
        raise TranslationUnavailable(f"{engine}: program {args[0]!r} not found") from exc
    except PermissionError as exc:
        raise TranslationUnavailable(f"{engine}: program {args[0]!r} is not executable") from exc
    try:
        stdout, stderr = await asyncio.wait_for(proc.communicate(stdin), timeout)
    except TimeoutError as exc:
        await _kill(proc)
        raise TranslationError(f"{engine}: timed out after {timeout:g}s; process killed") from exc
    except BaseException:
        await _kill(proc)
        raise
    return ProcessResult(proc.returncode if proc.returncode is not None else -1, stdout, stderr)


async def _kill(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            proc.kill()
        except ProcessLookupError:
            pass
    await proc.wait()


# Pairs whose statistical tagger crashes: Debian's apertium-rus-ukr 0.2.1 ukr-rus.prob makes apertium-tagger segfault on
# most real sentences (155 of 183 of ntrex_dev's Ukrainian title-and-lead sentences). Its Constraint Grammar alone
# disambiguates: where readings are left, the first one is taken (``cg-proc -1``), as pairs without a tagger do.
CG_ONLY_PAIRS = frozenset({"ukr-rus"})
# Pairs whose transfer rules name a chunk in a case left over from an earlier rule, which postchunk writes onto a word
# mid-sentence ("Police HAS Grabbed", "Trump Has affirmed"): their pipelines run ``chunk_case`` before postchunk. Other
# pairs write a name's own capital in its chunk's name (fr-es, ita-spa, dan-swe: "de Santo Martin", "Storbritanniens"),
# and are left alone; nob-swe, pt-es, ro-es, cat-eng, hbs-eng, mkd-eng and bul-mkd write no stray capital on ntrex_dev.
STALE_CHUNK_CASE_PAIRS = frozenset({"swe-isl", "isl-eng", "spa-eng", "gl-en", "eu-en"})
# Programs a pair's pipeline may run that its Debian package does not pull in (apertium-swe-nor runs rtx-proc).
MISSING_PACKAGES = {"rtx-proc": "Debian package apertium-recursive", "lsx-proc": "Debian package apertium-separable",
                    "cg-proc": "Debian package cg3", "lrx-proc": "Debian package apertium-lex-tools"}


def missing_programs(mode: Path) -> list[str]:
    """The programs a pair's mode file runs that are not installed (none when the file cannot be read)."""
    try:
        text = mode.read_text(encoding="utf-8")
    except OSError:
        return []
    programs = {stage.split()[0] for stage in text.split("|") if stage.split()}
    return sorted(p for p in programs if not p.startswith("$") and shutil.which(p) is None)


_TAGGER_STEP = re.compile(r"\|\s*apertium-tagger\b[^|]*(?=\|)")


_POSTCHUNK_STEP = re.compile(r"\|(\s*apertium-postchunk\b)")


def _with_chunk_case_filter(command: str) -> str:
    """A mode's pipeline with ``chunk_case`` run before its postchunk step (none: unchanged), so that a capital in a
    chunk's name lands only on a sentence's first word."""
    filter_step = f"| {shlex.quote(sys.executable)} -I {shlex.quote(str(Path(chunk_case.__file__)))} |"
    return _POSTCHUNK_STEP.sub(lambda m: filter_step + m.group(1), command, count=1)


def _without_statistical_tagger(command: str) -> str:
    """A mode's pipeline with apertium-tagger removed and cg-proc choosing the first reading, word forms dropped as the
    tagger's ``-g`` drops them (``-n``)."""
    if not _TAGGER_STEP.search(command) or "cg-proc " not in command:
        return command
    return _TAGGER_STEP.sub("", command, count=1).replace("cg-proc ", "cg-proc -1 -n ", 1)


class ApertiumStream:
    """One language pair's Apertium pipeline kept running in null-flush mode (``-z``): a text goes
    in terminated by NUL and comes out terminated by NUL, with no process started per article.
    Requests are serialized; a stuck or dead pipeline is killed and started again on the next call."""

    def __init__(self, command: str, pair: str, timeout: float, *, marked: bool = False) -> None:
        self._command = command
        self._pair = pair
        self._marked = marked
        self._timeout = timeout
        self._proc: asyncio.subprocess.Process | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None

    @classmethod
    async def open(cls, data_dir: Path, pair: str, timeout: float, *, marked: bool = False) -> ApertiumStream | None:
        """The pair's pipeline from its mode file, or None where the mode file or apertium-wblank-mode is missing."""
        mode = data_dir / "modes" / f"{pair}.mode"
        if not mode.is_file():
            return None
        try:
            result = await run_process(["apertium-wblank-mode", "-z", str(mode)], None, SETUP_TIMEOUT_S, engine="apertium-wblank-mode")
        except TranslationError:
            return None
        command = result.stdout.decode("utf-8", "replace").strip()
        if result.returncode != 0 or not command:
            return None
        if pair in CG_ONLY_PAIRS:
            command = _without_statistical_tagger(command)
        if pair in STALE_CHUNK_CASE_PAIRS:
            command = _with_chunk_case_filter(command)
        return cls(command, pair, timeout, marked=marked)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.returncode is None else None

    async def _start(self) -> asyncio.subprocess.Process:
        loop = asyncio.get_running_loop()
        if self._proc is not None and (self._proc.returncode is not None or self._loop is not loop):
            await self.aclose()
        if self._proc is None:
            # The mode file's $1 is the generator's flag, $2 the tagger's: -n no unknown-word marks, as `apertium -u`;
            # -g marks them (read by apertium_stream.reformat).
            self._proc = await asyncio.create_subprocess_exec(
                "bash", "-c", self._command, "apertium-stream", "-g" if self._marked else "-n", "",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
                start_new_session=True,
                limit=64 * 1024 * 1024,
            )
            self._loop = loop
        return self._proc

    async def translate(self, text: str) -> TranslatedText:
        if self._lock is None or self._loop is not asyncio.get_running_loop():
            self._lock = asyncio.Lock()
        async with self._lock:
            proc = await self._start()
            assert proc.stdin is not None and proc.stdout is not None
            stdin, stdout = proc.stdin, proc.stdout

            async def send() -> None:
                stdin.write(deformat(text.replace("\0", ""), spans_to_keep(text)).encode("utf-8") + b"\0")
                await stdin.drain()

            try:
                _, out = await asyncio.wait_for(asyncio.gather(send(), stdout.readuntil(b"\0")), self._timeout)
            except TimeoutError as exc:
                await self.aclose()
                raise TranslationError(f"apertium {self._pair}: no answer from the pipeline within {self._timeout:g}s; restarted") from exc
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError) as exc:
                await self.aclose()
                raise TranslationError(f"apertium {self._pair}: pipeline ended unexpectedly ({type(exc).__name__}); restarted") from exc
            except BaseException:
                await self.aclose()
                raise
            return reformat(out[:-1].decode("utf-8", "replace"))

    async def aclose(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.stdin is not None:
                proc.stdin.close()
            await _kill(proc)


def spans_to_keep(text: str) -> tuple[tuple[int, int, str], ...]:
    """The spans of ``text`` to come out as given (a ``SourceText``'s), none where a NUL the stream drops would move them."""
    return text.keep if isinstance(text, SourceText) and "\0" not in text else ()
