"""Turn the 8x8 digit images people actually have into the tensor the classifier expects.

Only torch is required: NumPy is touched just for inputs that are NumPy arrays (or other
array-likes) already, so the hub's ``dependencies = ["torch"]`` holds.
"""

from __future__ import annotations

import math
from typing import Any

import torch

IMAGE_SIZE = 8
SKLEARN_MAX_VALUE = 16.0
UINT8_MAX_VALUE = 255.0

_ACCEPTED_SHAPES = "(8, 8), (64,), (N, 8, 8), (N, 64) or (N, 1, 8, 8)"


class DigitsTransform:
    """Convert 8x8 grayscale digits to a normalized float tensor of shape [N, 1, 8, 8].

    The classifier was trained on scikit-learn's ``load_digits()`` images, where 0 is
    background and 16 is full ink. This transform maps such pixels, or 8-bit pixels
    (0..255), to floats in [0, 1] with the same convention.

    Accepted inputs:
        * a ``torch.Tensor``, a NumPy array (or anything NumPy reads as one, such as a
          grayscale PIL image) or a nested Python list of real numbers;
        * shaped ``(8, 8)`` or ``(64,)`` for one image, or ``(N, 8, 8)``, ``(N, 64)``
          (the layout of ``load_digits().data``) or ``(N, 1, 8, 8)`` for a batch.

    Pixel scale:
        * ``max_value=None`` (default): ``uint8`` input is read as 0..255, anything
          else as scikit-learn's 0..16 scale;
        * ``max_value=x``: pixels are read as 0..x (for example 1.0 for images that
          are already normalized, or 255 for 8-bit values held in another dtype).

    Set ``invert=True`` for dark ink on a light background (a typical scan or photo),
    so that ink ends up high, as in training.

    Calling the transform returns a new contiguous ``float32`` CPU tensor; the input is
    never modified.

    Raises (on call):
        TypeError: the input is not numeric (strings, objects, booleans, complex numbers).
        ValueError: the shape is not one of the accepted shapes, the list is ragged, the
            batch is empty, a pixel is NaN or infinite, or a pixel lies outside
            ``0..max_value``.
    """

    def __init__(self, max_value: float | None = None, invert: bool = False) -> None:
        """Configure the pixel scale and polarity; see the class docstring.

        Raises:
            ValueError: ``max_value`` is not a finite positive number.
        """
        if max_value is not None and not (math.isfinite(max_value) and max_value > 0):
            raise ValueError(f"max_value must be a finite positive number, got {max_value!r}")
        self.max_value = max_value
        self.invert = invert

    def __call__(self, pixels: Any) -> torch.Tensor:
        """Return ``pixels`` as a float32 tensor of shape [N, 1, 8, 8] with values in [0, 1]."""
        tensor = _as_real_tensor(pixels)
        batch = _as_batch(tensor).to(torch.float64)
        scale = self._scale_for(tensor)
        _check_range(batch, scale)
        normalized = batch / scale
        if self.invert:
            normalized = 1.0 - normalized
        return normalized.to(torch.float32).unsqueeze(1).contiguous()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_value={self.max_value!r}, invert={self.invert!r})"

    def _scale_for(self, tensor: torch.Tensor) -> float:
        if self.max_value is not None:
            return float(self.max_value)
        return UINT8_MAX_VALUE if tensor.dtype == torch.uint8 else SKLEARN_MAX_VALUE


def _as_real_tensor(pixels: Any) -> torch.Tensor:
    """Read tensors, array-likes and nested lists into a CPU tensor of real numbers."""
    if isinstance(pixels, torch.Tensor):
        tensor = pixels.detach().cpu()
    elif isinstance(pixels, (str, bytes)):
        raise TypeError(f"expected pixel values, got {type(pixels).__name__}")
    else:
        tensor = _from_python(pixels)
    if tensor.dtype == torch.bool or tensor.is_complex():
        raise TypeError(f"pixels must be real numbers, got {tensor.dtype}")
    return tensor


def _from_python(pixels: Any) -> torch.Tensor:
    if hasattr(pixels, "__array__") or hasattr(pixels, "__array_interface__"):
        import numpy  # reached only for array-likes, which bring NumPy with them

        # torch cannot wrap arrays with negative strides, such as numpy.flipud(image).
        pixels = numpy.ascontiguousarray(pixels)
    try:
        return torch.as_tensor(pixels)
    except ValueError as error:  # a ragged nested list
        raise ValueError(f"pixels must form a regular grid shaped {_ACCEPTED_SHAPES}") from error
    except (TypeError, RuntimeError) as error:  # None, dicts, NumPy object arrays
        raise TypeError(f"pixels must be real numbers, got {type(pixels).__name__}") from error


def _as_batch(tensor: torch.Tensor) -> torch.Tensor:
    """Reshape any accepted layout to (N, 8, 8)."""
    flat = (IMAGE_SIZE * IMAGE_SIZE,)
    square = (IMAGE_SIZE, IMAGE_SIZE)
    shape = tuple(tensor.shape)
    if shape in (square, flat) or (len(shape) >= 2 and shape[1:] in (flat, square, (1, *square))):
        return tensor.reshape(-1, *square)
    raise ValueError(f"expected pixels shaped {_ACCEPTED_SHAPES}, got shape {shape}")


def _check_range(batch: torch.Tensor, scale: float) -> None:
    """Refuse pixels that would not land in [0, 1], naming the likely fix."""
    if batch.numel() == 0:
        raise ValueError("expected at least one image, got an empty batch")
    if not bool(torch.isfinite(batch).all()):
        raise ValueError("pixels must be finite numbers, got NaN or infinity")
    low, high = float(batch.min()), float(batch.max())
    if low < 0:
        raise ValueError(f"pixels must not be negative, got a minimum of {low:g}")
    if high > scale:
        hint = " (8-bit images: pass max_value=255)" if scale == SKLEARN_MAX_VALUE else ""
        raise ValueError(f"pixels must be at most {scale:g}, got a maximum of {high:g}{hint}")
