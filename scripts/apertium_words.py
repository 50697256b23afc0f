"""Apertium's morphological analysers as the gazetteer builds read them: which words a language knows, and as what.

Build time only (scripts/build_gazetteer.py, scripts/build_regions.py); the pairs are those the normalizer
translates with (scripts/sysdeps.sh installs them), run with ``lt-proc``.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

# Apertium's English analyser (the eng-spa pair the normalizer translates with): which capitalised words English
# knows as places ("Colorado") and which only as people's names ("Vladimir", "Florence", "Hamilton").
ENGLISH = "apertium-eng-spa/eng-spa"
APERTIUM_DATA = Path("/usr/share/apertium")


def analyse(analyser: str, words: set[str]) -> dict[str, list[str]]:
    """Each of ``words`` (letters only) with its analyses by an Apertium analyser ([] when it knows no such word)."""
    ordered = sorted(w for w in words if w.isalpha())
    binary = APERTIUM_DATA / f"{analyser}.automorf.bin"
    if not binary.exists():
        raise SystemExit(f"{binary} is missing: install the Apertium pairs (scripts/sysdeps.sh)")
    out = subprocess.run(["lt-proc", str(binary)], input="\n".join(ordered) + "\n", capture_output=True, text=True, check=True).stdout
    units = re.findall(r"\^([^$]*)\$", out)
    if len(units) != len(ordered):
        raise SystemExit(f"lt-proc {binary}: {len(units)} analyses for {len(ordered)} words")
    return {word: [a for a in unit.split("/")[1:] if not a.startswith("*")] for word, unit in zip(ordered, units)}


def english_kinds(names: set[str]) -> tuple[set[str], set[str]]:
    """Of ``names`` (capitalised words), those English knows as places ("Colorado") and those it knows only as
    people's names ("Mary", "Ariana", "Nelson")."""
    found = analyse(ENGLISH, names)
    places = {n for n, a in found.items() if any("<np><loc>" in x for x in a)}
    people = {n for n, a in found.items() if a and n not in places and all("<ant>" in x or "<cog>" in x for x in a)}
    return places, people
