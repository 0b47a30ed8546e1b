"""Weights: full SHA-256 checks on downloads and cache hits, atomic writes, cut-off files, weights_only by default."""

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
from pinhub.errors import DamagedCacheError, DownloadError, HashMismatchError, OfflineCacheMissError
from support.github import GitHubServer
from tests.pinhub.tampering import edit_in_place, flip_last_byte

ROOT = Path(__file__).resolve().parents[2]


class Payload:
    """Not a tensor: unpickling it needs weights_only=False."""

    answer = 42


def serialized(obj: object) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


@pytest.fixture
def weights(server: GitHubServer) -> tuple[str, bytes, str]:
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


@pytest.mark.fault("Loader", "a download whose SHA-256 does not match: the old file kept, no temporary left")
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


@pytest.mark.fault("Loader", "a download cut short: retried, then refused")
def test_truncated_body_is_retried_then_refused(
    weights: tuple[str, bytes, str], server: GitHubServer, tmp_path: Path
) -> None:
    url, data, _ = weights
    server.switches.truncate_next = 1
    pinhub.download_url_to_file(url, tmp_path / "ok.pt")
    assert (tmp_path / "ok.pt").read_bytes() == data
    server.switches.truncate_next = 3
    with pytest.raises(DownloadError, match=r"got \d+ of \d+ bytes"):
        pinhub.download_url_to_file(url, tmp_path / "cut.pt")
    assert sorted(os.listdir(tmp_path)) == ["ok.pt"]


def test_load_state_dict_checks_the_name_hash_and_caches(weights: tuple[str, bytes, str], server: GitHubServer) -> None:
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


def test_weights_only_by_default(server: GitHubServer, tmp_path: Path) -> None:
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


def cached_path(url: str) -> Path:
    return Path(pinhub.get_dir()) / "checkpoints" / url.rsplit("/", 1)[1]


def downloads(server: GitHubServer) -> int:
    return sum("/weights/" in path for path in server.requests)


@pytest.mark.fault("Loader", "a cached weights file that no longer matches its SHA-256: downloaded again")
@pytest.mark.parametrize("how", ["sha256", "check_hash"])
def test_a_cached_file_that_no_longer_matches_its_hash_is_downloaded_again(
    weights: tuple[str, bytes, str], server: GitHubServer, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    url, data, digest = weights
    expected = {"sha256": digest} if how == "sha256" else {"check_hash": True}
    pinhub.load_state_dict_from_url(url, **expected)
    cached = cached_path(url)
    edit_in_place(cached, flip_last_byte(data))
    capsys.readouterr()
    state = pinhub.load_state_dict_from_url(url, **expected)
    assert torch.equal(state["weight"], torch.arange(4.0))
    assert cached.read_bytes() == data
    assert downloads(server) == 2
    message = capsys.readouterr().err
    wanted = digest if how == "sha256" else digest[:8]
    assert f"the cached file {cached} does not have the expected SHA-256 {wanted}" in message
    assert f"(it has {hashlib.sha256(flip_last_byte(data)).hexdigest()})" in message


@pytest.mark.fault("Loader", "offline, a cached weights file that does not match: an error that keeps it")
def test_offline_a_mismatching_cached_file_is_an_error_that_keeps_it(
    weights: tuple[str, bytes, str], server: GitHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, data, digest = weights
    pinhub.load_state_dict_from_url(url, sha256=digest)
    cached = cached_path(url)
    edit_in_place(cached, flip_last_byte(data))
    monkeypatch.setenv("PINHUB_OFFLINE", "1")
    with pytest.raises(HashMismatchError) as raised:
        pinhub.load_state_dict_from_url(url, sha256=digest)
    message = str(raised.value)
    assert str(cached) in message
    assert f"expected SHA-256 {digest}" in message
    assert f"it has {hashlib.sha256(flip_last_byte(data)).hexdigest()}" in message
    assert "PINHUB_OFFLINE is set" in message and f"download {url} again" in message
    assert cached.read_bytes() == flip_last_byte(data)
    assert downloads(server) == 1


@pytest.mark.fault("Loader", "a cache hit: its SHA-256 checked, nothing downloaded")
def test_an_untouched_cached_file_is_verified_without_a_download(
    weights: tuple[str, bytes, str], server: GitHubServer
) -> None:
    url, data, digest = weights
    for _ in range(3):
        pinhub.load_state_dict_from_url(url, sha256=digest)
    assert downloads(server) == 1
    with pytest.raises(HashMismatchError, match=f'invalid hash value for {url} \\(expected "{"0" * 64}"'):
        pinhub.load_state_dict_from_url(url, sha256="0" * 64)  # the server's copy does not match either
    assert cached_path(url).read_bytes() == data


@pytest.mark.fault("Loader", "a truncated cached weights file: named, and fetched again")
@pytest.mark.parametrize("downloaded_by", ["pinhub", "torch.hub"])
def test_a_cut_short_cached_file_is_named_and_downloaded_again(
    weights: tuple[str, bytes, str], server: GitHubServer, capsys: pytest.CaptureFixture[str], downloaded_by: str
) -> None:
    url, data, _ = weights
    if downloaded_by == "pinhub":
        pinhub.load_state_dict_from_url(url)
    else:
        torch.hub.load_state_dict_from_url(url, progress=False)
    cached = cached_path(url)
    cached.write_bytes(data[: len(data) // 2])
    capsys.readouterr()
    state = pinhub.load_state_dict_from_url(url)
    assert torch.equal(state["weight"], torch.arange(4.0))
    assert cached.read_bytes() == data
    assert f"the cached file {cached} is cut short" in capsys.readouterr().err
    assert downloads(server) == 2


@pytest.mark.fault("Loader", "offline, a truncated cached weights file: says how to restore it")
def test_offline_a_cut_short_cached_file_says_how_to_restore_it(
    weights: tuple[str, bytes, str], server: GitHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, data, _ = weights
    pinhub.load_state_dict_from_url(url)
    cached = cached_path(url)
    cached.write_bytes(data[:100])
    monkeypatch.setenv("PINHUB_OFFLINE", "1")
    with pytest.raises(DamagedCacheError) as raised:
        pinhub.load_state_dict_from_url(url)
    assert isinstance(raised.value, OfflineCacheMissError)
    message = str(raised.value)
    assert f"the cached file {cached} is cut short (100 of the {len(data)} bytes downloaded are left)" in message
    assert f"Run the same call with network access to download {url} again" in message


def test_without_a_hash_a_replaced_file_that_loads_is_used_as_it_is(
    weights: tuple[str, bytes, str], server: GitHubServer
) -> None:
    url, _, _ = weights
    pinhub.load_state_dict_from_url(url)
    cached_path(url).write_bytes(serialized({"weight": torch.ones(2)}))  # as torch.hub would, it is the user's file
    assert torch.equal(pinhub.load_state_dict_from_url(url)["weight"], torch.ones(2))
    assert downloads(server) == 1
