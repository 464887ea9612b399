"""The sessions feature's SQL: free slots, bookings, reminders, feedback, rhythm and sessions
themselves, each a repository on `services`; rows shared by them in `rows`.
"""
