"""Shards: a deterministic, stable slice of the catalogue per CI job."""

from __future__ import annotations

import pytest

from generator.lock import Shard
from generator.lock.shards import shard_of

IDS = [f"model-{n}" for n in range(200)]


def test_every_entry_is_in_exactly_one_shard() -> None:
    shards = [Shard(i, 4) for i in range(1, 5)]
    for entry_id in IDS:
        assert sum(shard.contains(entry_id) for shard in shards) == 1


def test_the_slices_are_even_enough() -> None:
    sizes = [sum(Shard(i, 4).contains(e) for e in IDS) for i in range(1, 5)]
    assert min(sizes) >= 35, sizes


def test_an_entrys_shard_depends_on_its_id_alone() -> None:
    """Known values: the slice must not change between Python runs, machines or catalogue edits."""
    assert [shard_of(entry_id, 3) for entry_id in ("resnet", "detr", "digits")] == [2, 3, 2]


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "a/b", "1-3", "", "1/3/5"])
def test_a_malformed_shard_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"expected a shard as I/N with 1 <= I <= N"):
        Shard.parse(text)


def test_a_shard_reads_and_prints_as_i_of_n() -> None:
    assert str(Shard.parse(" 2/5 ")) == "2/5"
