"""Fixtures for the example hub repos: the held-out split and the shipped, pretrained models."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import torch

from tests.examples.support import DIGITS, DIGITS_VAE, hub_load, load_by_path


@dataclass(frozen=True)
class HeldOut:
    """The held-out digits both examples report on, as raw pixels and as model input."""

    split: Any
    images: torch.Tensor
    labels: torch.Tensor


@pytest.fixture(scope="session")
def held_out() -> HeldOut:
    """The 20 % test split, made by the same code as in train.py, normalized by the shipped transform."""
    split = load_by_path(DIGITS / "data.py").load_split()
    transform = load_by_path(DIGITS / "transforms.py").DigitsTransform()
    return HeldOut(split, transform(split.test_images), torch.from_numpy(split.test_labels))


@pytest.fixture(scope="session")
def classifier() -> Any:
    """The pretrained digits classifier, loaded with torch.hub."""
    return hub_load(DIGITS, "digits_classifier")


@pytest.fixture(scope="session")
def vae() -> Any:
    """The pretrained digits VAE, loaded with torch.hub."""
    return hub_load(DIGITS_VAE, "digits_vae")
