"""The shipped digits classifier classifies held-out digits as well as its docs say."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from tests.examples.conftest import HeldOut
from tests.examples.support import (
    CHANCE_LEVEL_MAX_ACCURACY,
    CLASSIFIER_MIN_ACCURACY,
    DIGITS,
    hub_load,
    hubconf,
    metrics,
    percent,
)


def accuracy(model: Any, held_out: HeldOut) -> float:
    return float((model.predict(held_out.images) == held_out.labels).double().mean())


def test_pretrained_accuracy_meets_the_documented_threshold(classifier: Any, held_out: HeldOut) -> None:
    assert accuracy(classifier, held_out) >= CLASSIFIER_MIN_ACCURACY


def test_metrics_json_matches_the_measured_accuracy(classifier: Any, held_out: HeldOut) -> None:
    recorded = metrics(DIGITS)
    # One image either way: float rounding may differ between CPUs, a wrong record would not.
    assert accuracy(classifier, held_out) == pytest.approx(recorded["value"], abs=1 / len(held_out.labels))
    assert recorded["n_test_images"] == len(held_out.labels) == 360


def test_metrics_json_describes_the_split_the_tests_use(held_out: HeldOut) -> None:
    recorded = metrics(DIGITS)
    assert recorded["split"] == held_out.split.describe()
    assert recorded["seed"] == recorded["split"]["random_state"] == 0
    assert recorded["versions"]["torch"].startswith(torch.__version__.split("+")[0])
    assert "load_digits" in recorded["dataset"]
    assert "accuracy" in recorded["metric"]


def test_docs_state_the_measured_accuracy() -> None:
    stated = percent(metrics(DIGITS)["value"])
    module = hubconf(DIGITS)
    assert stated in (module.digits_classifier.__doc__ or "")
    assert stated in (module.digits_transform.__doc__ or "")
    assert stated in (DIGITS / "README.md").read_text(encoding="utf-8")


def test_untrained_classifier_is_at_chance_level(held_out: HeldOut) -> None:
    torch.manual_seed(0)
    untrained = hub_load(DIGITS, "digits_classifier", pretrained=False)
    assert accuracy(untrained, held_out) <= CHANCE_LEVEL_MAX_ACCURACY


def test_forward_returns_logits_for_each_image(classifier: Any, held_out: HeldOut) -> None:
    logits = classifier(held_out.images[:5])
    assert logits.shape == (5, 10)
    assert logits.dtype == torch.float32
    assert torch.equal(logits.argmax(dim=1), classifier.predict(held_out.images[:5]))


def test_predict_returns_digits_and_keeps_the_training_mode(held_out: HeldOut) -> None:
    model = hub_load(DIGITS, "digits_classifier").train()
    predicted = model.predict(held_out.images)
    assert predicted.dtype == torch.int64
    assert predicted.shape == held_out.labels.shape
    assert int(predicted.min()) >= 0
    assert int(predicted.max()) <= 9
    assert model.training
    assert accuracy(model, held_out) >= CLASSIFIER_MIN_ACCURACY


@pytest.mark.parametrize("shape", [(8, 8), (3, 8, 8), (3, 64), (3, 3, 8, 8)])
def test_forward_refuses_unprepared_images_and_names_the_transform(classifier: Any, shape: tuple[int]) -> None:
    with pytest.raises(ValueError, match="digits_transform"):
        classifier(torch.zeros(shape))
