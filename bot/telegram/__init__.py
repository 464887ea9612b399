"""The bot's side of Telegram that is not a handler: the one sender of notices to people.

Handlers (the `handlers` package) translate updates; this package delivers what use cases decide.
"""
