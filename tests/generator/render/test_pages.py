"""Model pages: pinned snippets, verification badges, and third-party text that never becomes markup."""

from __future__ import annotations

import json
import re

import nbformat

from generator.catalogue import Catalogue
from generator.config import ProjectConfig
from generator.lock.records import Lock
from generator.render import render_pages
from tests.generator.render.conftest import COMMIT, keep_docstrings
from tests.generator.render.site_markdown import elements, html_of


def page(catalogue: Catalogue, lock: Lock, config: ProjectConfig, entry_id: str) -> str:
    render_pages(catalogue, lock, config)
    return (config.generated_dir / f"{entry_id}.md").read_text(encoding="utf-8")


def test_snippets_pin_the_exact_commit(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    text = page(catalogue, lock, config, "tiny")
    assert f'    "owner/name",\n        "tiny",\n        commit="{COMMIT}",\n        trust_repo=True,\n' in text
    assert f'torch.hub.load(\n        "owner/name:{COMMIT}",\n        "tiny",\n        skip_validation=True,' in text
    assert f"[` 0123456 `](https://github.com/owner/name/tree/{COMMIT} " in text
    assert f"[View source](https://github.com/owner/name/blob/{COMMIT}/hubconf.py " in text


def test_the_pinhub_tab_comes_first(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    text = page(catalogue, lock, config, "tiny")
    assert text.index('=== "pinhub"') < text.index('=== "torch.hub"')
    assert text.index("pip install") < text.index('=== "pinhub"')


def test_third_party_text_is_escaped(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    text = page(catalogue, lock, config, "tiny")
    failed_row = next(line for line in text.splitlines() if line.startswith("| CPU | ✗ error"))
    assert "` RuntimeError: <b>boom</b> ¦ [x](javascript:alert(1)) `" in failed_row  # a code span, as written
    assert "Tiny &lt;Net&gt;" in text  # even trusted titles are escaped once
    rendered = html_of(text)
    tags = elements(rendered)
    assert not [tag for tag, _ in tags if tag in ("script", "b", "iframe")]
    assert [attrs["alt"] for tag, attrs in tags if tag == "img"] == ["Open In Colab"]  # the badge, nothing else
    assert not [name for _, attrs in tags for name in attrs if name.startswith("on")]
    assert not [a for tag, a in tags if tag == "a" and (a.get("href") or "").startswith("javascript")]
    assert "<code>RuntimeError: &lt;b&gt;boom&lt;/b&gt; ¦ [x](javascript:alert(1))</code>" in rendered
    assert "&amp;lt;" not in rendered  # escaped once, not twice: the reader sees <b>, not &lt;b&gt;


def test_explore_the_model_shows_methods_properties_and_help(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig
) -> None:
    keep_docstrings(config, lock)
    text = page(catalogue, lock, config, "tiny")
    section = text.split("## Explore the model", 1)[1].split("\n## ", 1)[0]
    methods = ">>> [n for n in own if inspect.isroutine(inspect.getattr_static(type(model), n))]  # methods: call them"
    assert f"{methods}\n['classes', 'onerror']\n" in section
    assert "property)]  # properties: read them\n['num_classes']\n" in section
    assert "read them as ` model.num_classes `, without calling them" in section
    assert ">>> help(model.forward)\nforward(x)\n    Scores.\n    Loads it.\n" in section  # from the build's cache
    assert ">>> output = model(torch.randn(1, 4))" in section
    assert "(torch.Size([1, 3]), torch.float32)" in section
    assert "```pycon" in section
    assert not [tag for tag, _ in elements(html_of(section)) if tag in ("img", "script")]


def test_a_forward_doc_not_at_hand_is_a_link_to_the_source(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig
) -> None:
    section = page(catalogue, lock, config, "tiny").split("## Explore the model", 1)[1].split("\n## ", 1)[0]
    assert ">>> help(model.forward)\nforward(x)\n>>> output" in section
    url = f"https://github.com/owner/name/blob/{COMMIT}/models/tiny.py#L12"
    assert f"which this page does not hold: [read it in the source at the pinned commit]({url})" in section


def test_badges_and_entrypoint_kinds(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    text = page(catalogue, lock, config, "tiny")
    assert "pinhub-failed" in text and "CPU ✗ failed" in text  # 'broken' failed on CPU, so CPU is not ✓
    assert "GPU not verified" in text
    tokenizer_heading = next(line for line in text.splitlines() if line.startswith("### ` tokenizer `"))
    assert "auxiliary" in tokenizer_heading
    assert "Not a model: loading it returns ` builtins.method_descriptor `" in text
    assert "` [1, 4] ` → ` [1, 3] ` float32 |" in text
    assert "| CPU | ✓ ok | 0.50 s | 15 |" in text


def test_header_links_category_tags_and_colab(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    text = page(catalogue, lock, config, "tiny")
    assert 'tags: ["classification"]' in text.split("---\n")[1]
    assert "category [Vision](categories/vision.md)" in text
    colab = "https://colab.research.google.com/github/pinhub/pinhub/blob/gh-pages/models/tiny.ipynb"
    assert "[![Open In Colab](../assets/colab-badge.svg)" in text and f"]({colab})" in text
    assert "colab.research.google.com/assets" not in text  # the badge image is a local copy


def test_the_pinned_commit_says_whether_it_is_on_the_ref(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig
) -> None:
    assert "(from ` main `)" in page(catalogue, lock, config, "tiny")  # not checked
    for on_ref, words in ((True, "(on ` main `)"), (False, "(**not on** ` main `)")):
        record = lock.entries["tiny"].model_copy(update={"on_ref": on_ref})
        assert words in page(catalogue, lock.model_copy(update={"entries": {"tiny": record}}), config, "tiny")


def test_colab_follows_the_configured_repo_branch_and_path(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig
) -> None:
    moved = ProjectConfig(**{**vars(config), "notebooks_repo": "org/site", "notebooks_branch": "pages"})
    moved = ProjectConfig(**{**vars(moved), "notebooks_path": "docs"})
    text = page(catalogue, lock, moved, "tiny")
    assert "https://colab.research.google.com/github/org/site/blob/pages/docs/models/tiny.ipynb" in text


def test_paper_links_and_bibtex(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    text = page(catalogue, lock, config, "tiny")
    for url in (
        "https://arxiv.org/abs/1512.03385",
        "https://huggingface.co/papers/1512.03385",
        "https://paperswithcode.co/paper/1512.03385",
    ):
        assert url in text
    assert "paperswithcode.com" not in text
    assert "@article{hedeep," in text
    assert "eprint = {1512.03385}" in text


def test_unverified_and_unpinned_entries_say_so(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    local = page(catalogue, lock, config, "local")
    assert "Not yet verified" in local and "not verified" in local
    assert 'pinhub.load("pinhub/pinhub", "ENTRYPOINT", subdir="examples/tiny", trust_repo=True)' in local
    assert "torch.hub only loads hubconf.py from the root of a repository" in local
    assert "## Explore the model" not in local
    unpinned = page(catalogue, lock, config, "unpinned")
    assert "Awaiting a pin: the ref must be resolved where GitHub is reachable." in unpinned


def test_a_notebook_per_model_with_the_pinned_load(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    render_pages(catalogue, lock, config)
    notebook = nbformat.read(str(config.generated_dir / "tiny.ipynb"), as_version=4)
    nbformat.validate(notebook)
    sources = [cell.source for cell in notebook.cells]
    assert sources[1].startswith("%pip install --quiet https://pinhub.github.io/pinhub/simple/pinhub/pinhub-0.1.0-")
    assert notebook.cells[1].metadata["tags"] == ["install"]
    assert f'commit="{COMMIT}"' in sources[2] and "trust_repo=True" in sources[2]
    assert "example = torch.randn(1, 4)" in sources[3]
    assert json.loads(nbformat.writes(notebook))["metadata"]["kernelspec"]["name"] == "python3"


def test_a_gpu_model_notebook_says_so(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    entries = [e.model_copy(update={"accelerator": "cuda"}) if e.id == "tiny" else e for e in catalogue.models]
    render_pages(catalogue.model_copy(update={"models": entries}), lock, config)
    notebook = nbformat.read(str(config.generated_dir / "tiny.ipynb"), as_version=4)
    assert "needs a GPU" in notebook.cells[1].source
    assert notebook.metadata["accelerator"] == "GPU"


def test_rendering_twice_writes_the_same_bytes(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    render_pages(catalogue, lock, config)
    first = {p.name: p.read_bytes() for p in config.generated_dir.rglob("*") if p.is_file()}
    (config.generated_dir / ".render-key").unlink()  # or the second render would write nothing at all
    render_pages(catalogue, lock, config)
    assert first == {p.name: p.read_bytes() for p in config.generated_dir.rglob("*") if p.is_file()}


def test_the_index_lists_every_entry(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    render_pages(catalogue, lock, config)
    index = (config.generated_dir / "index.md").read_text(encoding="utf-8")
    assert "3 models in 1 categories; 0 verified by the last build." in index
    for entry_id in ("tiny", "local", "unpinned"):
        assert f"]({entry_id}.md)" in index
    row = next(line for line in index.splitlines() if "(tiny.md)" in line)
    assert re.search(r"\| 15 \| 0\.50 s \| CPU ✗ GPU – \| unknown \|$", row)
    assert '<div class="pinhub-sortable" markdown>' in index
    assert "Verified: ✓ loaded · ✗ failed · ↓ needs the network · – not run." in index
    assert "Votes" not in index


def test_votes_become_a_column_when_recorded(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    render_pages(catalogue, lock, config, votes={"tiny": 7})
    index = (config.generated_dir / "index.md").read_text(encoding="utf-8")
    assert "| Votes |" in index
    assert next(line for line in index.splitlines() if "(tiny.md)" in line).endswith("| 7 |")
    assert next(line for line in index.splitlines() if "(local.md)" in line).endswith("| — |")


def test_category_pages_and_the_home_include(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    render_pages(catalogue, lock, config)
    vision = (config.generated_dir / "categories" / "vision.md").read_text(encoding="utf-8")
    assert "3 models." in vision and "](../tiny.md)" in vision
    home = (config.generated_dir / "_home.md").read_text(encoding="utf-8")
    assert "**3** models · **1** categories · **0** verified" in home
    assert "[**Vision**](models/categories/vision.md)" in home
    assert "- [Tiny &lt;Net&gt;](models/tiny.md)" in home  # recently updated: only entries with a verified date
    assert "(models/local.md)" not in home


def test_an_unpinned_entry_loads_its_ref_and_says_so(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    entries = [e.model_copy(update={"ref": "v1.2"}) if e.id == "unpinned" else e for e in catalogue.models]
    text = page(catalogue.model_copy(update={"models": entries}), lock, config, "unpinned")
    assert 'pinhub.load("owner/other:v1.2", "ENTRYPOINT", trust_repo=True)' in text
    assert "it is not pinned to a commit yet, so this loads whatever that ref holds today" in text
    assert "at its pinned commit" not in text


def test_a_hub_that_did_not_import_says_which_packages_were_missing(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig
) -> None:
    record = lock.entries["tiny"].model_copy(
        update={
            "introspection": "static",
            "introspection_error": "missing dependencies: timm<script>",
            "missing_packages": ["timm", "cv2"],
        }
    )
    html = html_of(page(catalogue, lock.model_copy(update={"entries": {"tiny": record}}), config, "tiny"))
    notice = next(line for line in html.splitlines() if "could not be imported" in line)
    assert "Missing packages: <code>timm</code>, <code>cv2</code>." in notice
    assert "<code>missing dependencies: timm&lt;script&gt;</code>" in notice
