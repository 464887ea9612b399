"""The safeguarding code of conduct mentors accept: versioned, in three languages.

Approval needs it accepted; clearance for minors needs the current version, so a new one un-clears until accepted.
"""
