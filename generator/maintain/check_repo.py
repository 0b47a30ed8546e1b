"""`check-repo`: the preflight a model owner runs before proposing a model.

Every check is a value (`Check`); the hub's code runs only in the sandbox, through the introspect and
smoke stages and the side-effect probe. Weight URLs are checked from this process with HEAD requests;
an unreachable one is a warning (the machine may be offline), never a failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from generator.fetch import FetchRequest, fetch_checkout
from generator.introspect import HubInfo, introspect_hub
from generator.lock.records import EntrypointLock, SmokeResult
from generator.maintain.hub_source import HubSource, read_hub_source, requirement_name
from generator.maintain.remote import RepoSpec, parse_spec, resolve_ref
from generator.maintain.weights import check_urls
from generator.sandbox import Limits, run_probe
from generator.smoke import SmokeRequest, smoke_entrypoint

IMPORT_PROBE = Path(__file__).with_name("import_probe.py")
Status = Literal["ok", "failed", "warning", "skipped"]
MARKS = {"ok": "✓", "failed": "✗", "warning": "!", "skipped": "-"}
WEIGHT_KEYWORDS = ("pretrained", "weights")


@dataclass(frozen=True)
class Check:
    """One line of the checklist: what was checked, how it went, and how to fix it when it did not."""

    name: str
    status: Status
    detail: str = ""
    lines: tuple[str, ...] = ()
    fix: str = ""


@dataclass(frozen=True)
class CheckOptions:
    """Limits of the checks: what counts as a heavy import, how long a load may take, and no HEAD requests."""

    subdir: str = ""
    offline: bool = False
    import_seconds: float = 10.0
    printed_bytes: int = 1_000_000
    smoke_timeout: float = 120.0


@dataclass
class RepoReport:
    """The checklist of one hub, and where the hub was read from."""

    target: str
    hub_dir: Path
    checks: list[Check] = field(default_factory=list)

    @property
    def failed(self) -> list[Check]:
        """The checks that failed (the exit status is 1 when there is any)."""
        return [check for check in self.checks if check.status == "failed"]


def check_repo(spec_text: str, cache_dir: Path, options: CheckOptions) -> RepoReport:
    """Check out `URL[@REF]` (or read a local folder's working tree) and run every check on it.

    Raises:
        GeneratorError: the repository, ref or commit cannot be reached.
    """
    spec = parse_spec(spec_text)
    hub_dir, target = _checkout(spec, cache_dir, options.subdir)
    return RepoReport(target, hub_dir, run_checks(hub_dir, options))


def _checkout(spec: RepoSpec, cache_dir: Path, subdir: str) -> tuple[Path, str]:
    if spec.local_dir is not None and not spec.ref:
        return spec.local_dir / subdir, f"{spec.local_dir / subdir} (working tree)"
    resolved = resolve_ref(spec.url, spec.ref)
    checkout = fetch_checkout(FetchRequest(spec.url, resolved.commit, subdir), Path.cwd(), cache_dir)
    where = f" in {subdir}" if subdir else ""
    return checkout.hub_dir, f"{spec.repo}@{resolved.ref} ({resolved.commit[:12]}){where}"


def run_checks(hub_dir: Path, options: CheckOptions) -> list[Check]:
    """Every check on the hub in `hub_dir`, in the order the checklist shows them."""
    if not (hub_dir / "hubconf.py").is_file():
        fix = "add hubconf.py at the repository root (or pass --subdir to the folder that holds it)"
        return [Check("hubconf.py found", "failed", f"no hubconf.py in {hub_dir}", fix=fix)]
    source = read_hub_source(hub_dir)
    hub = introspect_hub(hub_dir)
    loads = _smoke_checks(hub_dir, hub, options)
    return [
        Check("hubconf.py found", "ok", str(hub_dir / "hubconf.py")),
        _declared(source, hub),
        _importable(hub),
        _docstrings(hub),
        _side_effects(hub_dir, options),
        _weights_keyword(source, hub, {name: result for name, result, _ in loads}),
        _weight_urls(source, options),
        *(check for _, _, check in loads),
    ]


def _declared(source: HubSource, hub: HubInfo) -> Check:
    name = "dependencies declared"
    if not source.declares_dependencies:
        fix = 'add `dependencies = ["torch", ...]` to hubconf.py: the packages its entrypoints import'
        return Check(name, "failed", "hubconf.py has no `dependencies` list", fix=fix)
    declared = {requirement_name(item) for item in hub.dependencies}
    undeclared = [module for module in source.imports if requirement_name(module) not in declared]
    listed = ", ".join(hub.dependencies) or "none"
    if undeclared:
        fix = f"add {', '.join(undeclared)} to `dependencies` (torch.hub checks only what it lists)"
        return Check(name, "warning", f"{listed}; hubconf.py also imports {', '.join(undeclared)}", fix=fix)
    return Check(name, "ok", listed)


def _importable(hub: HubInfo) -> Check:
    name = "dependencies importable"
    if hub.missing_packages:
        fix = "declare every package the hub imports in `dependencies`, installable from PyPI"
        return Check(name, "failed", f"not installed here: {', '.join(hub.missing_packages)}", fix=fix)
    if hub.method != "dynamic":
        fix = "import it yourself to see the whole error: cd <repo> && python -c 'import hubconf'"
        return Check(name, "failed", f"hubconf.py does not import: {hub.error}", fix=fix)
    return Check(name, "ok", f"hubconf.py imports; {len(_entrypoints(hub))} entrypoints")


def _docstrings(hub: HubInfo) -> Check:
    name = "every entrypoint has a docstring"
    lacking = [e.name for e in _entrypoints(hub) if not e.docstring.strip()]
    if not _entrypoints(hub):
        return Check(name, "failed", "no entrypoints found", fix="define at least one public function in hubconf.py")
    if lacking:
        fix = "add a docstring to each: the model page and torch.hub.help show it"
        return Check(name, "failed", f"missing on {', '.join(lacking)}", fix=fix)
    return Check(name, "ok", ", ".join(e.name for e in _entrypoints(hub)))


def _side_effects(hub_dir: Path, options: CheckOptions) -> Check:
    name = "importing hubconf.py is light (no network, little output, quick)"
    timeout = max(3 * options.import_seconds, 30.0)
    outcome = run_probe(IMPORT_PROBE, [str(hub_dir)], Limits(timeout=timeout), readable=[hub_dir])
    result: dict[str, Any] = outcome.result or {}
    if not result.get("ok"):
        reason = f"did not return within {timeout:g} s" if outcome.timed_out else outcome.failure
        return Check(name, "failed", f"the import {reason}", fix="move slow work into the entrypoint functions")
    problems = _heavy(result, options)
    measured = f"{result['seconds']:.1f} s, {result['printed_bytes']:,} bytes printed"
    if problems:
        fix = "do downloads, printing and heavy work inside the entrypoints, not at import"
        return Check(name, "failed", measured, lines=tuple(problems), fix=fix)
    if result.get("error_type"):
        return Check(name, "skipped", f"the import failed ({result['error_type']}); see above")
    return Check(name, "ok", f"{measured}, no network")


def _heavy(result: dict[str, Any], options: CheckOptions) -> list[str]:
    problems = []
    if result["network"]:
        problems.append(f"tried to reach the network: {', '.join(dict.fromkeys(result['network']))}")
    if result["printed_bytes"] > options.printed_bytes:
        problems.append(f"printed {result['printed_bytes']:,} bytes (limit {options.printed_bytes:,})")
    if result["seconds"] > options.import_seconds:
        problems.append(f"took {result['seconds']:.1f} s (limit {options.import_seconds:g} s, torch excluded)")
    return problems


def _weights_keyword(source: HubSource, hub: HubInfo, loads: dict[str, SmokeResult]) -> Check:
    name = "a pretrained/weights keyword where weights exist"
    if not source.has_weights:
        return Check(name, "ok", "no weight files or URLs in the hub: nothing to switch off")
    models = [e for e in _entrypoints(hub) if not _auxiliary(loads.get(e.name))]
    lacking = [e.name for e in models if not takes_weight_keyword(e.signature)]
    if lacking:
        fix = "add `pretrained: bool = True` (or `weights=`) and load weights only when it is set"
        return Check(name, "failed", f"no pretrained= or weights= on {', '.join(lacking)}", fix=fix)
    return Check(name, "ok", f"{len(models)} model entrypoints take one")


def _auxiliary(result: SmokeResult | None) -> bool:
    return result is not None and result.status == "ok" and not result.is_module


def takes_weight_keyword(signature: str) -> bool:
    """Whether a signature has a `pretrained` or `weights` parameter."""
    return bool(set(parameters(signature)) & set(WEIGHT_KEYWORDS))


def parameters(signature: str) -> list[str]:
    """Parameter names of a signature string such as '(pretrained: bool = True, *, width=4) -> Net'."""
    return re.findall(r"(?:^\(|,)\s*\*{0,2}([A-Za-z_]\w*)\s*(?=[:=,)])", signature.split(") ->")[0] + ")")


def _weight_urls(source: HubSource, options: CheckOptions) -> Check:
    name = "weight URLs answer"
    if not source.weight_urls:
        return Check(name, "ok", "no weight URLs in the source")
    if options.offline:
        return Check(name, "skipped", f"{len(source.weight_urls)} URLs not checked (--offline)")
    answers = check_urls(source.weight_urls)
    lines = tuple(f"{a.url}: {a.detail}" for a in answers if a.answer != "ok")
    if any(a.answer == "missing" for a in answers):
        fix = "publish the files at these URLs (or fix the URLs in the source)"
        return Check(name, "failed", f"{len(lines)} of {len(answers)} do not answer", lines=lines, fix=fix)
    if lines:
        return Check(name, "warning", f"{len(lines)} of {len(answers)} not reachable from here", lines=lines)
    return Check(name, "ok", f"{len(answers)} URLs answer")


def _smoke_checks(hub_dir: Path, hub: HubInfo, options: CheckOptions) -> list[tuple[str, SmokeResult, Check]]:
    found = []
    for entrypoint in _entrypoints(hub):
        kwargs = _no_download_kwargs(entrypoint.signature)
        call = f"{entrypoint.name}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"
        if hub.method != "dynamic":
            result = SmokeResult(status="skipped", reason="hubconf.py does not import")
        else:
            request = SmokeRequest(
                hub_dir=hub_dir, entrypoint=entrypoint.name, kwargs=kwargs, timeout=options.smoke_timeout
            )
            result = smoke_entrypoint(request)
        found.append((entrypoint.name, result, _load_check(call, result)))
    return found


def _load_check(call: str, result: SmokeResult) -> Check:
    name = f"{call} loads on CPU without network"
    if result.status == "ok":
        size = f", {result.parameters:,} parameters" if result.parameters else ""
        return Check(name, "ok", f"{result.seconds or 0:.1f} s{size}")
    if result.status == "skipped":
        return Check(name, "skipped", result.reason)
    fix = "it must load with no network access and no downloads, within the timeout"
    return Check(name, "failed", result.reason, fix=fix)


def _no_download_kwargs(signature: str) -> dict[str, Any]:
    names = parameters(signature)
    if "pretrained" in names:
        return {"pretrained": False}
    return {"weights": None} if "weights" in names else {}


def _entrypoints(hub: HubInfo) -> list[EntrypointLock]:
    return [e for e in hub.entrypoints if e.kind in ("function", "class")]


def render_checklist(report: RepoReport) -> str:
    """The checklist as printed: one line per check, details and fixes indented under it."""
    lines = [f"check-repo {report.target}", ""]
    for check in report.checks:
        lines.append(f"{MARKS[check.status]} {check.name}" + (f": {check.detail}" if check.detail else ""))
        lines += [f"    {line}" for line in check.lines]
        if check.fix and check.status in ("failed", "warning"):
            lines.append(f"    fix: {check.fix}")
    failed, warned = len(report.failed), sum(check.status == "warning" for check in report.checks)
    verdict = "ready to propose" if not failed else "fix the ✗ lines and run check-repo again"
    lines += ["", f"{failed} failed, {warned} warnings: {verdict}"]
    return "\n".join(lines)
