"""The shipped digits VAE generates the digits it is asked for and reconstructs held-out ones."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
import torch

from tests.examples.conftest import HeldOut
from tests.examples.support import (
    CHANCE_LEVEL_MAX_ACCURACY,
    DIGITS,
    DIGITS_VAE,
    VAE_MAX_RECONSTRUCTION_MSE,
    VAE_MIN_SAMPLE_ACCURACY,
    hub_load,
    hubconf,
    load_by_path,
    metrics,
    percent,
)

SAMPLES_PER_DIGIT = 100


def sample_accuracy(vae: Any, classifier: Any) -> float:
    """The protocol metrics.json records: 100 samples of each digit in turn from one generator seeded 0."""
    generator = torch.Generator().manual_seed(0)
    hits = 0
    for digit in range(10):
        samples = vae.sample(SAMPLES_PER_DIGIT, digit=digit, generator=generator)
        hits += int((classifier.predict(samples) == digit).sum())
    return hits / (10 * SAMPLES_PER_DIGIT)


@torch.no_grad()
def reconstruction_mse(vae: Any, held_out: HeldOut) -> float:
    reconstructed = vae.reconstruct(held_out.images, held_out.labels)
    return float((reconstructed - held_out.images).pow(2).mean())


def test_conditional_samples_show_the_requested_digit(vae: Any, classifier: Any) -> None:
    assert sample_accuracy(vae, classifier) >= VAE_MIN_SAMPLE_ACCURACY


def test_metrics_json_matches_the_measured_sample_accuracy(vae: Any, classifier: Any) -> None:
    recorded = metrics(DIGITS_VAE)
    assert recorded["n_samples"] == 10 * SAMPLES_PER_DIGIT
    assert sample_accuracy(vae, classifier) == pytest.approx(recorded["value"], abs=0.003)
    per_digit = recorded["per_digit"]
    assert sum(per_digit.values()) / 10 == pytest.approx(recorded["value"], abs=1e-6)


def test_metrics_were_judged_by_the_shipped_classifier() -> None:
    shipped = hashlib.sha256((DIGITS / "weights" / "digits_classifier.pt").read_bytes()).hexdigest()
    assert metrics(DIGITS_VAE)["judge"]["weights_sha256"] == shipped


def test_reconstruction_error_is_low_and_recorded(vae: Any, held_out: HeldOut) -> None:
    recorded = metrics(DIGITS_VAE)["reconstruction_mse"]
    measured = reconstruction_mse(vae, held_out)
    assert measured <= VAE_MAX_RECONSTRUCTION_MSE
    assert measured < recorded["baseline_class_mean"] / 1.5
    assert measured == pytest.approx(recorded["value"], abs=1e-4)
    assert recorded["n_test_images"] == len(held_out.labels)


def test_metrics_json_uses_the_classifier_split(held_out: HeldOut) -> None:
    assert metrics(DIGITS_VAE)["split"] == held_out.split.describe()


def test_docs_state_the_measured_numbers() -> None:
    recorded = metrics(DIGITS_VAE)
    stated = [percent(recorded["value"]), f"{recorded['reconstruction_mse']['value']:.4f}"]
    docstring = hubconf(DIGITS_VAE).digits_vae.__doc__ or ""
    readme = (DIGITS_VAE / "README.md").read_text(encoding="utf-8")
    for number in stated:
        assert number in docstring
        assert number in readme


def test_untrained_vae_draws_unrecognisable_digits(classifier: Any) -> None:
    torch.manual_seed(0)
    untrained = hub_load(DIGITS_VAE, "digits_vae", pretrained=False)
    assert sample_accuracy(untrained, classifier) <= CHANCE_LEVEL_MAX_ACCURACY


@torch.no_grad()
def test_forward_decodes_prior_latents_into_images(vae: Any) -> None:
    images = vae(torch.randn(6, vae.latent_dim))
    assert images.shape == (6, 1, 8, 8)
    assert images.dtype == torch.float32
    assert float(images.min()) >= 0.0
    assert float(images.max()) <= 1.0


def test_forward_with_labels_draws_those_digits(vae: Any, classifier: Any) -> None:
    labels = torch.arange(10).repeat(20)
    images = vae(torch.randn(len(labels), vae.latent_dim, generator=torch.Generator().manual_seed(1)), labels)
    assert float((classifier.predict(images) == labels).double().mean()) >= VAE_MIN_SAMPLE_ACCURACY


def test_latent_dim_is_exposed(vae: Any) -> None:
    models = load_by_path(DIGITS_VAE / "models.py")
    assert vae.latent_dim == models.LATENT_DIM == 8


def test_sampling_is_reproducible_with_a_generator(vae: Any) -> None:
    def draw(seed: int, digit: int | None) -> torch.Tensor:
        samples: torch.Tensor = vae.sample(4, digit=digit, generator=torch.Generator().manual_seed(seed))
        return samples

    assert torch.equal(draw(3, 5), draw(3, 5))
    assert torch.equal(draw(3, None), draw(3, None))
    assert not torch.equal(draw(3, 5), draw(4, 5))
    assert draw(3, None).shape == (4, 1, 8, 8)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(lambda m: m.sample(4, digit=10), "digit must be in 0..9", id="digit-too-large"),
        pytest.param(lambda m: m.sample(4, digit=-1), "digit must be in 0..9", id="digit-negative"),
        pytest.param(lambda m: m.sample(0), "at least 1", id="no-samples"),
        pytest.param(lambda m: m(torch.randn(4, 3)), r"z shaped \[N, 8\]", id="z-wrong-width"),
        pytest.param(lambda m: m(torch.randn(4, 8), torch.arange(3)), r"labels shaped \[4\]", id="labels-count"),
        pytest.param(lambda m: m(torch.randn(2, 8), torch.tensor([3, 12])), "labels must be in", id="label-12"),
        pytest.param(lambda m: m.encode(torch.rand(2, 8, 8)), r"images shaped \[N, 1, 8, 8\]", id="encode"),
    ],
)
def test_rejects_bad_arguments_with_a_clear_error(vae: Any, call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call(vae)
