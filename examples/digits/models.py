"""The handwritten-digits classifier: a small CNN for 8x8 grayscale images."""

from __future__ import annotations

import torch
from torch import nn

IMAGE_SIZE = 8
NUM_CLASSES = 10


def _conv_block(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


class DigitsClassifier(nn.Module):
    """Classify 8x8 grayscale digits (scikit-learn's ``load_digits``) into 0..9.

    Three 3x3 convolution blocks (16, 32, 32 channels, max-pooled 8 -> 4 -> 2)
    followed by a linear layer over the 32x2x2 features; about 15k parameters.

    Input: float tensor [N, 1, 8, 8] with values in [0, 1], ink high (see
    ``DigitsTransform`` for turning raw pixels into this). Output: logits [N, 10].
    """

    num_classes = NUM_CLASSES

    def __init__(self, dropout: float = 0.2) -> None:
        """Build a randomly initialised classifier; ``dropout`` applies before the last layer."""
        super().__init__()
        self.features = nn.Sequential(
            _conv_block(1, 16),
            _conv_block(16, 32),
            nn.MaxPool2d(2),
            _conv_block(32, 32),
            nn.MaxPool2d(2),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(dropout), nn.Linear(32 * 2 * 2, NUM_CLASSES))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Return class logits [N, 10] for images [N, 1, 8, 8].

        Raises:
            ValueError: ``images`` is not shaped [N, 1, 8, 8].
        """
        if images.dim() != 4 or tuple(images.shape[1:]) != (1, IMAGE_SIZE, IMAGE_SIZE):
            raise ValueError(
                f"expected images shaped [N, 1, {IMAGE_SIZE}, {IMAGE_SIZE}], got {list(images.shape)}; "
                "digits_transform() converts raw pixels"
            )
        logits: torch.Tensor = self.head(self.features(images))
        return logits

    @torch.no_grad()
    def predict(self, images: torch.Tensor) -> torch.Tensor:
        """Return the predicted digit (int64 tensor [N]) for each image in ``images`` [N, 1, 8, 8].

        Runs in evaluation mode (no dropout, running batch-norm statistics) and without
        gradients, and restores the module's previous training mode afterwards.
        """
        was_training = self.training
        self.eval()
        try:
            logits: torch.Tensor = self(images)
            return logits.argmax(dim=1)
        finally:
            self.train(was_training)
