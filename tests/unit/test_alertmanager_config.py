"""The shipped Alertmanager config: valid to amtool, every operator alert routed by its severity, and the dead-letter
inhibit rule comparing labels both of its alerts carry."""

import shutil
import subprocess

import pytest
import yaml

from tests.conftest import ROOT

CONFIG = ROOT / "deploy" / "alertmanager" / "alertmanager.yml"
PROM = ROOT / "deploy" / "prometheus"
RECEIVER_BY_SEVERITY = {"critical": "page", "warning": "ticket"}


def amtool(*args: str) -> subprocess.CompletedProcess:
    binary = shutil.which("amtool")
    assert binary, "amtool is not installed (make setup installs Debian's prometheus-alertmanager)"
    return subprocess.run([binary, *args], capture_output=True, text=True, cwd=ROOT)


def alert_rules() -> dict[str, dict]:
    return {r["alert"]: r for g in yaml.safe_load((PROM / "rules.yml").read_text())["groups"] for r in g["rules"]}


def test_amtool_accepts_the_shipped_config():
    result = amtool("check-config", str(CONFIG))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", sorted(alert_rules()))
def test_each_alert_goes_to_the_receiver_its_severity_names(name):
    severity = alert_rules()[name]["labels"]["severity"]
    result = amtool("config", "routes", "test", f"--config.file={CONFIG}", f"alertname={name}", f"severity={severity}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [RECEIVER_BY_SEVERITY[severity]], (name, severity, result.stdout)


def test_the_dead_letter_page_inhibits_its_ticket_on_labels_both_alerts_carry():
    """An inhibition only works when the source outranks the target and both carry every label it compares: a label
    one of them drops is empty there, and empty does not equal a value. The labels each alert is tested to fire with
    (deploy/prometheus/tests/rules_test.yml) say what it carries."""
    rules = alert_rules()
    tests = yaml.safe_load((PROM / "tests" / "rules_test.yml").read_text())["tests"]
    [inhibit] = yaml.safe_load(CONFIG.read_text())["inhibit_rules"]
    assert inhibit["source_matchers"] == ['alertname="WirewatchDeadLettersRising"']
    assert inhibit["target_matchers"] == ['alertname="WirewatchDeadLetter"']
    source, target = "WirewatchDeadLettersRising", "WirewatchDeadLetter"
    assert (rules[source]["labels"]["severity"], rules[target]["labels"]["severity"]) == ("critical", "warning")
    for name in (source, target):
        fired = [alert["exp_labels"] for t in tests for case in t.get("alert_rule_test", [])
                 if case["alertname"] == name for alert in case.get("exp_alerts", [])]
        assert fired, f"{name} has no firing test"
        for labels in fired:
            assert set(inhibit["equal"]) <= set(labels), (name, labels)
