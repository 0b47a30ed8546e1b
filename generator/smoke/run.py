"""Smoke-load one entrypoint on one device and turn the probe's outcome into a SmokeResult."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.records import ModelFacts, SmokeResult
from generator.sandbox import Limits, run_probe

PROBE = Path(__file__).with_name("probe.py")
DEVICES = ("cpu", "cuda")


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
        reason = outcome.failure
        if outcome.timed_out:
            reason = f"timed out after {request.timeout:g} s"
        return SmokeResult(status="failed", reason=reason, seconds=outcome.seconds)
    if not result.get("ok"):
        reason = f"{result.get('error_type')}: {result.get('message')}"
        return SmokeResult(status="failed", reason=reason, seconds=outcome.seconds)
    facts = result.pop("model", None)
    result.pop("ok")
    return SmokeResult(status="ok", model=ModelFacts.model_validate(facts) if facts else None, **result)


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
    """Ask a child interpreter (importing torch here would slow every command down)."""
    probe = (
        "import json, torch; cuda = torch.cuda.is_available(); "
        "print(json.dumps([torch.__version__, cuda, torch.cuda.get_device_name(0) if cuda else '']))"
    )
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    if completed.returncode != 0:
        raise RuntimeError(f"cannot import torch in {sys.executable}: {completed.stderr.strip()[-500:]}")
    version, cuda, name = json.loads(completed.stdout.strip().splitlines()[-1])
    return TorchEnvironment(version, ("cpu", "cuda") if cuda else ("cpu",), name)
