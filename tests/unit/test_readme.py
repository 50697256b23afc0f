"""The README stays true: every setting and every metric the code defines is documented there."""

from prometheus_client import REGISTRY

import services.runtime.metrics  # noqa: F401 - registers the metrics
from services.runtime.settings import Settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def env_names(model, prefix="WIREWATCH_"):
    for name, field in model.model_fields.items():
        if hasattr(field.annotation, "model_fields"):
            yield from env_names(field.annotation, f"{prefix}{name.upper()}__")
        else:
            yield f"{prefix}{name.upper()}"


def test_every_setting_is_documented():
    missing = [name for name in env_names(Settings) if f"`{name}`" not in README]
    assert not missing, f"README does not document {missing}"


def test_every_wirewatch_metric_is_documented():
    names = {m.name for m in REGISTRY.collect() if m.name.startswith("wirewatch_")}
    # prometheus_client reports counters without their _total suffix
    missing = [n for n in names if f"`{n}`" not in README and f"`{n}_total`" not in README]
    assert names and not missing, f"README does not document {missing}"
