"""digits_transform turns every documented kind of user input into the classifier's input, or says why not."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from tests.examples.conftest import HeldOut
from tests.examples.support import DIGITS, hub_load


@pytest.fixture(scope="module")
def transform() -> Any:
    return hub_load(DIGITS, "digits_transform")


@pytest.fixture(scope="module")
def pixels(held_out: HeldOut) -> np.ndarray:
    """Five held-out digits exactly as scikit-learn ships them: float64 (5, 8, 8) on the 0..16 scale."""
    images: np.ndarray = held_out.split.test_images[:5]
    return images


def assert_model_input(output: torch.Tensor, n: int) -> None:
    assert isinstance(output, torch.Tensor)
    assert output.shape == (n, 1, 8, 8)
    assert output.dtype == torch.float32
    assert output.is_contiguous()
    assert float(output.min()) >= 0.0
    assert float(output.max()) <= 1.0


def test_is_a_plain_callable_not_a_module(transform: Any) -> None:
    assert callable(transform)
    assert not isinstance(transform, torch.nn.Module)
    assert repr(transform) == "DigitsTransform(max_value=None, invert=False)"


@pytest.mark.parametrize(
    ("convert", "n"),
    [
        pytest.param(lambda p: p, 5, id="sklearn-images-N-8-8"),
        pytest.param(lambda p: p.reshape(5, 64), 5, id="sklearn-data-N-64"),
        pytest.param(lambda p: p[0], 1, id="one-image-8-8"),
        pytest.param(lambda p: p[0].ravel(), 1, id="one-image-64"),
        pytest.param(lambda p: p[:, None], 5, id="channel-N-1-8-8"),
        pytest.param(lambda p: p.astype(int).tolist(), 5, id="nested-list-batch"),
        pytest.param(lambda p: p[0].astype(int).tolist(), 1, id="nested-list-one-image"),
        pytest.param(lambda p: torch.from_numpy(p), 5, id="tensor-float64"),
        pytest.param(lambda p: torch.from_numpy(p).float()[:, None], 5, id="tensor-N-1-8-8"),
        pytest.param(lambda p: torch.from_numpy(p).long(), 5, id="tensor-int64"),
        pytest.param(lambda p: np.flip(p, axis=0)[::-1], 5, id="numpy-negative-strides"),
        pytest.param(lambda p: p.astype(np.float32), 5, id="numpy-float32"),
    ],
)
def test_sklearn_scale_inputs_round_trip(transform: Any, pixels: np.ndarray, convert: Any, n: int) -> None:
    output = transform(convert(pixels))
    assert_model_input(output, n)
    expected = torch.from_numpy(pixels[:n]).float()[:, None]
    torch.testing.assert_close(output * 16, expected)


@pytest.mark.parametrize("to_user", [np.asarray, torch.from_numpy], ids=["numpy", "tensor"])
def test_uint8_inputs_are_read_as_eight_bit(transform: Any, pixels: np.ndarray, to_user: Any) -> None:
    eight_bit = np.round(pixels * 255 / 16).astype(np.uint8)
    output = transform(to_user(eight_bit))
    assert_model_input(output, 5)
    torch.testing.assert_close(output * 255, torch.from_numpy(eight_bit).float()[:, None])


def test_max_value_sets_the_scale(pixels: np.ndarray) -> None:
    normalized = pixels / 16
    output = hub_load(DIGITS, "digits_transform", max_value=1.0)(normalized)
    torch.testing.assert_close(output, torch.from_numpy(normalized).float()[:, None])


def test_invert_turns_dark_ink_on_light_paper_into_high_ink(transform: Any, pixels: np.ndarray) -> None:
    scanned = np.round(255 - pixels * 255 / 16).astype(np.uint8)
    inverted = hub_load(DIGITS, "digits_transform", invert=True)(scanned)
    torch.testing.assert_close(inverted, transform(255 - scanned))


def test_returns_a_new_tensor_and_leaves_the_input_alone(transform: Any, pixels: np.ndarray) -> None:
    user_tensor = torch.from_numpy(pixels).float()
    before = user_tensor.clone()
    transform(user_tensor).fill_(0.5)
    assert torch.equal(user_tensor, before)


def test_every_input_kind_gives_the_same_predictions(classifier: Any, transform: Any, held_out: HeldOut) -> None:
    images = held_out.split.test_images
    reference = classifier.predict(held_out.images)
    for user_input in (images, images.reshape(-1, 64), images.astype(int).tolist(), torch.from_numpy(images)):
        assert torch.equal(classifier.predict(transform(user_input)), reference)


@pytest.mark.parametrize(
    ("bad_input", "error", "message"),
    [
        pytest.param(np.zeros((7, 7)), ValueError, r"shaped .* got shape \(7, 7\)", id="wrong-size"),
        pytest.param(np.zeros((2, 3, 8, 8)), ValueError, r"got shape \(2, 3, 8, 8\)", id="three-channels"),
        pytest.param(np.zeros((0, 8, 8)), ValueError, "empty batch", id="empty"),
        pytest.param([[1, 2], [3]], ValueError, "regular grid", id="ragged-list"),
        pytest.param("a digit", TypeError, "got str", id="string"),
        pytest.param([[None] * 8] * 8, TypeError, "real numbers", id="objects"),
        pytest.param(np.zeros((8, 8), dtype=bool), TypeError, "real numbers", id="booleans"),
        pytest.param(np.zeros((8, 8), dtype=complex), TypeError, "real numbers", id="complex"),
        pytest.param(np.full((8, 8), np.nan), ValueError, "NaN", id="nan"),
        pytest.param(np.full((8, 8), -1.0), ValueError, "negative", id="negative"),
        pytest.param(np.full((8, 8), 255.0), ValueError, "pass max_value=255", id="eight-bit-as-float"),
    ],
)
def test_rejects_bad_input_with_a_clear_error(transform: Any, bad_input: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        transform(bad_input)


def test_explicit_scale_is_enforced() -> None:
    with pytest.raises(ValueError, match="at most 1"):
        hub_load(DIGITS, "digits_transform", max_value=1.0)(np.full((8, 8), 16.0))


@pytest.mark.parametrize("max_value", [0.0, -16.0, float("inf"), float("nan")])
def test_rejects_a_meaningless_scale(max_value: float) -> None:
    with pytest.raises(ValueError, match="finite positive"):
        hub_load(DIGITS, "digits_transform", max_value=max_value)
