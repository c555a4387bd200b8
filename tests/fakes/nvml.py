"""A stand-in for nvidia-ml-py's ``pynvml``: the calls jobs.gpus makes, for boxes without GPUs."""

from types import SimpleNamespace

NVML_TEMPERATURE_GPU = 0


class NVMLError(Exception):
    pass


class FakeNvml:
    """GPUs given as dicts: name, used, total (bytes), util (%), temp (°C)."""

    NVML_TEMPERATURE_GPU = NVML_TEMPERATURE_GPU
    NVMLError = NVMLError

    def __init__(self, gpus: list[dict]):
        self.gpus = gpus
        self.initialized = 0

    def nvmlInit(self):
        self.initialized += 1

    def nvmlShutdown(self):
        self.initialized -= 1

    def nvmlDeviceGetCount(self):
        return len(self.gpus)

    def nvmlDeviceGetHandleByIndex(self, index):
        return self.gpus[index]

    def nvmlDeviceGetName(self, gpu):
        return gpu["name"].encode()  # older drivers answer bytes

    def nvmlDeviceGetMemoryInfo(self, gpu):
        return SimpleNamespace(
            used=gpu["used"], free=gpu["total"] - gpu["used"], total=gpu["total"]
        )

    def nvmlDeviceGetUtilizationRates(self, gpu):
        return SimpleNamespace(gpu=gpu["util"], memory=0)

    def nvmlDeviceGetTemperature(self, gpu, sensor):
        assert sensor == NVML_TEMPERATURE_GPU
        return gpu["temp"]
