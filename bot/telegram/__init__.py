"""The bot's Telegram side that is not an entry point: the one sender of notices, the send budget,
durable conversations, the loader, and the views and helpers the handlers share."""
