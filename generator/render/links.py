"""Links a model page carries: the repo at the pinned commit, Colab, papers; and BibTeX."""

from __future__ import annotations

import re
from urllib.parse import quote

from generator.catalogue.model import Paper
from generator.render.snippets import Source

COLAB = "https://colab.research.google.com/github"


def tree_url(source: Source) -> str | None:
    """The repo's file tree at the pinned commit (GitHub only)."""
    if not (source.github and source.commit):
        return None
    suffix = f"/{source.subdir}" if source.subdir else ""
    return f"https://github.com/{source.github}/tree/{source.commit}{suffix}"


def hubconf_url(source: Source) -> str | None:
    """hubconf.py at the pinned commit (GitHub only)."""
    if not (source.github and source.commit):
        return None
    prefix = f"{source.subdir}/" if source.subdir else ""
    return f"https://github.com/{source.github}/blob/{source.commit}/{prefix}hubconf.py"


def definition_url(source: Source, defined_at: str) -> str | None:
    """The line where an entrypoint is defined, at the pinned commit (GitHub only).

    `defined_at` is 'path/in/hub.py:LINE', relative to the hub's folder (the repository's `subdir`).
    """
    match = re.fullmatch(r"([^:\s]+\.py):([1-9][0-9]*)", defined_at)
    if not (source.github and source.commit and match) or ".." in match[1].split("/"):
        return None
    path = quote("/".join(p for p in (source.subdir, match[1].lstrip("/")) if p), safe="/")
    return f"https://github.com/{source.github}/blob/{source.commit}/{path}#L{match[2]}"


def colab_url(github_repo: str, branch: str, notebook_path: str) -> str:
    """Colab opens notebooks from GitHub only: the notebook as published on `branch` of `github_repo`."""
    return f"{COLAB}/{github_repo}/blob/{branch}/{notebook_path.strip('/')}"


def is_web_url(text: str) -> bool:
    """True for an http(s) address (a result's source may be a URL or a sentence)."""
    return bool(re.match(r"^https?://[^\s<>\"'`]+$", text))


def paper_links(paper: Paper) -> list[tuple[str, str]]:
    """(label, URL) pairs: arXiv, Hugging Face papers and paperswithcode.co by arXiv id; doi.org by DOI."""
    found = []
    if paper.arxiv:
        found += [
            ("arXiv", f"https://arxiv.org/abs/{paper.arxiv}"),
            ("Hugging Face papers", f"https://huggingface.co/papers/{paper.arxiv}"),
            ("Papers with Code", f"https://paperswithcode.co/paper/{paper.arxiv}"),
        ]
    if paper.doi:
        found.append(("DOI", f"https://doi.org/{paper.doi}"))
    return found


def bibtex(paper: Paper) -> str:
    """A BibTeX record for the paper, keyed `<first author surname><year><first title word>`."""
    surname = paper.authors[0].split()[-1] if paper.authors else "anonymous"
    first_word = next((w for w in re.findall(r"[A-Za-z]+", paper.title) if len(w) > 3), "paper")
    key = re.sub(r"[^a-z0-9]", "", f"{surname}{paper.year or ''}{first_word}".lower())
    fields = [("title", "{" + paper.title + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(paper.authors)))
    if paper.year:
        fields.append(("year", str(paper.year)))
    if paper.arxiv:
        fields += [("eprint", paper.arxiv), ("archivePrefix", "arXiv"), ("journal", f"arXiv:{paper.arxiv}")]
    if paper.venue:
        fields.append(("booktitle", paper.venue))
    if paper.doi:
        fields.append(("doi", paper.doi))
    kind = "inproceedings" if paper.venue else "article"
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}"
