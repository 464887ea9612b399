-- Everyone who has talked to the bot. Times are ISO 8601 in UTC.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,          -- the Telegram user id
    language      TEXT CHECK (language IN ('ky', 'ru', 'en')),
    timezone      TEXT NOT NULL DEFAULT 'Asia/Bishkek',
    role          TEXT CHECK (role IN ('mentee', 'mentor', 'subscriber')),
    first_name    TEXT NOT NULL DEFAULT '',
    telegram_language TEXT,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    blocked_bot   INTEGER NOT NULL DEFAULT 0,
    blocked_at    TEXT
);
