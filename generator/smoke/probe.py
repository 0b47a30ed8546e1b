"""Smoke probe: load one entrypoint through pinhub on one device, and describe what came back.

Runs inside the sandbox (see generator/sandbox/child.py) as `run(HUB_DIR, NAME, SETTINGS_JSON)`, where
SETTINGS_JSON holds `device`, `kwargs` and an optional `input` ({shape, dtype, high}).
"""

from __future__ import annotations

import inspect
import json
import resource
import time
from typing import Any

from pinhub._isolation import public_name, signature_text


def _peak_memory_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _explore(model: Any) -> dict[str, Any]:
    """What `dir(model)` and `help(model.forward)` show a user, minus nn.Module's own machinery."""
    import torch

    inherited = set(dir(torch.nn.Module))
    own = [name for name in dir(type(model)) if not name.startswith("_") and name not in inherited]
    attributes = {name: inspect.getattr_static(type(model), name, None) for name in own}
    forward = getattr(model, "forward", None)
    return {
        "forward_signature": signature_text(forward),
        "forward_doc": inspect.getdoc(forward) or "",
        "methods": sorted(name for name, value in attributes.items() if _is_method(value)),
        "properties": sorted(name for name, value in attributes.items() if isinstance(value, property)),
    }


def _is_method(value: Any) -> bool:
    """A function, static or class method defined on the class (what `help(model)` lists as a method)."""
    return isinstance(value, staticmethod | classmethod) or inspect.isfunction(value) or inspect.isroutine(value)


def _example_input(spec: dict[str, Any], device: str) -> Any:
    import torch

    generator = torch.Generator().manual_seed(0)
    if spec.get("dtype") == "int64":
        return torch.randint(0, int(spec.get("high", 2)), spec["shape"], generator=generator).to(device)
    tensor = torch.randn(spec["shape"], generator=generator)
    return tensor.to(device=device, dtype=getattr(torch, spec.get("dtype", "float32")))


def _forward(model: Any, spec: dict[str, Any], device: str) -> dict[str, Any]:
    import torch

    example = _example_input(spec, device)
    started = time.perf_counter()
    with torch.inference_mode():
        output = model(example)
    if device == "cuda":
        torch.cuda.synchronize()
    seconds = round(time.perf_counter() - started, 4)
    first = output[0] if isinstance(output, tuple | list) and output else output
    shape = list(first.shape) if hasattr(first, "shape") else None
    return {
        "input_shape": list(example.shape),
        "output_shape": shape,
        "output_dtype": str(getattr(first, "dtype", "")).removeprefix("torch."),
        "forward_seconds": seconds,
    }


def run(hub_dir: str, name: str, settings_json: str) -> dict[str, Any]:
    """Load `name` from the hub in `hub_dir` on the requested device and report what happened."""
    settings = json.loads(settings_json)
    device = settings["device"]
    import torch

    import pinhub

    started = time.perf_counter()
    loaded = pinhub.load(hub_dir, name, source="local", trust_repo=True, verbose=False, **settings["kwargs"])
    result: dict[str, Any] = {"ok": True, "seconds": round(time.perf_counter() - started, 4)}
    result["returned"] = public_name(f"{type(loaded).__module__}.{type(loaded).__qualname__}")
    result["is_module"] = isinstance(loaded, torch.nn.Module)
    if isinstance(loaded, torch.nn.Module):
        loaded = loaded.to(device).eval()
        result["parameters"] = sum(p.numel() for p in loaded.parameters())
        result["model"] = _explore(loaded)
        if settings.get("input"):
            result.update(_forward(loaded, settings["input"], device))
    result["peak_memory_mb"] = _peak_memory_mb()
    if device == "cuda":
        result["peak_device_memory_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    return result
