"""Kept for handlers/mentor_card.py (another branch's area this round): profiles live in
bot.onboarding.store. Delete at merge."""

from bot.onboarding.store import Profile, ProfileRepository

__all__ = ["Profile", "ProfileRepository"]
