"""The rules and alerts commands: a broken rules file or a missing input is one line, said before any input is read."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from services.cli import main

UNCLOSED = 'rules:\n  - id: q\n    query: "entity:NATO AND \\"air defense"\n'
GOOD = "rules:\n  - {id: nato, when: {entity: OTAN}}\n"
A_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.fixture
def rules(tmp_path: Path):
    def write(text: str, name: str = "rules.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path
    return write


def one_line_error(result, code: int, *fragments: str) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0]


def test_process_until_alerts_refuses_a_broken_rules_file_before_reading_any_input(rules, tmp_path: Path) -> None:
    # The input does not exist: had it been read first, that would be the error.
    result = CliRunner().invoke(main, ["process", "--until", "alerts", "--rules", str(rules(UNCLOSED)), str(tmp_path / "nope.txt")])
    one_line_error(result, 2, "rules.yaml:3:29: rule 'q' query: unclosed quote")


def test_process_until_alerts_without_the_default_rules_file_says_how_to_name_one(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WIREWATCH_ALERTER__RULES", raising=False)
    result = CliRunner().invoke(main, ["process", "--until", "alerts", str(tmp_path / "nope.txt")])
    one_line_error(result, 2, "no rules file at examples/rules.yaml", "--rules FILE")


def test_alerts_replay_refuses_a_broken_rules_file_in_one_line(rules) -> None:
    result = CliRunner().invoke(main, ["alerts", "replay", "--rules", str(rules(UNCLOSED)), "--dry-run", "--broker", "127.0.0.1:9"])
    one_line_error(result, 2, "unclosed quote")


def test_rules_test_on_a_missing_input_is_one_line(rules, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["rules", "test", str(rules(GOOD)), str(tmp_path / "missing.jsonl")])
    one_line_error(result, 1, "missing.jsonl: no such file or directory")


def test_rules_test_keeps_what_the_stages_log_out_of_its_report(rules, monkeypatch) -> None:
    import services.alerter.commands as commands
    from services.runtime.logs import get_logger

    def stages_that_log(paths, feed=None):
        get_logger("normalize").warning("apertium_pair_unusable", pair="es-en")
        return [_tagged(0)]

    monkeypatch.setattr(commands, "_tagged_inputs", stages_that_log)
    result = CliRunner().invoke(main, ["rules", "test", str(rules(GOOD)), "whatever.txt"])
    assert result.exit_code == 0, result.output
    assert "apertium_pair_unusable" not in result.stdout
    assert "apertium_pair_unusable" in result.stderr
    assert "nato: 0 of 1 articles" in result.stdout


# Two broken rules (one of them wrong twice) between good ones, and a YAML error in none of them.
TWO_BROKEN = ("rules:\n"
              "  - {id: good, when: {entity: Q212}}\n"
              "  - id: typo\n"
              "    when: {entitty: Q212}\n"
              "  - {id: also-good, when: {keyword: ceasefire}}\n"
              "  - id: loose\n"
              "    query: \"entity:NATO AND\"\n"
              "    enabled: maybe\n")


def test_rules_check_says_every_broken_rule_with_its_line_and_counts_them(rules) -> None:
    """A user tryout: only the first broken rule was said, so each fix-and-rerun found the next one."""
    path = rules(TWO_BROKEN)
    result = CliRunner().invoke(main, ["rules", "check", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: {path}:4: rule 'typo': unknown condition key 'entitty' (did you mean 'entity'? expected one of: all, "
        f"any, not, entity, keyword, near, language, source, tag, story_size, copy, query)",
        f"Error: {path}:7:28: rule 'loose' query: query ends where a term was expected",
        f"Error: {path}:8: rule 'loose': enabled must be true or false, got 'maybe'",
        f"{path}: 3 errors in 2 rules",
    ]


def test_rules_check_says_a_broken_webhook_once_and_not_again_for_each_rule_that_names_it(rules) -> None:
    text = ("webhooks:\n  ops: {url: 'ftp://x', secret: '${HOOK_SECRET}'}\n"
            "rules:\n  - {id: a, when: {entity: Q212}, webhooks: [ops, pager]}\n  - {id: b, when: {bogus: 1}}\n")
    path = rules(text)
    result = CliRunner().invoke(main, ["rules", "check", str(path)], env={"HOOK_SECRET": A_SECRET})
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[0] == f"Error: {path}:2: webhook 'ops' url must be an http:// or https:// URL, got 'ftp://x'"
    assert f"Error: {path}:4: rule 'a': webhook 'pager' is not defined under 'webhooks' (defined: ops)" in result.stderr
    assert "webhook 'ops' is not defined" not in result.stderr
    assert result.stderr.splitlines()[-1] == f"{path}: 3 errors in 2 rules and 1 webhook"


def test_rules_check_stops_at_a_yaml_syntax_error_as_nothing_after_it_can_be_read(rules) -> None:
    one_line_error(CliRunner().invoke(main, ["rules", "check", str(rules(TWO_BROKEN + "  - id: z\n    when: [\n"))]),
                   1, "rules.yaml:11:1: not valid YAML")


def test_alerts_replay_refuses_a_file_with_several_broken_rules_and_says_each(rules) -> None:
    result = CliRunner().invoke(main, ["alerts", "replay", "--rules", str(rules(TWO_BROKEN)), "--dry-run",
                                       "--broker", "127.0.0.1:9"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert [line.split(": rule ")[1][:7] for line in lines[:3]] == ["'typo':", "'loose'", "'loose'"]
    assert lines[3].endswith(": 3 errors in 2 rules") and len(lines) == 4


def test_rules_check_shows_what_each_name_resolved_to_and_warns_of_the_rest(rules) -> None:
    result = CliRunner().invoke(main, ["rules", "check", str(rules(GOOD + "  - {id: typo, when: {entity: Ukriane}}\n"))])
    assert result.exit_code == 0
    assert "2 rules (2 enabled), 0 webhook endpoints: OK, 2 warnings" in result.stdout
    assert "entity OTAN is Q7184 NATO" in result.stdout
    assert "warning:" in result.stderr and "did you mean 'Ukraine' (Q212)?" in result.stderr


def test_rules_check_counts_one_endpoint_in_the_singular(rules) -> None:
    text = (f"webhooks:\n  hook: {{url: 'http://127.0.0.1:1/h', secret: {A_SECRET}}}\n"
            "rules:\n  - {id: a, when: {entity: Q7184}, webhooks: [hook]}\n")
    result = CliRunner().invoke(main, ["rules", "check", str(rules(text))])
    assert "1 rule (1 enabled), 1 webhook endpoint: OK" in result.stdout


def test_rules_check_warns_of_a_rule_whose_alerts_reach_no_webhook(rules) -> None:
    text = ("webhooks:\n  hook: {url: 'http://127.0.0.1:1/h', secret: '${HOOK_SECRET}'}\n"
            "rules:\n  - {id: a, when: {entity: Q7184}, webhooks: [hook]}\n  - {id: b, when: {entity: Q7184}}\n"
            "  - {id: paused, when: {entity: Q7184}, enabled: false}\n")
    result = CliRunner().invoke(main, ["rules", "check", str(rules(text))], env={"HOOK_SECRET": A_SECRET})
    assert result.exit_code == 0  # valid: the alerts still go to the alerts topic and the newsroom
    assert "3 rules (2 enabled), 1 webhook endpoint: OK, 1 warning" in result.stdout
    [warning] = result.stderr.strip().splitlines()
    assert warning.startswith("warning: ") and "rules.yaml:5: rule 'b' has no webhooks" in warning
    assert "go only to the alerts topic and the newsroom" in warning


def test_rules_check_warns_of_a_secret_written_in_the_file_and_says_to_read_it_from_a_variable(rules) -> None:
    path = rules(f"webhooks:\n  hook:\n    url: http://127.0.0.1:1/h\n    secret: {A_SECRET}\n"
                 "rules:\n  - {id: a, when: {entity: Q7184}, webhooks: [hook]}\n")
    result = CliRunner().invoke(main, ["rules", "check", str(path)])
    assert result.exit_code == 0, result.output  # a warning: the file still works
    assert "1 rule (1 enabled), 1 webhook endpoint: OK, 1 warning" in result.stdout
    assert result.stderr.splitlines() == [
        f"warning: {path}:4: webhook 'hook' signs with a secret written in this file: anyone who has the file can sign "
        "as wirewatch; write secret: ${VAR} and set VAR in the environment (or .env)"]
    assert A_SECRET not in result.output

    path.write_text(path.read_text().replace(A_SECRET, "${HOOK_SECRET}"))
    result = CliRunner().invoke(main, ["rules", "check", str(path)], env={"HOOK_SECRET": A_SECRET})
    assert result.exit_code == 0 and result.stderr == ""
    assert "1 rule (1 enabled), 1 webhook endpoint: OK\n" in result.stdout


def test_rules_check_warns_once_of_a_file_with_no_webhook_endpoints(rules) -> None:
    result = CliRunner().invoke(main, ["rules", "check", str(rules(GOOD + "  - {id: b, when: {entity: Q212}}\n"))])
    assert result.exit_code == 0
    assert "2 rules (2 enabled), 0 webhook endpoints: OK, 1 warning" in result.stdout
    [warning] = result.stderr.strip().splitlines()
    assert "no webhook endpoints" in warning and "every rule's alerts go only to the alerts topic" in warning


def test_alerts_replay_refuses_an_endpoint_the_rules_file_does_not_define(rules) -> None:
    text = ("webhooks:\n  newsroom: {url: 'http://127.0.0.1:1/h', secret: '${HOOK_SECRET}'}\n"
            "rules:\n  - {id: a, when: {entity: Q7184}, webhooks: [newsroom]}\n")
    result = CliRunner().invoke(main, ["alerts", "replay", "--rules", str(rules(text)), "--endpoint", "newsrom", "--dry-run",
                                       "--broker", "127.0.0.1:9"], env={"HOOK_SECRET": A_SECRET})
    one_line_error(result, 2, "--endpoint 'newsrom' is not an endpoint", "did you mean 'newsroom'?", "its endpoints: newsroom")


def _tagged(i: int, **fields):
    """Tagged report ``i`` naming Ukraine (Q212), a story of its own, fetched 20 minutes after report ``i - 1``."""
    from datetime import datetime, timedelta, timezone

    from schemas import Entity, TaggedArticle

    body = f"Report {i}: Ukraine asks for more air defence."
    at = body.index("Ukraine")
    return TaggedArticle(
        id=f"wire/{i}", fetched_at=datetime(2026, 3, 5, 10, 0, tzinfo=timezone.utc) + timedelta(minutes=20 * i),
        language="en", language_confidence=1.0, original_title=f"Report {i}", original_body=body, title=f"Report {i}",
        body=body, entities=[Entity(text="Ukraine", type="GPE", field="body", start=at, end=at + 7, canonical_id="Q212",
                                    canonical_name="Ukraine")], **{"story_id": f"st-{i}", "source": "wire", **fields},
    )


def _tagged_file(tmp_path: Path, n: int) -> Path:
    """``n`` tagged reports naming Ukraine (Q212), each a story of its own, fetched 20 minutes apart."""
    path = tmp_path / "tagged.ndjson"
    path.write_text("".join(_tagged(i).model_dump_json() + "\n" for i in range(n)))
    return path


def test_rules_test_alerts_as_process_does_an_entity_burst_included(rules, tmp_path: Path) -> None:
    """`rules test` ran its own dedupe without the entity-burst step: a burst rule alerted on every new story (28 on
    galaxy_dev) where `process --until alerts` and the live alerter sent none. Both now run one simulation."""
    from datetime import datetime, timezone

    from schemas import TaggedArticle
    from services.alerter.rules import load_rulebook
    from services.process import _alerts
    from services.runtime.settings import Settings

    path = rules("rules:\n  - {id: every, when: {entity: Q212}}\n"
                 "  - {id: surge, when: {entity: Q212}, burst: {entity: Q212}}\n")
    tagged = _tagged_file(tmp_path, 4)
    result = CliRunner().invoke(main, ["rules", "test", str(path), str(tagged)])
    assert result.exit_code == 0, result.output
    reported = [line.split(":")[0].strip() for line in result.stdout.splitlines() if "-> ALERT" in line]
    articles = [TaggedArticle.model_validate_json(line) for line in tagged.read_text().splitlines()]
    sent = _alerts(Settings(), articles, datetime.now(timezone.utc), load_rulebook(path))
    assert sorted(reported) == sorted(a.rule_id for a in sent) == ["every"] * 4
    assert result.stdout.count("no alert: no burst of Q212") == 4 and "surge: 4 of 4 articles" in result.stdout


SOURCES_RULES = "rules:\n  - {id: two-sources, when: {entity: Q212}, window: {count: 2, within: 1h, distinct: sources}}\n"


def test_rules_test_says_why_a_distinct_sources_window_cannot_be_met_with_one_source(rules, tmp_path: Path) -> None:
    """Articles read from files all came from one source ('file'), so a window of 2 sources stayed silent unexplained."""
    path = tmp_path / "one-source.ndjson"
    path.write_text("".join(_tagged(i, story_id="st-1", source="file").model_dump_json() + "\n" for i in range(3)))
    result = CliRunner().invoke(main, ["rules", "test", str(rules(SOURCES_RULES)), str(path)])
    assert result.exit_code == 0, result.output
    assert "ALERT" not in result.stdout and result.stdout.count("no alert: window 1/2 sources") == 3
    [note] = [line for line in result.stdout.splitlines() if line.startswith("note: ")]
    assert "rule 'two-sources' counts distinct sources" in note and "has the source 'file'" in note
    assert 'give each JSON or NDJSON record its own "source"' in note

    # As the note says: records that carry their own source meet the window, and there is nothing to note.
    path.write_text("".join(_tagged(i, story_id="st-1", source=f"site-{i}").model_dump_json() + "\n" for i in range(3)))
    result = CliRunner().invoke(main, ["rules", "test", str(rules(SOURCES_RULES)), str(path)])
    assert "wire/1 story st-1: 'Report 1'\n    two-sources: entity:Q212 (Ukraine) in body -> ALERT (fired)" in result.stdout
    assert "note: " not in result.stdout


TAGGED_RULES = "rules:\n  - {id: agency-ukraine, when: {entity: Q212, tag: agency}}\n"


def _as_tail_prints(article) -> str:
    """One line of `wirewatch tail articles.tagged`."""
    import orjson

    return orjson.dumps({"topic": "articles.tagged", "partition": 0, "offset": 7, "key": article.id,
                         "value": orjson.loads(article.model_dump_json())}).decode()


@pytest.mark.parametrize("shape", ["bare", "as tail prints them"])
def test_rules_test_reads_tagged_articles_on_stdin_as_they_are(rules, shape: str) -> None:
    """Tagged NDJSON on stdin went through the stages again as if raw: the feed tags and the story were lost (the rule
    below matched nothing) and every article was normalized and tagged anew. What `wirewatch tail articles.tagged`
    prints was rejected as "not an article"."""
    article = _tagged(0, tags=["agency"], story_id="st-live-7")
    line = article.model_dump_json() if shape == "bare" else _as_tail_prints(article)
    result = CliRunner().invoke(main, ["rules", "test", str(rules(TAGGED_RULES)), "-"], input=line + "\n")
    assert result.exit_code == 0, result.output
    assert "wire/0 story st-live-7: 'Report 0'" in result.stdout
    assert "agency-ukraine: entity:Q212 (Ukraine) in body; tag:'agency' -> ALERT (fired)" in result.stdout


def test_rules_test_reads_a_file_of_what_tail_prints(rules, tmp_path: Path) -> None:
    path = tmp_path / "tail.ndjson"
    path.write_text(_as_tail_prints(_tagged(0, tags=["agency"])) + "\n")
    result = CliRunner().invoke(main, ["rules", "test", str(rules(TAGGED_RULES)), str(path)])
    assert result.exit_code == 0, result.output
    assert "agency-ukraine: 1 of 1 articles" in result.stdout


def test_rules_test_with_no_article_to_test_fails(rules) -> None:
    """Every input rejected: the report said "0 of 0 articles" and exited 0, which a pre-deploy check read as a pass."""
    result = CliRunner().invoke(main, ["rules", "test", str(rules(GOOD)), "-"], input='{"title": "cut off\n')
    assert result.exit_code == 1, result.output
    assert "not valid JSON" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "Error: no article in the inputs to test the rules on (see the reasons above)"


def test_process_until_alerts_counts_what_it_read_and_rejected_as_every_stage_does(rules, tmp_path: Path) -> None:
    """The last line of `--until alerts` was {"articles", "stories", "alerts"} alone: a rejected record went uncounted."""
    import orjson

    inputs = tmp_path / "two.ndjson"
    inputs.write_text('{"title": "NATO chief visits Kyiv", "body": "NATO pledged air defence to Ukraine.", "source": "wire"}\n'
                      '{"titel": "typo", "body": "x"}\n')
    result = CliRunner().invoke(main, ["process", "--until", "alerts", "--rules", str(rules(GOOD)), str(inputs)])
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stderr.strip().splitlines()[-1]) == {"read": 1, "rejected": 1, "articles": 1, "stories": 1,
                                                                    "alerts": 1}


@pytest.mark.parametrize(("command", "code"), [
    (["rules", "check", "{rules}"], 1),
    (["rules", "test", "{rules}", "{input}"], 1),
    (["process", "--until", "alerts", "--rules", "{rules}", "{input}"], 2),
    (["alerts", "replay", "--rules", "{rules}", "--dry-run", "--broker", "127.0.0.1:9"], 2),
])
@pytest.mark.parametrize(("make", "said"), [
    (lambda path: None, "rules.yaml: no such rules file"),
    (lambda path: path.mkdir(), "rules.yaml: is a directory, not a rules file"),
    (lambda path: path.write_bytes(b"\xff\xfe rules"), "rules.yaml: cannot read rules file: not UTF-8 text (byte 0)"),
])
def test_a_rules_file_that_cannot_be_read_is_one_line_in_every_command(tmp_path: Path, command, code, make, said) -> None:
    """`rules test` and `process --rules` with a missing file printed click's usage and exit 2, `rules check` an errno
    ("[Errno 2] No such file or directory"); the README promises one line, exit 1 (rules check and test) or 2."""
    path = tmp_path / "rules.yaml"
    make(path)
    text = tmp_path / "a.txt"
    text.write_text("NATO chief visits Kyiv\n\nNATO pledged air defence to Ukraine.\n")
    args = [a.format(rules=path, input=text) for a in command]
    one_line_error(CliRunner().invoke(main, args), code, f"Error: {path.parent}/{said}")


def test_rules_test_marks_a_cut_title_and_does_not_count_a_disabled_rule_as_matching_nothing(rules) -> None:
    """On examples/: a title cut at 80 characters read "…surprise visit to Ky'" as if whole, and the disabled rule
    "kyiv-in-translation: 0 of 5 articles" as if tried and matching none, though it names the Spanish report's city."""
    long_title = "Ukraine asks its allies for more air defence systems before the winter, its president says in Kyiv"
    book = rules("rules:\n  - {id: ukraine, when: {entity: Q212}}\n  - {id: kyiv, when: {entity: Q212}, enabled: false}\n")
    article = _tagged(0).model_copy(update={"title": long_title})
    result = CliRunner().invoke(main, ["rules", "test", str(book), "-"], input=article.model_dump_json() + "\n")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"wire/0 story st-0: '{long_title[:79]}…'", "80 characters, the last an ellipsis"
    assert "ukraine: 1 of 1 articles" in lines
    assert "kyiv: disabled (enabled: false in the file), not tried" in lines
