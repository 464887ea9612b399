"""Paced bulk sending (broadcasts, story pushes): the outbox rows (store) and the engine that sends
them at the allowed rate, each once, with "uncertain" for a send cut short; no Telegram here.
"""
