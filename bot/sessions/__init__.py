"""Sessions and what surrounds them: a mentor's free time, booking, reminders, feedback and the
mentorship's rhythm. rules (pure), store/ (SQL), notices (what to tell whom), flow (use cases).
"""
