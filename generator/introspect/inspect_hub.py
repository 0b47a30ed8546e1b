"""Describe a checked-out hub: read its source, then import it in the sandbox; if that fails, keep the source's view."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from generator.introspect.static import StaticEntrypoint, StaticHubconf, read_hubconf
from generator.lock.records import EntrypointLock
from generator.sandbox import Limits, run_probe

PROBE = Path(__file__).with_name("probe.py")
IMPORT_TIMEOUT = 120.0


@dataclass
class HubInfo:
    """The introspect stage's output for one hub.

    Attributes:
        dependencies: What hubconf.py declares in `dependencies`.
        entrypoints: As torch.hub.list lists them (dynamic), or as the source shows them (static).
        method: "dynamic" (imported) or "static" (read from the source after the import failed).
        error: Why the import failed ('' when it did not).
        missing_packages: Packages the hub needs that are not installed where the build ran.
        isolation: How the import was kept off the network.
    """

    dependencies: list[str]
    entrypoints: list[EntrypointLock]
    method: Literal["dynamic", "static"]
    error: str = ""
    missing_packages: list[str] = field(default_factory=list)
    isolation: str = ""


def introspect_hub(hub_dir: Path, timeout: float = IMPORT_TIMEOUT) -> HubInfo:
    """Read hub_dir/hubconf.py, then import it in a sandboxed subprocess and list its entrypoints."""
    static = read_hubconf(hub_dir / "hubconf.py")
    outcome = run_probe(PROBE, [str(hub_dir)], Limits(timeout=timeout), cwd=hub_dir)
    result = outcome.result or {}
    if result.get("ok"):
        return HubInfo(
            dependencies=list(result["dependencies"]),
            entrypoints=[EntrypointLock.model_validate(e) for e in result["entrypoints"]],
            method="dynamic",
            isolation=outcome.isolation,
        )
    missing = missing_packages(result, hub_dir)
    return HubInfo(
        dependencies=static.dependencies,
        entrypoints=static_entrypoints(static),
        method="static",
        error=static.error or import_failure(result, outcome.failure, missing),
        missing_packages=missing,
        isolation=outcome.isolation,
    )


def static_entrypoints(static: StaticHubconf) -> list[EntrypointLock]:
    """The entrypoints the source shows, as lock records (imported names are of unknown kind)."""
    return [_static_entrypoint(e) for e in static.entrypoints]


def _static_entrypoint(found: StaticEntrypoint) -> EntrypointLock:
    kind: Literal["function", "class", "other"] = "other" if found.kind == "imported" else found.kind
    return EntrypointLock(name=found.name, kind=kind, signature=found.signature, docstring=found.docstring)


def import_failure(result: dict[str, Any], failure: str, missing: list[str]) -> str:
    """One line for the page: which packages are missing, else the exception, else how the probe died."""
    if missing:
        return f"missing dependencies: {', '.join(missing)} (not installed where the build ran)"
    if result:
        return f"importing hubconf.py failed: {result.get('error_type')}: {result.get('message')}"
    return f"importing hubconf.py failed: {failure}"


def missing_packages(result: dict[str, Any], hub_dir: Path) -> list[str]:
    """The packages the failed import lacked: the unmet `dependencies`, or the module an import statement named."""
    if result.get("unmet"):
        return [str(item) for item in result["unmet"]]
    top = str(result.get("missing_module") or "").split(".")[0]
    if result.get("error_type") != "ModuleNotFoundError" or not top:
        return []
    if (hub_dir / f"{top}.py").is_file() or (hub_dir / top).is_dir():
        return []  # the hub's own module is broken or incomplete: not a package to install
    return [top]
