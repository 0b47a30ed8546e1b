"""`check-repo`: the preflight a model owner runs before proposing a model.

Every check is a value (`Check`); the hub's code runs only in the sandbox, through the introspect and
smoke stages and the side-effect probe, with the Python of a verification environment made as the
build makes one (hub_probe.py): the catalogue's torch pair and the hub's dependencies, plus any
package the hub turned out to import without declaring it (named with its PyPI name). Weight URLs are
checked from this process with HEAD requests; an unreachable one is a warning (the machine may be
offline), never a failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from generator.catalogue.model import VerificationSetting
from generator.environments import distribution
from generator.environments.loader import loader_path
from generator.fetch import FetchError, FetchRequest, fetch_checkout
from generator.introspect import HubInfo
from generator.lock.records import EntrypointLock, SmokeResult
from generator.maintain.hub_probe import Load, ProbedHub, ProbeSettings, no_download_kwargs, probe_hub
from generator.maintain.hub_source import HubSource, comparable_name, read_hub_source
from generator.maintain.remote import parse_spec, resolve_ref
from generator.maintain.weights import check_urls
from generator.sandbox import Limits, run_probe

IMPORT_PROBE = Path(__file__).with_name("import_probe.py")
Status = Literal["ok", "failed", "warning", "skipped"]
MARKS = {"ok": "✓", "failed": "✗", "warning": "!", "skipped": "-"}
WEIGHT_KEYWORDS = ("pretrained", "weights")
LOADS = "loads on CPU without network"
SKIPPED = SmokeResult(status="skipped")
# Fetch failures of a commit that exists: the checklist reports them (the repository may be fine elsewhere).
FETCHED_LATER = ("missing-objects", "unreachable", "timeout", "offline")


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
    """Limits of the checks (what counts as a heavy import, how long a load may take, no HEAD requests), and
    the environment the hub is loaded in: the catalogue's verification pair, made where the build makes its own.
    """

    subdir: str = ""
    offline: bool = False
    import_seconds: float = 10.0
    printed_bytes: int = 1_000_000
    smoke_timeout: float = 120.0
    verification: VerificationSetting = field(default_factory=VerificationSetting)
    environments: Path | None = None
    requirements: tuple[str, ...] = ()

    def probe_settings(self) -> ProbeSettings:
        """How to make the hub's environment and load it, as the build would."""
        return ProbeSettings(self.verification, self.environments, self.requirements, True, self.smoke_timeout)


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

    A commit that exists but cannot be fetched from here (a mirror that lacks some of its files, a
    network failure) is a failed first check, not an error: the checklist says why.

    Raises:
        GeneratorError: the repository or ref cannot be reached, or the commit is not in the repository.
    """
    spec = parse_spec(spec_text)
    if spec.local_dir is not None and not spec.ref:
        hub_dir = spec.local_dir / options.subdir
        return RepoReport(f"{hub_dir} (working tree)", hub_dir, run_checks(hub_dir, options))
    resolved = resolve_ref(spec.url, spec.ref)
    where = f" in {options.subdir}" if options.subdir else ""
    target = f"{spec.repo}@{resolved.ref} ({resolved.commit[:12]}){where}"
    try:
        checkout = fetch_checkout(FetchRequest(spec.url, resolved.commit, options.subdir), Path.cwd(), cache_dir)
    except FetchError as error:
        if error.kind not in FETCHED_LATER:
            raise
        fix = "fetch it where the whole repository can be reached (docs/mirrors.md: make the mirror again)"
        return RepoReport(target, Path(), [Check("repository fetched", "failed", str(error), fix=fix)])
    return RepoReport(target, checkout.hub_dir, run_checks(checkout.hub_dir, options))


def run_checks(hub_dir: Path, options: CheckOptions) -> list[Check]:
    """Every check on the hub in `hub_dir`, in the order the checklist shows them."""
    if not (hub_dir / "hubconf.py").is_file():
        fix = "add hubconf.py at the repository root (or pass --subdir to the folder that holds it)"
        return [Check("hubconf.py found", "failed", f"no hubconf.py in {hub_dir}", fix=fix)]
    source = read_hub_source(hub_dir)
    probed = probe_hub(hub_dir, options.probe_settings())
    return [
        Check("hubconf.py found", "ok", str(hub_dir / "hubconf.py")),
        _declared(source, probed.hub),
        _importable(probed, options),
        _docstrings(probed),
        _side_effects(hub_dir, options, probed),
        _weights_keyword(source, probed),
        _weight_urls(source, options),
        *_imported_names(probed),
        *_load_checks(probed),
    ]


def _declared(source: HubSource, hub: HubInfo) -> Check:
    name = "dependencies declared"
    if not source.declares_dependencies:
        fix = 'add `dependencies = ["torch", ...]` to hubconf.py: the packages its entrypoints import'
        return Check(name, "failed", "hubconf.py has no `dependencies` list", fix=fix)
    declared = {comparable_name(item) for item in hub.dependencies}
    undeclared = [module for module in source.imports if comparable_name(module) not in declared]
    listed = ", ".join(hub.dependencies) or "none"
    if undeclared:
        fix = f"add {', '.join(undeclared)} to `dependencies` (torch.hub checks only what it lists)"
        return Check(name, "warning", f"{listed}; hubconf.py also imports {', '.join(undeclared)}", fix=fix)
    return Check(name, "ok", listed)


def _importable(probed: ProbedHub, options: CheckOptions) -> Check:
    name = "dependencies importable"
    hub = probed.hub
    if probed.environment is None:
        fix = "declare packages that install from PyPI (import names are mapped: cv2 → opencv-python)"
        return Check(name, "failed", f"no verification environment: {probed.environment_error}", fix=fix)
    if hub.method != "dynamic":
        if probed.unresolved:
            fix = "declare every package the hub imports in `dependencies`, installable from PyPI"
            missing = ", ".join(_pypi(module) for module in probed.unresolved)
            why = f"; {probed.environment_error}" if probed.environment_error else ""
            return Check(name, "failed", f"hubconf.py still lacks {missing}{why}", fix=fix)
        fix = "import it yourself to see the whole error: cd <repo> && python -c 'import hubconf'"
        return Check(name, "failed", f"hubconf.py does not import: {hub.error}", fix=fix)
    where = f"{len(probed.own)} entrypoints, imported with {_environment(probed, options)}"
    if probed.added:
        names = ", ".join(_pypi(module) for module in probed.added)
        fix = (
            f"add {', '.join(probed.added)} to `dependencies` (torch.hub checks only what it lists); "
            f"until then the catalogue entry needs `requirements: [{', '.join(probed.added.values())}]`"
        )
        return Check(name, "warning", f"{where}, once it had {names}, which hubconf.py does not declare", fix=fix)
    return Check(name, "ok", where)


def _pypi(module: str) -> str:
    """'cv2 (PyPI: opencv-python)', or just the name when the distribution is named alike."""
    published = distribution(module)
    return module if published == module else f"{module} (PyPI: {published})"


def _environment(probed: ProbedHub, options: CheckOptions) -> str:
    """'Python 3.11, torch 2.14.1, torchvision 0.29.1, timm' — what the environment was asked for."""
    verification = options.verification
    pair = f"Python {verification.python}, torch {verification.torch}"
    if verification.torchvision:
        pair += f", torchvision {verification.torchvision}"
    return ", ".join([pair, *probed.requirements])


def _docstrings(probed: ProbedHub) -> Check:
    name = "every entrypoint has a docstring"
    own = probed.own
    lacking = [e.name for e in own if not e.docstring.strip()]
    if not own:
        return Check(name, "failed", "no entrypoints found", fix="define at least one public function in hubconf.py")
    if lacking:
        fix = "add a docstring to each: the model page and torch.hub.help show it"
        return Check(name, "failed", f"missing on {', '.join(lacking)}", fix=fix)
    return Check(name, "ok", ", ".join(e.name for e in own))


def _side_effects(hub_dir: Path, options: CheckOptions, probed: ProbedHub) -> Check:
    name = "importing hubconf.py is light (no network, little output, quick)"
    if probed.environment is None:
        return Check(name, "skipped", "no verification environment; see above")
    timeout = max(3 * options.import_seconds, 30.0)
    outcome = run_probe(
        IMPORT_PROBE,
        [str(hub_dir)],
        Limits(timeout=timeout),
        python=probed.environment.python,
        readable=[hub_dir],
        import_paths=(loader_path(options.probe_settings().environments_dir),),
    )
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


def _weights_keyword(source: HubSource, probed: ProbedHub) -> Check:
    name = "a pretrained/weights keyword where weights exist"
    if not source.has_weights:
        return Check(name, "ok", "no weight files or URLs in the hub: nothing to switch off")
    models = [e for e in probed.own if not _helper(probed.load(e.name))]
    lacking = [e.name for e in models if not takes_weight_keyword(e.signature)]
    if lacking:
        fix = "add `pretrained: bool = True` (or `weights=`) and load weights only when it is set"
        return Check(name, "failed", f"no pretrained= or weights= on {', '.join(lacking)}", fix=fix)
    return Check(name, "ok", f"{len(models)} model entrypoints take one")


def _helper(load: Load | None) -> bool:
    """A load that shows a helper rather than a model: it returned something else, or needs arguments."""
    if load is None:
        return False
    return (load.result.status == "ok" and not load.result.is_module) or load.result.status == "needs-arguments"


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


def _imported_names(probed: ProbedHub) -> list[Check]:
    if not probed.imported:
        return []
    name = "entrypoints are the hub's own"
    names = ", ".join(probed.imported)
    detail = f"torch.hub.list also offers names hubconf.py imports from elsewhere (not loaded): {names}"
    fix = "import helpers under a private name (`from pathlib import Path as _Path`) or delete them after use"
    return [Check(name, "warning", detail, fix=fix)]


def _load_checks(probed: ProbedHub) -> list[Check]:
    if probed.loads:
        return [_load_check(load) for load in probed.loads]
    why = "no verification environment" if probed.environment is None else "hubconf.py does not import"
    return [
        Check(f"{Load(e.name, no_download_kwargs(e.signature), SKIPPED).call} {LOADS}", "skipped", why)
        for e in probed.own
    ]


def _load_check(load: Load) -> Check:
    name = f"{load.call} {LOADS}"
    result = load.result
    if result.status == "ok":
        size = f", {result.parameters:,} parameters" if result.parameters else ""
        returned = "" if result.is_module else f", returned {result.returned or 'something'} (not a model)"
        return Check(name, "ok", f"{result.seconds or 0:.1f} s{size}{returned}")
    if result.status == "skipped":
        return Check(name, "skipped", result.reason)
    if result.status == "needs-arguments":
        fix = "give its arguments defaults if it is a model, or make it private (`_name`) if it is a helper"
        return Check(name, "warning", f"needs arguments, so not a model by itself: {result.reason}", fix=fix)
    fix = "it must load with no network access and no downloads, within the timeout"
    return Check(name, "failed", f"{result.status}: {result.reason}", fix=fix)


def _own(probed: ProbedHub) -> list[EntrypointLock]:
    return probed.own


def checklist_text(report: RepoReport) -> str:
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
