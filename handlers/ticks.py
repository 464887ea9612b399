"""Gone: the timed jobs are one ordered list in `bot.jobs`.

Kept only because `handlers/request_expiry.py` (another branch's area this round) still imports
`add_tick`; `bot.app` no longer calls its register(). Delete at merge.
"""

from __future__ import annotations


def add_tick(app, name, tick) -> None:
    raise RuntimeError(f"timed job {name!r}: add it to bot.jobs.JOBS instead")
