"""lock-diff: every kind of change lands in its section, and hub text cannot format the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from generator.lock import write_lock
from generator.lock.records import EntryLock, EntrypointLock, Environment, Lock, SmokeResult, Stale
from generator.maintain import diff_locks, diff_markdown
from support.hubrepos import PROJECT_ROOT

A = "a" * 40
B = "b" * 40


def record(entry_id: str, commit: str = A, **fields: object) -> EntryLock:
    data = {
        "id": entry_id,
        "key": "k",
        "repo": f"owner/{entry_id}",
        "commit": commit,
        "verified_at": "2026-01-01T00:00:00+00:00",
        "dependencies": ["torch"],
        **fields,
    }
    return EntryLock.model_validate(data)


def entrypoint(
    name: str, cpu: str = "ok", reason: str = "", signature: str = "(pretrained=False)", featured: bool = True
) -> EntrypointLock:
    result = SmokeResult(status=cpu, reason=reason, seconds=0.5)  # type: ignore[arg-type]
    return EntrypointLock(name=name, signature=signature, featured=featured, smoke={"cpu": result})


OLD = Lock(
    entries={
        "breaks": record("breaks", entrypoints=[entrypoint("net")]),
        "heals": record("heals", entrypoints=[entrypoint("net", "error", "OSError: gone")]),
        "moves": record("moves", dependencies=["torch"], entrypoints=[entrypoint("net"), entrypoint("old")]),
        "vanishes": record("vanishes", entrypoints=[entrypoint("net")]),
        "same": record("same", entrypoints=[entrypoint("net")]),
        "goes": record("goes"),
    }
)
NEW = Lock(
    entries={
        "breaks": record("breaks", entrypoints=[entrypoint("net", "error", "RuntimeError: `boom` @maintainers\nx")]),
        "heals": record("heals", entrypoints=[entrypoint("net")]),
        "moves": record(
            "moves",
            B,
            dependencies=["torch", "timm"],
            entrypoints=[entrypoint("net", signature="(pretrained=False, size=224)"), entrypoint("new")],
        ),
        "vanishes": record(
            "vanishes",
            entrypoints=[entrypoint("net")],
            stale=Stale(reason="cannot fetch: repository not found", attempted_at="2026-01-02T00:00:00+00:00"),
        ),
        "same": record("same", entrypoints=[entrypoint("net")], verified_at="2026-01-02T00:00:00+00:00"),
        "arrives": record("arrives", entrypoints=[entrypoint("net", "missing-dependency", "ImportError: no timm")]),
    }
)


def test_each_change_is_reported_in_its_section() -> None:
    report = diff_markdown(diff_locks(OLD, NEW))
    assert report == (
        "## Lock changes\n"
        "\n"
        "7 entries compared: 3 newly failing, 1 recovered, 1 changed upstream, 1 added, 1 removed, 1 unchanged.\n"
        "\n"
        "### Newly failing\n"
        "\n"
        "- **arrives**\n"
        "  - `net` on cpu: new → missing-dependency: `ImportError: no timm`\n"
        "- **breaks**\n"
        "  - `net` on cpu: ok → error: `RuntimeError: 'boom' @maintainers x`\n"
        "- **vanishes**\n"
        "  - cannot be fetched: `cannot fetch: repository not found`\n"
        "\n"
        "### Recovered\n"
        "\n"
        "- **heals**\n"
        "  - `net` on cpu: error → ok (0.5 s)\n"
        "\n"
        "### Changed upstream\n"
        "\n"
        "- **moves**\n"
        "  - commit `aaaaaaaaaaaa` → `bbbbbbbbbbbb`\n"
        "  - entrypoint added: `new`\n"
        "  - entrypoint removed: `old`\n"
        "  - signature of `net`: `(pretrained=False)` → `(pretrained=False, size=224)`\n"
        "  - dependency added: `timm`\n"
        "\n"
        "### Added\n"
        "\n"
        "- **arrives**\n"
        "\n"
        "### Removed\n"
        "\n"
        "- **goes**\n"
    )


def test_helpers_that_need_arguments_are_not_failures() -> None:
    """A name the catalogue does not feature fails nothing; a featured one that needs arguments does."""
    old = Lock(entries={"hub": record("hub", entrypoints=[entrypoint("net"), entrypoint("Path", featured=False)])})
    found = [
        entrypoint("net", "needs-arguments", "TypeError: cfg"),
        entrypoint("Path", "needs-arguments", featured=False),
    ]
    diff = diff_locks(old, Lock(entries={"hub": record("hub", entrypoints=found)}))
    assert diff.entries["hub"].failing == ["`net` on cpu: ok → needs-arguments: `TypeError: cfg`"]
    assert diff.entries["hub"].other == ["`Path` on cpu: ok → needs-arguments"]


def test_versions_the_entry_was_verified_with_are_compared() -> None:
    before = Environment(python="3.11", packages=["timm==0.9.16", "torch==2.13.0"])
    after = Environment(python="3.12", packages=["timm==1.0.9", "torch==2.14.1"])
    locks = [
        Lock(
            environments={environment.id: environment},
            entries={
                "hub": record(
                    "hub",
                    environments={"cpu": environment.id},
                    requirements=["timm>=0.9"],
                    entrypoints=[entrypoint("net")],
                )
            },
        )
        for environment in (before, after)
    ]
    old, new = locks
    assert diff_locks(old, new).entries["hub"].other == [
        "verified with Python 3.12 (was 3.11)",
        "verified with `torch` `2.14.1` (was `2.13.0`)",
        "verified with `timm` `1.0.9` (was `0.9.16`)",
    ]


def test_hub_text_stays_inside_one_line_of_inline_code() -> None:
    report = diff_markdown(diff_locks(OLD, NEW))
    line = next(line for line in report.splitlines() if "RuntimeError" in line)
    assert line.count("`") == 4  # the entrypoint's code span and the message's, nothing breaks out
    assert "@maintainers" in line.split("`")[3]  # a mention inside code does not notify anyone


def test_the_command_reads_two_lock_files_and_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_lock(tmp_path / "old.lock", OLD)
    write_lock(tmp_path / "new.lock", NEW)
    body = tmp_path / "out" / "body.md"
    arguments = ["--root", str(PROJECT_ROOT), "lock-diff", str(tmp_path / "old.lock"), str(tmp_path / "new.lock")]
    assert main([*arguments, "--output", str(body)]) == 0
    assert capsys.readouterr().out == body.read_text(encoding="utf-8") == diff_markdown(diff_locks(OLD, NEW))
    assert (
        main(["--root", str(PROJECT_ROOT), "lock-diff", str(tmp_path / "none.lock"), str(tmp_path / "new.lock")]) == 0
    )
    assert "6 added" in capsys.readouterr().out
