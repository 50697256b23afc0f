"""The deployment files users run without us: docker-compose.yml parses, and names the services the CLI has."""

import os
import shutil
import subprocess

import yaml

from services.runtime.app import SERVICES
from tests.conftest import ROOT


def compose_command() -> list[str]:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    assert shutil.which("docker-compose"), "neither `docker compose` nor `docker-compose` is installed (make setup installs it)"
    return ["docker-compose"]


def test_docker_compose_config_accepts_the_file():
    env = dict(os.environ, WIREWATCH_WEBHOOK_SECRET="whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0")
    result = subprocess.run([*compose_command(), "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
                            capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_compose_runs_every_service_from_one_image_on_kafka():
    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = doc["services"]
    for name in SERVICES:
        assert services[name]["command"] == ["worker", name]
        assert services[name]["environment"]["WIREWATCH_BROKER"] == "kafka:9092"
    assert services["kafka"]["image"].startswith("apache/kafka")
    assert "prometheus" in services and "grafana" in services
    assert (ROOT / services["ingest"]["build"]["dockerfile"]).exists()
