"""The benchmark's readers for outside gold data: CoNLL-2003 NER files (IOB1 and BIO) and event-labelled JSON lines."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.bench_tagger import read_conll, read_events  # noqa: E402

IOB1 = """-DOCSTART- -X- -X- O

EU NNP B-NP I-ORG
rejects VBZ B-VP O
German JJ B-NP I-MISC
call NN I-NP O
to TO B-VP O
boycott VB I-VP O
Peter NNP B-NP I-PER
Blackburn NNP I-NP I-PER
in IN B-PP O
New NNP B-NP I-LOC
York NNP I-NP I-LOC
Los NNP I-NP B-LOC
Angeles NNP I-NP I-LOC
. . O O

Nadim I-PER
Ladki I-PER
"""

BIO = """Jens B-PER
Stoltenberg I-PER
met O
Zelensky B-PER
in O
Kyiv B-LOC
"""


def _spans(text: str, spans: set[tuple[int, int, str]]) -> set[tuple[str, str]]:
    return {(text[s:e], kind) for s, e, kind in spans}


def test_iob1_spans_with_adjacent_entities_split_by_b(tmp_path: Path) -> None:
    path = tmp_path / "eng.testb"
    path.write_text(IOB1)
    [(text, spans), (text2, spans2)] = read_conll(path)
    assert text.startswith("EU rejects German call")
    # MISC is not scored; "New York" and "Los Angeles" are two places because B- starts the second.
    assert _spans(text, spans) == {("EU", "ORG"), ("Peter Blackburn", "PERSON"), ("New York", "PLACE"), ("Los Angeles", "PLACE")}
    assert _spans(text2, spans2) == {("Nadim Ladki", "PERSON")}


def test_bio_two_column_file(tmp_path: Path) -> None:
    path = tmp_path / "bio.conll"
    path.write_text(BIO)
    [(text, spans)] = read_conll(path)
    assert _spans(text, spans) == {("Jens Stoltenberg", "PERSON"), ("Zelensky", "PERSON"), ("Kyiv", "PLACE")}


def test_events_file_rows_get_ids_and_times(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text('{"title": "A", "body": "Text a.", "event": 7}\n\n{"id": "x", "title": "B", "body": "Text b.", "event": "e2", '
                    '"language": "es", "published_at": "2025-01-02T03:04:05+00:00"}\n')
    first, second = read_events(path)
    assert (first["id"], first["event"], first["language"]) == ("ev-000000", "7", None)
    assert (second["id"], second["event"], second["published_at"]) == ("x", "e2", "2025-01-02T03:04:05+00:00")
