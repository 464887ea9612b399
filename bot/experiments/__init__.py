"""Experiments: stable stratified random assignment to arms, and each arm's outcome against control.

Pure rules and statistics in `rules.py`, SQL in `store.py`, use cases in `flow.py`.
"""
