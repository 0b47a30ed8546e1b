"""Shapes real hubs have, through the whole build: helpers listed beside the models, hundreds of names
added at import, and a repository copy that lacks objects of the pinned commit."""

from __future__ import annotations

import os
from pathlib import Path

from generator import pipeline
from generator.config import load_config
from generator.fetch.failures import MISSING_OBJECTS
from generator.lock import read_lock
from support.hubrepos import CATALOGUE_HEAD, entry_yaml, git, make_hub_repo, make_project

# Like YOLOv5's hubconf.py: the model, and helpers a torch.hub user never loads by themselves.
WITH_HELPERS = '''
dependencies = ["torch"]

from pathlib import Path

import torch


class Detector(torch.nn.Module):
    """Needs its configuration: a class, not a model to load by name."""

    def __init__(self, config):
        super().__init__()
        self.config = config


def select_device(device):
    """A helper that needs its argument."""
    return torch.device(device)


def weights(name="small"):
    """Downloads weights: a helper that needs the network."""
    import urllib.request

    return urllib.request.urlopen(f"https://example.com/{name}.pt")


def small(pretrained=False):
    """The model."""
    return torch.nn.Linear(4, 2)
'''

# Like hubs that register hundreds of configurations with globals().update.
MANY_NAMES = '''
dependencies = ["torch"]

import functools

import torch


def _make(width, pretrained=False):
    """A model of the given width."""
    return torch.nn.Linear(4, width)


globals().update({f"net_{i:04d}": functools.partial(_make, i % 7 + 1) for i in range(1500)})
'''


def test_helpers_that_need_arguments_or_the_network_do_not_fail_the_entry(tmp_path: Path) -> None:
    hub = make_hub_repo(tmp_path / "hub", {"hubconf.py": WITH_HELPERS})
    config = load_config(make_project(tmp_path / "project", CATALOGUE_HEAD + entry_yaml("det", hub.url, hub.commit)))

    report = pipeline.lock(config, pipeline.LockOptions(jobs=2))

    record = read_lock(config.lock).entries["det"]
    statuses = {e.name: e.smoke["cpu"].status for e in record.entrypoints}
    assert statuses == {
        "Detector": "needs-arguments",
        "Path": "ok",
        "select_device": "needs-arguments",
        "small": "ok",
        "weights": "needs-network",
    }
    assert {e.name for e in record.featured} == {"Path", "small"}  # what loaded; helpers are not featured
    assert report.outcomes["det"][0] == "verified" and record.verdict == "verified"


def test_a_hub_with_1500_entrypoints_keeps_its_pages_small(tmp_path: Path) -> None:
    hub = make_hub_repo(tmp_path / "hub", {"hubconf.py": MANY_NAMES})
    entry = entry_yaml(
        "many", hub.url, hub.commit, entrypoints="[net_0001, net_0002]", smoke="{input: {shape: [1, 4]}}"
    )
    config = load_config(make_project(tmp_path / "project", CATALOGUE_HEAD + entry))

    report, _, built = pipeline.build(config, pipeline.LockOptions(jobs=2))

    record = report.lock.entries["many"]
    assert len(record.entrypoints) == 1500 and record.verdict == "verified"
    assert [e.name for e in record.featured] == ["net_0001", "net_0002"]  # only these were loaded
    page = built.site_dir / "models" / "many" / "index.html"
    assert page.stat().st_size <= 300_000, f"{page.stat().st_size} bytes"
    text = page.read_text(encoding="utf-8")
    assert "net_1499" in text and "net_0750" in text  # every name is on the page, and so in search
    assert (config.docs_dir / "catalogue.json").stat().st_size <= 200_000


def test_a_copy_that_lacks_objects_of_the_commit_says_so_and_keeps_the_record(tmp_path: Path) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"hubconf.py": WITH_HELPERS})
    (upstream.path / "weights.bin").write_bytes(os.urandom(1 << 20))
    git(upstream.path, "add", "--all")
    git(upstream.path, "commit", "--quiet", "-m", "weights")
    commit, blob = git(upstream.path, "rev-parse", "HEAD"), git(upstream.path, "rev-parse", "HEAD:weights.bin")
    copy = tmp_path / "copy.git"  # a mirror made without its large files
    git(tmp_path, "init", "--quiet", "--bare", str(copy))
    git(copy, "config", "receive.unpackLimit", "100000")
    git(upstream.path, "push", "--quiet", str(copy), "main")
    (copy / "objects" / blob[:2] / blob[2:]).unlink()
    config = load_config(make_project(tmp_path / "project", CATALOGUE_HEAD + entry_yaml("det", copy.as_uri(), commit)))

    report = pipeline.lock(config, pipeline.LockOptions())

    record = read_lock(config.lock).entries["det"]
    assert report.outcomes["det"][0] == "unfetchable"
    assert record.stale is not None and MISSING_OBJECTS in record.stale.reason
    assert "could not resolve host" not in record.stale.reason.lower()
