"""check-repo on real hubs: a good one passes, a bad one fails every check it should, with fixes."""

from __future__ import annotations

import functools
import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.catalogue.model import VerificationSetting
from generator.cli import main
from generator.maintain import CheckOptions, check_repo, checklist_text, run_checks
from support import verification
from support.hubrepos import CATALOGUE_HEAD, drop_blob, make_hub_repo, make_project

# The hubs are loaded in environments with the torch installed here, as the catalogue's pair says.
TEST_PAIR = VerificationSetting.model_validate(verification.SETTING)

GOOD = '''
dependencies = ["torch"]

import torch

WEIGHTS = "{served}/tiny.pth"
MIRROR = "{closed}/tiny.pth"


def tiny(pretrained: bool = False) -> torch.nn.Module:
    """A tiny classifier; `pretrained` loads its published weights."""
    model = torch.nn.Linear(4, 3)
    if pretrained:
        model.load_state_dict(torch.hub.load_state_dict_from_url(WEIGHTS))
    return model


def tokenizer():
    """Splits text (not a model: needs no weights keyword)."""
    return str.split
'''

BAD = '''
import time
import urllib.request

import torch

print("x" * 2_000_000)  # megabytes at import
try:
    urllib.request.urlopen("http://192.0.2.1/telemetry", timeout=1)  # caught: the attempt still counts
except OSError:
    pass
time.sleep(0.8)


def undocumented():
    return torch.nn.Linear(2, 2)


def broken(pretrained=False):
    """Fails to load."""
    raise RuntimeError("the weights server is down")


def fetches():
    """A model whose weights cannot be switched off."""
    return torch.hub.load_state_dict_from_url("{served}/missing.pth")
'''


@pytest.fixture(scope="module")
def weights_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 that serves tiny.pth (and answers 404 for anything else)."""
    folder = tmp_path_factory.mktemp("weights")
    (folder / "tiny.pth").write_bytes(b"\0" * 1024)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> str:
    """An address nothing listens on: connecting is refused at once, like a weights host out of reach."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


# The checks before the weight URLs, all passed.
PASSED = {
    "hubconf.py found": "✓",
    "dependencies declared": "✓",
    "dependencies importable": "✓",
    "every entrypoint has a docstring": "✓",
    "importing hubconf.py is light (no network, little output, quick)": "✓",
    "a pretrained/weights keyword where weights exist": "✓",
}


def marks(checklist: str) -> dict[str, str]:
    """First words of each check → its mark."""
    found = {}
    for line in checklist.splitlines():
        if line[:2] in ("✓ ", "✗ ", "! ", "- "):
            found[line[2:].split(":")[0]] = line[0]
    return found


