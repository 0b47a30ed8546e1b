"""Verification: each entry through fetch → environment → introspect → smoke, into its lock record.

This package sequences the stages for one entry and many at once; it never raises for a hub's
faults (an unreachable repository, requirements that cannot be installed, code that fails to import
or load all become records that say so).

    context.py   what every entry's verification shares (VerifyContext), progress reporting
    plan.py      one entry up to its smoke loads: reuse its record, or fetch, make its environment,
                 introspect; what is left are SmokeTasks
    records.py   the lock record from what the stages found; docstrings to the cache
    schedule.py  plans and smoke loads N at a time (`verify_entries`), at most one at a time per GPU
    snapshot.py  proof that hub code left its checkout as it was fetched
"""

from generator.verify.context import Progress, SmokeTask, Verification, VerifyContext
from generator.verify.plan import plan_entry
from generator.verify.schedule import verify_entries

__all__ = ["Progress", "SmokeTask", "Verification", "VerifyContext", "plan_entry", "verify_entries"]
