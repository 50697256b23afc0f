"""Operator alert rules: valid, and each one fires (and stays quiet) when its unit test says so."""

import shutil
import subprocess

import pytest

from tests.conftest import ROOT

PROM = ROOT / "deploy" / "prometheus"


def promtool(*args: str) -> subprocess.CompletedProcess:
    binary = shutil.which("promtool")
    assert binary, "promtool is not installed (make setup installs Debian's prometheus)"
    return subprocess.run([binary, *args], capture_output=True, text=True, cwd=PROM)


@pytest.mark.parametrize("config", ["prometheus.yml", "loopback.yml", "kubernetes.yml"])
def test_prometheus_config_and_rules_are_valid(config):
    result = promtool("check", "config", config)
    assert result.returncode == 0, result.stdout + result.stderr


def test_alert_rules_pass_their_promtool_unit_tests():
    result = promtool("test", "rules", "tests/rules_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_rule_has_a_unit_test():
    import yaml

    rules = {r["alert"] for g in yaml.safe_load((PROM / "rules.yml").read_text())["groups"] for r in g["rules"]}
    tested = {case["alertname"] for t in yaml.safe_load((PROM / "tests" / "rules_test.yml").read_text())["tests"]
              for case in t.get("alert_rule_test", []) if case.get("exp_alerts")}
    assert rules == tested, f"rules without a firing test: {rules - tested}"


def test_the_readme_inhibit_rule_matches_alerts_that_carry_its_equal_labels():
    """The README's Alertmanager inhibition (the dead-letter page over the ticket) only works when both alerts exist,
    the source outranks the target, and both aggregate by every label it compares: a label one of them drops is
    empty there, and empty does not equal a value."""
    import re

    import yaml

    readme = (ROOT / "README.md").read_text()
    [block] = re.findall(r"```yaml\n(inhibit_rules:.*?)```", readme, re.S)
    rules = {r["alert"]: r for g in yaml.safe_load((PROM / "rules.yml").read_text())["groups"] for r in g["rules"]}
    for inhibit in yaml.safe_load(block)["inhibit_rules"]:
        [source] = re.findall(r'alertname="(\w+)"', inhibit["source_matchers"][0])
        [target] = re.findall(r'alertname="(\w+)"', inhibit["target_matchers"][0])
        assert (rules[source]["labels"]["severity"], rules[target]["labels"]["severity"]) == ("critical", "warning")
        for name in (source, target):
            groupings = re.findall(r"\bby \(([^)]*)\)", rules[name]["expr"])
            assert groupings, f"{name} aggregates by nothing"
            for grouping in groupings:
                assert set(inhibit["equal"]) <= {label.strip() for label in grouping.split(",")}, (name, grouping)
