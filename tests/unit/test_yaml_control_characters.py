"""A control character in a rules, feeds or gazetteer file (a NUL: a binary file, or a paste from one) is said with its
line and column, as every other YAML problem is, not as PyYAML's 'in "<unicode string>", position 16'; a feeds file
that is not UTF-8 is said as the rules and gazetteer files say it, not read with its bytes replaced."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from services.cli import main
from services.ingest.feeds import FeedsConfigError, load_feeds


@pytest.mark.parametrize(("command", "text", "said"), [
    (["rules", "check"], "rules:\n  - id: r1\0\n",
     "Error: {path}:2:11: not valid YAML: unacceptable character #x0000: special characters are not allowed"),
    (["feeds", "check", "--no-fetch"], "feeds:\n  - id: a\0\n",
     "invalid {path}:2:10: not valid YAML: unacceptable character #x0000: special characters are not allowed"),
    (["gazetteer", "check"], "entities:\n  - id: Q1\0\n",
     "invalid: gazetteer {path}:2:11: not valid YAML: unacceptable character #x0000: control characters are not allowed"),
])
def test_a_nul_in_a_yaml_file_is_said_with_its_line_and_column(tmp_path, command, text, said):
    path = tmp_path / "file.yaml"
    path.write_text(text)
    result = CliRunner().invoke(main, [*command, str(path)])
    assert result.exit_code in (1, 2), result.output
    assert result.stderr.splitlines() == [said.format(path=path)]


def test_a_feeds_file_that_is_not_utf8_says_so_with_the_byte(tmp_path):
    path = tmp_path / "feeds.yaml"
    path.write_bytes(b"feeds:\n  - id: caf\xe9\n")
    with pytest.raises(FeedsConfigError) as caught:
        load_feeds(path)
    assert caught.value.problems == [f"{path}: not UTF-8 text (byte 18)"]
