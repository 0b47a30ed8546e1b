"""The held-out split of scikit-learn's handwritten digits that training and evaluation share.

Both examples (the classifier here and the VAE in ../digits-vae) train on the same
80 % of ``sklearn.datasets.load_digits()`` and report metrics on the same 20 %.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 0
TEST_SIZE = 0.2
DATASET = "sklearn.datasets.load_digits (UCI ML hand-written digits, 1797 8x8 images, 0..16 scale)"


@dataclass(frozen=True)
class DigitsSplit:
    """A stratified train/test split; images are (N, 8, 8) on the 0..16 scale, labels are (N,)."""

    train_images: npt.NDArray[np.float64]
    train_labels: npt.NDArray[np.int64]
    test_images: npt.NDArray[np.float64]
    test_labels: npt.NDArray[np.int64]
    test_indices: npt.NDArray[np.int64]

    def describe(self) -> dict[str, Any]:
        """How the split was made, as recorded in each example's metrics.json."""
        return {
            "method": "sklearn.model_selection.train_test_split, stratified by label",
            "test_size": TEST_SIZE,
            "random_state": SEED,
            "n_train": len(self.train_labels),
            "n_test": len(self.test_labels),
            "test_indices_sha256": fingerprint(self.test_indices),
        }


def load_split() -> DigitsSplit:
    """Split the 1797 digits 80/20, stratified by label, with a fixed random state."""
    digits = load_digits()
    indices = np.arange(len(digits.target), dtype=np.int64)
    train_idx, test_idx = train_test_split(indices, test_size=TEST_SIZE, stratify=digits.target, random_state=SEED)
    images = np.asarray(digits.images, dtype=np.float64)
    labels = np.asarray(digits.target, dtype=np.int64)
    return DigitsSplit(
        train_images=images[train_idx],
        train_labels=labels[train_idx],
        test_images=images[test_idx],
        test_labels=labels[test_idx],
        test_indices=np.asarray(test_idx, dtype=np.int64),
    )


def fingerprint(indices: npt.NDArray[np.int64]) -> str:
    """SHA-256 of the indices, so a changed split cannot pass for the recorded one."""
    return hashlib.sha256(np.ascontiguousarray(indices, dtype="<i8").tobytes()).hexdigest()


def software_versions() -> dict[str, str]:
    """Versions of the libraries that shape the split, the training and the numbers."""
    import sklearn
    import torch

    return {"torch": torch.__version__, "numpy": np.__version__, "scikit-learn": sklearn.__version__}
