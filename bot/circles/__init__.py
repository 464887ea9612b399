"""Mentoring circles: one mentor and 3 to 8 mentees who talk and meet through the bot.
rules (pure), store (SQL), flow (use cases returning notices)."""
