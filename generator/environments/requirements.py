"""From a hub's `dependencies` to the requirements of its verification environment (and install line).

torch.hub asks hubconf.py for *import* names (it checks them with `importlib.util.find_spec`), so a hub
declares `cv2` or `yaml` where pip needs `opencv-python` or `pyyaml`. `DISTRIBUTIONS` holds the import
names whose distribution on PyPI is named differently; modules of the standard library are dropped,
and so are torch and torchvision, which the catalogue's verification pair provides.

Dependencies come from third-party hubconf.py files, so anything that is not a plain PEP 508
requirement (a name, extras, version specifiers) is rejected rather than handed to an installer.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

from generator.catalogue.model import REQUIREMENT_PATTERN

# PEP 508 name, optional extras and version specifiers (the catalogue's own rule for `requirements:`);
# anything else is not installed or shown.
REQUIREMENT = re.compile(REQUIREMENT_PATTERN)
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")
# Import names whose distribution on PyPI has another name. The first group is what the hubs of the
# catalogue declare or import; the rest are common in other hubs. Names that differ only in `_`
# versus `-` are listed too, so the page shows the name the project publishes under.
DISTRIBUTIONS = {
    # Declared or imported by the catalogue's hubs.
    "cv2": "opencv-python",  # MiDaS transforms, YOLOv5, YOLOP
    "PIL": "pillow",  # NVIDIA's image processing helpers
    "yaml": "pyyaml",  # YOLOv5
    "skimage": "scikit-image",  # NVIDIA's SSD processing helpers
    "hydra": "hydra-core",  # fairseq (the `hydra` distribution is an unrelated package)
    "efficientnet_pytorch": "efficientnet-pytorch",  # HybridNets
    "importlib_metadata": "importlib-metadata",  # PyTorch-Transformers
    "huggingface_hub": "huggingface-hub",  # PyTorch-Transformers
    "prefetch_generator": "prefetch-generator",  # YOLOP
    "sklearn": "scikit-learn",  # the digits examples
    # Common elsewhere.
    "attr": "attrs",
    "Bio": "biopython",
    "bs4": "beautifulsoup4",
    "Crypto": "pycryptodome",
    "dateutil": "python-dateutil",
    "dotenv": "python-dotenv",
    "faiss": "faiss-cpu",
    "fitz": "pymupdf",
    "git": "GitPython",
    "google.protobuf": "protobuf",
    "jwt": "PyJWT",
    "magic": "python-magic",
    "MeCab": "mecab-python3",
    "OpenSSL": "pyOpenSSL",
    "pytorch_lightning": "pytorch-lightning",
    "serial": "pyserial",
    "tensorboardX": "tensorboardX",
    "umap": "umap-learn",
    "zmq": "pyzmq",
}
PAIR = frozenset({"torch", "torchvision", "pinhub"})  # the verification pair, and the loader itself
STANDARD_LIBRARY = frozenset(sys.stdlib_module_names)  # e.g. `dataclasses`, still listed by older hubs


def hub_requirements(
    dependencies: Sequence[str], extra: Sequence[str] = (), provided: frozenset[str] = PAIR
) -> tuple[list[str], list[str]]:
    """(requirement lines, rejected entries) for a hub's `dependencies` plus the catalogue's `extra` lines.

    Import names become distributions; what is `provided` otherwise (by default torch and torchvision,
    which the verification pair brings, and pinhub) and the standard library are dropped
    (`pip install dataclasses` would fetch an obsolete backport).
    """
    accepted: list[str] = []
    rejected: list[str] = []
    for dependency in [*dependencies, *extra]:
        text = dependency.strip()
        if not REQUIREMENT.match(text):
            rejected.append(text)
            continue
        name = requirement_name(text)
        if name in provided or name.split(".")[0] in STANDARD_LIBRARY:
            continue
        accepted.append(distribution(name) + text[len(name) :])
    return list(dict.fromkeys(accepted)), rejected


def requirement_name(requirement: str) -> str:
    """The project name a requirement line starts with ('' when it starts with none)."""
    match = NAME.match(requirement.strip())
    return match.group(0) if match else ""


def distribution(import_name: str) -> str:
    """The PyPI distribution that provides `import_name` (the name itself when they agree)."""
    return DISTRIBUTIONS.get(import_name, import_name)
