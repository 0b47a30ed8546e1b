"""Per-device results: which devices a machine must run, and what a shard file keeps."""

from __future__ import annotations

from generator.lock import carry_over, device_key, devices_to_run, only_devices
from generator.lock.records import EntryLock, EntrypointLock, SmokeResult

OK = SmokeResult(status="ok", seconds=1.0)


def built_on(devices: list[str], key: str = "k1") -> EntryLock:
    return EntryLock(
        id="alpha",
        key=key,
        repo="owner/name",
        commit="0" * 40,
        verified_at="2026-11-28T10:00:00+00:00",
        environments=dict.fromkeys(devices, "env-1"),
        entrypoints=[EntrypointLock(name="tiny", smoke=dict.fromkeys(devices, OK))],
        device_keys={device: device_key(key, device) for device in devices},
    )


def test_a_gpu_machine_runs_only_cuda_for_an_entry_a_cpu_machine_built() -> None:
    assert devices_to_run(built_on(["cpu"]), "k1", ["cpu", "cuda"]) == ["cuda"]
    assert devices_to_run(built_on(["cpu", "cuda"]), "k1", ["cpu", "cuda"]) == []
    assert devices_to_run(built_on(["cpu", "cuda"]), "k2", ["cpu"]) == ["cpu"]
    assert devices_to_run(None, "k1", ["cpu"]) == ["cpu"]


def test_only_results_whose_device_key_holds_are_carried_over() -> None:
    fresh = built_on(["cpu"])
    assert carry_over(fresh, built_on(["cpu", "cuda"]), ["cuda"]) == ["cuda"]
    assert fresh.entrypoints[0].smoke == {"cpu": OK, "cuda": OK}
    other = built_on(["cpu"], key="k2")
    assert carry_over(other, built_on(["cpu", "cuda"]), ["cuda"]) == []
    assert "cuda" not in other.entrypoints[0].smoke


def test_a_shard_file_holds_the_devices_its_run_built() -> None:
    kept = only_devices(built_on(["cpu", "cuda"]), ["cuda"])
    assert kept.entrypoints[0].smoke == {"cuda": OK}
    assert list(kept.device_keys) == ["cuda"]
