"""Her data: /mydata exports every row about her, found from the schema so that a new table is never missed.

Other people's ids in those rows (her mentees, the approving admin) are left out (F12, F15).
"""
