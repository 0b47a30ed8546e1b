"""Smoke-loading one entrypoint: what a user of the loaded model would see, in the names they would see."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.smoke import SmokeRequest, smoke_entrypoint
from support.hubrepos import PROJECT_ROOT

HUB = {
    "hubconf.py": '''
        dependencies = ["torch"]

        from models.net import Net, make


        def net(width: int = 3) -> Net:
            """The network."""
            return make(width)


        def broken(pretrained=False):
            """Fails while loading."""
            raise KeyError("weights")
    ''',
    "models/__init__.py": "",
    "models/net.py": '''
        import torch


        class Net(torch.nn.Module):
            def __init__(self, width: int) -> None:
                super().__init__()
                self.fc = torch.nn.Linear(4, width)

            def forward(self, x: torch.Tensor, scale: "Net | None" = None) -> torch.Tensor:
                """Scores for a batch."""
                return self.fc(x)

            def export(self, path: str) -> None:
                """Save it."""


        def make(width: int) -> Net:
            return Net(width)
    ''',
}


def write_hub(folder: Path) -> Path:
    for name, text in HUB.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def test_a_module_is_described_with_the_hubs_own_module_names(tmp_path: Path) -> None:
    hub = write_hub(tmp_path / "hub")
    result = smoke_entrypoint(SmokeRequest(hub, "net", kwargs={"width": 5}, input={"shape": [2, 4]}, timeout=120))
    assert result.status == "ok", result.reason
    assert result.returned == "models.net.Net"  # as torch.hub users see it, not pinhub's private package
    assert (result.parameters, result.output_shape, result.output_dtype) == (25, [2, 5], "float32")
    assert result.model is not None and result.model.methods == ["export"]
    assert result.model.forward_signature == "(x: torch.Tensor, scale: 'Net | None' = None) -> torch.Tensor"
    assert result.isolation.startswith("bubblewrap, ")
    assert result.peak_memory_mb and result.forward_seconds is not None


def test_a_failure_records_the_exception_type_and_message(tmp_path: Path) -> None:
    result = smoke_entrypoint(SmokeRequest(write_hub(tmp_path / "hub"), "broken", timeout=120))
    assert (result.status, result.error_type, result.reason) == ("error", "KeyError", "KeyError: 'weights'")


STATUS_HUB = {
    "hubconf.py": '''
        dependencies = ["torch"]

        from pathlib import Path


        class Detector:
            """Needs its configuration."""

            def __init__(self, config):
                self.config = config


        def downloads(pretrained=True):
            """Fetches its weights when built."""
            import urllib.request

            return urllib.request.urlopen("https://example.com/weights.pt")


        def nested(pretrained=False):
            """Loads a second hub from GitHub."""
            import torch

            return torch.hub.load("owner/other", "model")


        def undeclared(pretrained=False):
            """Imports a package nobody declared."""
            import definitely_not_installed_pkg

            return definitely_not_installed_pkg


        def slow(pretrained=False):
            """Never finishes."""
            import time

            time.sleep(60)
    ''',
}


@pytest.mark.parametrize(
    ("entrypoint", "status", "reason"),
    [
        ("Detector", "needs-arguments", "missing 1 required positional argument: 'config'"),
        ("downloads", "needs-network", "network access is blocked"),
        ("nested", "needs-network", ""),
        ("undeclared", "missing-dependency", "imports definitely_not_installed_pkg, which neither"),
        ("slow", "timeout", "timed out after 3 s"),
    ],
)
def test_each_way_a_load_can_fail_has_its_own_status(tmp_path: Path, entrypoint: str, status: str, reason: str) -> None:
    hub = tmp_path / "hub"
    hub.mkdir()
    (hub / "hubconf.py").write_text(textwrap.dedent(STATUS_HUB["hubconf.py"]), encoding="utf-8")
    result = smoke_entrypoint(SmokeRequest(hub, entrypoint, timeout=3 if entrypoint == "slow" else 120))
    assert result.status == status, result.reason
    assert reason in result.reason


def test_a_helper_imported_into_hubconf_loads_as_what_it_is(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    hub.mkdir()
    (hub / "hubconf.py").write_text(textwrap.dedent(STATUS_HUB["hubconf.py"]), encoding="utf-8")
    result = smoke_entrypoint(SmokeRequest(hub, "Path", timeout=120))
    assert (result.status, result.is_module, result.returned) == ("ok", False, "pathlib.PosixPath")


def test_the_devices_are_found_without_importing_torch_in_the_build() -> None:
    code = "import sys; from generator.environments import machine_devices as m; print(m(), 'torch' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert completed.stdout.startswith("('cpu'") and completed.stdout.split()[-1] == "False", completed.stderr


def test_a_hub_writing_into_its_own_folder_is_told_that_the_sandbox_keeps_it_read_only(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    hub.mkdir()
    (hub / "hubconf.py").write_text(
        textwrap.dedent(
            """
            import os

            def model(pretrained=False):
                os.makedirs(os.path.join(os.path.dirname(__file__), "downloads"))
            """
        ),
        encoding="utf-8",
    )
    result = smoke_entrypoint(SmokeRequest(hub, "model", timeout=120))
    assert result.status == "error"
    assert result.reason.startswith("writes into files the sandbox keeps read-only, such as its own folder (OSError")
    assert not (hub / "downloads").exists()
