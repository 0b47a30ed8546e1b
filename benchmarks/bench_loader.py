"""The loader's cost: pinhub cache hits against ``torch.hub.load(source="local")`` on the same hub, side by side.

On one of this project's example hubs (the digits classifier) served as a git repository by a local
HTTP server in GitHub's URL shapes:

* cache hit, repeated in one process: ``pinhub.load(..., commit=<sha>)`` (which checks the trust
  list, verifies the cache folder against its manifest and calls the entrypoint) against
  ``torch.hub.load(folder, source="local")``, interleaved, median of many; also with the hub in a
  repository of many files, where verifying the folder costs one ``lstat`` per file;
* cache hit, the first load in a fresh process (imports already done; the load call only);
* weights already in the cache: ``pinhub.load_state_dict_from_url(url, sha256=<full hash>)`` against
  ``torch.hub.load_state_dict_from_url(url, check_hash=True)``, and the same pinhub call right after
  the file's ctime changed (so its hash is computed again);
* cold load over 127.0.0.1 into an empty cache: by full commit, and by branch (one more request).
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import torch

import pinhub
from support.github import GitHubServer
from support.gitrepos import GitRepo

ROOT = Path(__file__).resolve().parents[1]
HUB = ROOT / "examples" / "digits"
ENTRY = "digits_classifier"
LIGHT_ENTRY = "digits_transform"
REPO = "bench/digits"
LARGE_REPO = "bench/large"
REPEATS = 41
FRESH_PROCESSES = 7
COLD_LOADS = 5
EXTRA_FILES = 1000
WEIGHTS_MB = 64
REHASHES = 5
# Hits on files verified less than this long after their last change are hashed again (racy stamps).
SETTLE_S = 2.5

FRESH_SCRIPT = """
import sys, time
import torch, pinhub
kind, where, commit = sys.argv[1:]
start = time.perf_counter()
if kind == "torch":
    torch.hub.load(where, "{entry}", source="local", verbose=False)
else:
    pinhub.load(where, "{entry}", commit=commit, verbose=False)
print(time.perf_counter() - start)
""".replace("{entry}", ENTRY)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set environment variables for the benchmark only."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def same_process(folder: Path, commit: str, entry: str, repo: str = REPO) -> tuple[float, float]:
    """Median cache-hit load time (torch.hub local, pinhub pinned), interleaved so both see the same machine."""
    theirs: list[float] = []
    ours: list[float] = []
    for _ in range(REPEATS):
        theirs.append(timed(lambda: torch.hub.load(str(folder), entry, source="local", verbose=False)))  # type: ignore[no-untyped-call]
        ours.append(timed(lambda: pinhub.load(repo, entry, commit=commit, verbose=False)))
    return median_ms(theirs), median_ms(ours)


def fresh_process(folder: Path, commit: str) -> tuple[float, float]:
    """Median time of the first load in a new process (after the imports), for each loader."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    samples: dict[str, list[float]] = {"torch": [], "pinhub": []}
    for _ in range(FRESH_PROCESSES):
        for kind, where in (("torch", str(folder)), ("pinhub", REPO)):
            command = [sys.executable, "-c", FRESH_SCRIPT, kind, where, commit]
            done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
            samples[kind].append(float(done.stdout.strip().splitlines()[-1]))
    return median_ms(samples["torch"]), median_ms(samples["pinhub"])


def weights_hits(scratch: Path, server: GitHubServer) -> tuple[float, float, float]:
    """Median cache-hit time of a weights file (torch.hub, pinhub with sha256=), and pinhub's after a change."""
    buffer = io.BytesIO()
    torch.save({"weight": torch.zeros(WEIGHTS_MB * 2**18)}, buffer)
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    path = f"/weights/bench-{digest[:8]}.pt"
    server.files[path] = data
    url = server.url + path
    theirs_dir, ours_dir = str(scratch / "weights-torch"), str(scratch / "weights-pinhub")
    load_theirs = functools.partial(
        torch.hub.load_state_dict_from_url, url, model_dir=theirs_dir, check_hash=True, progress=False
    )
    load_ours = functools.partial(pinhub.load_state_dict_from_url, url, model_dir=ours_dir, sha256=digest)
    load_theirs()
    load_ours()
    time.sleep(SETTLE_S)
    load_ours()
    theirs: list[float] = []
    ours: list[float] = []
    for _ in range(REPEATS):
        theirs.append(timed(load_theirs))
        ours.append(timed(load_ours))
    cached = Path(ours_dir) / path.rsplit("/", 1)[1]
    changed: list[float] = []
    for _ in range(REHASHES):
        os.chmod(cached, cached.stat().st_mode)  # same content, new ctime: the hash must be computed again
        changed.append(timed(load_ours))
    return median_ms(theirs), median_ms(ours), median_ms(changed)


