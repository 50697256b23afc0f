"""The demo runs on its own settings: a user's ./.env or WIREWATCH_* variables (a real database, a feeds file, other
topics) reach neither its services process nor the demo itself."""

from __future__ import annotations

import pytest

from services.demo import demo_settings, start_services

USERS_DOT_ENV = "WIREWATCH_NEWSROOM__DATABASE_URL=postgresql://nowhere\nWIREWATCH_INGEST__FEEDS_FILE=feeds.yaml\n"


@pytest.fixture
def users_directory(tmp_path, monkeypatch):
    """The demo started where the user keeps a .env of a real deployment, with a variable of it exported too."""
    home = tmp_path / "project"
    home.mkdir()
    (home / ".env").write_text(USERS_DOT_ENV)
    monkeypatch.chdir(home)
    monkeypatch.setenv("WIREWATCH_TOPICS__RAW", "prod.articles.raw")
    return home


def test_the_demo_s_services_process_reads_no_dot_env_of_the_current_directory(users_directory, tmp_path):
    workdir = tmp_path / "demo"
    workdir.mkdir()
    with open(tmp_path / "services.log", "wb") as log:
        # `wirewatch settings` in place of `wirewatch run`: the settings the services process would run with.
        process = start_services(["settings"], workdir, log, {"WIREWATCH_BROKER": "127.0.0.1:17001"})
        assert process.wait(timeout=120) == 0, (tmp_path / "services.log").read_text()
    said = (tmp_path / "services.log").read_text().splitlines()
    assert "WIREWATCH_BROKER=127.0.0.1:17001" in said
    assert "WIREWATCH_NEWSROOM__DATABASE_URL=" in said and "WIREWATCH_INGEST__FEEDS_FILE=" in said, said
    assert "WIREWATCH_TOPICS__RAW=articles.raw" in said


def test_the_demo_s_own_settings_are_the_defaults_and_its_own(users_directory):
    settings = demo_settings(broker="127.0.0.1:17001")
    assert settings.broker == "127.0.0.1:17001"
    assert settings.newsroom.database_url is None and settings.ingest.feeds_file is None
    assert settings.topics.raw == "articles.raw"
