"""The deployment files users run without us: docker-compose.yml parses, and names the services the CLI has."""

import os
import re
import shutil
import subprocess

import pytest
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


def k8s_documents(root=K8S) -> list[dict]:
    """The manifests a kustomization lists, those of the kustomizations it includes too (not what they generate)."""
    kustomization = yaml.safe_load((root / "kustomization.yaml").read_text())
    docs = []
    for resource in kustomization.get("resources", []):
        path = root / resource
        docs.extend(k8s_documents(path) if path.is_dir() else (d for d in yaml.safe_load_all(path.read_text()) if d))
    return docs


def wirewatch_deployments(docs: list[dict]) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs
            if d["kind"] == "Deployment" and d["metadata"]["labels"]["app.kubernetes.io/name"] == "wirewatch"}


def test_k8s_manifests_validate_against_the_kubernetes_schemas():
    import kubernetes_validate

    docs = k8s_documents()
    assert {"Deployment", "HorizontalPodAutoscaler", "ConfigMap"} <= {d["kind"] for d in docs}  # not vacuously valid
    for doc in docs:
        kubernetes_validate.validate(doc, "1.30.0", strict=True)  # raises on the first invalid manifest


def test_k8s_runs_each_service_with_probes_and_an_autoscaler_bounded_by_partitions():
    docs = k8s_documents()
    deployments = wirewatch_deployments(docs)
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
    assert {"ingest", "newsroom", "prometheus", "alertmanager", "grafana"} <= set(published)
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


PROMETHEUS = ROOT / "deploy" / "prometheus"


def _relabel(labels: dict[str, str], rules: list[dict]) -> dict[str, str] | None:
    """Prometheus's relabelling, for the actions the shipped configs use (replace, keep): anchored regexes, the
    source labels joined by ';', $1-style references. None when a keep drops the target."""
    labels = dict(labels)
    for rule in rules:
        value = ";".join(labels.get(name, "") for name in rule.get("source_labels", []))
        match = re.fullmatch(rule.get("regex", "(.*)"), value)
        if rule.get("action", "replace") == "keep":
            if not match:
                return None
        elif match:
            labels[rule["target_label"]] = re.sub(r"\$(\d+)", lambda m: match.group(int(m.group(1))), rule.get("replacement", "$1"))
    return labels


def test_k8s_prometheus_scrapes_every_pod_of_every_service_on_its_metrics_port():
    docs = k8s_documents()
    config = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "wirewatch")["data"]
    deployments = wirewatch_deployments(docs)
    services = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Service"}
    scrape = yaml.safe_load((PROMETHEUS / "kubernetes.yml").read_text())
    [job] = scrape["scrape_configs"]
    assert job["job_name"] == "wirewatch"  # what the rules' up{job="wirewatch"} reads
    targets = [(name, sd["port"]) for sd in job["dns_sd_configs"] for name in sd["names"]]
    assert {_relabel({"__meta_dns_name": name}, job["relabel_configs"])["service"] for name, _ in targets} == set(SERVICES)
    for name, port in targets:
        service = _relabel({"__meta_dns_name": name}, job["relabel_configs"])["service"]
        headless = services[name]["spec"]
        pod = deployments[service]["spec"]["template"]
        # Every pod's own address (headless), not ready ones left out: a stalled pod fails /readyz.
        assert headless["clusterIP"] == "None" and headless["publishNotReadyAddresses"] is True
        assert headless["selector"].items() <= pod["metadata"]["labels"].items()
        [container] = pod["spec"]["containers"]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert port == ports[headless["ports"][0]["targetPort"]] == int(config["WIREWATCH_WEB_PORT"]), service
        assert int(pod["metadata"]["annotations"]["prometheus.io/port"]) == port, service
        assert pod["metadata"]["annotations"]["prometheus.io/path"] == job["metrics_path"]


ALERTMANAGER = ROOT / "deploy" / "alertmanager"


def _alertmanager_targets(config_file: str) -> list[str]:
    config = yaml.safe_load((PROMETHEUS / config_file).read_text())
    return [t for am in config["alerting"]["alertmanagers"] for sc in am["static_configs"] for t in sc["targets"]]


