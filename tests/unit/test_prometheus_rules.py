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

