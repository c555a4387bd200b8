"""GPU telemetry: read through NVML where it exists, "no GPU telemetry" where it does not."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from jobs import gpus
from tests.factories import make_slot
from tests.fakes.nvml import FakeNvml

pytestmark = pytest.mark.django_db
GIB = 1024**3


@pytest.fixture(autouse=True)
def fresh_readings():
    gpus.forget()
    yield
    gpus.forget()


@pytest.fixture
def two_gpus(monkeypatch):
    fake = FakeNvml([
        {"name": "Tesla T4", "used": 6 * GIB, "total": 16 * GIB, "util": 87, "temp": 71},
        {"name": "Tesla T4", "used": 1 * GIB, "total": 16 * GIB, "util": 0, "temp": 40},
    ])  # fmt: skip
    monkeypatch.setattr(gpus, "pynvml", fake)
    return fake


def samples(text: str, name: str) -> dict[str, float]:
    return {
        s.labels["gpu"]: s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name
    }


def test_metrics_show_memory_utilization_and_temperature_per_gpu_with_its_slots(
    client, operator, two_gpus
):
    make_slot("gpu0-video", gpu="gpu0")
    make_slot("gpu0-tts", stage="tts", backend="espeak", gpu="gpu0")
    client.force_login(operator)
    text = client.get("/metrics").content.decode()
    assert samples(text, "heygem_gpu_memory_used_bytes") == {"gpu0": 6 * GIB, "gpu1": 1 * GIB}
    assert samples(text, "heygem_gpu_memory_free_bytes")["gpu0"] == 10 * GIB
    assert samples(text, "heygem_gpu_utilization_percent")["gpu0"] == 87
    assert samples(text, "heygem_gpu_temperature_celsius")["gpu1"] == 40
    assert 'slots="gpu0-tts,gpu0-video"' in text
    assert two_gpus.initialized == 0  # every init is shut down again


def test_the_dashboard_shows_each_gpu_beside_its_slots(client, operator, two_gpus):
    make_slot("gpu0-video", gpu="gpu0")
    client.force_login(operator)
    text = client.get("/slots/").text
    assert "Tesla T4" in text and "6.0 of 16.0 GiB" in text and "87 %" in text and "71 °C" in text
    assert "no gpu telemetry" not in text.lower()


def test_without_nvml_the_dashboard_says_so_and_metrics_leave_gpus_out(client, operator):
    # This box has the package but no NVIDIA driver: nvmlInit really fails here.
    assert gpus.gpu_readings() is None
    client.force_login(operator)
    assert "no gpu telemetry" in client.get("/slots/").text.lower()
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and b"heygem_gpu_" not in metrics.content


def test_without_the_package_nothing_breaks(client, operator, monkeypatch):
    monkeypatch.setattr(gpus, "pynvml", None)
    client.force_login(operator)
    assert "no gpu telemetry" in client.get("/slots/").text.lower()
    assert client.get("/metrics").status_code == 200
