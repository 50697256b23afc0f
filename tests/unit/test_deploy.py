"""The deployment files users run without us: docker-compose.yml parses, and names the services the CLI has."""

import os
import re
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


K8S = ROOT / "deploy" / "k8s"


def k8s_documents() -> list[dict]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    docs = []
    for resource in kustomization["resources"]:
        docs.extend(d for d in yaml.safe_load_all((K8S / resource).read_text()) if d)
    return docs


def test_k8s_manifests_validate_against_the_kubernetes_schemas():
    import kubernetes_validate

    docs = k8s_documents()
    assert {"Deployment", "HorizontalPodAutoscaler", "ConfigMap"} <= {d["kind"] for d in docs}  # not vacuously valid
    for doc in docs:
        kubernetes_validate.validate(doc, "1.30.0", strict=True)  # raises on the first invalid manifest


def test_k8s_runs_each_service_with_probes_and_an_autoscaler_bounded_by_partitions():
    docs = k8s_documents()
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    autoscalers = {d["spec"]["scaleTargetRef"]["name"]: d for d in docs if d["kind"] == "HorizontalPodAutoscaler"}
    config = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "wirewatch")["data"]
    assert set(deployments) == set(SERVICES) == set(autoscalers)
    for name, deployment in deployments.items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["args"] == ["worker", name]
        assert container["ports"][0]["containerPort"] == int(config["WIREWATCH_WEB_PORT"])
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["resources"]["requests"]["cpu"] and container["resources"]["requests"]["memory"]
        assert autoscalers[name]["spec"]["maxReplicas"] <= int(config["WIREWATCH_PARTITIONS"]), (
            f"{name}: replicas beyond the partition count would sit idle")


def test_the_image_creates_its_data_dir_for_the_user_it_runs_as():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    data_dir = re.search(r"WIREWATCH_DATA_DIR=(\S+)", dockerfile).group(1)
    user = re.search(r"^USER (\S+)", dockerfile, re.M).group(1)
    made = re.search(rf"^RUN mkdir -p {re.escape(data_dir)} && chown {user}:\S+ {re.escape(data_dir)}$", dockerfile, re.M)
    assert made and made.start() < dockerfile.index(f"USER {user}")


def test_compose_publishes_ports_on_loopback_only():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    published = {name: s["ports"] for name, s in services.items() if "ports" in s}
    assert {"ingest", "newsroom", "prometheus", "grafana"} <= set(published)
    assert all(port.startswith("127.0.0.1:") for ports in published.values() for port in ports), published


def test_compose_gives_the_ingest_token_to_every_service_that_checks_it():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in ("ingest", "newsroom"):
        assert "WIREWATCH_INGEST__TOKEN" in services[name]["environment"], name
    env = dict(os.environ, WIREWATCH_WEBHOOK_SECRET="whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0", WIREWATCH_INGEST__TOKEN="s3cret")
    result = subprocess.run([*compose_command(), "-f", str(ROOT / "docker-compose.yml"), "config"],
                            capture_output=True, text=True, env=env, cwd=ROOT)
    resolved = yaml.safe_load(result.stdout)["services"]
    assert resolved["ingest"]["environment"]["WIREWATCH_INGEST__TOKEN"] == "s3cret"
