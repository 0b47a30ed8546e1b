"""The built site's weight and Lighthouse scores: the home page and a model page, served as GitHub Pages serves them.

`site/` (from `make site`) is served on 127.0.0.1 with gzip and a ten-minute cache lifetime, as GitHub
Pages does. Headless Chromium (Debian's) loads each page with an empty cache and counts the bytes
that crossed the wire; then Lighthouse 12.2.3 (`npx`, which fetches it from npm the first time)
scores performance and accessibility with its default mobile throttling. Lighthouse is skipped when
Node is missing; the byte counts need only Chromium and Playwright's Python package.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
PAGES = ("", "models/digits-classifier/")
LIGHTHOUSE = "lighthouse@12.2.3"
CHROMIUM_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update"
COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".ipynb", ".txt")


class PagesLikeHandler(SimpleHTTPRequestHandler):
    """Static files with gzip for text and `Cache-Control: max-age=600`, like GitHub Pages."""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in COMPRESSED or "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            super().do_GET()
            return
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """`folder` on 127.0.0.1 while the block runs; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(PagesLikeHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def transferred_bytes(url: str, chromium: str) -> tuple[int, int]:
    """(bytes over the wire, requests) for one cold load of `url` until the network is idle."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS.split())
        page = browser.new_page()
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        received: list[float] = []
        session.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
        page.goto(url, wait_until="networkidle")
        browser.close()
    return int(sum(received)), len(received)


def lighthouse(url: str, chromium: str) -> dict[str, int] | None:
    """Lighthouse's category scores (0–100) for `url`, or None without Node."""
    npx = shutil.which("npx")
    if npx is None:
        return None
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        command = [npx, "--yes", LIGHTHOUSE, url, "--quiet", f"--chrome-flags={CHROMIUM_FLAGS}"]
        command += ["--only-categories=performance,accessibility,best-practices,seo", "--output=json"]
        command += [f"--output-path={report}"]
        subprocess.run(command, env={**os.environ, "CHROME_PATH": chromium}, check=True, timeout=600)
        categories = json.loads(report.read_text(encoding="utf-8"))["categories"]
    return {name: round(category["score"] * 100) for name, category in categories.items()}


def main() -> None:
    """Print bytes and scores for each page."""
    chromium = os.environ.get("PINHUB_CHROMIUM") or shutil.which("chromium")
    if not (SITE / "index.html").is_file() or chromium is None:
        print("needs a built site (make site) and Chromium (apt-get install -y chromium)")
        return
    with served(SITE) as url:
        for page in PAGES:
            weight, requests = transferred_bytes(url + page, chromium)
            scores = lighthouse(url + page, chromium)
            shown = ", ".join(f"{name} {score}" for name, score in (scores or {}).items()) or "Lighthouse: no Node"
            print(f"/{page:<28} {weight / 1024:7.1f} KiB in {requests:2d} requests   {shown}", flush=True)
