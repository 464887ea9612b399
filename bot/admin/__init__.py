"""The programme team's tools: the audit log and broadcast drafts (store), the numbers (stats,
charts) and the spreadsheet export; the Telegram side is in handlers/admin*.py and vetting.py.
"""
