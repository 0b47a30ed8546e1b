"""Which devices this machine can smoke-load on, told without importing torch (a no-op build stays cheap)."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

NVIDIA_DRIVER = Path("/proc/driver/nvidia/version")


@cache
def machine_devices() -> tuple[str, ...]:
    """('cpu', 'cuda') when an NVIDIA driver and GPU are present, else ('cpu',).

    The verification environments bring their own CUDA-enabled torch; what the machine must have is a
    driver and a GPU, which `nvidia-smi -L` lists.
    """
    if not NVIDIA_DRIVER.exists() or shutil.which("nvidia-smi") is None:
        return ("cpu",)
    try:
        listed = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ("cpu",)
    return ("cpu", "cuda") if listed.returncode == 0 and "GPU" in listed.stdout else ("cpu",)
