"""A gazetteer file of your own that cannot be used is one line naming the file, where to look and why, whichever
command reads it: `gazetteer check` (exit 2), and `process` or a worker that reads it from WIREWATCH_TAGGER__GAZETTEER
(exit 1, before a worker binds its port): never PyYAML's multi-line message, a Python tuple, or a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from services.cli import main

HINT = "(WIREWATCH_TAGGER__GAZETTEER; `wirewatch gazetteer check FILE` checks a file)"


@pytest.mark.parametrize(("content", "said"), [
    # YAML that breaks off: said where the unfinished part began
    (b"entities: [ {id: Q1", "{path}:1:13: not valid YAML: did not find expected ',' or '}}' at line 2, column 1, while "
                            "parsing a flow mapping that starts at line 1, column 13"),
    (b"\xff\xfe entities", "{path!r}: cannot read: not UTF-8 text (byte 0)"),
    # each wrong field by its name
    (b"entities:\n  - id: Q999999992\n    name: Harbour Board\n    type: BOARD\n    label: x\n",
     "{path!r}: entity Q999999992: type: Input should be 'PERSON', 'ORG', 'GPE', 'LOC', 'NORP', 'FAC' or 'EVENT'; "
     "label: Extra inputs are not permitted"),
    # counted from 1
    (b"entities:\n  - id: Q999999993\n    name: Harbour Board\n    type: ORG\n  - name: No id\n",
     "{path!r}: entity 2 of 2 has no string 'id'"),
])
def test_gazetteer_check_says_what_is_wrong_with_a_file_in_one_line(tmp_path, content, said):
    path = tmp_path / "mine.yaml"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["gazetteer", "check", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == ["invalid: gazetteer " + said.format(path=str(path))]


@pytest.fixture
def broken_setting(tmp_path, monkeypatch):
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe entities")
    monkeypatch.setenv("WIREWATCH_TAGGER__GAZETTEER", f'["{binary}"]')
    return f"Error: gazetteer {str(binary)!r}: cannot read: not UTF-8 text (byte 0) {HINT}"


def test_process_with_a_gazetteer_setting_it_cannot_read_says_so_in_one_line(broken_setting):
    result = CliRunner().invoke(main, ["process", "examples/articles/otan-kiev-efe.txt"])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [broken_setting]


@pytest.mark.parametrize("service", ["normalize", "tagger", "alerter"])
def test_a_worker_linking_names_with_a_gazetteer_it_cannot_read_says_so_before_it_listens(broken_setting, service,
                                                                                          monkeypatch):
    monkeypatch.setenv("WIREWATCH_WEB_PORT", "0")
    result = CliRunner().invoke(main, ["worker", service, "--broker", "127.0.0.1:9", "--broker-wait", "0"])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [broken_setting]  # no "web server on …": nothing was bound
