"""Onboarding and profiles: the questions, their order and checks (rules, pure) and the profiles
table (store)."""
