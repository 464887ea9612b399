"""Per-user limits on what one person can make the bot send others: relayed messages, answers,
reports' alerts and Share presses (F6, F13, F14). In memory: a restart forgets, which is fine for a brake."""
