"""Settings come from WIREWATCH_* variables; mistakes get a clear error, empty values count as unset."""

import pytest
from click.testing import CliRunner

from services.cli import main
from services.normalize.settings import REPAIR_RULE_NAMES
from services.runtime.settings import Settings


def test_nested_settings_read_json_and_double_underscore(monkeypatch):
    monkeypatch.setenv("WIREWATCH_NORMALIZE__TRANSLATION", '{"fr": "libretranslate"}')
    monkeypatch.setenv("WIREWATCH_ALERTER__DELIVERY_ATTEMPTS", "9")
    settings = Settings()
    assert settings.normalize.translation == {"fr": "libretranslate"}
    assert settings.alerter.delivery_attempts == 9


def test_an_empty_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv("WIREWATCH_NORMALIZE__TRANSLATION", "")
    assert Settings().normalize.translation == {"es": "apertium"}


def test_a_bad_value_is_a_clear_cli_error_naming_the_setting():
    result = CliRunner().invoke(main, ["settings"], env={"WIREWATCH_PARTITIONS": "many"})
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: invalid setting WIREWATCH_PARTITIONS: Input should be a valid integer, unable to parse string as an integer "
        "(got 'many') (see `wirewatch settings --markdown`)"]


def test_settings_command_hides_secrets_and_only_secrets_as_comments_so_a_paste_sets_no_mask():
    env = {"WIREWATCH_INGEST__TOKEN": "hunter2", "WIREWATCH_NORMALIZE__LIBRETRANSLATE_API_KEY": "lt-key",
           "WIREWATCH_KAFKA__SASL_PASSWORD": "pw", "WIREWATCH_NEWSROOM__DATABASE_URL": "postgresql://u:pw@db/n",
           "WIREWATCH_NEWSROOM__REQUIRE_TOKEN": "true"}
    result = CliRunner().invoke(main, ["settings"], env=env)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    for name, value in env.items():
        if name != "WIREWATCH_NEWSROOM__REQUIRE_TOKEN":
            assert value not in result.output and f"# {name}=(hidden)" in lines
            assert not any(line.startswith(f"{name}=") for line in lines)
    assert "WIREWATCH_NEWSROOM__REQUIRE_TOKEN=True" in lines  # a boolean named TOKEN is no secret


def test_an_unset_secret_shows_empty():
    assert "WIREWATCH_INGEST__TOKEN=" in CliRunner().invoke(main, ["settings"]).output.splitlines()


@pytest.mark.parametrize("variable, value, shown", [
    ("WIREWATCH_TAGGER__ENTITY_TYPES", "PERSON,ORG", "PERSON,ORG"),
    ("WIREWATCH_TAGGER__ENTITY_TYPES", '["PERSON", "ORG"]', "PERSON,ORG"),
    ("WIREWATCH_NORMALIZE__BRIDGES", "uk=ru", "uk=ru"),
    ("WIREWATCH_NORMALIZE__APERTIUM_PIVOTS", "es, mk", "es,mk"),
    ("WIREWATCH_INGEST__ALLOW_HOSTS", "localhost", "localhost"),
    ("WIREWATCH_INGEST__ALLOW_HOSTS", "[]", "[]"),
    ("WIREWATCH_NORMALIZE__TRANSLATION", "es=apertium,fr=none", "es=apertium,fr=none"),
    ("WIREWATCH_NORMALIZE__TRANSLATION", '{"es": "apertium", "fr": "none"}', "es=apertium,fr=none"),
    ("WIREWATCH_TAGGER__GAZETTEER", "a.yaml,b.yaml", "a.yaml,b.yaml"),
])
def test_list_and_dict_settings_take_the_readme_tables_form_and_json(variable, value, shown):
    result = CliRunner().invoke(main, ["settings"], env={variable: value})
    assert result.exit_code == 0, result.output
    assert f"{variable}={shown}" in result.output.splitlines()


