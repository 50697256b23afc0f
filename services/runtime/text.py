"""Text conventions every service shares."""

from __future__ import annotations

__all__ = ["LEAD_MAX_CHARS", "lead_end"]

LEAD_MAX_CHARS = 300


def lead_end(body: str, max_chars: int = LEAD_MAX_CHARS) -> int:
    """End offset of the lead: the body's first paragraph, cut at ``max_chars`` (then at the end of that word).

    One definition for the tagger's salience (``in_lead``) and the alerter's ``entity: {in: lead}``.
    """
    stripped = len(body) - len(body.lstrip())
    paragraph = body.find("\n\n", stripped)
    end = len(body) if paragraph < 0 else paragraph
    if end - stripped <= max_chars:
        return end
    cut = stripped + max_chars
    while cut < end and not body[cut].isspace():
        cut += 1
    return cut
