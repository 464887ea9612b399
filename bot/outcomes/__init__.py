"""Outcome surveys (baseline, midline, endline, follow-ups, who she is) and the funder's indicator report.

Pure rules in `rules.py`, SQL in `store.py`, use cases in `flow.py`, statistics in `report.py`.
"""
