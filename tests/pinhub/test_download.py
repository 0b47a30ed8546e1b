"""Weights downloads: full SHA-256 checks, atomic writes, weights_only by default, the shared checkpoints folder."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import pty
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import pinhub
from pinhub.errors import DownloadError, HashMismatchError
from tests.pinhub.server import HubServer

ROOT = Path(__file__).resolve().parents[2]


class Payload:
    """Not a tensor: unpickling it needs weights_only=False."""

    answer = 42


def serialized(obj: object) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


@pytest.fixture
def weights(server: HubServer) -> tuple[str, bytes, str]:
    """A state dict served at a URL whose file name carries its SHA-256 prefix, as torchvision's do."""
    data = serialized({"weight": torch.arange(4.0)})
    digest = hashlib.sha256(data).hexdigest()
    path = f"/weights/net-{digest[:8]}.pt"
    server.files[path] = data
    return server.url + path, data, digest


def test_full_hash_and_prefix_are_accepted(weights: tuple[str, bytes, str], tmp_path: Path) -> None:
    url, data, digest = weights
    pinhub.download_url_to_file(url, tmp_path / "full.pt", hash_prefix=digest)
    pinhub.download_url_to_file(url, str(tmp_path / "prefix.pt"), hash_prefix=digest[:8].upper())
    assert (tmp_path / "full.pt").read_bytes() == data == (tmp_path / "prefix.pt").read_bytes()


def test_hash_mismatch_keeps_the_old_file_and_no_temp(weights: tuple[str, bytes, str], tmp_path: Path) -> None:
    url, _, digest = weights
    destination = tmp_path / "net.pt"
    destination.write_bytes(b"previous")
    wrong = ("0" if digest[0] != "0" else "1") + digest[1:]
    with pytest.raises(HashMismatchError, match=f'expected "{wrong}", got "{digest}"') as raised:
        pinhub.download_url_to_file(url, destination, hash_prefix=wrong)
    assert isinstance(raised.value, RuntimeError)
    assert destination.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["net.pt"]


def test_truncated_body_is_retried_then_refused(
    weights: tuple[str, bytes, str], server: HubServer, tmp_path: Path
) -> None:
    url, data, _ = weights
    server.switches.truncate_next = 1
    pinhub.download_url_to_file(url, tmp_path / "ok.pt")
    assert (tmp_path / "ok.pt").read_bytes() == data
    server.switches.truncate_next = 3
    with pytest.raises(DownloadError, match=r"got \d+ of \d+ bytes"):
        pinhub.download_url_to_file(url, tmp_path / "cut.pt")
    assert sorted(os.listdir(tmp_path)) == ["ok.pt"]


def test_load_state_dict_checks_the_name_hash_and_caches(weights: tuple[str, bytes, str], server: HubServer) -> None:
    url, _, _ = weights
    state = pinhub.load_state_dict_from_url(url, check_hash=True, progress=False)
    assert torch.equal(state["weight"], torch.arange(4.0))
    checkpoints = Path(torch.hub.get_dir()) / "checkpoints"
    assert [p.name for p in checkpoints.iterdir() if not p.name.startswith(".")] == [url.rsplit("/", 1)[1]]
    pinhub.load_state_dict_from_url(url, check_hash=True)
    assert sum("/weights/" in path for path in server.requests) == 1


def test_full_sha256_keyword(weights: tuple[str, bytes, str], tmp_path: Path) -> None:
    url, _, digest = weights
    with pytest.raises(HashMismatchError):
        pinhub.load_state_dict_from_url(url, model_dir=str(tmp_path), file_name="a.pt", sha256="f" * 64)
    state = pinhub.load_state_dict_from_url(url, model_dir=str(tmp_path), file_name="b.pt", sha256=digest)
    assert set(state) == {"weight"}


def test_weights_only_by_default(server: HubServer, tmp_path: Path) -> None:
    server.files["/weights/pickled.pt"] = serialized({"payload": Payload()})
    url = server.url + "/weights/pickled.pt"
    with pytest.raises(pickle.UnpicklingError):
        pinhub.load_state_dict_from_url(url, model_dir=str(tmp_path))
    assert pinhub.load_state_dict_from_url(url, model_dir=str(tmp_path), weights_only=False)["payload"].answer == 42


def test_progress_bar_only_on_a_terminal(weights: tuple[str, bytes, str], tmp_path: Path) -> None:
    url, _, _ = weights
    script = f"import pinhub; pinhub.download_url_to_file({url!r}, {str(tmp_path / 'x.pt')!r})"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    piped = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert piped.returncode == 0 and piped.stderr == ""
    controller, terminal = pty.openpty()
    on_terminal = subprocess.run([sys.executable, "-c", script], stderr=terminal, env=env, timeout=60, check=True)
    os.close(terminal)
    shown = os.read(controller, 65536).decode()
    os.close(controller)
    assert on_terminal.returncode == 0
    assert "100" in shown and ("%" in shown or "B" in shown)
