"""Both examples are real hub repos: the layout, entrypoints and weights torch.hub users rely on."""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path
from typing import Any

import pytest
import torch

from tests.examples.support import DIGITS, DIGITS_VAE, entrypoints, hub_load, hubconf, run_python

ENTRYPOINTS = {DIGITS: {"digits_classifier", "digits_transform"}, DIGITS_VAE: {"digits_vae"}}
MODELS = [(DIGITS, "digits_classifier", "digits_classifier.pt"), (DIGITS_VAE, "digits_vae", "digits_vae.pt")]
REPOS = pytest.mark.parametrize("repo", list(ENTRYPOINTS), ids=lambda repo: repo.name)
MODEL_ENTRYPOINTS = pytest.mark.parametrize(
    ("repo", "entrypoint", "weights"), MODELS, ids=[entrypoint for _, entrypoint, _ in MODELS]
)


@REPOS
def test_hubconf_declares_torch_and_exactly_the_documented_entrypoints(repo: Path) -> None:
    module = hubconf(repo)
    assert module.dependencies == ["torch"]
    assert entrypoints(module) == ENTRYPOINTS[repo]


@REPOS
def test_every_entrypoint_has_a_google_style_docstring(repo: Path) -> None:
    module = hubconf(repo)
    for name in ENTRYPOINTS[repo]:
        doc = inspect.getdoc(getattr(module, name)) or ""
        assert "Returns:" in doc, name
        assert "Args:" in doc, name


@MODEL_ENTRYPOINTS
def test_model_entrypoints_default_to_pretrained(repo: Path, entrypoint: str, weights: str) -> None:
    function = getattr(hubconf(repo), entrypoint)
    assert inspect.signature(function).parameters["pretrained"].default is True
    assert "pretrained:" in (inspect.getdoc(function) or "")


@MODEL_ENTRYPOINTS
def test_weights_are_a_small_plain_state_dict(repo: Path, entrypoint: str, weights: str) -> None:
    path = repo / "weights" / weights
    assert path.stat().st_size < 100_000
    state = torch.load(path, map_location="cpu", weights_only=True)
    assert all(isinstance(tensor, torch.Tensor) for tensor in state.values())
    assert state.keys() == hub_load(repo, entrypoint, pretrained=False).state_dict().keys()


@MODEL_ENTRYPOINTS
def test_returns_an_eval_mode_module(repo: Path, entrypoint: str, weights: str) -> None:
    model = hub_load(repo, entrypoint)
    assert isinstance(model, torch.nn.Module)
    assert not model.training


@MODEL_ENTRYPOINTS
def test_untrained_models_read_no_file(repo: Path, entrypoint: str, weights: str, tmp_path: Path) -> None:
    """A copy without weights/ still imports and builds untrained models, and only pretrained ones fail."""
    for source in repo.glob("*.py"):
        shutil.copy(source, tmp_path)
    model = hub_load(tmp_path, entrypoint, pretrained=False)
    assert isinstance(model, torch.nn.Module)
    with pytest.raises(FileNotFoundError, match=weights):
        hub_load(tmp_path, entrypoint)


def direct_import(repo: Path, body: str, cwd: Path) -> Any:
    """Run ``body`` after a plain ``import hubconf`` from ``repo`` in a fresh interpreter; return its report.

    NumPy and scikit-learn are made unimportable first: the hubs declare ``dependencies = ["torch"]``.
    """
    script = f"""
import json, sys
sys.modules["numpy"] = sys.modules["sklearn"] = None
sys.path.insert(0, {str(repo)!r})
import hubconf
import torch
report = {{}}
{body}
print(json.dumps(report))
"""
    return run_python(script, cwd=cwd)


def test_digits_entrypoints_work_by_direct_import_in_a_fresh_process(tmp_path: Path) -> None:
    body = """
model = hubconf.digits_classifier()
batch = hubconf.digits_transform()([[[0] * 8] * 8, [[16] * 8] * 8])
report.update(batch=list(batch.shape), dtype=str(batch.dtype), logits=list(model(batch).shape),
              predicted=model.predict(batch).tolist())
"""
    report = direct_import(DIGITS, body, cwd=tmp_path)
    assert report["batch"] == [2, 1, 8, 8]
    assert report["dtype"] == "torch.float32"
    assert report["logits"] == [2, 10]
    assert len(report["predicted"]) == 2


def test_vae_entrypoint_works_by_direct_import_in_a_fresh_process(tmp_path: Path) -> None:
    body = """
model = hubconf.digits_vae()
images = model(torch.randn(3, model.latent_dim)).detach()
report.update(images=list(images.shape), low=float(images.min()), high=float(images.max()),
              sample=list(model.sample(2, digit=4).shape))
"""
    report = direct_import(DIGITS_VAE, body, cwd=tmp_path)
    assert report["images"] == [3, 1, 8, 8]
    assert report["sample"] == [2, 1, 8, 8]
    assert report["low"] >= 0.0
    assert report["high"] <= 1.0


def test_torch_hub_cannot_load_both_examples_in_one_process(tmp_path: Path) -> None:
    """Both helper modules are named models on purpose; this pins the clash the examples demonstrate."""
    outcome: dict[str, Any] = run_python(
        f"""
import json, torch
torch.hub.load({str(DIGITS)!r}, "digits_classifier", source="local")
try:
    torch.hub.load({str(DIGITS_VAE)!r}, "digits_vae", source="local")
    print(json.dumps({{"error": None}}))
except Exception as error:
    print(json.dumps({{"error": type(error).__name__, "message": str(error)}}))
""",
        cwd=tmp_path,
    )
    assert outcome == {"error": "AttributeError", "message": "module 'models' has no attribute 'ConditionalVAE'"}
