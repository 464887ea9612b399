"""The Telegram face of the bot: one module per journey, each with register(app)."""
