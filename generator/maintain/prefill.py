"""What `add` reads from a repository's files to pre-fill an entry: its licence and the papers it cites.

Both are guesses a maintainer checks (the entry marks them `# TODO` where they are unsure). Nothing of
the files' text is copied into the entry: a licence becomes its SPDX identifier ('other' for a custom
licence), a paper becomes its arXiv id.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

LICENSE_FILES = ("LICENSE", "LICENCE", "COPYING")
README_FILES = ("README.md", "README.rst", "README.txt", "README")
MAX_CHARS = 200_000
_C = 0  # case-sensitive: the GNU licences name one another in lower case inside their text
_I = re.IGNORECASE
# (pattern, flags, SPDX id; '{0}' takes the pattern's version group), most specific first.
LICENSES: tuple[tuple[str, int, str], ...] = (
    (r"Apache License[\s\S]{0,200}Version 2\.0", _I, "Apache-2.0"),
    (r"GNU AFFERO GENERAL PUBLIC LICENSE\s+Version (\d)", _C, "AGPL-{0}.0"),
    (r"GNU LESSER GENERAL PUBLIC LICENSE\s+Version 2\.1", _C, "LGPL-2.1"),
    (r"GNU LESSER GENERAL PUBLIC LICENSE\s+Version (\d)", _C, "LGPL-{0}.0"),
    (r"GNU GENERAL PUBLIC LICENSE\s+Version (\d)", _C, "GPL-{0}.0"),
    (r"Mozilla Public License,? (?:Version )?(2\.0)", _I, "MPL-{0}"),
    # Creative Commons: the licence's name heads its legal code ("Attribution-NonCommercial 4.0 International").
    (r"Attribution-NonCommercial-ShareAlike (\d\.\d)", _I, "CC-BY-NC-SA-{0}"),
    (r"Attribution-NonCommercial-NoDerivatives (\d\.\d)", _I, "CC-BY-NC-ND-{0}"),
    (r"Attribution-NonCommercial (\d\.\d)", _I, "CC-BY-NC-{0}"),
    (r"Attribution-ShareAlike (\d\.\d)", _I, "CC-BY-SA-{0}"),
    (r"Attribution-NoDerivatives (\d\.\d)", _I, "CC-BY-ND-{0}"),
    (r"Creative Commons Attribution (\d\.\d)|^\s*Attribution (\d\.\d) International", _I | re.MULTILINE, "CC-BY-{0}"),
    (r"CC0 1\.0 Universal", _I, "CC0-1.0"),
    # Licences of their own (Meta's research and Llama-style licences, model licences): no SPDX id.
    (
        r"LLAMA \d(?:\.\d)? COMMUNITY LICENSE|Llama Materials|FAIR Noncommercial Research License|"
        r"Research Use Only|non-commercial research purposes only|OpenRAIL|RAIL License",
        _I,
        "other",
    ),
    (r"MIT License|Permission is hereby granted, free of charge", _I, "MIT"),
    (r"Permission to use, copy, modify, and(?:/or)? distribute this software for any purpose", _I, "ISC"),
    (r"Neither the name of|BSD 3-Clause", _I, "BSD-3-Clause"),
    (r"Redistribution and use in source and binary forms|BSD 2-Clause", _I, "BSD-2-Clause"),
    (r"This is free and unencumbered software released into the public domain", _I, "Unlicense"),
)
# An arXiv id where the text says it is one: a link, 'arXiv:ID', arXiv's DOI or a BibTeX eprint.
ARXIV = re.compile(
    r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})|arxiv[:\s]\s*(\d{4}\.\d{4,5})|10\.48550/arxiv\.(\d{4}\.\d{4,5})"
    r"|eprint\s*=\s*[{\"']?\s*(\d{4}\.\d{4,5})",
    re.IGNORECASE,
)
CITATION = re.compile(r"@\w+\s*\{[^@]*?\n\}", re.DOTALL)  # a BibTeX record, up to its closing brace


def license_id(repo_root: Path) -> str:
    """The SPDX id of the repository's licence file ('unknown' when there is none or it is not recognised)."""
    for path in sorted(repo_root.glob("*")):
        if path.is_file() and path.name.upper().startswith(LICENSE_FILES):
            return license_of(path.read_text(encoding="utf-8", errors="replace"))
    return "unknown"


def license_of(text: str) -> str:
    """The SPDX id a licence text states ('other' for a custom licence, 'unknown' when none is recognised)."""
    text = text[:MAX_CHARS]
    for pattern, flags, spdx in LICENSES:
        found = re.search(pattern, text, flags)
        if found:
            version = next((group for group in found.groups() if group), "")
            return spdx.format(version)
    return "unknown"


@dataclass(frozen=True)
class Papers:
    """arXiv ids a repository cites, the likeliest first (the hub's own docstrings, then citations, then links)."""

    arxiv: tuple[str, ...] = ()

    @property
    def best(self) -> str:
        """The likeliest paper of the model ('' when none is cited)."""
        return self.arxiv[0] if self.arxiv else ""

    @property
    def others(self) -> tuple[str, ...]:
        """The other ids cited, for the maintainer to choose from."""
        return self.arxiv[1:]


def cited_papers(hub_dir: Path, repo_root: Path) -> Papers:
    """The arXiv ids hubconf.py and the README cite, ranked: hubconf.py's first (its docstrings describe the
    hub's models), then ids in the README's BibTeX records, then the README's most often linked."""
    hubconf = _read(hub_dir / "hubconf.py")
    readme = next((_read(repo_root / name) for name in README_FILES if (repo_root / name).is_file()), "")
    own = arxiv_ids(hubconf)
    cited = [arxiv for record in CITATION.findall(readme) for arxiv in arxiv_ids(record)]
    linked = arxiv_ids(readme)
    counts = Counter(arxiv_ids(readme, unique=False))
    ranked = sorted(linked, key=lambda arxiv: (arxiv not in cited, -counts[arxiv], linked.index(arxiv)))
    return Papers(tuple(dict.fromkeys([*own, *ranked])))


def arxiv_ids(text: str, unique: bool = True) -> list[str]:
    """The arXiv ids in `text`, in order of appearance."""
    found = [next(group for group in match.groups() if group) for match in ARXIV.finditer(text)]
    return list(dict.fromkeys(found)) if unique else found


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[:MAX_CHARS]
    except OSError:
        return ""
