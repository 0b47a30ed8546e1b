"""check-repo on real hubs: a good one passes, a bad one fails every check it should, with fixes."""

from __future__ import annotations

import functools
import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.cli import main
from generator.maintain import CheckOptions, check_repo, render_checklist, run_checks
from tests.generator.hubrepos import PROJECT_ROOT, make_hub_repo

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
    status = main(["--root", str(PROJECT_ROOT), "check-repo", f"{hub.url}@main"])
    checklist = capsys.readouterr().out
    assert status == 0, checklist
    assert f"@main ({hub.commit[:12]})" in checklist
    assert marks(checklist) == {
        "hubconf.py found": "✓",
        "dependencies declared": "✓",
        "dependencies importable": "✓",
        "every entrypoint has a docstring": "✓",
        "importing hubconf.py is light (no network, little output, quick)": "✓",
        "a pretrained/weights keyword where weights exist": "✓",
        "weight URLs answer": "!",
        "tiny(pretrained=False) loads on CPU without network": "✓",
        "tokenizer() loads on CPU without network": "✓",
    }
    assert f"{closed_port}/tiny.pth: unreachable (offline?)" in checklist
    assert f"{weights_server}/tiny.pth" not in checklist.split("weight URLs answer")[1].split("\n✓")[0]
    assert "0 failed, 1 warnings: ready to propose" in checklist


def test_a_bad_hub_fails_each_check_and_says_how_to_fix_it(tmp_path: Path, weights_server: str) -> None:
    hub = make_hub_repo(tmp_path / "bad", {"hubconf.py": BAD.format(served=weights_server)})
    report = check_repo(str(hub.path), tmp_path / "cache", CheckOptions(import_seconds=0.5))
    checklist = render_checklist(report)
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
    checks = run_checks(tmp_path, CheckOptions())
    assert [(c.name, c.status) for c in checks] == [("hubconf.py found", "failed")]
    assert "--subdir" in checks[0].fix
