"""Requests and mentorships: rules (refusals, states, pure), store/ (SQL), flow (use cases that
take ids and `now`, check every rule, change the database in one transaction, return notices).
"""
