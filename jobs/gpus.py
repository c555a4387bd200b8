"""GPU telemetry from NVIDIA's management library (nvidia-ml-py), where the box has it.

``gpu_readings()`` answers None on a box without NVML (no driver, no library, or
the package missing): the dashboard then says "no GPU telemetry" and /metrics
leaves the GPU families out; nothing else changes. Plain Python, no models.
"""

import logging
import threading
import time
from dataclasses import dataclass

try:
    import pynvml
except ImportError:  # the package is a dependency, but a trimmed image may lack it
    pynvml = None

logger = logging.getLogger(__name__)
# The dashboard refreshes every few seconds and /metrics is scraped: read NVML at
# most this often per process.
CACHE_SECONDS = 2.0


@dataclass(frozen=True)
class GpuReading:
    index: int
    name: str
    memory_used_bytes: int
    memory_free_bytes: int
    memory_total_bytes: int
    utilization_percent: int
    temperature_celsius: int

    @property
    def label(self) -> str:
        """The label slots use for this GPU (``slots add --gpu gpu0``)."""
        return f"gpu{self.index}"

    @property
    def memory_used_percent(self) -> int:
        return (
            round(100 * self.memory_used_bytes / self.memory_total_bytes)
            if self.memory_total_bytes
            else 0
        )


_lock = threading.Lock()
_cached: tuple[float, list[GpuReading] | None] = (0.0, None)


def gpu_readings() -> list[GpuReading] | None:
    """Every GPU NVML sees, read at most CACHE_SECONDS ago; None without NVML."""
    global _cached
    with _lock:
        at, readings = _cached
        if time.monotonic() - at < CACHE_SECONDS and at:
            return readings
        readings = _read()
        _cached = (time.monotonic(), readings)
        return readings


def forget() -> None:
    """Drop the cached reading (tests, and after a driver restart)."""
    global _cached
    with _lock:
        _cached = (0.0, None)


def _read() -> list[GpuReading] | None:
    if pynvml is None:
        return None
    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError as exc:
        logger.debug("no GPU telemetry: %s", exc)
        return None
    try:
        return [_device(i) for i in range(pynvml.nvmlDeviceGetCount())]
    except pynvml.NVMLError as exc:
        logger.warning("GPU telemetry failed: %s", exc)
        return None
    finally:
        pynvml.nvmlShutdown()


def _device(index: int) -> GpuReading:
    handle = pynvml.nvmlDeviceGetHandleByIndex(index)
    memory = pynvml.nvmlDeviceGetMemoryInfo(handle)
    name = pynvml.nvmlDeviceGetName(handle)
    return GpuReading(
        index=index,
        name=name.decode() if isinstance(name, bytes) else str(name),
        memory_used_bytes=int(memory.used),
        memory_free_bytes=int(memory.free),
        memory_total_bytes=int(memory.total),
        utilization_percent=int(pynvml.nvmlDeviceGetUtilizationRates(handle).gpu),
        temperature_celsius=int(
            pynvml.nvmlDeviceGetTemperature(handle, pynvml.NVML_TEMPERATURE_GPU)
        ),
    )
