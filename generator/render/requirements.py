"""From a hub's `dependencies` to a pip install line: import names mapped to distribution names.

Dependencies come from third-party hubconf.py files, so anything that is not a plain PEP 508
requirement is left out of the command line rather than pasted into a page.
"""

from __future__ import annotations

import re

# PEP 508 name, optional extras and version specifiers; anything else is not put in a command line.
REQUIREMENT = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,-]+\])?\s*([<>=!~]=?\s*[A-Za-z0-9.*+!-]+\s*,?\s*)*$"
)
# Import names whose distribution on PyPI has another name.
DISTRIBUTIONS = {
    "cv2": "opencv-python",
    "PIL": "pillow",
    "sklearn": "scikit-learn",
    "yaml": "pyyaml",
    "skimage": "scikit-image",
    "bs4": "beautifulsoup4",
    "Bio": "biopython",
    "attr": "attrs",
    "dateutil": "python-dateutil",
    "google.protobuf": "protobuf",
    "tensorboardX": "tensorboardX",
    "fairseq": "fairseq",
    "omegaconf": "omegaconf",
}
PROVIDED = {"torch", "pinhub"}  # installed by the install line itself


def requirements(dependencies: list[str]) -> tuple[list[str], list[str]]:
    """(pip requirement strings, rejected entries): import names mapped to distributions, torch dropped."""
    accepted: list[str] = []
    rejected: list[str] = []
    for dependency in dependencies:
        text = dependency.strip()
        if not REQUIREMENT.match(text):
            rejected.append(text)
            continue
        name = re.split(r"[\[<>=!~ ]", text, maxsplit=1)[0]
        if name in PROVIDED:
            continue
        accepted.append(DISTRIBUTIONS.get(name, name) + text[len(name) :])
    return sorted(set(accepted), key=accepted.index), rejected


def pip_install_line(site_url: str, dependencies: list[str]) -> str:
    """One `pip install` line for pinhub (from the site's package index) and the model's dependencies."""
    wanted, _ = requirements(dependencies)
    quoted = [f'"{r}"' if re.search(r"[<>=!~\[]", r) else r for r in wanted]
    return " ".join(["pip install --extra-index-url", f"{site_url}simple/", "pinhub", *quoted])
