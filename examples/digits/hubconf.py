"""PyTorch Hub entrypoints: a handwritten-digits classifier and the transform that feeds it.

Both are trained and measured on scikit-learn's bundled 8x8 digits; see README.md.
"""

from __future__ import annotations

import pathlib

import models
import torch
import transforms

dependencies = ["torch"]

_WEIGHTS = pathlib.Path(__file__).parent / "weights" / "digits_classifier.pt"


def digits_classifier(pretrained: bool = True) -> models.DigitsClassifier:
    """A small CNN that classifies 8x8 grayscale handwritten digits into 0..9.

    Trained on 80 % of scikit-learn's ``load_digits()`` (1437 images); top-1 accuracy on
    the held-out 20 % (360 images, stratified split with random_state=0) is 99.2 %.

    Args:
        pretrained: if True (the default), load the trained weights shipped in
            ``weights/digits_classifier.pt`` (about 70 KB); if False, return a randomly
            initialised model without reading any file.

    Returns:
        A ``DigitsClassifier`` (``torch.nn.Module``) in eval mode. ``model(x)`` takes a
        float tensor [N, 1, 8, 8] with values in [0, 1] (ink high) and returns logits
        [N, 10]; ``model.predict(x)`` returns the predicted digits as an int64 tensor [N].
        Use ``digits_transform()`` to build ``x`` from raw pixels.
    """
    model = models.DigitsClassifier()
    if pretrained:
        model.load_state_dict(torch.load(_WEIGHTS, map_location="cpu", weights_only=True))
    return model.eval()


def digits_transform(max_value: float | None = None, invert: bool = False) -> transforms.DigitsTransform:
    """The preprocessing step of ``digits_classifier``: raw 8x8 pixels in, model input out.

    This entrypoint is not a model and has no weights. The callable it returns accepts a
    NumPy array, a nested list or a tensor holding one image (``(8, 8)`` or ``(64,)``) or
    a batch (``(N, 8, 8)``, ``(N, 64)`` as in ``load_digits().data``, or ``(N, 1, 8, 8)``)
    and returns a new float32 tensor [N, 1, 8, 8] with values in [0, 1]. Feeding it the
    held-out digits reproduces the classifier's measured 99.2 % accuracy.

    Args:
        max_value: the pixel value meaning full ink. None (the default) reads ``uint8``
            input as 0..255 and everything else as scikit-learn's 0..16 scale.
        invert: True for dark ink on a light background, so that ink ends up high.

    Returns:
        A ``DigitsTransform`` (a plain callable, not a ``torch.nn.Module``). Calling it
        raises ``TypeError`` for non-numeric input and ``ValueError`` for an unsupported
        shape, a ragged list, NaN or infinite pixels, or pixels outside ``0..max_value``.

    Raises:
        ValueError: ``max_value`` is not a finite positive number.
    """
    return transforms.DigitsTransform(max_value=max_value, invert=invert)
