"""Kept for handlers/admin_reports.py and handlers/cohort.py (another branch's area this round):
the admin check lives in handlers.common. Delete at merge."""

from handlers.common import refuse_non_admin

__all__ = ["refuse_non_admin"]
