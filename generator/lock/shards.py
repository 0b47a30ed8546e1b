"""Slices of the catalogue for a CI matrix: `lock --shard I/N` verifies the I-th of N slices.

An entry's slice comes from a stable hash of its id, so it never depends on the catalogue's order or
size: adding an entry never moves another one to a different shard.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

SHARD_PATTERN = re.compile(r"^([1-9][0-9]*)/([1-9][0-9]*)$")


@dataclass(frozen=True)
class Shard:
    """The `index`-th (1-based) of `count` slices."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """'2/4' → Shard(2, 4).

        Raises:
            ValueError: not 'I/N' with 1 <= I <= N.
        """
        match = SHARD_PATTERN.match(text.strip())
        if match is None or int(match.group(1)) > int(match.group(2)):
            raise ValueError(f"expected a shard as I/N with 1 <= I <= N (e.g. 2/4), got {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def contains(self, entry_id: str) -> bool:
        """Whether entry `entry_id` is in this slice."""
        return shard_of(entry_id, self.count) == self.index


def shard_of(entry_id: str, count: int) -> int:
    """The 1-based slice of `count` that `entry_id` belongs to."""
    number = int.from_bytes(hashlib.sha256(entry_id.encode()).digest()[:8], "big")
    return number % count + 1
