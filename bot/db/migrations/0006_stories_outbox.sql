-- Story cards as the bot knows them (imported from stories/*.toml at start-up).
CREATE TABLE story_cards (
    slug        TEXT PRIMARY KEY,
    field       TEXT NOT NULL,
    stage       TEXT NOT NULL,
    region      TEXT NOT NULL,
    position    INTEGER NOT NULL,        -- the order in which cards are sent
    hidden      INTEGER NOT NULL DEFAULT 0,
    imported_at TEXT NOT NULL
);

-- A rendered picture uploaded once per card and language; Telegram's file_id is reused after.
CREATE TABLE story_pictures (
    slug     TEXT NOT NULL,
    language TEXT NOT NULL,
    file_id  TEXT NOT NULL,
    PRIMARY KEY (slug, language)
);

-- Her story schedule. next_due_at is UTC; the scheduler only wakes up to read it.
CREATE TABLE story_subscriptions (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    active      INTEGER NOT NULL DEFAULT 1,
    frequency   TEXT NOT NULL CHECK (frequency IN ('daily', 'twice_weekly', 'weekly')),
    time_of_day TEXT NOT NULL CHECK (time_of_day IN ('morning', 'afternoon', 'evening')),
    next_due_at TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    stopped_at  TEXT
);
CREATE INDEX story_subscriptions_due ON story_subscriptions (next_due_at) WHERE active = 1;

-- Every card she has been sent (pushed, on /story, or in a broadcast), never repeated until all are seen.
CREATE TABLE story_views (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    slug    TEXT NOT NULL,
    round   INTEGER NOT NULL DEFAULT 1,  -- which pass through the library
    seen_at TEXT NOT NULL,
    PRIMARY KEY (user_id, slug, round)
);

-- The durable outbox: a batch (a broadcast or a story push) and one row per recipient,
-- written before the first send.
CREATE TABLE outbox_batches (
    id            INTEGER PRIMARY KEY,
    lane          TEXT NOT NULL CHECK (lane IN ('broadcast', 'stories')),
    created_by    INTEGER,                  -- the admin, or NULL for the scheduler
    payload       TEXT NOT NULL,            -- JSON: what to send (see bot/delivery.py)
    audience      TEXT NOT NULL DEFAULT '{}', -- JSON: the segment, for the record
    status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'cancelled')),
    total         INTEGER NOT NULL DEFAULT 0,
    progress_chat_id    INTEGER,
    progress_message_id INTEGER,
    created_at    TEXT NOT NULL,
    started_at    TEXT,
    finished_at   TEXT
);

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    batch_id    INTEGER NOT NULL REFERENCES outbox_batches(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    language    TEXT NOT NULL,
    item        TEXT NOT NULL DEFAULT '',    -- per-recipient content, e.g. the story slug
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'uncertain', 'cancelled')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    claimed_at  TEXT,
    sent_at     TEXT,
    UNIQUE (batch_id, user_id)
);
CREATE INDEX outbox_pending ON outbox (batch_id, status, id);
