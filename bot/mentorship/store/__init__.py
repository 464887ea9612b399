"""The mentorship feature's SQL: requests, their expiry, mentorships, relayed messages and reports,
each a repository on `services`; rows and moves shared by them in `rows`.
"""
