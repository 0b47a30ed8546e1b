"""Benchmarks: each ``bench_*.py`` module here has a ``main()`` that runs and prints its measurements.

Run them all with ``python -m benchmarks`` (or ``make bench``), or some with ``python -m benchmarks loader``.
"""
