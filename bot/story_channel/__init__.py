"""A public channel of story cards: one card every STORIES_CHANNEL_EVERY, never the same one twice until
every visible card was posted, with a row per post so that a restart neither repeats nor skips one."""
