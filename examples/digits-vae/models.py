"""A conditional variational autoencoder (CVAE) for 8x8 grayscale handwritten digits."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional

IMAGE_SIZE = 8
NUM_CLASSES = 10
LATENT_DIM = 8
HIDDEN_DIM = 64
UNCONDITIONAL = -1
"""The label that asks for no particular digit (the decoder then picks one from ``z``)."""

_PIXELS = IMAGE_SIZE * IMAGE_SIZE


def _mlp(in_features: int, out_features: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(in_features, HIDDEN_DIM),
        nn.SiLU(),
        nn.Linear(HIDDEN_DIM, HIDDEN_DIM),
        nn.SiLU(),
        nn.Linear(HIDDEN_DIM, out_features),
    )


class ConditionalVAE(nn.Module):
    """Generate and reconstruct 8x8 digits, optionally asking for a given digit.

    Encoder and decoder are two-hidden-layer MLPs (64 units, SiLU), each conditioned on a
    one-hot label. Labels are int64 in 0..9, or ``UNCONDITIONAL`` (-1) for "any digit":
    the condition is then all zeros. Training drops the label for a share of the images,
    so the same decoder also generates without one.

    Images are float tensors [N, 1, 8, 8] with values in [0, 1], ink high (scikit-learn's
    0..16 pixels divided by 16). Each pixel's decoder output is the mean of a Bernoulli
    likelihood, so generated images are smooth greyscale rather than binary.
    """

    def __init__(self, latent_dim: int = LATENT_DIM) -> None:
        """Build a randomly initialised model with a ``latent_dim``-dimensional latent space."""
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = _mlp(_PIXELS + NUM_CLASSES, 2 * latent_dim)
        self.decoder = _mlp(latent_dim + NUM_CLASSES, _PIXELS)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Decode latents ``z`` [N, latent_dim] into images [N, 1, 8, 8] with values in [0, 1].

        Args:
            z: latent codes; ``torch.randn(N, model.latent_dim)`` draws from the prior.
            labels: int64 [N] digits to generate (0..9, or -1 for any). Without labels
                the decoder runs unconditionally and the digit follows from ``z``.

        Raises:
            ValueError: ``z`` or ``labels`` has the wrong shape, or a label is out of range.
        """
        return torch.sigmoid(self.decode_logits(z, labels))

    def decode_logits(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Like ``forward`` but return the pre-sigmoid logits [N, 1, 8, 8]."""
        if z.dim() != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"expected z shaped [N, {self.latent_dim}], got {list(z.shape)}")
        condition = self._condition(labels, len(z), z)
        flat: torch.Tensor = self.decoder(torch.cat([z, condition], dim=1))
        return flat.view(-1, 1, IMAGE_SIZE, IMAGE_SIZE)

    def encode(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the posterior mean and log-variance, each [N, latent_dim], of images [N, 1, 8, 8]."""
        if images.dim() != 4 or tuple(images.shape[1:]) != (1, IMAGE_SIZE, IMAGE_SIZE):
            raise ValueError(f"expected images shaped [N, 1, {IMAGE_SIZE}, {IMAGE_SIZE}], got {list(images.shape)}")
        condition = self._condition(labels, len(images), images)
        moments: torch.Tensor = self.encoder(torch.cat([images.flatten(1), condition], dim=1))
        mean, log_var = moments.chunk(2, dim=1)
        return mean, log_var

    @torch.no_grad()
    def reconstruct(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Encode ``images`` [N, 1, 8, 8] and decode the posterior mean: images [N, 1, 8, 8] in [0, 1]."""
        mean, _ = self.encode(images, labels)
        reconstructed: torch.Tensor = self(mean, labels)
        return reconstructed

    @torch.no_grad()
    def sample(self, n: int, digit: int | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
        """Draw ``n`` new images [n, 1, 8, 8] with values in [0, 1] from the prior.

        Args:
            n: how many images (at least 1).
            digit: the digit to draw (0..9); None draws unconditionally (any digit).
            generator: a ``torch.Generator`` for reproducible samples.

        Raises:
            ValueError: ``n`` is below 1 or ``digit`` is not in 0..9.
        """
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        if digit is not None and not 0 <= digit < NUM_CLASSES:
            raise ValueError(f"digit must be in 0..{NUM_CLASSES - 1} or None, got {digit}")
        device = next(self.parameters()).device
        z = torch.randn(n, self.latent_dim, generator=generator).to(device)
        labels = torch.full((n,), UNCONDITIONAL if digit is None else digit, device=device)
        samples: torch.Tensor = self(z, labels)
        return samples

    def loss(
        self, images: torch.Tensor, labels: torch.Tensor | None = None, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """Negative evidence lower bound per image [N]: Bernoulli reconstruction term plus KL to the prior."""
        mean, log_var = self.encode(images, labels)
        noise = torch.randn(mean.shape, generator=generator).to(mean.device)
        z = mean + noise * torch.exp(0.5 * log_var)
        logits = self.decode_logits(z, labels)
        reconstruction = functional.binary_cross_entropy_with_logits(logits, images, reduction="none").flatten(1).sum(1)
        kl = 0.5 * (mean.pow(2) + log_var.exp() - 1.0 - log_var).sum(1)
        return reconstruction + kl

    def _condition(self, labels: torch.Tensor | None, n: int, like: torch.Tensor) -> torch.Tensor:
        """One-hot labels [n, 10], with all-zero rows for unconditional ones."""
        if labels is None:
            return like.new_zeros(n, NUM_CLASSES)
        if labels.shape != (n,):
            raise ValueError(f"expected labels shaped [{n}], got {list(labels.shape)}")
        if bool(((labels < UNCONDITIONAL) | (labels >= NUM_CLASSES)).any()):
            raise ValueError(f"labels must be in 0..{NUM_CLASSES - 1}, or {UNCONDITIONAL} for any digit")
        one_hot = functional.one_hot((labels + 1).long(), NUM_CLASSES + 1)[:, 1:]
        return one_hot.to(like.dtype)
