"""What a probe's outcome means: the status of an import or a load, and the message a page shows.

Shared by the introspect and smoke stages, which run probes in the sandbox and must tell apart a
helper that needs arguments, code that needs the network, a package nobody declared, and a real
error, the same way.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from generator.lock.records import Status
from generator.sandbox import Outcome

# Paths of the machine that built: the probe's scratch home, a verification environment, a checkout in
# the build cache, the loader's copy. A message keeps what it says of them, not where they were.
MACHINE_PATHS = (
    (re.compile(r"/[^\s'\"]*/pinhub-sandbox-[^/\s'\"]+/[^/\s'\"]+/[^/\s'\"]+/home"), "~"),
    (re.compile(r"/[^\s'\"]*/pinhub-sandbox-[^/\s'\"]+/[^/\s'\"]+/[^/\s'\"]+"), "<scratch>"),
    (re.compile(r"/[^\s'\"]*/environments/[0-9a-f]{16}/lib/python3\.\d+/site-packages/"), "site-packages/"),
    (re.compile(r"/[^\s'\"]*/environments/[0-9a-f]{16}/"), "<environment>/"),
    (re.compile(r"/[^\s'\"]*/checkouts/[^/\s'\"]+-[0-9a-f]{40}/"), ""),
    (re.compile(r"/[^\s'\"]*/loader/[0-9a-f]{16}/pinhub/"), "pinhub/"),
)
MISSING_ARGUMENTS = re.compile(r"missing \d+ required (positional|keyword-only) arguments?")
NETWORK_ERRORS = {"URLError", "HTTPError", "ConnectionError", "ConnectionRefusedError", "gaierror", "OfflineError"}
READ_ONLY = re.compile(r"\[Errno 30\] Read-only file system")
NETWORK_WORDS = re.compile(r"network access is blocked|PINHUB_OFFLINE|Name or service not known|Network is unreachable")


def public_text(text: str, hub_dir: Path | None = None) -> str:
    """`text` without pinhub's private package prefixes, and without the build machine's paths (a path in
    the hub's folder becomes relative to it), so what is recorded is the same on every machine."""
    if hub_dir is not None:
        text = text.replace(f"{hub_dir}/", "")
    for pattern, replacement in MACHINE_PATHS:
        text = pattern.sub(replacement, text)
    from pinhub._isolation import public_name  # the loader's own rule, loaded only when a probe failed

    return public_name(text)


def classify(outcome: Outcome, timeout: float, hub_dir: Path) -> tuple[Status, str]:
    """(status, one-line reason) of a probe that did not succeed."""
    result = outcome.result
    if result is None:
        if outcome.timed_out:
            return "timeout", f"timed out after {timeout:g} s"
        return "error", public_text(outcome.failure, hub_dir)
    message = public_text(f"{result.get('error_type')}: {result.get('message')}", hub_dir)
    if needs_network(result):
        return "needs-network", message
    missing = missing_packages(result, hub_dir)
    if missing:
        names = ", ".join(missing)
        return "missing-dependency", f"imports {names}, which neither the hub nor the catalogue declares ({message})"
    if result.get("error_type") == "TypeError" and MISSING_ARGUMENTS.search(str(result.get("message"))):
        return "needs-arguments", message
    if READ_ONLY.search(str(result.get("message"))):
        return "error", f"writes into files the sandbox keeps read-only, such as its own folder ({message})"
    return "error", message


def needs_network(result: dict[str, Any]) -> bool:
    """The probe tried to reach the network (and its failure followed from the sandbox refusing it)."""
    if int(result.get("network_attempts") or 0) > 0:
        return True
    return str(result.get("error_type")) in NETWORK_ERRORS or bool(NETWORK_WORDS.search(str(result.get("message"))))


def missing_packages(result: dict[str, Any], hub_dir: Path) -> list[str]:
    """The packages a failed import lacked: the unmet `dependencies`, or the module an import statement named."""
    if result.get("unmet"):
        return [str(item) for item in result["unmet"]]
    top = public_text(str(result.get("missing_module") or "")).split(".")[0]
    if result.get("error_type") != "ModuleNotFoundError" or not top:
        return []
    if (hub_dir / f"{top}.py").is_file() or (hub_dir / top).is_dir():
        return []  # the hub's own module is broken or incomplete: not a package to install
    return [top]
