"""The safety queue keeps time: reports left open too long alert every admin again.

Critical ones (contacts, meeting alone) after 2 hours unreviewed, every open one after 24 hours; once per threshold.
"""
