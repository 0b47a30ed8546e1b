"""This project's own git history, served on 127.0.0.1 in GitHub's URL shapes, for `PINHUB_GITHUB_URL`.

An example notebook loads its hub from GitHub at the pinned commit, as a reader's Colab session does.
The build runs it offline against this server instead: `/<owner>/<name>/archive/<rev>.tar.gz` is
`git archive` of the project repository, and `/<owner>/<name>.git/info/refs?service=git-upload-pack`
is what `git upload-pack` advertises, as GitHub's smart-HTTP endpoint answers. Other repositories
get 404, so a notebook can fetch nothing the build does not hold.
"""

from __future__ import annotations

import re
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

_ARCHIVE = re.compile(r"/(?P<repo>[^/]+/[^/]+)/archive/(?P<rev>[^?#]+)\.tar\.gz")
_REFS = re.compile(r"/(?P<repo>[^/]+/[^/]+)\.git/info/refs")
_REV = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/-]*$")


class ProjectGitHub:
    """Serves the git repository at `root` as GitHub repository `owner_name` until closed."""

    def __init__(self, root: Path, owner_name: str) -> None:
        self.root = root
        self.owner_name = owner_name
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> ProjectGitHub:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def archive(self, rev: str) -> bytes | None:
        """GitHub's tar.gz of the repository at `rev` (top folder `<name>-<rev>/`), or None if unknown."""
        if not _REV.match(rev) or ".." in rev:
            return None
        found = _git(self.root, "rev-parse", "-q", "--verify", "--end-of-options", f"{rev}^{{commit}}")
        if found is None:
            return None
        prefix = f"{self.owner_name.split('/')[1]}-{rev.replace('/', '-')}/"
        return _git(self.root, "archive", "--format=tar.gz", f"--prefix={prefix}", found.decode().strip())

    def refs(self) -> bytes | None:
        """The smart-HTTP advertisement of every branch and tag."""
        advertised = _git(self.root, "upload-pack", "--stateless-rpc", "--advertise-refs", ".")
        if advertised is None:
            return None
        service = b"# service=git-upload-pack\n"
        return b"%04x" % (len(service) + 4) + service + b"0000" + advertised


def _git(root: Path, *args: str) -> bytes | None:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False, timeout=300)
    return done.stdout if done.returncode == 0 else None


def _handler(hub: ProjectGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the notebook's own output says what it fetched."""

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            body, kind = None, "application/x-gzip"
            if (match := _ARCHIVE.fullmatch(path)) and match["repo"] == hub.owner_name:
                body = hub.archive(match["rev"])
            elif (match := _REFS.fullmatch(path)) and match["repo"] == hub.owner_name:
                body, kind = hub.refs(), "application/x-git-upload-pack-advertisement"
            if body is None:
                self._reply(404, b"Not Found", "text/plain")
            else:
                self._reply(200, body, kind)

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler
