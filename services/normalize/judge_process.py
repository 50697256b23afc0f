"""lingua's all-language short-text judge in a process of its own, so loading it never stops a worker.

Building lingua's detector holds Python's GIL for as long as it reads its models (40-55 s for all 75
languages on a shared 2-core machine, about 1.3 GB resident): in the worker's process, even from a
thread, that froze the event loop, Kafka heartbeats and health answers with it (a one-process worker
stood still for about 30 s on its first short text). Here the models live in a child process
(``python -m services.normalize.judge_process``) that answers one JSON line per text over its stdin
and stdout (about 3 ms a text on a shared machine; ``[]``, no verdict, to a blank line or one that is no
question). The normalizer calls ``rescore`` from a thread, so the worker's loop keeps running while a
text waits for models to load. With
``NormalizeSettings.language_short_text_preload`` the child starts with the worker and loads every
language at once (so no later text waits); otherwise the first short text starts it and lingua loads
the models of the languages texts need as they come. If the child dies, that text keeps fastText's
verdict and the next one starts a new child; when the worker goes, the child reads the end of its
input and exits. One child serves every normalizer of a process (``shared_judge``).
"""

from __future__ import annotations

import atexit
import json
import logging
import subprocess
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.normalize.language import ShortTextJudge

__all__ = ["IsolatedShortTextJudge", "shared_judge"]

log = logging.getLogger("wirewatch.normalize")

_READY = "ready"


class IsolatedShortTextJudge:
    """Same ``rescore`` and ``ready`` as ShortTextJudge, answered by a child process."""

    def __init__(self, *, preload: bool = False) -> None:
        self._preload = preload
        self._lock = threading.Lock()  # one question on the pipe at a time
        self._process: subprocess.Popen[str] | None = None
        self._loaded = threading.Event()
        self._gone = threading.Event()

    def start(self) -> None:
        """Start the child and its loading, if not started (returns at once)."""
        with self._lock:
            if self._process is not None:
                return
            self._loaded, self._gone = threading.Event(), threading.Event()
            self._process = subprocess.Popen(
                [sys.executable, "-m", "services.normalize.judge_process", *(["--preload"] if self._preload else [])],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1,
            )
            threading.Thread(target=self._await_ready, args=(self._process, self._loaded, self._gone), daemon=True, name="language-judge-load").start()

    @staticmethod
    def _await_ready(process: subprocess.Popen[str], loaded: threading.Event, gone: threading.Event) -> None:
        assert process.stdout is not None
        if process.stdout.readline().strip() == _READY:
            loaded.set()
        else:
            gone.set()

    @property
    def ready(self) -> bool:
        """Whether the child has loaded lingua's models."""
        return self._loaded.is_set()

    def rescore(self, text: str, candidates: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """lingua's fused verdict; blocks the calling thread (never the GIL) until the child is ready."""
        self.start()
        while not self._loaded.wait(0.5):
            if self._gone.is_set():
                return self._died(candidates, "exited while loading")
        with self._lock:
            process = self._process
            try:
                assert process is not None and process.stdin is not None and process.stdout is not None
                process.stdin.write(json.dumps({"text": text, "candidates": candidates}) + "\n")
                process.stdin.flush()
                answer = process.stdout.readline()
            except (OSError, ValueError) as exc:
                answer, reason = "", str(exc)
            else:
                reason = "no answer"
        if not answer:
            return self._died(candidates, reason)
        return [(code, score) for code, score in json.loads(answer)]

    def _died(self, candidates: list[tuple[str, float]], reason: str) -> list[tuple[str, float]]:
        log.warning("language judge process gone (%s); fastText's verdict kept, a new process on the next short text", reason)
        self.close()
        return candidates

    def close(self) -> None:
        with self._lock:
            process, self._process = self._process, None
        if process is None:
            return
        try:
            if process.stdin is not None:
                process.stdin.close()
            process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()


_shared: dict[bool, IsolatedShortTextJudge] = {}
_shared_lock = threading.Lock()


def shared_judge(*, preload: bool) -> IsolatedShortTextJudge:
    """The process's one judge child (per preload choice), closed when the process exits."""
    with _shared_lock:
        judge = _shared.get(preload)
        if judge is None:
            judge = _shared[preload] = IsolatedShortTextJudge(preload=preload)
            atexit.register(judge.close)
        return judge


def _serve(preload: bool) -> None:
    """The child: load lingua (every language's models with ``preload``), say so, then answer one line per question until stdin ends."""
    from services.normalize.language import ShortTextJudge

    judge = ShortTextJudge(preload=preload)
    judge.warm_up()
    print(_READY, flush=True)
    for line in sys.stdin:
        print(json.dumps(_answer(judge, line)), flush=True)


def _answer(judge: ShortTextJudge, line: str) -> list[tuple[str, float]]:
    """The verdict on one line's question; no verdict (``[]``) for a blank line or one that is no question, so every
    line gets its one answer and the child runs on."""
    if not line.strip():
        return []
    try:
        question = json.loads(line)
        text, candidates = question["text"], [(str(code), float(score)) for code, score in question["candidates"]]
    except (ValueError, KeyError, TypeError) as exc:
        print(f"language judge: not a question ({type(exc).__name__}: {exc}): {line[:80]!r}", file=sys.stderr, flush=True)
        return []
    return judge.rescore(str(text), candidates)


if __name__ == "__main__":
    _serve("--preload" in sys.argv[1:])
