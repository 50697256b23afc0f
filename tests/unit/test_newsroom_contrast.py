"""The page's colours meet WCAG AA contrast (4.5:1 for text) in light and dark mode, as the stylesheet defines them."""

import re

from tests.conftest import ROOT

CSS = (ROOT / "services" / "newsroom" / "static" / "newsroom.css").read_text()


def palettes() -> dict[str, dict[str, str]]:
    light = CSS.split(":root {", 1)[1].split("}", 1)[0]
    dark = CSS.split("@media (prefers-color-scheme: dark)", 1)[1].split(":root {", 1)[1].split("}", 1)[0]
    return {name: dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", block)) for name, block in (("light", light), ("dark", dark))}


def luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_text_colours_meet_wcag_aa_on_their_backgrounds_in_both_modes():
    pairs = [("fg", "bg"), ("fg", "card"), ("muted", "bg"), ("muted", "card"), ("link", "bg"), ("link", "card"),
             ("link", "chip"), ("bg", "accent"), ("bg", "link"), ("fg", "chip")]
    for mode, p in palettes().items():
        low = {f"{a} on {b}": round(contrast(p[a], p[b]), 2) for a, b in pairs if contrast(p[a], p[b]) < 4.5}
        assert not low, f"{mode}: {low}"
