"""Decode a feed document's bytes to text whatever publishers declare (or get wrong).

Order: a byte-order mark; UTF-32 and UTF-16 without one (sniffed from the NUL pattern);
strict UTF-8 (non-ASCII text that happens to be valid UTF-8 practically always is);
the document's own declaration, then the HTTP charset, each only if the bytes
really decode; Windows-1252 when the bytes read as Western text that way (few
accented letters); a statistical guess; Windows-1252 with replacement characters.
The XML declaration is preferred to the HTTP header because the program that
wrote the bytes wrote the declaration, while the header is often a server default.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

__all__ = ["Decoded", "decode_document", "http_charset"]

_XML_DECL = re.compile(rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
# Supersets browsers use for labels publishers get wrong (WHATWG Encoding Standard).
_SUPERSETS = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "l1": "cp1252",
    "us-ascii": "cp1252", "ascii": "cp1252", "iso-8859-9": "cp1254",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "euc-cn": "gb18030",
    "big5": "big5hkscs", "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "tis-620": "cp874", "iso-8859-11": "cp874",
    "utf8": "utf-8",
}

_LATIN_GUESSES = frozenset({"cp1250", "iso8859-2", "cp1257", "iso8859-15", "iso8859-1", "latin-1", "cp1254", "iso8859-9",
                            "mac-roman", "iso8859-13", "iso8859-4", "iso8859-3", "cp850", "cp437", "mac-latin2"})


@dataclass
class Decoded:
    text: str
    encoding: str
    problems: list[str] = field(default_factory=list)


def http_charset(content_type: str | None) -> str | None:
    match = _CHARSET.search(content_type or "")
    return match.group(1) if match else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_western(text: str) -> bool:
    """Western European text: in the words that have an accented letter, most letters are plain ("Þjóðverjar",
    "málið"). Cyrillic read as Windows-1252 is accented through and through ("Ïðîõëàäíûé"); markup does not count."""
    accented = letters = 0
    for word in _WORD.findall(text):
        marked = sum(1 for c in word if ord(c) > 127)
        if marked:
            accented += marked
            letters += len(word)
    return accented * 2 <= letters


def decode_document(data: bytes, *, http_content_type: str | None = None) -> Decoded:
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                          (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return Decoded(data[len(bom):].decode(encoding, errors="replace"), encoding)
    if len(data) >= 8 and data[0] != 0 and data[1:4] == b"\0\0\0" and data[4] != 0 and data[5:8] == b"\0\0\0":
        return Decoded(data.decode("utf-32-le", errors="replace"), "utf-32-le", ["UTF-32 without a byte-order mark"])
    if len(data) >= 8 and data[0:3] == b"\0\0\0" and data[3] != 0 and data[4:7] == b"\0\0\0" and data[7] != 0:
        return Decoded(data.decode("utf-32-be", errors="replace"), "utf-32-be", ["UTF-32 without a byte-order mark"])
    if len(data) >= 4 and data[0] != 0 and data[1] == 0 and data[2] != 0 and data[3] == 0:
        return Decoded(data.decode("utf-16-le", errors="replace"), "utf-16-le", ["UTF-16 without a byte-order mark"])
    if len(data) >= 4 and data[0] == 0 and data[1] != 0 and data[2] == 0 and data[3] != 0:
        return Decoded(data.decode("utf-16-be", errors="replace"), "utf-16-be", ["UTF-16 without a byte-order mark"])
    match = _XML_DECL.match(data[:300])
    declared_label = match.group(1).decode("ascii") if match else None
    header_label = http_charset(http_content_type)
    declared, header = _codec(declared_label), _codec(header_label)
    problems: list[str] = []
    text = _strict(data, "utf-8")
    if text is not None:
        if declared and declared != "utf-8" and not data.isascii():
            problems.append(f"declared {declared_label} but the bytes are UTF-8; read as UTF-8")
        return Decoded(text, "utf-8", problems)
    if declared_label and not declared:
        problems.append(f"unknown declared encoding {declared_label!r}")
    for label, encoding, origin in ((declared_label, declared, "document"), (header_label, header, "HTTP header")):
        if encoding and encoding != "utf-8":
            text = _strict(data, encoding)
            if text is not None:
                if origin == "document" and header and header != encoding:
                    problems.append(f"HTTP header says {header_label}, document says {declared_label}; used {declared_label}")
                return Decoded(text, encoding, problems)
            problems.append(f"{origin} says {label} but the bytes do not decode as {label}")
    western = _strict(data, "cp1252")
    if western is not None and _looks_western(western):
        # A statistical guess on a short text is a coin toss ("Café" as UTF-16, "Ça va très bien" as Shift-JIS); text
        # that reads as Windows-1252 with few accented letters is Windows-1252. Cyrillic or CJK bytes read that way
        # are accented letters through and through, and go on to the guess.
        problems.append("encoding not declared (or wrong); read as windows-1252")
        return Decoded(western, "cp1252", problems)
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
    except Exception:  # noqa: BLE001 - a guess that fails is no guess; fall through to Windows-1252
        best = None
    if best is not None and best.encoding:
        encoding = _codec(best.encoding) or "cp1252"
        if encoding in _LATIN_GUESSES and _strict(data, "cp1252") is not None:
            # Short Latin-script text fits several Latin code pages equally; undeclared ones are mostly Windows-1252.
            encoding = "cp1252"
        problems.append(f"encoding not declared (or wrong); guessed {encoding}")
        return Decoded(data.decode(encoding, errors="replace"), encoding, problems)
    problems.append("encoding unknown; read as windows-1252 with replacement characters")
    return Decoded(data.decode("cp1252", errors="replace"), "cp1252", problems)
