"""Stage 6, render: Markdown pages and notebooks from catalogue + lock, into the generated docs folder.

Rendering reads no repository and runs no model code: everything it shows is in the catalogue, the lock,
the docstrings the build kept in its cache (checked against the lock's hashes), or the example notebooks
the build executed (handed in by the pipeline).
"""

from generator.render.votes import read_votes
from generator.render.write import Rendered, example_notebooks, render_pages

__all__ = ["Rendered", "example_notebooks", "read_votes", "render_pages"]
