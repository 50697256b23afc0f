"""The topics created at start-up are every topic a stage writes to: none is left for its first message to create."""

from __future__ import annotations

from services.runtime import app, stage
from services.runtime.app import SERVICES, create_app
from services.runtime.settings import Settings, dlq
from services.runtime.topics import pipeline_topics


def test_every_topic_a_stage_dead_letters_to_is_created_up_front(tmp_path, monkeypatch):
    # alerter.bursts.dlq was created by its first dead letter, while the worker ran (docs/accounting.md says why not).
    dead_letter_topics = set()
    built = stage.Stage.__init__

    def record(self, *args, **kwargs):
        built(self, *args, **kwargs)
        dead_letter_topics.add(self.dlq_name)

    monkeypatch.setattr(stage.Stage, "__init__", record)
    # Faust's sensors register in the process-wide registry, where one more app (another test's) would collide.
    monkeypatch.setattr(app, "setup_prometheus_sensors", lambda *args, **kwargs: None)
    settings = Settings(broker="127.0.0.1:1", data_dir=tmp_path)
    create_app(settings, SERVICES)
    assert dlq(settings.alerter.bursts_topic) in dead_letter_topics  # the stages were built
    assert sorted(dead_letter_topics - set(pipeline_topics(settings))) == []
