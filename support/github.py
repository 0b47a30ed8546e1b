"""A real HTTP server on 127.0.0.1 that serves git repositories in GitHub's URL shapes.

``/<owner>/<name>/archive/<ref>.tar.gz`` is made with ``git archive`` (which embeds the commit id, as
GitHub's archives do) and ``/<owner>/<name>.git/info/refs?service=git-upload-pack`` is what ``git
upload-pack`` advertises, as GitHub's smart-HTTP endpoint answers; anything else is 404, so a client
can fetch nothing but the registered repositories. The build runs its example notebooks against it
(`PINHUB_GITHUB_URL`), offline, and the loader's tests use it as GitHub. For those tests, switches
make it fail on purpose, and a gate holds archive answers back until a test opens it (so a download is
still running, for certain, while other processes arrive).
"""

from __future__ import annotations

import re
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

_ARCHIVE = re.compile(r"/(?P<owner>[^/]+)/(?P<name>[^/]+)/archive/(?P<ref>.+)\.tar\.gz")
_REF = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/-]*$")  # a branch, tag or commit; never an option or a range
_REFS = re.compile(r"/(?P<owner>[^/]+)/(?P<name>[^/]+)\.git/info/refs")
# A closed gate that nobody opens fails the request instead of hanging the test run.
GATE_TIMEOUT_S = 120


@dataclass
class Switches:
    """Ways to misbehave, each for the next N requests (or always, for the overrides)."""

    fail_next: int = 0
    truncate_next: int = 0
    archive_override: dict[str, bytes] = field(default_factory=dict)
    refs: str = "smart"  # or "missing" (404), or "page" (an HTML page, as a login wall answers)


class GitHubServer:
    """Serves registered repositories until stopped; records every request path."""

    def __init__(self) -> None:
        self.repos: dict[str, Path] = {}
        self.files: dict[str, bytes] = {}
        self.requests: list[str] = []
        self.switches = Switches()
        self.archive_gate = threading.Event()
        self.archive_gate.set()  # open: archives are answered at once; clear() to hold them back
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def add(self, owner_name: str, repo: Path) -> GitHubServer:
        """Serve the git repository at ``repo`` as ``owner_name``; returns the server."""
        self.repos[owner_name] = repo
        return self

    def __enter__(self) -> GitHubServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop answering; the port is closed afterwards (a second call does nothing)."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()

    def count(self, kind: str = "archive") -> int:
        """How many requests of a kind (``"archive"`` or ``"refs"``) were received."""
        marker = "/archive/" if kind == "archive" else "/info/refs"
        with self._lock:
            return sum(marker in path for path in self.requests)

    def record(self, path: str) -> None:
        with self._lock:
            self.requests.append(path)

    def take(self, switch: str) -> bool:
        """Use up one request's worth of a counting switch."""
        with self._lock:
            left: int = getattr(self.switches, switch)
            if left > 0:
                setattr(self.switches, switch, left - 1)
            return left > 0


def _handler_class(hub: GitHubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet: tests read ``hub.requests`` instead."""

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            hub.record(self.path)
            if hub.take("fail_next"):
                self.reply(500, b"internal error", "text/plain")
            elif path in hub.files:
                self.send_body(hub.files[path], "application/octet-stream")
            elif match := _ARCHIVE.fullmatch(path):
                self.archive(match["owner"], match["name"], match["ref"])
            elif match := _REFS.fullmatch(path):
                self.refs(match["owner"], match["name"])
            else:
                self.reply(404, b"not found", "text/plain")

        def archive(self, owner: str, name: str, ref: str) -> None:
            repo = hub.repos.get(f"{owner}/{name}")
            body = hub.switches.archive_override.get(f"{owner}/{name}")
            if body is None and repo is not None:
                body = _git_archive(repo, name, ref)
            if body is None:
                self.reply(404, b"not found", "text/plain")
                return
            if not hub.archive_gate.wait(GATE_TIMEOUT_S):
                self.reply(503, b"the test never opened the archive gate", "text/plain")
                return
            self.send_body(body, "application/x-gzip")

        def send_body(self, body: bytes, content_type: str) -> None:
            """Answer 200, cutting the body short when a truncate switch is on."""
            cut = len(body) // 2 if hub.take("truncate_next") else None
            self.reply(200, body, content_type, cut=cut)

        def refs(self, owner: str, name: str) -> None:
            repo = hub.repos.get(f"{owner}/{name}")
            if repo is None or hub.switches.refs == "missing":
                self.reply(404, b"Repository not found.", "text/plain")
                return
            if hub.switches.refs == "page":
                self.reply(200, b"<html>Sign in</html>", "text/html")
                return
            advertised = subprocess.run(
                ["git", "upload-pack", "--stateless-rpc", "--advertise-refs", str(repo)],
                capture_output=True,
                check=True,
            ).stdout
            service = b"# service=git-upload-pack\n"
            body = b"%04x" % (len(service) + 4) + service + b"0000" + advertised
            self.reply(200, body, "application/x-git-upload-pack-advertisement")

        def reply(self, status: int, body: bytes, content_type: str, cut: int | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body if cut is None else body[:cut])

    return Handler


def _git_archive(repo: Path, name: str, ref: str) -> bytes | None:
    """GitHub's archive for a ref, or None if the repository has no such ref or commit."""
    if not _REF.match(ref) or ".." in ref:
        return None
    verify = ["git", "-C", str(repo), "rev-parse", "-q", "--verify", "--end-of-options", f"{ref}^{{commit}}"]
    resolved = subprocess.run(verify, capture_output=True, check=False)
    if resolved.returncode != 0:
        return None
    prefix = f"{name}-{ref.replace('/', '-')}/"
    return subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar.gz", f"--prefix={prefix}", ref],
        capture_output=True,
        check=True,
    ).stdout
