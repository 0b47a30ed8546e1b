"""Smoke-load one entrypoint on one device, in its verification environment, and record what happened."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.lock.records import ModelFacts, SmokeResult
from generator.outcomes import classify, public_text
from generator.sandbox import Limits, run_probe

PROBE = Path(__file__).with_name("probe.py")


@dataclass(frozen=True)
class SmokeRequest:
    """What to load, where, and how (kwargs that avoid downloading weights; an optional example input).

    Attributes:
        python: The interpreter of the entry's verification environment (None: this one).
        import_paths: Folders the probe imports from first (the `pinhub` loader's copy).
        trusted: Run even where no sandbox is available (the maintainer trusts the hub).
    """

    hub_dir: Path
    entrypoint: str
    device: str = "cpu"
    kwargs: dict[str, Any] = field(default_factory=dict)
    input: dict[str, Any] | None = None
    timeout: float = 300.0
    memory_mb: int | None = 8192
    python: Path | None = None
    import_paths: tuple[Path, ...] = ()
    trusted: bool = False


def smoke_entrypoint(request: SmokeRequest) -> SmokeResult:
    """Run the smoke probe for one entrypoint on one device; every failure becomes a result, never an error.

    Raises:
        SandboxUnavailableError: no sandbox here, and the request does not trust the hub.
    """
    settings = {"device": request.device, "kwargs": request.kwargs, "input": request.input}
    # CUDA reserves far more address space than it uses, so the memory cap only applies on CPU.
    memory = request.memory_mb if request.device == "cpu" else None
    outcome = run_probe(
        PROBE,
        [str(request.hub_dir), request.entrypoint, json.dumps(settings)],
        Limits(timeout=request.timeout, memory_mb=memory),
        python=request.python,
        readable=[request.hub_dir],
        import_paths=request.import_paths,
        gpu=request.device == "cuda",
        trusted=request.trusted,
    )
    result = outcome.result
    if result is None or not result.get("ok"):
        status, reason = classify(outcome, request.timeout, request.hub_dir)
        error_type = str(result.get("error_type") or "") if result else ""
        return SmokeResult(
            status=status, reason=reason, error_type=error_type, seconds=outcome.seconds, isolation=outcome.isolation
        )
    facts = result.pop("model", None)
    for name in ("ok", "network_attempts"):
        result.pop(name, None)
    result["returned"] = public_text(str(result.get("returned", "")))
    model = ModelFacts.model_validate(facts) if facts else None
    return SmokeResult(status="ok", model=model, isolation=outcome.isolation, **result)


def skipped(reason: str) -> SmokeResult:
    """A result for an entrypoint that was deliberately not loaded."""
    return SmokeResult(status="skipped", reason=reason)
