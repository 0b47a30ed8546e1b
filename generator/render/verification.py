"""What the build found for an entry, as pages say it: badges, the table's cell, the environment, statuses.

Every verdict comes from the lock's own rules (`EntryLock.verdict`, `EntryLock.device_state`,
`EntrypointLock.featured`); this module only words them.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from generator.lock.records import DEVICES, FAILING, STATUS_MEANINGS, EntryLock, Environment, Lock, SmokeResult
from generator.render import requirements
from generator.render.markup import code_span

DEVICE_LABELS = {"cpu": "CPU", "cuda": "GPU"}
# How the all-models table shows a device's state ('CPU ✓ GPU –'); the page's legend says the same.
STATE_SYMBOLS = {"ok": "✓", "failed": "✗", "needs-network": "↓", "skipped": "–"}
STATE_LEGEND = "✓ loaded · ✗ failed · ↓ needs the network · – not run"
VERDICT_WORDS = {"verified": "Verified", "failed": "Failed", "unverified": "Checked", "unfetchable": "Checked"}
MAX_REASON = 160


@dataclass(frozen=True)
class Badge:
    """A verification badge: 'CPU ✓', 'GPU ✗ failed', 'GPU not verified', 'import ✗ failed', 'not verified'."""

    label: str
    state: str  # ok | failed | needs-network | skipped | unverified
    detail: str = ""

    @property
    def text(self) -> str:
        """What the badge says, readable without its colour."""
        if self.state == "ok":
            return f"{self.label} ✓"
        if self.state == "failed":
            return f"{self.label} ✗ failed"
        if self.state == "needs-network":
            return f"{self.label} needs the network"
        return "not verified" if self.state == "unverified" else f"{self.label} not verified"


def badges(record: EntryLock | None, environment: Environment | None) -> list[Badge]:
    """One badge per device the featured entrypoints were smoke-loaded on, and one for a failed import
    or install; a single 'not verified' badge when there is neither."""
    if record is None or not record.verified:
        why = "the build could not fetch it" if record and record.stale else "never built"
        return [Badge("not verified", "unverified", why)]
    detail = f"{record.verified_at[:10]}" + (f" · Python {environment.python}" if environment else "")
    found = [
        Badge(DEVICE_LABELS.get(device, device), state, detail)
        for device in DEVICES
        if (state := record.device_state(device)) is not None
    ]
    if record.environment_error:
        found.insert(0, Badge("install", "failed", detail))
    elif record.introspection_error:
        found.insert(0, Badge("import", "failed", detail))
    return found or [Badge("not verified", "unverified", "no featured entrypoint was smoke-loaded")]


def device_summary(record: EntryLock | None) -> str:
    """The all-models table's cell: 'CPU ✓ GPU –', 'import ✗', 'not verified'."""
    if record is None or not record.verified:
        return "not verified"
    cells = [
        f"{DEVICE_LABELS.get(device, device)} {STATE_SYMBOLS[state]}"
        for device in DEVICES
        if (state := record.device_state(device)) is not None
    ]
    if record.environment_error or record.introspection_error:
        cells.insert(0, "install ✗" if record.environment_error else "import ✗")
    return " ".join(cells) or "not verified"


def environment_line(lock: Lock, record: EntryLock | None) -> str:
    """'Verified with torch 2.14.1, torchvision 0.29.1, timm==1.0.9 (Python 3.11) on 2026-11-28'.

    Per device ('Verified with … on CPU and with … on GPU, on 2026-11-28') when their environments differ.
    """
    if record is None or not record.verified:
        return "Not verified by any build yet"
    verb, date = VERDICT_WORDS[record.verdict], record.verified_at[:10]
    groups = environment_groups(lock, record)
    if not groups:
        return f"{verb} on {date}"
    if len(groups) == 1:
        return f"{verb} with {_versions(record, groups[0][1])} on {date}"
    parts = [f"with {_versions(record, environment)} on {' and '.join(labels)}" for labels, environment in groups]
    return f"{verb} {' and '.join(parts)}, on {date}"


def environment_groups(lock: Lock, record: EntryLock) -> list[tuple[list[str], Environment]]:
    """The environments `record` was verified in, each with the labels of its devices, in device order."""
    groups: dict[str, tuple[list[str], Environment]] = {}
    for device in sorted(record.environments, key=_device_order):
        environment = lock.environments.get(record.environments[device])
        if environment is not None:
            groups.setdefault(environment.id, ([], environment))[0].append(DEVICE_LABELS.get(device, device))
    return list(groups.values())


def _versions(record: EntryLock, environment: Environment) -> str:
    held = requirements.verified_versions(record.requirements, environment)
    return f"{', '.join(held)} (Python {environment.python})" if held else f"Python {environment.python}"


def _device_order(device: str) -> tuple[int, str]:
    return (DEVICES.index(device) if device in DEVICES else len(DEVICES), device)


def by_device(smoke: dict[str, SmokeResult]) -> list[tuple[str, SmokeResult]]:
    """CPU first, then GPU, then anything else: the order readers scan a table in."""
    return sorted(smoke.items(), key=lambda item: _device_order(item[0]))


def status_symbol(status: str, featured: bool) -> str:
    """✓ for a load, ✗ for a failure (needing arguments fails only a featured entrypoint), – otherwise."""
    if status == "ok":
        return "✓"
    if status in FAILING and (featured or status != "needs-arguments"):
        return "✗"
    return "–"


def smoke_cell(result: SmokeResult, featured: bool = True) -> Markup:
    """'✓ ok', '✗ error: `ValueError: bad`', '– needs-network: `reason`' for a table cell."""
    text = Markup("{} {}").format(status_symbol(result.status, featured), result.status)
    reason = result.reason
    if result.error_type and not reason.startswith(result.error_type):
        reason = f"{result.error_type}: {reason}" if reason else result.error_type
    reason = reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"
    return text + Markup(": ") + code_span(reason) if reason.strip() else text


def meanings(statuses: list[str]) -> list[tuple[str, str]]:
    """(status, what it means) for each distinct status in `statuses`, in the order of STATUS_MEANINGS."""
    present = set(statuses)
    return [(status, meaning) for status, meaning in STATUS_MEANINGS.items() if status in present]