def test_the_readme_tables_defaults_are_valid_values():
    from services.runtime.settings import describe

    env = {name: default for name, default, _ in describe() if default != "(unset)"}
    result = CliRunner().invoke(main, ["settings"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output == CliRunner().invoke(main, ["settings"]).output


def test_settings_output_reads_back_as_the_same_settings():
    env = {"WIREWATCH_NORMALIZE__BRIDGES": '{"uk": "ru", "x": "a,b"}', "WIREWATCH_TAGGER__ENTITY_TYPES": "PERSON"}
    first = CliRunner().invoke(main, ["settings"], env=env).output
    again = dict(line.split("=", 1) for line in first.splitlines())
    assert CliRunner().invoke(main, ["settings"], env=again).output == first
    assert 'WIREWATCH_NORMALIZE__BRIDGES={"uk": "ru", "x": "a,b"}' in first.splitlines()  # JSON where commas would not read back


def test_a_list_setting_in_the_tables_form_runs_a_command(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("A headline\n\nA body of the article, long enough to read.\n")
    result = CliRunner().invoke(main, ["process", "--until", "raw", str(article)],
                                env={"WIREWATCH_TAGGER__ENTITY_TYPES": "PERSON,ORG"})
    assert result.exit_code == 0, result.output
    assert '"title":"A headline"' in result.output


@pytest.mark.parametrize("variable, value, why", [
    ("WIREWATCH_NORMALIZE__TRANSLATION", "es", "expected key=value pairs separated by commas (es=apertium,fr=none) "
                                               "or a JSON object, got 'es'"),
    ("WIREWATCH_TAGGER__ENTITY_TYPES", "[PERSON", "not valid JSON: Expecting value at column 2 (got '[PERSON')"),
    ("WIREWATCH_TAGGER", "{", "not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ("WIREWATCH_NEWSROOM__PAGE_SIZE", "0", "Input should be greater than or equal to 1 (got '0')"),
])
def test_a_bad_setting_is_one_line_naming_the_variable_and_why(variable, value, why):
    result = CliRunner().invoke(main, ["process", "--until", "raw", "-"], env={variable: value}, input="x")
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"Error: invalid setting {variable}: {why} (see `wirewatch settings --markdown`)"]


@pytest.mark.parametrize("variable, value, said", [
    ("WIREWATCH_NORMALIZE__TRANSLATION", '{"es": "apertum"}',
     "WIREWATCH_NORMALIZE__TRANSLATION: es=apertum: no translation backend is called 'apertum' "
     "(did you mean apertium? known: auto, apertium, argos, libretranslate, none)"),
    ("WIREWATCH_NORMALIZE__DEFAULT_BACKEND", "libretranslat",
     "WIREWATCH_NORMALIZE__DEFAULT_BACKEND: libretranslat: no translation backend is called 'libretranslat' "
     "(did you mean libretranslate? known: auto, apertium, argos, libretranslate, none)"),
])
def test_a_misspelled_translation_backend_stops_the_settings_command_with_a_suggestion(variable, value, said):
    result = CliRunner().invoke(main, ["settings"], env={variable: value})
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"Error: invalid setting {said} (see `wirewatch settings --markdown`)"]


def test_the_backend_names_settings_accept_are_the_backends_there_are():
    from services.normalize.settings import BACKEND_NAMES
    from services.normalize.translate import BACKENDS

    assert set(BACKEND_NAMES) == {*BACKENDS, "auto", "none"}


@pytest.mark.parametrize("value, said", [
    ("glue:wordboundary", "no repair rule is called 'glue:wordboundary' (did you mean glue:word-boundary?)"),
    ('["glue:word-boundary", "everything"]', "no repair rule is called 'everything' (known: " + ", ".join(REPAIR_RULE_NAMES) + ")"),
])
@pytest.mark.parametrize("command", [["settings"], ["process", "--until", "raw", "-"]], ids=" ".join)
def test_an_unknown_repair_rule_to_disable_stops_the_command_naming_it(command, value, said):
    result = CliRunner().invoke(main, command, env={"WIREWATCH_NORMALIZE__REPAIR_DISABLED_RULES": value}, input="x")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: invalid setting WIREWATCH_NORMALIZE__REPAIR_DISABLED_RULES: {said} (see `wirewatch settings --markdown`)"]


def test_the_repair_rule_names_settings_accept_are_the_rules_there_are():
    from services.normalize.repair import RULES

    assert REPAIR_RULE_NAMES == tuple(rule.name for rule in RULES)


def test_dot_env_in_the_working_directory_is_read_and_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.delenv("WIREWATCH_ENV_FILE", raising=False)  # the suite reads none (conftest): this test reads ./.env
    (tmp_path / ".env").write_text("WIREWATCH_PARTITIONS=5\nWIREWATCH_REPLICATION_FACTOR=2\nNOT_OURS=1\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["settings"], env={"WIREWATCH_REPLICATION_FACTOR": "3"})
    assert result.exit_code == 0, result.output
    assert {"WIREWATCH_PARTITIONS=5", "WIREWATCH_REPLICATION_FACTOR=3"} <= set(result.stdout.splitlines())


def test_a_misspelled_variable_is_warned_about_once_with_a_suggestion_and_ignored(tmp_path, monkeypatch):
    monkeypatch.delenv("WIREWATCH_ENV_FILE", raising=False)  # the suite reads none (conftest): this test reads ./.env
    (tmp_path / ".env").write_text("WIREWATCH_LOG_LEVL=debug\n")
    monkeypatch.chdir(tmp_path)
    env = {"WIREWATCH_PARTITONS": "7", "WIREWATCH_NORMALIZE__TRANSLATION__FR": "none", "WIREWATCH_WEBHOOK_SECRET": "whsec_x"}
    result = CliRunner().invoke(main, ["settings"], env=env)
    assert result.exit_code == 0
    assert "WIREWATCH_PARTITIONS=4" in result.stdout.splitlines()
    assert result.stderr.splitlines() == [
        "warning: WIREWATCH_PARTITONS is not a wirewatch setting and is ignored; did you mean WIREWATCH_PARTITIONS?",
        "warning: WIREWATCH_LOG_LEVL (in ./.env) is not a wirewatch setting and is ignored; did you mean WIREWATCH_LOG_LEVEL?",
    ]
    assert CliRunner().invoke(main, ["settings"], env=env).stderr == ""  # once per process


def test_each_variable_is_said_to_come_from_where_settings_take_it(tmp_path, monkeypatch):
    monkeypatch.delenv("WIREWATCH_ENV_FILE", raising=False)  # the suite reads none (conftest): this test reads ./.env
    from services.runtime.settings import environment, environment_origins

    (tmp_path / ".env").write_text("WIREWATCH_PARTITIONS=5\nWIREWATCH_REPLICATION_FACTOR=2\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIREWATCH_REPLICATION_FACTOR", "3")
    origins = environment_origins()
    assert (origins["WIREWATCH_PARTITIONS"], origins["WIREWATCH_REPLICATION_FACTOR"]) == ("./.env", "environment")
    assert origins.keys() == environment().keys()


def test_the_variables_a_file_reads_are_those_interpolation_reads():
    from services.runtime.text import references

    assert references("url: ${WIREWATCH_HOOK:-http://x/}\nsecret: ${WIREWATCH_SECRET}\nprice: $${WIREWATCH_NOT}") == [
        "WIREWATCH_HOOK", "WIREWATCH_SECRET"]


def test_a_variable_the_rules_file_reads_is_no_misspelling(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("webhooks:\n  chat:\n    url: http://127.0.0.1:1/\n    secret: ${WIREWATCH_CHAT_SECRET}\nrules: []\n")
    env = {"WIREWATCH_ALERTER__RULES": str(rules), "WIREWATCH_CHAT_SECRET": "whsec_x", "WIREWATCH_NOT_READ_BY_ANYONE": "1"}
    result = CliRunner().invoke(main, ["settings"], env=env)
    assert result.stderr.splitlines() == [
        "warning: WIREWATCH_NOT_READ_BY_ANYONE is not a wirewatch setting and is ignored (see `wirewatch settings --markdown`)"]


@pytest.mark.parametrize("command", [["worker", "alerter", "--broker", "127.0.0.1:1"], ["run", "--broker", "127.0.0.1:1"]])
def test_a_data_dir_that_cannot_be_created_is_one_line_before_the_broker_is_asked(tmp_path, command):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = CliRunner().invoke(main, command, env={"WIREWATCH_DATA_DIR": str(blocker / "wirewatch")})
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: invalid setting WIREWATCH_DATA_DIR: cannot create {blocker / 'wirewatch'}: not a directory "
        "(see `wirewatch settings --markdown`)"]
    # The file itself named: it was "cannot create …: File exists", as if that were fine.
    result = CliRunner().invoke(main, command, env={"WIREWATCH_DATA_DIR": str(blocker)})
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: invalid setting WIREWATCH_DATA_DIR: {blocker} exists and is not a directory "
        "(see `wirewatch settings --markdown`)"]


def test_a_webhook_secret_in_dot_env_reaches_the_rules_file(tmp_path, monkeypatch):
    monkeypatch.delenv("WIREWATCH_ENV_FILE", raising=False)  # the suite reads none (conftest): this test reads ./.env
    (tmp_path / ".env").write_text("WIREWATCH_CHAT_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n")
    (tmp_path / "rules.yaml").write_text("webhooks:\n  chat:\n    url: http://127.0.0.1:1/\n    secret: ${WIREWATCH_CHAT_SECRET}\n"
                                         "rules:\n  - id: quakes\n    when: {keyword: earthquake}\n    webhooks: [chat]\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WIREWATCH_CHAT_SECRET", raising=False)
    result = CliRunner().invoke(main, ["rules", "check", "rules.yaml"])
    assert result.exit_code == 0, result.output
    assert "WIREWATCH_CHAT_SECRET" not in result.output  # neither unset nor warned of


@pytest.mark.parametrize("whole", ['{"es": "apertium"}', "es=apertium"])
def test_a_dicts_per_key_variable_joins_its_whole_variable_in_either_order(whole, monkeypatch):
    from services.runtime.settings import load_settings

    for first, second in ((("WIREWATCH_NORMALIZE__TRANSLATION", whole), ("WIREWATCH_NORMALIZE__TRANSLATION__FR", "none")),
                          (("WIREWATCH_NORMALIZE__TRANSLATION__FR", "none"), ("WIREWATCH_NORMALIZE__TRANSLATION", whole))):
        monkeypatch.delenv(first[0], raising=False)
        monkeypatch.delenv(second[0], raising=False)
        monkeypatch.setenv(*first)
        monkeypatch.setenv(*second)
        assert load_settings().normalize.translation == {"es": "apertium", "fr": "none"}


def test_wirewatch_env_file_names_the_env_file_or_none(tmp_path, monkeypatch):
    from services.runtime.settings import environment, load_settings

    (tmp_path / ".env").write_text("WIREWATCH_PARTITIONS=5\nWIREWATCH_CHAT_SECRET=whsec_a\n")
    (tmp_path / "prod.env").write_text("WIREWATCH_PARTITIONS=7\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WIREWATCH_ENV_FILE")
    assert load_settings().partitions == 5 and environment()["WIREWATCH_CHAT_SECRET"] == "whsec_a"
    monkeypatch.setenv("WIREWATCH_ENV_FILE", "prod.env")
    assert load_settings().partitions == 7 and "WIREWATCH_CHAT_SECRET" not in environment()
    monkeypatch.setenv("WIREWATCH_ENV_FILE", "")
    assert load_settings().partitions == 4 and "WIREWATCH_CHAT_SECRET" not in environment()


def test_each_worker_on_a_host_keeps_its_tables_in_a_directory_of_its_own(tmp_path, monkeypatch):
    from services.runtime.app import table_dir

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIREWATCH_WEB_PORT", "6066")
    first = table_dir(Settings(), "wirewatch-tagger")
    monkeypatch.setenv("WIREWATCH_WEB_PORT", "6067")
    second = table_dir(Settings(), "wirewatch-tagger")
    assert first.is_absolute() and first.parent == second.parent == tmp_path / ".wirewatch" / "wirewatch-tagger"
    assert first != second  # Faust locks each table partition's file: two workers sharing one would lock each other out
    assert table_dir(Settings(), "wirewatch-tagger") == second, "a restarted worker (same port) finds its tables again"
    monkeypatch.setenv("WIREWATCH_TABLE_DIR", str(tmp_path / "stories"))
    assert table_dir(Settings(), "wirewatch-tagger") == tmp_path / "stories"


def test_a_setting_turned_off_reads_back_off_not_as_its_default():
    # story merging off is None; printed empty it would read back as unset, hence the default 0.2: merging on again
    first = CliRunner().invoke(main, ["settings"], env={"WIREWATCH_TAGGER__STORY_MERGE_MARGIN": "off"}).output
    assert "WIREWATCH_TAGGER__STORY_MERGE_MARGIN=off" in first.splitlines()
    again = dict(line.split("=", 1) for line in first.splitlines() if not line.startswith("#"))
    assert CliRunner().invoke(main, ["settings"], env=again).output == first
