"""Describe a checked-out hub: import it in the sandbox; when that fails, fall back to the source text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from generator.introspect.static import StaticEntrypoint, read_hubconf
from generator.records import EntrypointLock
from generator.sandbox import Limits, run_probe

PROBE = Path(__file__).with_name("probe.py")
IMPORT_TIMEOUT = 120.0


@dataclass
class HubInfo:
    """The introspect stage's output for one hub."""

    dependencies: list[str]
    entrypoints: list[EntrypointLock]
    method: str  # "dynamic" (imported) or "static" (read from the source after the import failed)
    error: str = ""
    missing_packages: list[str] = field(default_factory=list)


def introspect_hub(hub_dir: Path, timeout: float = IMPORT_TIMEOUT) -> HubInfo:
    """Import hub_dir/hubconf.py in a sandboxed subprocess and list its entrypoints as torch.hub.list would."""
    static = read_hubconf(hub_dir / "hubconf.py")
    outcome = run_probe(PROBE, [str(hub_dir)], Limits(timeout=timeout), cwd=hub_dir)
    result = outcome.result or {}
    if result.get("ok"):
        return HubInfo(
            dependencies=list(result["dependencies"]),
            entrypoints=[EntrypointLock.model_validate(e) for e in result["entrypoints"]],
            method="dynamic",
        )
    error = _import_failure(result, outcome.failure)
    return HubInfo(
        dependencies=static.dependencies,
        entrypoints=[_static_entrypoint(e) for e in static.entrypoints],
        method="static",
        error=static.error or error,
        missing_packages=_missing_module(result),
    )


def _static_entrypoint(found: StaticEntrypoint) -> EntrypointLock:
    kind: Literal["function", "class", "other"] = "other" if found.kind == "imported" else found.kind
    return EntrypointLock(name=found.name, kind=kind, signature=found.signature, docstring=found.docstring)


def _import_failure(result: dict[str, str], failure: str) -> str:
    if result:
        return f"importing hubconf.py failed: {result.get('error_type')}: {result.get('message')}"
    return f"importing hubconf.py failed: {failure}"


def _missing_module(result: dict[str, str]) -> list[str]:
    if result.get("error_type") == "ModuleNotFoundError":
        message = result.get("message", "")
        if "'" in message:
            return [message.split("'")[1].split(".")[0]]
    return []