def test_a_good_hub_passes_and_an_unreachable_weight_url_is_only_a_warning(
    tmp_path: Path, weights_server: str, closed_port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = make_hub_repo(tmp_path / "good", {"hubconf.py": GOOD.format(served=weights_server, closed=closed_port)})
    project = make_project(tmp_path / "project", CATALOGUE_HEAD.replace("models:", "models: []"))
    status = main(["--root", str(project), "check-repo", f"{hub.url}@main"])
    captured = capsys.readouterr()
    checklist = captured.out
    assert status == 0, checklist + captured.err
    assert f"@main ({hub.commit[:12]})" in checklist
    assert marks(checklist) == {
        **PASSED,
        "weight URLs answer": "!",
        "tiny(pretrained=False) loads on CPU without network": "✓",
        "tokenizer() loads on CPU without network": "✓",
    }
    assert f"{closed_port}/tiny.pth: unreachable (offline?)" in checklist
    assert f"{weights_server}/tiny.pth" not in checklist.split("weight URLs answer")[1].split("\n✓")[0]
    assert "0 failed, 1 warnings: ready to propose" in checklist


def test_a_bad_hub_fails_each_check_and_says_how_to_fix_it(tmp_path: Path, weights_server: str) -> None:
    hub = make_hub_repo(tmp_path / "bad", {"hubconf.py": BAD.format(served=weights_server)})
    report = check_repo(str(hub.path), tmp_path / "cache", CheckOptions(import_seconds=0.5, verification=TEST_PAIR))
    checklist = checklist_text(report)
    assert "(working tree)" in checklist
    assert marks(checklist) == {
        "hubconf.py found": "✓",
        "dependencies declared": "✗",
        "dependencies importable": "✓",
        "every entrypoint has a docstring": "✗",
        "importing hubconf.py is light (no network, little output, quick)": "✗",
        "a pretrained/weights keyword where weights exist": "✗",
        "weight URLs answer": "✗",
        "broken(pretrained=False) loads on CPU without network": "✗",
        "fetches() loads on CPU without network": "✗",
        "undocumented() loads on CPU without network": "✓",
    }
    assert "hubconf.py has no `dependencies` list" in checklist
    assert "missing on undocumented" in checklist
    assert "tried to reach the network: 192.0.2.1:80" in checklist
    assert "printed 2,000,001 bytes (limit 1,000,000)" in checklist
    assert "limit 0.5 s, torch excluded" in checklist
    assert "no pretrained= or weights= on fetches, undocumented" in checklist
    assert f"{weights_server}/missing.pth: answered HTTP 404" in checklist
    assert "RuntimeError: the weights server is down" in checklist
    assert checklist.count("    fix: ") == 7
    assert len(report.failed) == 7


def test_a_repository_without_hubconf_fails_at_once(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("not a hub")
    checks = run_checks(tmp_path, CheckOptions(verification=TEST_PAIR))
    assert [(c.name, c.status) for c in checks] == [("hubconf.py found", "failed")]
    assert "--subdir" in checks[0].fix


UNDECLARED = '''
dependencies = ["torch"]

import torch
import yaml  # PyYAML on PyPI: imported, never declared


def tiny(pretrained: bool = False) -> torch.nn.Module:
    """A tiny classifier that describes itself with attrs."""
    import attr  # attrs on PyPI: imported only when the model is built

    return torch.nn.Linear(4, 3)
'''

HELPERS = '''
dependencies = ["torch"]

import functools
from pathlib import Path

import torch


def _classifier(width: int, pretrained: bool = False) -> torch.nn.Module:
    """A classifier with `width` classes."""
    return torch.nn.Linear(4, width)


narrow = functools.partial(_classifier, 2)  # an entrypoint too: torch.hub.list lists every callable


def tiny(pretrained: bool = False) -> torch.nn.Module:
    """A tiny classifier."""
    return torch.nn.Linear(4, 3)


def head(features: int) -> torch.nn.Module:
    """A classification head for `features` inputs (a helper: it needs them)."""
    return torch.nn.Linear(features, 3)


def remote(pretrained: bool = False) -> torch.nn.Module:
    """A model whose code comes from another hub."""
    return torch.hub.load("owner/other", "model")
'''


def test_packages_the_hub_imports_without_declaring_them_are_installed_and_named_by_their_pypi_names(
    tmp_path: Path,
) -> None:
    hub = make_hub_repo(tmp_path / "undeclared", {"hubconf.py": UNDECLARED})
    report = check_repo(f"{hub.url}@main", tmp_path / "cache", CheckOptions(offline=True, verification=TEST_PAIR))
    checklist = checklist_text(report)
    assert marks(checklist) == {
        "hubconf.py found": "✓",
        "dependencies declared": "!",
        "dependencies importable": "!",
        "every entrypoint has a docstring": "✓",
        "importing hubconf.py is light (no network, little output, quick)": "✓",
        "a pretrained/weights keyword where weights exist": "✓",
        "weight URLs answer": "✓",
        "tiny(pretrained=False) loads on CPU without network": "✓",
    }
    # Found in two rounds: the import needs yaml, then building the model needs attr.
    assert (
        f"imported with Python {verification.TEST_PYTHON}, torch {verification.TEST_TORCH}, pyyaml, attrs" in checklist
    )
    assert "once it had yaml (PyPI: pyyaml), attr (PyPI: attrs), which hubconf.py does not declare" in checklist
    assert "the catalogue entry needs `requirements: [pyyaml, attrs]`" in checklist
    assert report.failed == []


def test_helpers_and_imported_names_are_not_models_and_a_load_that_needs_the_network_fails(tmp_path: Path) -> None:
    hub = make_hub_repo(tmp_path / "helpers", {"hubconf.py": HELPERS})
    report = check_repo(str(hub.path), tmp_path / "cache", CheckOptions(offline=True, verification=TEST_PAIR))
    checklist = checklist_text(report)
    assert marks(checklist) == {
        **PASSED,
        "weight URLs answer": "✓",
        "entrypoints are the hub's own": "!",
        "head() loads on CPU without network": "!",
        "narrow(pretrained=False) loads on CPU without network": "✓",
        "remote(pretrained=False) loads on CPU without network": "✗",
        "tiny(pretrained=False) loads on CPU without network": "✓",
    }
    assert "names hubconf.py imports from elsewhere (not loaded): Path" in checklist
    assert "needs arguments, so not a model by itself" in checklist
    assert "remote(pretrained=False) loads on CPU without network: needs-network: " in checklist
    assert [check.name for check in report.failed] == ["remote(pretrained=False) loads on CPU without network"]


def test_a_commit_whose_files_cannot_be_fetched_is_a_failed_check_not_an_error(tmp_path: Path) -> None:
    hub = make_hub_repo(tmp_path / "partial", {"hubconf.py": HELPERS, "weights.bin": "0" * 4096})
    drop_blob(hub.path, "weights.bin")  # as a mirror made without its large files
    report = check_repo(f"{hub.url}@main", tmp_path / "cache", CheckOptions(offline=True, verification=TEST_PAIR))
    checklist = checklist_text(report)
    assert f"@main ({hub.commit[:12]})" in checklist
    assert "✗ repository fetched: cannot fetch" in checklist
    assert "the mirror lacks objects of this commit" in checklist
    assert len(report.checks) == 1
