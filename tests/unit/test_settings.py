"""Settings come from WIREWATCH_* variables; mistakes get a clear error, empty values count as unset."""

from click.testing import CliRunner

from services.cli import main
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
    assert "invalid setting: partitions" in result.output


def test_settings_command_hides_secrets():
    result = CliRunner().invoke(main, ["settings"], env={"WIREWATCH_INGEST__TOKEN": "hunter2"})
    assert result.exit_code == 0
    assert "hunter2" not in result.output and "WIREWATCH_INGEST__TOKEN=********" in result.output
