"""bench/bench_overload.py: each alert of the lag rule is told apart by every label the rule groups by, so two
services behind on one topic are two alerts with their own pending, firing and resolved."""

import re

from bench import bench_overload


def _answer(*series: tuple[str, str, str]) -> dict:
    """Prometheus's answer to ``ALERTS{alertname="WirewatchConsumerLagNotDraining"}``: (service, topic, state) each."""
    return {"status": "success", "data": {"resultType": "vector", "result": [
        {"metric": {"__name__": "ALERTS", "alertname": bench_overload.ALERT, "alertstate": state, "service": service,
                    "topic": topic, "severity": "warning"}, "value": [1_700_000_000, "1"]}
        for service, topic, state in series]}}


def test_two_services_behind_on_one_topic_are_two_alerts_each_with_its_own_states():
    rule = bench_overload.rule()
    seen = [
        (0.0, bench_overload.alerts_now(_answer(("alerter", "articles.tagged", "pending"),
                                                ("newsroom", "articles.tagged", "pending")), rule)),
        (5.0, bench_overload.alerts_now(_answer(("alerter", "articles.tagged", "firing"),
                                                ("newsroom", "articles.tagged", "pending")), rule)),
        (10.0, bench_overload.alerts_now(_answer(("newsroom", "articles.tagged", "pending")), rule)),
        (15.0, bench_overload.alerts_now(_answer(), rule)),
    ]
    assert bench_overload.alert_changes(seen) == {
        "service=alerter, topic=articles.tagged": [(0.0, "pending"), (5.0, "firing"), (10.0, "resolved")],
        "service=newsroom, topic=articles.tagged": [(0.0, "pending"), (15.0, "quiet")],
    }


def test_an_alert_is_named_by_exactly_the_labels_its_rule_groups_by():
    rule = bench_overload.rule()
    grouped = {label.strip() for by in re.findall(r"\bby \(([^)]*)\)", rule["expr"]) for label in by.split(",")}
    [(name, state)] = bench_overload.alerts_now(_answer(("tagger", "tagger.stories", "firing")), rule)
    assert state == "firing"
    assert {part.split("=")[0] for part in name.split(", ")} == grouped == {"service", "topic"}
