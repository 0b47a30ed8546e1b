"""Stage 6, render: Markdown pages and notebooks from catalogue + lock, into the generated docs folder.

Rendering reads no repository and runs no model code: everything it shows is in the catalogue or the lock.
"""

from generator.render.write import render_pages

__all__ = ["render_pages"]
