"""The host side of an engine container's volume, checked before anything is written to it."""

import os
from pathlib import Path

from .base import EngineUnavailable, SlotConfig


def checked_subdir(slot: SlotConfig, name: str, container: str) -> Path:
    """``<data_dir>/<name>``: the data dir must exist, the subfolder is made if missing."""
    if not slot.data_dir:
        raise EngineUnavailable(f"Slot {slot.name} has no data dir.")
    data_dir = Path(slot.data_dir).expanduser()
    if not data_dir.is_dir():
        raise EngineUnavailable(
            f"The data dir {data_dir} of {slot.name} does not exist; it must be the host "
            f"folder mounted at {slot.container_data_dir} in the {container} container."
        )
    folder = data_dir / name
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise EngineUnavailable(f"Cannot create {folder}: {exc.strerror}.") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise EngineUnavailable(f"{folder} is not writable by this user.")
    return folder


def host_path(slot: SlotConfig, container_path: str) -> Path | None:
    """Where a path inside the container's volume is on the host; None if outside it."""
    root = (slot.container_data_dir or "/code/data").rstrip("/") + "/"
    if not slot.data_dir or not container_path.startswith(root):
        return None
    return Path(slot.data_dir).expanduser() / container_path[len(root) :]
