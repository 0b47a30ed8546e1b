"""Record the reactions on each model page's discussion (giscus, GitHub Discussions) for the tables.

giscus files a page's comments and reactions in a discussion titled with the page's path (its
`pathname` mapping). The verify workflow runs `python -m generator reactions` nightly with a token
that may read Discussions; the site's all-models table then sorts by 👍 minus 👎
(see generator/render/votes.py, which reads the file this writes).
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError

from generator.errors import GeneratorError
from generator.files import write_text_atomic

DEFAULT_API_URL = "https://api.github.com/graphql"
TIMEOUT_S = 30.0
# GitHub's reaction names → the emoji shortcodes reactions.json uses (those of GitHub's REST API).
REACTIONS = {
    "THUMBS_UP": "+1",
    "THUMBS_DOWN": "-1",
    "LAUGH": "laugh",
    "HOORAY": "hooray",
    "CONFUSED": "confused",
    "HEART": "heart",
    "ROCKET": "rocket",
    "EYES": "eyes",
}
QUERY = """
query($owner: String!, $name: String!, $category: ID!, $after: String) {
  repository(owner: $owner, name: $name) {
    discussions(first: 100, after: $after, categoryId: $category) {
      pageInfo { hasNextPage endCursor }
      nodes { title reactionGroups { content reactors { totalCount } } }
    }
  }
}
"""


class ReactionsError(GeneratorError):
    """The discussions could not be read: no token, no access, or an answer that is not GitHub's."""


@dataclass(frozen=True)
class Discussion:
    """A discussion's title (the page's path) and its reaction counts by shortcode."""

    title: str
    counts: dict[str, int]


def discussions(repo: str, category_id: str, token: str, api_url: str = DEFAULT_API_URL) -> Iterator[Discussion]:
    """Every discussion of `category_id` in `repo`, page by page."""
    owner, name = repo.split("/", 1)
    after: str | None = None
    while True:
        variables = {"owner": owner, "name": name, "category": category_id, "after": after}
        page = _graphql(api_url, token, variables)["repository"]["discussions"]
        for node in page["nodes"]:
            yield Discussion(str(node["title"]), _counts(node.get("reactionGroups") or []))
        if not page["pageInfo"]["hasNextPage"]:
            return
        after = page["pageInfo"]["endCursor"]


def _counts(groups: list[dict[str, Any]]) -> dict[str, int]:
    counts = {}
    for group in groups:
        name = REACTIONS.get(str(group.get("content")))
        total = (group.get("reactors") or {}).get("totalCount")
        if name and isinstance(total, int) and total > 0:
            counts[name] = total
    return counts


def _graphql(api_url: str, token: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps({"query": QUERY, "variables": variables}).encode()
    headers = {"Authorization": f"bearer {token}", "Content-Type": "application/json", "User-Agent": "pinhub"}
    request = urllib.request.Request(api_url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            answer = json.loads(response.read())
    except HTTPError as error:
        raise ReactionsError(
            f"{api_url} answered HTTP {error.code}: is the token allowed to read Discussions?"
        ) from None
    except (URLError, TimeoutError, ValueError) as error:
        raise ReactionsError(f"cannot read the discussions from {api_url}: {error}") from None
    if answer.get("errors") or not isinstance(answer.get("data"), dict):
        messages = "; ".join(str(e.get("message")) for e in answer.get("errors") or []) or "no data"
        raise ReactionsError(f"{api_url}: {messages}")
    data: dict[str, Any] = answer["data"]
    return data


def by_entry(found: Iterator[Discussion], entry_ids: list[str]) -> dict[str, dict[str, int]]:
    """Counts per entry id, for discussions whose title is a model page's path (`…/models/<id>/`)."""
    known = set(entry_ids)
    counts: dict[str, dict[str, int]] = {}
    for discussion in found:
        match = re.search(r"(?:^|/)models/([a-z0-9-]+)/?(?:index\.html)?$", discussion.title.strip())
        if match and match.group(1) in known and discussion.counts:
            counts[match.group(1)] = discussion.counts
    return dict(sorted(counts.items()))


def record_reactions(path: Path, counts: dict[str, dict[str, int]]) -> None:
    """Write reactions.json atomically, in the shape generator/render/votes.py reads."""
    write_text_atomic(path, json.dumps({"entries": counts}, indent=2, sort_keys=True) + "\n")


def token_from_environment() -> str:
    """The token to read Discussions with: GITHUB_TOKEN or GH_TOKEN."""
    token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN") or ""
    if not token:
        raise ReactionsError("set GITHUB_TOKEN (or GH_TOKEN) to a token that can read the repository's Discussions")
    return token


def api_url_from_environment() -> str:
    """GitHub's GraphQL endpoint; PINHUB_GITHUB_API_URL for GitHub Enterprise (and tests)."""
    return os.environ.get("PINHUB_GITHUB_API_URL", "").strip() or DEFAULT_API_URL
