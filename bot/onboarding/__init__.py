"""Onboarding and profiles: the questions, their order and checks (rules, pure) and the profiles
table (store). `InvalidAnswer` and `clean_text` are re-exported for the mentoring rules and journeys.
"""

from bot.onboarding.rules import InvalidAnswer, clean_text

__all__ = ["InvalidAnswer", "clean_text"]
