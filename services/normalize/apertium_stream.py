"""Apertium's stream format: plain text into it (reserved characters escaped, line breaks and mark characters as
superblanks Apertium passes through, names to keep as superblanks holding their English names) and its output back
into text, its word marks removed and the words it could not translate recorded, as apertium-destxt and apertium-retxt
would, without their processes."""

from __future__ import annotations

import re

from services.normalize.backends import TranslatedText

__all__ = ["deformat", "deformat_text", "reformat"]

Keep = tuple[tuple[int, int, str], ...]


# Apertium's stream format reserves these characters; its txt deformatter escapes them the same way.
_STREAM_RESERVED = re.compile(r"([\\\[\]^$/@<>{}])")
# Passed through as superblanks (format, never translated): line breaks, and the characters Apertium marks words with,
# so that a ``*``, ``#`` or ``@`` in its output outside a superblank is always its own mark, never the source's ("#MeToo",
# "@user", "5*3").
_STREAM_BLANK = re.compile(r"[ \t]*\n\s*|[~#*@]")
_STREAM_TOKEN = re.compile(r"\\(.)|\[((?:\\.|[^\]\\])*)\]|([^\\\[]+)|(.)", re.DOTALL)
_STREAM_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)
# Apertium's marks (its generator's default, ``lt-proc -g``): ``*word`` a word the analyser does not know, copied as
# written; ``@word`` (escaped, ``\@word``) a source lemma the bilingual dictionary lacks, copied; ``#word`` a target
# lemma the generator could not inflect (also on punctuation: ``#-``). The first two are source-language text.
_MARKED_WORD = re.compile(r"([*#@]+)([^\W_]*)")
# A superblank holding a letter is a kept name: deformat's own (line breaks, mark characters) hold none.
_LETTER = re.compile(r"[^\W\d_]")


def _deformat_plain(text: str) -> str:
    out = []
    position = 0
    for blank in _STREAM_BLANK.finditer(text):
        out.append(_STREAM_RESERVED.sub(r"\\\1", text[position : blank.start()]))
        out.append("[" + _STREAM_RESERVED.sub(r"\\\1", blank.group()) + "]")
        position = blank.end()
    out.append(_STREAM_RESERVED.sub(r"\\\1", text[position:]))
    return "".join(out)


def deformat_text(text: str, keep: Keep = ()) -> str:
    """``text`` in the stream format; each ``(start, end, replacement)`` of ``keep`` (in order, not overlapping) as a
    superblank holding the replacement, which Apertium copies through untranslated and ``reformat`` reports as kept.
    Apertium translates the words either side as if they stood together (checked by the tests: "viajó a [Cologne]
    para" comes out "travelled to Cologne to")."""
    out = []
    position = 0
    for start, end, replacement in keep:
        out.append(_deformat_plain(text[position:start]))
        out.append("[" + _STREAM_RESERVED.sub(r"\\\1", replacement) + "]")
        position = end
    out.append(_deformat_plain(text[position:]))
    return "".join(out)


def deformat(text: str, keep: Keep = ()) -> str:
    """Plain text as Apertium's stream format: reserved characters escaped, line breaks kept as
    superblanks (passed through untranslated), the spans of ``keep`` as superblanks holding their
    replacements, and the ``.[]`` ending apertium-destxt adds so the last sentence is flushed."""
    return deformat_text(text, keep) + ".[]"


def reformat(stream: str) -> TranslatedText:
    """Apertium's stream output back to text, as apertium-retxt does, with its word marks removed, the
    words it could not translate recorded (``TranslatedText.untranslated``), and where the replacements
    ``deformat`` was asked to keep stand (``TranslatedText.kept``: the superblanks holding a letter)."""
    if stream.endswith(".[]"):
        stream = stream[:-3]
    elif stream.endswith("[]"):
        stream = stream[:-2]
    out: list[str] = []
    length = 0
    spans: list[tuple[int, int]] = []
    kept: list[tuple[int, int]] = []
    pending = ""  # an escaped "@" just read: a mark when a word follows
    for match in _STREAM_TOKEN.finditer(stream):
        escaped, blank, plain, other = match.groups()
        if escaped == "@":
            pending += "@"
            continue
        if plain is not None:
            plain = pending + plain
        elif pending:
            out.append(pending)
            length += len(pending)
        pending = ""
        if escaped is not None:
            piece = escaped
        elif blank is not None:
            piece = _STREAM_UNESCAPE.sub(r"\1", blank)
            if _LETTER.search(piece):
                kept.append((length, length + len(piece)))
        elif plain is not None and ("*" in plain or "#" in plain or "@" in plain):
            pieces = []
            last = 0
            for marked in _MARKED_WORD.finditer(plain):
                pieces.append(plain[last : marked.start()])
                at = length + sum(map(len, pieces))
                if marked.group(2) and marked.group(1) != "#" * len(marked.group(1)):
                    spans.append((at, at + len(marked.group(2))))
                pieces.append(marked.group(2))
                last = marked.end()
            pieces.append(plain[last:])
            piece = "".join(pieces)
        else:
            piece = plain if plain is not None else other
        out.append(piece)
        length += len(piece)
    out.append(pending)
    text = "".join(out)
    stripped = text.strip("\n")
    lead = len(text) - len(text.lstrip("\n"))
    inside = len(stripped)
    return TranslatedText(stripped, tuple((a - lead, b - lead) for a, b in spans if b - lead <= inside),
                          tuple((a - lead, b - lead) for a, b in kept if a >= lead and b - lead <= inside))
