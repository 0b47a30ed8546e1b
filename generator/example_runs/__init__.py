"""Build step, examples: run the example entries' notebooks for their pages' "Example output".

Only entries whose hub lives in this project are run (their code is this project's own). Each
notebook loads its hub from GitHub at the pinned commit, as in Colab; the build answers those
requests from the project's git history on 127.0.0.1, so it needs no network.
"""

from generator.example_runs.run import ExamplesContext, ExamplesReport, cached_examples, run_examples

__all__ = ["ExamplesContext", "ExamplesReport", "cached_examples", "run_examples"]
