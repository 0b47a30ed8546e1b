"""`merge`: shard files of a CI matrix (CPU and GPU runners) combine into one lock, or are refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.errors import InvalidInputError
from generator.lock import device_key, merge_shards
from generator.lock.records import EntryLock, EntrypointLock, Environment, Lock, ShardLock, SmokeResult
from generator.lock.shards import shard_of

IDS = ["alpha", "beta", "gamma"]
CPU = SmokeResult(status="ok", seconds=1.0, parameters=15)
CUDA = SmokeResult(status="ok", seconds=0.1, parameters=15, peak_device_memory_mb=8.0)
CPU_ENV = Environment(python="3.11", packages=["torch==2.14.1", "torchvision==0.29.1"])
GPU_ENV = Environment(python="3.11", packages=["nvidia-cublas==13.1.0", "torch==2.14.1", "torchvision==0.29.1"])


def record(entry_id: str, results: dict[str, SmokeResult], key: str = "k1", **fields: str) -> EntryLock:
    made = EntryLock(
        id=entry_id,
        key=key,
        repo="owner/name",
        commit="0" * 40,
        verified_at=fields.get("verified_at", "2026-11-28T10:00:00+00:00"),
        environments=dict.fromkeys(results, fields.get("environment", CPU_ENV.id)),
        entrypoints=[EntrypointLock(name="tiny", smoke=dict(results))],
        device_keys={device: device_key(key, device) for device in results},
    )
    return made


def shard(spec: str, devices: list[str], *records: EntryLock) -> ShardLock:
    environments = {e.id: e for e in (CPU_ENV, GPU_ENV)}
    used = {i for r in records for i in r.environments.values()}
    return ShardLock(
        shard=spec,
        devices=devices,
        environments={i: e for i, e in environments.items() if i in used},
        entries={r.id: r for r in records},
    )


def test_cpu_and_gpu_shards_of_one_entry_combine_their_devices() -> None:
    cpu = record("alpha", {"cpu": CPU})
    gpu = record("alpha", {"cuda": CUDA}, verified_at="2026-11-28T11:00:00+00:00", environment=GPU_ENV.id)
    shards = [(Path("gpu-1.json"), shard("1/1", ["cuda"], gpu)), (Path("cpu-1.json"), shard("1/1", ["cpu"], cpu))]
    report = merge_shards(Lock(), shards, IDS)
    merged = report.lock.entries["alpha"]
    assert merged.entrypoints[0].smoke == {"cpu": CPU, "cuda": CUDA}
    assert merged.device_keys == {"cpu": device_key("k1", "cpu"), "cuda": device_key("k1", "cuda")}
    assert merged.verified_at == "2026-11-28T11:00:00+00:00"
    # each device's results stay with the environment they were verified in
    assert merged.environments == {"cpu": CPU_ENV.id, "cuda": GPU_ENV.id}
    assert report.lock.environments == {CPU_ENV.id: CPU_ENV, GPU_ENV.id: GPU_ENV}
    assert (report.merged, report.kept, report.missing) == (["alpha"], [], ["beta", "gamma"])


def test_identical_records_in_two_shards_are_accepted() -> None:
    one = record("alpha", {"cpu": CPU})
    shards = [(Path("a.json"), shard("1/1", ["cpu"], one)), (Path("b.json"), shard("1/1", ["cpu"], one))]
    merged = merge_shards(Lock(), shards, IDS).lock.entries["alpha"]
    assert merged.entrypoints[0].smoke == {"cpu": CPU, "cuda": not_run()}


def not_run() -> SmokeResult:
    return SmokeResult(status="skipped", reason="not verified on cuda: no shard in the merge ran on one")


def test_two_runners_with_different_results_for_one_device_are_refused() -> None:
    slower = CPU.model_copy(update={"seconds": 2.0})
    shards = [
        (Path("a.json"), shard("1/1", ["cpu"], record("alpha", {"cpu": CPU}))),
        (Path("b.json"), shard("1/1", ["cpu"], record("alpha", {"cpu": slower}))),
    ]
    with pytest.raises(InvalidInputError, match=r"b\.json: entries\.alpha: holds other cpu results than a\.json"):
        merge_shards(Lock(), shards, IDS)


def test_records_built_from_other_inputs_are_refused_every_conflict_at_once() -> None:
    shards = [
        (Path("a.json"), shard("1/1", ["cpu"], record("alpha", {"cpu": CPU}), record("beta", {"cpu": CPU}))),
        (
            Path("b.json"),
            shard("1/1", ["cuda"], record("alpha", {"cuda": CUDA}, key="k2"), record("beta", {"cuda": CUDA}, key="k3")),
        ),
    ]
    with pytest.raises(InvalidInputError) as caught:
        merge_shards(Lock(), shards, IDS)
    assert [p.field for p in caught.value.problems] == ["entries.alpha", "entries.beta"]
    assert "differs from a.json in key (built from other inputs?)" in str(caught.value)


def test_a_shard_with_entries_it_should_not_hold_is_refused() -> None:
    elsewhere = next(e for e in IDS if shard_of(e, 2) == 2)
    bad = shard("1/2", ["cpu"], record(elsewhere, {"cpu": CPU}), record("removed", {"cpu": CPU}))
    with pytest.raises(InvalidInputError) as caught:
        merge_shards(Lock(), [(Path("s.json"), bad)], IDS)
    messages = [str(p) for p in caught.value.problems]
    assert f"s.json: entries.{elsewhere}: belongs to shard 2/2, not 1/2" in messages
    assert any(re.match(r"s\.json: entries\.removed: not in the catalogue", m) for m in messages)


def test_entries_in_no_shard_keep_their_previous_record() -> None:
    previous = Lock(entries={"beta": record("beta", {"cpu": CPU})})
    report = merge_shards(previous, [(Path("a.json"), shard("1/1", ["cpu"], record("alpha", {"cpu": CPU})))], IDS)
    assert report.lock.entries["beta"] == previous.entries["beta"]
    assert (report.merged, report.kept, report.missing) == (["alpha"], ["beta"], ["gamma"])


def test_a_device_no_shard_ran_is_carried_over_from_the_previous_lock_while_its_key_holds() -> None:
    previous = Lock(
        entries={"alpha": record("alpha", {"cpu": CPU, "cuda": CUDA}), "beta": record("beta", {"cuda": CUDA})}
    )
    fresh = CPU.model_copy(update={"seconds": 0.5})
    cpu_only = shard("1/1", ["cpu"], record("alpha", {"cpu": fresh}), record("beta", {"cpu": fresh}, key="k9"))
    merged = merge_shards(previous, [(Path("a.json"), cpu_only)], IDS).lock
    assert merged.entries["alpha"].entrypoints[0].smoke == {"cpu": fresh, "cuda": CUDA}
    assert merged.entries["beta"].entrypoints[0].smoke == {"cpu": fresh, "cuda": not_run()}
    assert set(merged.entries["beta"].device_keys) == {"cpu"}
