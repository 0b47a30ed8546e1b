"""PinHub's site generator: catalogue YAML → pinned, verified lock → Markdown → website.

The build is a pipeline of stages, one sub-package each:

    catalogue     read and validate catalogue/catalogue.yaml (repository names, the verification pair)
    fetch         check out each repository at its pinned commit (plain requests, not catalogue entries)
    environments  one virtual environment per resolved requirement set, made with uv
    introspect    list a hub's entrypoints, signatures and dependencies, importing it in its environment
    smoke         load each featured entrypoint in its environment, on every device
    lock          the records of what was found, the keys that decide reuse, shards, merging, the file
    example_runs  run the example entries' notebooks, keeping their outputs beside the lock
    render        write Markdown pages, notebooks and catalogue.json from catalogue + lock
    site          run MkDocs and swap the result into place

`verify` sequences fetch → environments → introspect → smoke for each entry (reusing what the lock
holds) and many entries at once; `pipeline` runs the whole build in order; `sandbox` is the one way
hub code is run; `outcomes` says what a probe's failure means. Stages pass plain values and lock
records (`generator.lock.records`), and read the catalogue's types; they do not call each other.
`maintain` holds the maintainers' commands (check-repo, add, update, lock-diff, entries, reactions),
`commands` and `cli` the command line, `report` what it prints, `settings` every `PINHUB_*` variable,
`buildlock`, `guardian`, `files` and `locks` what keeps concurrent and interrupted builds safe.
"""
