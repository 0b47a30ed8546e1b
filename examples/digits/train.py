"""Train the digits classifier on CPU and record its held-out accuracy.

Usage (from anywhere; takes a few seconds):

    python examples/digits/train.py

Writes ``weights/digits_classifier.pt`` (a plain state_dict) and ``metrics.json`` next
to this file. The run is seeded and single-threaded so that it is repeatable.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import torch
from data import DATASET, SEED, DigitsSplit, load_split, software_versions
from models import DigitsClassifier
from torch import nn
from transforms import DigitsTransform

HERE = Path(__file__).resolve().parent
WEIGHTS = HERE / "weights" / "digits_classifier.pt"
METRICS = HERE / "metrics.json"

EPOCHS = 40
BATCH_SIZE = 64
LEARNING_RATE = 3e-3
WEIGHT_DECAY = 1e-4


def train(images: torch.Tensor, labels: torch.Tensor, generator: torch.Generator) -> DigitsClassifier:
    """Fit a fresh classifier with AdamW and a one-cycle learning-rate schedule."""
    model = DigitsClassifier()
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    steps_per_epoch = -(-len(labels) // BATCH_SIZE)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=LEARNING_RATE, epochs=EPOCHS, steps_per_epoch=steps_per_epoch
    )
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for _ in range(EPOCHS):
        order = torch.randperm(len(labels), generator=generator)
        for batch in torch.split(order, BATCH_SIZE):
            optimizer.zero_grad()
            torch.autograd.backward(loss_fn(model(images[batch]), labels[batch]))
            optimizer.step()
            schedule.step()
    return model.eval()


def accuracy(model: DigitsClassifier, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Share of ``images`` whose predicted digit equals ``labels``."""
    return float((model.predict(images) == labels).double().mean())


def metrics(split: DigitsSplit, test_accuracy: float, seconds: float) -> dict[str, Any]:
    """The record written to metrics.json."""
    return {
        "model": "digits_classifier",
        "dataset": DATASET,
        "split": split.describe(),
        "metric": "top-1 accuracy on the held-out test split",
        "value": round(test_accuracy, 6),
        "n_test_images": len(split.test_labels),
        "seed": SEED,
        "epochs": EPOCHS,
        "training_seconds": round(seconds, 1),
        "versions": software_versions(),
    }


def main() -> None:
    """Train, evaluate on the held-out split, and write the weights and metrics."""
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    split = load_split()
    transform = DigitsTransform()
    started = time.perf_counter()
    model = train(
        transform(split.train_images),
        torch.from_numpy(split.train_labels),
        torch.Generator().manual_seed(SEED),
    )
    seconds = time.perf_counter() - started
    test_accuracy = accuracy(model, transform(split.test_images), torch.from_numpy(split.test_labels))
    WEIGHTS.parent.mkdir(exist_ok=True)
    torch.save(model.state_dict(), WEIGHTS)
    METRICS.write_text(json.dumps(metrics(split, test_accuracy, seconds), indent=2) + "\n")
    print(f"test accuracy {test_accuracy:.4f} on {len(split.test_labels)} images, trained in {seconds:.1f} s")


if __name__ == "__main__":
    main()
