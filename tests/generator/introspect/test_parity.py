"""Dynamic introspection lists exactly what torch.hub.list lists, on hubs shaped like real ones."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from generator.introspect import HubInfo, introspect_hub
from tests.generator.introspect.realworld import REAL_WORLD_HUBS

# torch.hub.list itself, on a copy of each hub placed where torch.hub keeps downloaded repos, with the ref
# given and validation skipped so that it makes no network call. One interpreter for every hub: between
# hubs, the modules a hub imported are dropped, as a fresh process would not have them.
REFERENCE = """
import inspect, json, shutil, sys
from pathlib import Path

import torch

root, names = Path(sys.argv[1]), sys.argv[2:]
torch.hub.set_dir(str(root / "torch-hub"))
found = {}
for name in names:
    folder = root / "torch-hub" / f"pinhub_{name}_main"
    shutil.copytree(root / name, folder)
    listed = torch.hub.list(f"pinhub/{name}:main", trust_repo=True, skip_validation=True, verbose=False)
    with torch.hub._add_to_sys_path(str(folder)):
        module = torch.hub._import_module("hubconf", str(folder / "hubconf.py"))
    entries = []
    for entry in listed:
        obj = getattr(module, entry)
        try:
            signature = str(inspect.signature(obj))
        except (TypeError, ValueError):
            signature = ""
        doc = torch.hub.help(f"pinhub/{name}:main", entry, trust_repo=True, skip_validation=True)
        entries.append([entry, signature, inspect.cleandoc(doc) if isinstance(doc, str) else ""])
    found[name] = entries
    for key, value in list(sys.modules.items()):
        if str(getattr(value, "__file__", "") or "").startswith(str(folder)):
            del sys.modules[key]
print(json.dumps(found))
"""


def write_hub(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hubs(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, HubInfo], dict[str, list[list[str]]]]:
    """Every real-world hub introspected by the generator, and listed by torch.hub, once."""
    root = tmp_path_factory.mktemp("realworld")
    for name, files in REAL_WORLD_HUBS.items():
        write_hub(root / name, files)
    reference = subprocess.Popen(
        [sys.executable, "-c", REFERENCE, str(root), *REAL_WORLD_HUBS], stdout=subprocess.PIPE, text=True
    )
    with ThreadPoolExecutor(2) as pool:
        infos = dict(zip(REAL_WORLD_HUBS, pool.map(lambda n: introspect_hub(root / n), REAL_WORLD_HUBS), strict=True))
    stdout, _ = reference.communicate(timeout=300)
    assert reference.returncode == 0
    expected: dict[str, list[list[str]]] = json.loads(stdout)
    return infos, expected


@pytest.mark.parametrize("name", sorted(REAL_WORLD_HUBS))
def test_the_entrypoints_are_those_torch_hub_lists(name: str, hubs: tuple[dict[str, Any], dict[str, Any]]) -> None:
    infos, expected = hubs
    info: HubInfo = infos[name]
    assert (info.method, info.error) == ("dynamic", "")
    assert [e.name for e in info.entrypoints] == [name for name, _, _ in expected[name]]
    assert [e.signature for e in info.entrypoints] == [signature for _, signature, _ in expected[name]]
    documented = [(e.name, e.docstring) for e in info.entrypoints if e.kind != "other"]
    assert documented == [(n, doc) for n, _, doc in expected[name] if n in dict(documented)]


def test_re_exports_classes_and_helpers_are_listed_modules_and_private_names_are_not(
    hubs: tuple[dict[str, HubInfo], Any],
) -> None:
    vision = {e.name: e for e in hubs[0]["vision"].entrypoints}
    assert sorted(vision) == ["ResNetBackbone", "load_state_dict_from_url", "resnet18", "resnet50", "vit_base"]
    assert vision["ResNetBackbone"].kind == "class"
    assert vision["resnet18"].signature == (
        "(*, weights: models.weights.Weights | None = None, progress: bool = True) -> models.resnet.ResNet"
    )
    detr = {e.name: e.kind for e in hubs[0]["detr"].entrypoints}
    assert detr == {
        "Backbone": "class",
        "DETR": "class",
        "Joiner": "class",
        "PositionEmbeddingSine": "class",
        "PostProcess": "class",
        "detr_resnet101": "function",
        "detr_resnet50": "function",
    }


def test_entrypoints_made_at_import_time_are_found_with_the_wrapped_docstring(
    hubs: tuple[dict[str, HubInfo], Any],
) -> None:
    fairseq = hubs[0]["fairseq"].entrypoints
    assert [(e.name, e.kind) for e in fairseq] == [
        ("conv.wmt14.en-fr", "other"),
        ("transformer.wmt16.en-de", "other"),
        ("transformer_wmt_en_de", "other"),
    ]
    assert fairseq[0].docstring == "Load a pretrained model."
