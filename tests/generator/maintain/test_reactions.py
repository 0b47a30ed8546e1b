"""`reactions` reads each model page's discussion from a GraphQL server in GitHub's shape, page by page."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.render.votes import read_votes
from support.hubrepos import CATALOGUE_HEAD, entry_yaml, make_project

PAGES = [
    # giscus's pathname mapping: the discussion's title is the page's path on the site.
    [("/pinhub/models/alpha/", {"THUMBS_UP": 7, "THUMBS_DOWN": 2, "HEART": 1}), ("/pinhub/about/", {"THUMBS_UP": 9})],
    [("/pinhub/models/beta/", {"THUMBS_UP": 1, "EYES": 0}), ("/pinhub/models/unknown-id/", {"THUMBS_UP": 5})],
]


class GraphQL:
    """A GraphQL endpoint answering the discussions query in two pages; records every request."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/graphql"

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        page = 1 if request["variables"]["after"] == "cursor-1" else 0
        nodes = [
            {
                "title": title,
                "reactionGroups": [{"content": c, "reactors": {"totalCount": n}} for c, n in counts.items()],
            }
            for title, counts in PAGES[page]
        ]
        info = {"hasNextPage": page == 0, "endCursor": "cursor-1" if page == 0 else None}
        return {"data": {"repository": {"discussions": {"pageInfo": info, "nodes": nodes}}}}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        graphql = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                graphql.requests.append((dict(self.headers), request))
                if self.headers.get("Authorization") != "bearer test-token":
                    self.send_response(401)
                    self.end_headers()
                    return
                body = json.dumps(graphql.answer(request)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


@pytest.fixture
def graphql() -> Iterator[GraphQL]:
    server = GraphQL()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    entries = "".join(entry_yaml(i, "owner/name", "a" * 40) for i in ("alpha", "beta", "gamma"))
    root = make_project(tmp_path / "project", CATALOGUE_HEAD + entries)
    mkdocs = root / "mkdocs.yml"
    text = mkdocs.read_text().replace('repo: ""         # owner/name', "repo: owner/site")
    mkdocs.write_text(text.replace('category_id: ""', "category_id: DIC_models"))
    return root


def test_reactions_are_recorded_per_entry_and_become_votes(
    project: Path, graphql: GraphQL, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PINHUB_GITHUB_API_URL", graphql.url)
    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    assert main(["--root", str(project), "reactions"]) == 0
    recorded = json.loads((project / "catalogue" / "reactions.json").read_text())
    assert recorded == {"entries": {"alpha": {"+1": 7, "-1": 2, "heart": 1}, "beta": {"+1": 1}}}
    assert read_votes(project / "catalogue" / "reactions.json") == {"alpha": 5, "beta": 1}
    (_, first), (_, second) = graphql.requests
    assert first["variables"] == {"owner": "owner", "name": "site", "category": "DIC_models", "after": None}
    assert second["variables"]["after"] == "cursor-1"


def test_a_token_that_cannot_read_is_a_clear_error(
    project: Path, graphql: GraphQL, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PINHUB_GITHUB_API_URL", graphql.url)
    monkeypatch.setenv("GITHUB_TOKEN", "wrong")
    assert main(["--root", str(project), "reactions"]) == 2
    assert "answered HTTP 401: is the token allowed to read Discussions?" in capsys.readouterr().err
    assert not (project / "catalogue" / "reactions.json").exists()


def test_without_giscus_there_is_nothing_to_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path / "project", CATALOGUE_HEAD + entry_yaml("alpha", "owner/name", "a" * 40))
    assert main(["--root", str(root), "reactions"]) == 0
    assert "giscus is not configured" in capsys.readouterr().out
