"""PinHub's site generator: catalogue YAML → pinned, verified lock → Markdown → website.

The build is a pipeline of stages, one sub-package each, that do not import each other:

    catalogue   read and validate catalogue/catalogue.yaml
    fetch       check out each repo at its pinned commit
    introspect  list a hub's entrypoints, signatures, docstrings and dependencies
    smoke       load every entrypoint in a sandboxed subprocess, on every device
    lock        record what was found, reuse what did not change
    render      write Markdown pages and notebooks from catalogue + lock
    site        run MkDocs and swap the result into place

`generator.pipeline` is the one module that knows the order; `generator.cli` is the command line.
"""
