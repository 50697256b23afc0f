"""Remove publisher boilerplate that trails an article ("Source link", "Read more:", a bare agency credit).

Only the trailing block is touched: lines are taken off the end of the body while
the last one matches a pattern, so a sentence mid-article is never removed. The
one exception is a first line that repeats the title word for word. To recognise
more trailers, add a ``Trailer`` to ``TRAILERS``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schemas import Change
from services.normalize.changes import excerpt

__all__ = ["Trailer", "TRAILERS", "AGENCIES", "MAX_TRAILER_LINES", "strip_boilerplate"]


@dataclass(frozen=True, slots=True)
class Trailer:
    """A whole last line matching ``pattern`` (case-insensitive, after trimming) is boilerplate."""

    rule: str
    pattern: str
    reason: str

    def matches(self, line: str) -> bool:
        return _compiled(self.pattern).fullmatch(line.strip()) is not None


_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    compiled = _CACHE.get(pattern)
    if compiled is None:
        compiled = _CACHE[pattern] = re.compile(pattern, re.IGNORECASE)
    return compiled


# Wire agencies whose bare name (or "(Name)", "— Name") closes a story as a credit.
AGENCIES: tuple[str, ...] = (
    "AP", "AFP", "EFE", "Reuters", "DPA", "ANSA", "Xinhua", "TASS", "RIA Novosti", "Interfax",
    "UPI", "PA", "Europa Press", "Anadolu", "Kyodo", "Yonhap", "Agencia EFE", "Lusa", "Ukrinform",
    # As the agencies sign in the languages they are read in untranslated (Russian, Arabic, Chinese).
    "ТАСС", "РИА Новости", "Интерфакс", "Укринформ", "РБК", "رويترز", "أ ف ب", "فرانس برس", "د ب أ", "الأناضول",
    "واس", "新华社", "路透社", "法新社", "美联社", "中新社",
)  # fmt: skip

_AGENCY = "|".join(re.escape(a) for a in sorted(AGENCIES, key=len, reverse=True))

TRAILERS: tuple[Trailer, ...] = (
    Trailer("trailer:source-link", r"(?:source|original)\s+link\s*:?", "link to the source page left by a scraper"),
    Trailer(
        "trailer:latest-news",
        r"for (?:the )?latest news\b.*\bhead to\b.*",
        "publisher's promotion of its own site",
    ),
    Trailer("trailer:read-more", r"(?:read more|read also|see also|more on this story)\b\s*[:.…]?.*", "link to other articles"),
    Trailer("trailer:related", r"related(?: articles?| stories| coverage| news| content)?\s*:.*", "link to other articles"),
    Trailer("trailer:click-here", r"click here\b.*", "call to action"),
    Trailer("trailer:subscribe", r"(?:subscribe|sign up)(?:\s+(?:to|for|now|here|today)\b.*|\s*[.!]?)", "subscription call to action"),
    Trailer("trailer:follow-us", r"follow (?:us|\S+) on (?:twitter|x|facebook|instagram|telegram|threads|bluesky|linkedin)\b.*", "social media call to action"),
    Trailer("trailer:copyright", r"(?:©|\(c\)|copyright\s*(?:©|\(c\))?\s*\d{4}).{0,200}", "copyright notice"),
    Trailer("trailer:agency-credit", rf"[-—–]?\s*\(?\s*(?:{_AGENCY})\s*\)?\s*\.?", "wire agency credit line"),
    Trailer(
        "trailer:reporting-credit",
        r"\(?\s*(?:additional )?(?:reporting|writing|editing|compiled) by\b[^\n]{0,300}\)?",
        "reporter and editor credit line",
    ),
    # The same trailers in the languages most often fed untranslated.
    Trailer("trailer:read-more", r"(?:lea también|leer más|lee también|lire aussi|à lire aussi|lisez aussi|mehr zum thema"
                                 r"|lesen sie auch|leggi anche|leia também|leia mais|lees ook|läs också|læs også|les også"
                                 r"|czytaj (?:także|też)|читайте также|читайте нас|см\. также|اقرأ أيضا|اقرأ أيضاً|اقرأ المزيد"
                                 r"|相关阅读|延伸阅读)(?!\w)\s*:?.*", "link to other articles"),
    Trailer("trailer:follow-us", r"(?:síguenos|siguenos|suivez-nous|folgen sie uns|seguici|siga-nos|segue-nos|volg ons"
                                 r"|подписывайтесь на|подпишитесь на|تابعونا|تابعوا)(?!\w).{0,200}", "social media call to action"),
    Trailer("trailer:source-link", r"(?:fuente|source|quelle|fonte|источник|المصدر)\s*:\s*\S.{0,200}", "source attribution line"),
    # Reporter and editor credits as the agencies' own language services write them, always in parentheses:
    # "(Información de X; editado en español por Y)", "(Reportage X; version française Y)", "(Bericht von X,
    # redigiert von Y)", "(تغطية صحفية X - إعداد Y للنشرة العربية)", "(Редактор X)", "（编辑：X）".
    Trailer("trailer:reporting-credit", r"[(（]\s*(?:reporte(?: de)?|reportaje(?: de)?|información de|informacion de"
                                        r"|editado (?:en español )?por|redacción|reportage|rédigé par|édité par"
                                        r"|version française|bericht(?: von)?|redigiert von|reporter|reportagem(?: de)?"
                                        r"|edição de|reportaggio|redazione|a cura di|редактор|редакция|перевод|подготовил"
                                        r"|تغطية صحفية|إعداد|تحرير|编辑|记者|撰稿)(?!\w)[^\n]{0,300}[)）]\s*\.?",
            "reporter and editor credit line"),
)


def _repeated_title(first_line: str, title: str) -> bool:
    squash = lambda s: " ".join(s.split()).casefold()  # noqa: E731
    return bool(title.strip()) and squash(first_line) == squash(title)


# A trailing block is a few lines; the cap also keeps a hostile body of ten thousand "AP" lines linear.
MAX_TRAILER_LINES = 12


def strip_boilerplate(
    body: str, *, title: str = "", trailers: tuple[Trailer, ...] = TRAILERS, max_lines: int = MAX_TRAILER_LINES
) -> tuple[str, list[Change]]:
    """Remove trailing boilerplate lines (and a leading repeat of the title) from ``body``.

    Spans point into ``body`` as given: lines come off the end, so earlier offsets
    never move, and the leading title is handled last.
    """
    changes: list[Change] = []
    text = body
    for _ in range(max_lines):
        stripped_end = len(text.rstrip())
        line_start = text.rfind("\n", 0, stripped_end) + 1
        line = text[line_start:stripped_end]
        if not line.strip():
            break
        trailer = next((t for t in trailers if t.matches(line)), None)
        if trailer is None:
            break
        # The blank lines before the trailer go with it.
        cut = len(text[:line_start].rstrip())
        changes.append(
            Change(kind="boilerplate", rule=trailer.rule, field="body", span=(cut, len(text)), before=excerpt(text[cut:]), after="", reason=trailer.reason)
        )
        text = text[:cut]

    first_end = text.find("\n")
    first_line = text if first_end < 0 else text[:first_end]
    if first_end >= 0 and _repeated_title(first_line, title):
        rest = text[first_end:]
        cut = first_end + len(rest) - len(rest.lstrip())
        changes.append(
            Change(kind="boilerplate", rule="leading:repeated-title", field="body", span=(0, cut), before=excerpt(text[:cut]), after="", reason="first line repeats the title")
        )
        text = text[cut:]
    return text, changes
