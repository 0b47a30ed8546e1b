"""Train the conditional digits VAE on CPU and measure what it generates.

Usage (from anywhere; takes well under a minute):

    python examples/digits-vae/train.py

Uses the same stratified 80/20 split of scikit-learn's digits as ../digits, trains on
the 80 %, and writes ``weights/digits_vae.pt`` (a plain state_dict) and ``metrics.json``
next to this file. Generation quality is judged by the trained classifier of ../digits
(which must exist, i.e. ../digits/train.py has run): the share of conditional samples it
assigns to the requested digit. The run is seeded and single-threaded so that it is
repeatable.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import torch
from models import NUM_CLASSES, UNCONDITIONAL, ConditionalVAE

HERE = Path(__file__).resolve().parent
DIGITS = HERE.parent / "digits"
WEIGHTS = HERE / "weights" / "digits_vae.pt"
METRICS = HERE / "metrics.json"
CLASSIFIER_WEIGHTS = DIGITS / "weights" / "digits_classifier.pt"

EPOCHS = 300
BATCH_SIZE = 64
LEARNING_RATE = 2e-3
LABEL_DROPOUT = 0.4
SAMPLES_PER_DIGIT = 100
CONFIDENT = 0.9


class DigitJudge(Protocol):
    """What the VAE's measurements need of the digits classifier."""

    def __call__(self, images: torch.Tensor) -> torch.Tensor: ...

    def predict(self, images: torch.Tensor) -> torch.Tensor: ...


def load_digits_module(name: str) -> ModuleType:
    """Import ``name``.py of the classifier example by path, under a name that cannot collide."""
    qualified = f"_digits_example_{name}"
    spec = importlib.util.spec_from_file_location(qualified, DIGITS / f"{name}.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {DIGITS / f'{name}.py'}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module


def drop_labels(labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Replace a random ``LABEL_DROPOUT`` share of labels with UNCONDITIONAL."""
    dropped = torch.rand(labels.shape, generator=generator) < LABEL_DROPOUT
    return torch.where(dropped, torch.full_like(labels, UNCONDITIONAL), labels)


def train(images: torch.Tensor, labels: torch.Tensor, generator: torch.Generator) -> ConditionalVAE:
    """Fit a fresh VAE by minimising the mean negative ELBO with Adam and cosine decay."""
    model = ConditionalVAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    steps = EPOCHS * -(-len(labels) // BATCH_SIZE)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    model.train()
    for _ in range(EPOCHS):
        order = torch.randperm(len(labels), generator=generator)
        for batch in torch.split(order, BATCH_SIZE):
            optimizer.zero_grad()
            batch_labels = drop_labels(labels[batch], generator)
            torch.autograd.backward(model.loss(images[batch], batch_labels, generator).mean())
            optimizer.step()
            schedule.step()
    return model.eval()


def sample_accuracy(model: ConditionalVAE, classifier: DigitJudge, seed: int) -> dict[str, Any]:
    """Share of conditional samples the classifier assigns to the requested digit, overall and per digit."""
    generator = torch.Generator().manual_seed(seed)
    per_digit = {}
    for digit in range(NUM_CLASSES):
        predicted = classifier.predict(model.sample(SAMPLES_PER_DIGIT, digit=digit, generator=generator))
        per_digit[str(digit)] = round(float((predicted == digit).double().mean()), 6)
    return {
        "value": round(sum(per_digit.values()) / NUM_CLASSES, 6),
        "per_digit": per_digit,
        "n_samples": SAMPLES_PER_DIGIT * NUM_CLASSES,
        "sampling": f"model.sample({SAMPLES_PER_DIGIT}, digit=d, generator) for d = 0..9 in turn, "
        f"one torch.Generator seeded with {seed}",
    }


@torch.no_grad()
def unconditional_samples(model: ConditionalVAE, classifier: DigitJudge, seed: int) -> dict[str, Any]:
    """How recognisable unconditional samples are: the classifier's confident share and its digit counts."""
    n = SAMPLES_PER_DIGIT * NUM_CLASSES
    probabilities = classifier(model.sample(n, generator=torch.Generator().manual_seed(seed))).softmax(1)
    confidence, predicted = probabilities.max(dim=1)
    return {
        "confident_share": round(float((confidence >= CONFIDENT).double().mean()), 6),
        "description": f"share of {n} samples from model(torch.randn(n, latent_dim)) that the classifier "
        f"assigns to some digit with probability >= {CONFIDENT}",
        "predicted_digit_counts": torch.bincount(predicted, minlength=NUM_CLASSES).tolist(),
    }


@torch.no_grad()
def reconstruction(
    model: ConditionalVAE, images: torch.Tensor, labels: torch.Tensor, train_set: tuple[torch.Tensor, torch.Tensor]
) -> dict[str, Any]:
    """Per-pixel squared error of reconstructions of held-out images, next to a class-mean baseline."""
    mse = float((model.reconstruct(images, labels) - images).pow(2).mean())
    train_images, train_labels = train_set
    class_means = torch.stack([train_images[train_labels == d].mean(0) for d in range(NUM_CLASSES)])
    return {
        "value": round(mse, 6),
        "description": "mean squared error per pixel on the [0, 1] scale, decoding the posterior mean "
        "with the true labels",
        "baseline_class_mean": round(float((class_means[labels] - images).pow(2).mean()), 6),
        "n_test_images": len(labels),
    }


def load_classifier(models: ModuleType) -> DigitJudge:
    """The trained classifier of ../digits, the judge of generated digits."""
    classifier = models.DigitsClassifier()
    classifier.load_state_dict(torch.load(CLASSIFIER_WEIGHTS, map_location="cpu", weights_only=True))
    judge: DigitJudge = classifier.eval()
    return judge


def main() -> None:
    """Train, measure on the held-out split and with the classifier, and write weights and metrics."""
    data, transforms = load_digits_module("data"), load_digits_module("transforms")
    classifier = load_classifier(load_digits_module("models"))
    torch.manual_seed(data.SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    split = data.load_split()
    to_tensor = transforms.DigitsTransform()
    train_set = (to_tensor(split.train_images), torch.from_numpy(split.train_labels))
    started = time.perf_counter()
    model = train(*train_set, torch.Generator().manual_seed(data.SEED))
    seconds = time.perf_counter() - started
    WEIGHTS.parent.mkdir(exist_ok=True)
    torch.save(model.state_dict(), WEIGHTS)
    samples = sample_accuracy(model, classifier, data.SEED)
    record = {
        "model": "digits_vae",
        "dataset": data.DATASET,
        "split": split.describe(),
        "metric": "share of conditional samples that the digits classifier assigns to the requested digit",
        **samples,
        "judge": {
            "model": "digits_classifier (../digits)",
            "weights_sha256": hashlib.sha256(CLASSIFIER_WEIGHTS.read_bytes()).hexdigest(),
        },
        "reconstruction_mse": reconstruction(
            model, to_tensor(split.test_images), torch.from_numpy(split.test_labels), train_set
        ),
        "unconditional_samples": unconditional_samples(model, classifier, data.SEED),
        "seed": data.SEED,
        "epochs": EPOCHS,
        "training_seconds": round(seconds, 1),
        "versions": data.software_versions(),
    }
    METRICS.write_text(json.dumps(record, indent=2) + "\n")
    mse = record["reconstruction_mse"]["value"]
    print(f"sample accuracy {samples['value']:.4f}, reconstruction MSE {mse:.5f}, trained in {seconds:.1f} s")


if __name__ == "__main__":
    main()