def large_repository(scratch: Path, server: GitHubServer) -> tuple[Path, str]:
    """The digits hub at the root of a repository that also holds many small files; cached and settled."""
    repo = GitRepo(scratch / "large")
    files: dict[str, str | bytes | None] = {
        str(p.relative_to(HUB)): p.read_bytes() for p in HUB.rglob("*") if p.is_file()
    }
    files.update({f"data/part{n // 100}/file{n}.txt": f"line {n}\n" for n in range(EXTRA_FILES)})
    commit = repo.commit(files)
    server.add(LARGE_REPO, repo.path)
    pinhub.load(LARGE_REPO, LIGHT_ENTRY, commit=commit, trust_repo=True, verbose=False)
    return repo.path, commit


def cold(scratch: Path, commit: str) -> tuple[float, float]:
    """Median load time into an empty cache over the local server: by full commit, and by branch."""
    samples: dict[str, list[float]] = {"sha": [], "branch": []}
    for number in range(COLD_LOADS):
        for kind, spec, pin in (("sha", REPO, commit), ("branch", f"{REPO}:main", None)):
            with environment(TORCH_HOME=str(scratch / f"cold-{kind}-{number}")):
                load = functools.partial(pinhub.load, spec, ENTRY, commit=pin, trust_repo=True, verbose=False)
                samples[kind].append(timed(load))
    return median_ms(samples["sha"]), median_ms(samples["branch"])


def main() -> None:
    """Run the three measurements and print them."""
    with tempfile.TemporaryDirectory(prefix="pinhub-bench-") as tmp:
        scratch = Path(tmp)
        repo = GitRepo(scratch / "repo")
        commit = repo.commit({str(p.relative_to(HUB)): p.read_bytes() for p in HUB.rglob("*") if p.is_file()})
        server = GitHubServer()
        server.add(REPO, repo.path)
        try:
            with environment(TORCH_HOME=str(scratch / "torch"), PINHUB_GITHUB_URL=server.url):
                pinhub.load(REPO, ENTRY, commit=commit, trust_repo=True, verbose=False)
                torch.hub.load(str(repo.path), ENTRY, source="local", verbose=False)  # type: ignore[no-untyped-call]
                large_path, large_commit = large_repository(scratch, server)
                time.sleep(SETTLE_S)  # real cache hits come long after the download, when the stamps have settled
                large = same_process(large_path, large_commit, LIGHT_ENTRY, LARGE_REPO)
                theirs_weights, ours_weights, changed_weights = weights_hits(scratch, server)
                rows = [
                    (f"cache hit, same process ({REPEATS} loads)", *same_process(repo.path, commit, ENTRY)),
                    (f"  the same, {LIGHT_ENTRY} (loader cost only)", *same_process(repo.path, commit, LIGHT_ENTRY)),
                    (f"  the same, in a repository of {EXTRA_FILES} more files", *large),
                    (f"cache hit, first load in a new process ({FRESH_PROCESSES})", *fresh_process(repo.path, commit)),
                    (f"weights hit, {WEIGHTS_MB} MB, sha256= ({REPEATS} loads)", theirs_weights, ours_weights),
                    (f"  the same, after the file changed ({REHASHES}; re-hash)", theirs_weights, changed_weights),
                ]
                cold_sha, cold_branch = cold(scratch, commit)
        finally:
            server.stop()
    report(rows, cold_sha, cold_branch)


def report(rows: list[tuple[str, float, float]], cold_sha: float, cold_branch: float) -> None:
    """Print the figures as a table."""
    print(f"hub: examples/digits, entrypoint {ENTRY}; medians; ratio = pinhub / torch.hub (below 1: pinhub faster)")
    print(f"{'measurement':<50}{'torch.hub local':>16}{'pinhub pinned':>15}{'ratio':>8}")
    for label, theirs, ours in rows:
        print(f"{label:<50}{theirs:>13.3f} ms{ours:>12.3f} ms{ours / theirs:>8.2f}")
    print(f"{f'cold load over 127.0.0.1, full SHA ({COLD_LOADS})':<50}{'-':>16}{cold_sha:>12.2f} ms")
    print(f"{f'cold load over 127.0.0.1, branch ({COLD_LOADS})':<50}{'-':>16}{cold_branch:>12.2f} ms")
