"""What add reads from a repository's files: the licence's SPDX id, the arXiv ids it cites, smoke keywords.

The licence snippets are written here: each holds only the licence's name and the phrase that identifies it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.maintain.hub_probe import no_download_kwargs
from generator.maintain.prefill import arxiv_ids, cited_papers, license_id, license_of


@pytest.mark.parametrize(
    ("text", "spdx"),
    [
        ("                Apache License\n          Version 2.0, January 2004\n", "Apache-2.0"),
        ("MIT License\n\nCopyright (c) 2026 Someone\n", "MIT"),
        ("Copyright 2026\n\nPermission is hereby granted, free of charge, to any person", "MIT"),
        ("BSD 3-Clause License\n\nCopyright (c) 2026\n", "BSD-3-Clause"),
        ("Redistribution and use in source and binary forms ... Neither the name of the", "BSD-3-Clause"),
        ("Redistribution and use in source and binary forms, with or without", "BSD-2-Clause"),
        (
            "   GNU GENERAL PUBLIC LICENSE\n      Version 3, 29 June 2007\n ... GNU Affero General Public License",
            "GPL-3.0",
        ),
        ("   GNU GENERAL PUBLIC LICENSE\n      Version 2, June 1991\n", "GPL-2.0"),
        ("   GNU AFFERO GENERAL PUBLIC LICENSE\n      Version 3, 19 November 2007\n", "AGPL-3.0"),
        ("   GNU LESSER GENERAL PUBLIC LICENSE\n      Version 2.1, February 1999\n", "LGPL-2.1"),
        ("Attribution-NonCommercial 4.0 International\n\n=====\n", "CC-BY-NC-4.0"),
        ("Creative Commons Attribution-NonCommercial 4.0 International Public License", "CC-BY-NC-4.0"),
        ("Attribution-NonCommercial-ShareAlike 4.0 International\n", "CC-BY-NC-SA-4.0"),
        ("Attribution-NonCommercial-ShareAlike 3.0 Unported\n", "CC-BY-NC-SA-3.0"),
        ("Attribution 4.0 International\n\n=====\n", "CC-BY-4.0"),
        ("LLAMA 2 COMMUNITY LICENSE AGREEMENT\n", "other"),
        ("FAIR Noncommercial Research License\n", "other"),
        ("Mozilla Public License Version 2.0\n", "MPL-2.0"),
        ("All rights reserved. Do not copy.\n", "unknown"),
    ],
)
def test_licence_texts_become_spdx_ids(text: str, spdx: str) -> None:
    assert license_of(text) == spdx


def test_the_licence_file_is_found_whatever_it_is_called(tmp_path: Path) -> None:
    assert license_id(tmp_path) == "unknown"
    (tmp_path / "LICENSE.md").write_text("Attribution-NonCommercial 4.0 International\n", encoding="utf-8")
    assert license_id(tmp_path) == "CC-BY-NC-4.0"


def test_arxiv_ids_are_read_from_links_citations_and_dois() -> None:
    text = (
        "[paper](https://arxiv.org/abs/2302.12288) and [pdf](https://arxiv.org/pdf/2106.09681v2.pdf)\n"
        "journal={arXiv preprint arXiv:2105.03404},\n  doi = {10.48550/ARXIV.2207.02696},\n"
        "  eprint={2012.12877},\nversion 1.2023.10 and a phone 1234.56789 are not ids\n"
    )
    assert arxiv_ids(text) == ["2302.12288", "2106.09681", "2105.03404", "2207.02696", "2012.12877"]


def test_the_hubs_own_docstrings_rank_first_then_the_readmes_citations_then_its_most_linked(tmp_path: Path) -> None:
    (tmp_path / "hubconf.py").write_text('def m():\n    """See https://arxiv.org/abs/1905.11946."""\n')
    (tmp_path / "README.md").write_text(
        "News: [v2](https://arxiv.org/abs/2104.00298). Compared with [ResNet](https://arxiv.org/abs/1512.03385)\n"
        "and [ResNet again](https://arxiv.org/abs/1512.03385).\n",
        encoding="utf-8",
    )
    papers = cited_papers(tmp_path, tmp_path)
    assert papers.arxiv == ("1905.11946", "1512.03385", "2104.00298")
    (tmp_path / "hubconf.py").write_text("def m():\n    pass\n")
    (tmp_path / "README.md").write_text(
        "See [a related work](https://arxiv.org/abs/1807.05520) twice: arXiv:1807.05520.\n\n"
        "```\n@article{ours,\n  title={Ours},\n  journal={arXiv preprint arXiv:2006.09882},\n  year={2020}\n}\n```\n",
        encoding="utf-8",
    )
    papers = cited_papers(tmp_path, tmp_path)
    assert (papers.best, papers.others) == ("2006.09882", ("1807.05520",))


@pytest.mark.parametrize(
    ("signature", "kwargs"),
    [
        ("(pretrained=True, **kwargs)", {"pretrained": False}),
        ("(*, pretrained: bool = True, **kwargs)", {"pretrained": False}),
        ("(pretrained: bool = False, width: int = 4) -> torch.nn.modules.module.Module", {"pretrained": False}),
        ("(pretrained, channels, classes)", {"pretrained": False}),
        ("(num_classes=1000, in_channels=3, pretrained='imagenet')", {"pretrained": None}),  # names the weights
        ("(pretrained: str = 'imagenet')", {"pretrained": None}),
        ("(pretrained=None)", {"pretrained": None}),
        ("(weights: Optional[str] = 'DEFAULT', progress=True)", {"weights": None}),
        ("(not_pretrained=True, my_weights=1)", {}),
        ("(path_or_model='path/to/model.pt', autoshape=True)", {}),
    ],
)
def test_smoke_keywords_switch_the_download_off_as_the_signature_says(
    signature: str, kwargs: dict[str, object]
) -> None:
    assert no_download_kwargs(signature) == kwargs
