"""Smoke-loading one entrypoint: what a user of the loaded model would see, in the names they would see."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from generator.smoke import SmokeRequest, smoke_entrypoint
from tests.generator.hubrepos import PROJECT_ROOT

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
    assert result.isolation in {"network namespace", "socket guard"}
    assert result.peak_memory_mb and result.forward_seconds is not None


def test_a_failure_records_the_exception_type_and_message(tmp_path: Path) -> None:
    result = smoke_entrypoint(SmokeRequest(write_hub(tmp_path / "hub"), "broken", timeout=120))
    assert (result.status, result.error_type, result.reason) == ("failed", "KeyError", "KeyError: 'weights'")


def test_the_devices_are_found_without_importing_torch_in_the_build() -> None:
    """A CPU build of torch is recognised from its files; a CUDA build is asked in a child interpreter."""
    code = "import sys; from generator.smoke import torch_environment as t; print(t().devices, 'torch' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert completed.stdout.startswith("('cpu'") and completed.stdout.split()[-1] == "False", completed.stderr
