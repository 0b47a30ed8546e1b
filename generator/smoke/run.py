"""Smoke-load one entrypoint on one device and turn the probe's outcome into a SmokeResult."""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.lock.records import DEVICES, ModelFacts, SmokeResult
from generator.sandbox import Limits, run_probe

PROBE = Path(__file__).with_name("probe.py")
# torch/version.py of a build without GPU support: `cuda: Optional[str] = None`, `hip: Optional[str] = None`.
CPU_ONLY = re.compile(r"^(cuda|hip)\b[^=\n]*=\s*None\s*$", re.MULTILINE)


@dataclass(frozen=True)
class SmokeRequest:
    """What to load, where, and how (kwargs that avoid downloading weights; an optional example input)."""

    hub_dir: Path
    entrypoint: str
    device: str = "cpu"
    kwargs: dict[str, Any] = field(default_factory=dict)
    input: dict[str, Any] | None = None
    timeout: float = 300.0
    memory_mb: int | None = 8192


def smoke_entrypoint(request: SmokeRequest) -> SmokeResult:
    """Run the smoke probe for one entrypoint on one device; every failure becomes a result, never an error."""
    settings = {"device": request.device, "kwargs": request.kwargs, "input": request.input}
    # CUDA reserves far more address space than it uses, so the memory cap only applies on CPU.
    memory = request.memory_mb if request.device == "cpu" else None
    outcome = run_probe(
        PROBE,
        [str(request.hub_dir), request.entrypoint, json.dumps(settings)],
        Limits(timeout=request.timeout, memory_mb=memory),
        cwd=request.hub_dir,
    )
    result = outcome.result
    if result is None:
        reason = f"timed out after {request.timeout:g} s" if outcome.timed_out else outcome.failure
        return SmokeResult(status="failed", reason=reason, seconds=outcome.seconds, isolation=outcome.isolation)
    if not result.get("ok"):
        return SmokeResult(
            status="failed",
            reason=f"{result.get('error_type')}: {result.get('message')}",
            error_type=str(result.get("error_type")),
            seconds=outcome.seconds,
            isolation=outcome.isolation,
        )
    facts = result.pop("model", None)
    result.pop("ok")
    model = ModelFacts.model_validate(facts) if facts else None
    return SmokeResult(status="ok", model=model, isolation=outcome.isolation, **result)


def skipped(reason: str) -> SmokeResult:
    """A result for an entrypoint that was deliberately not loaded."""
    return SmokeResult(status="skipped", reason=reason)


@dataclass(frozen=True)
class TorchEnvironment:
    """The torch the smoke results are recorded against, and the devices it can use here."""

    torch_version: str
    devices: tuple[str, ...]
    cuda_name: str = ""


@functools.cache
def torch_environment() -> TorchEnvironment:
    """torch's version and this machine's devices, importing torch only when it was built for CUDA.

    A CPU build of torch is recognised from its metadata and its version.py (no child process: a
    rebuild with nothing to do must stay cheap). A CUDA build asks a child interpreter whether a GPU
    is there (importing torch here would slow every command down).
    """
    try:
        version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        raise RuntimeError(f"torch is not installed for {sys.executable}") from None
    if not _built_for_gpu():
        return TorchEnvironment(version, ("cpu",))
    return _ask_torch()


def _built_for_gpu() -> bool:
    """Whether torch/version.py names a CUDA or ROCm version (True when it cannot be read)."""
    spec = importlib.util.find_spec("torch")
    folders = list(spec.submodule_search_locations or []) if spec else []
    try:
        text = (Path(folders[0]) / "version.py").read_text(encoding="utf-8")
    except (IndexError, OSError):
        return True
    return {match.group(1) for match in CPU_ONLY.finditer(text)} != {"cuda", "hip"}


def _ask_torch() -> TorchEnvironment:
    probe = (
        "import json, torch; cuda = torch.cuda.is_available(); "
        "print(json.dumps([torch.__version__, cuda, torch.cuda.get_device_name(0) if cuda else '']))"
    )
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    if completed.returncode != 0:
        raise RuntimeError(f"cannot import torch in {sys.executable}: {completed.stderr.strip()[-500:]}")
    version, cuda, name = json.loads(completed.stdout.strip().splitlines()[-1])
    return TorchEnvironment(version, DEVICES if cuda else ("cpu",), name)