def test_compose_prometheus_sends_alerts_to_the_alertmanager_with_the_shipped_config():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert _alertmanager_targets("prometheus.yml") == ["alertmanager:9093"]
    # The image's default command reads /etc/alertmanager/alertmanager.yml and listens on 9093.
    assert "command" not in services["alertmanager"] and services["alertmanager"]["image"].startswith("prom/alertmanager:")
    assert "./deploy/alertmanager/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro" in services["alertmanager"]["volumes"]
    assert services["alertmanager"]["ports"] == ["127.0.0.1:9093:9093"]


def test_k8s_prometheus_sends_alerts_to_the_alertmanager_service_with_the_shipped_config():
    docs = k8s_documents()
    [host_port] = _alertmanager_targets("kubernetes.yml")
    host, port = host_port.split(":")
    [service] = [d for d in docs if d["kind"] == "Service" and d["metadata"]["name"] == host]
    [deployment] = [d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "alertmanager"]
    pod = deployment["spec"]["template"]
    [container] = pod["spec"]["containers"]
    [service_port] = service["spec"]["ports"]
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert service_port["port"] == int(port)
    assert {p["name"]: p["containerPort"] for p in container["ports"]}[service_port["targetPort"]] == 9093
    generated = yaml.safe_load((ALERTMANAGER / "kustomization.yaml").read_text())["configMapGenerator"]
    assert [g["files"] for g in generated if g["name"] == "alertmanager"] == [["alertmanager.yml"]]
    [mount] = [m for m in container["volumeMounts"] if m["name"] == "config"]
    [volume] = [v for v in pod["spec"]["volumes"] if v["name"] == "config"]
    assert volume["configMap"]["name"] == "alertmanager"
    assert f"--config.file={mount['mountPath']}/alertmanager.yml" in container["args"]


def test_k8s_prometheus_loads_the_scrape_config_and_the_rules_it_is_tested_with():
    generated = yaml.safe_load((PROMETHEUS / "kustomization.yaml").read_text())["configMapGenerator"]
    [files] = [g["files"] for g in generated if g["name"] == "prometheus"]
    assert sorted(files) == ["prometheus.yml=kubernetes.yml", "rules.yml"]  # rules.yml beside it, as its rule_files says
    assert yaml.safe_load((PROMETHEUS / "kubernetes.yml").read_text())["rule_files"] == ["rules.yml"]
    [prometheus] = [d for d in k8s_documents() if d["kind"] == "Deployment" and d["metadata"]["name"] == "prometheus"]
    spec = prometheus["spec"]["template"]["spec"]
    [mount] = [m for m in spec["containers"][0]["volumeMounts"] if m["name"] == "config"]
    [volume] = [v for v in spec["volumes"] if v["name"] == "config"]
    assert volume["configMap"]["name"] == "prometheus"
    assert f"--config.file={mount['mountPath']}/prometheus.yml" in spec["containers"][0]["args"]


def test_kubectl_builds_the_kustomization_with_the_generated_prometheus_and_alertmanager_configs():
    """What `kubectl apply -k deploy/k8s` would send: the build succeeds (a file outside a kustomization's own
    directory fails it) and the Prometheus and Alertmanager pods mount the generated ConfigMaps under their hashed
    names."""
    if not shutil.which("kubectl"):
        pytest.skip("kubectl is not installed (the manifests are still checked above, file by file)")
    built = subprocess.run(["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    docs = [d for d in yaml.safe_load_all(built.stdout) if d]
    config_maps = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ConfigMap"}
    [prometheus] = [d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "prometheus"]
    [volume] = [v for v in prometheus["spec"]["template"]["spec"]["volumes"] if v["name"] == "config"]
    data = config_maps[volume["configMap"]["name"]]["data"]
    assert data["prometheus.yml"] == (PROMETHEUS / "kubernetes.yml").read_text()
    assert data["rules.yml"] == (PROMETHEUS / "rules.yml").read_text()
    [alertmanager] = [d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "alertmanager"]
    [volume] = [v for v in alertmanager["spec"]["template"]["spec"]["volumes"] if v["name"] == "config"]
    assert config_maps[volume["configMap"]["name"]]["data"] == {"alertmanager.yml": (ALERTMANAGER / "alertmanager.yml").read_text()}
    assert {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"} == {"wirewatch"}
