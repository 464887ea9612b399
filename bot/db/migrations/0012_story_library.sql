-- Cards an admin published through the bot (a card file sent as a document), so the library
-- grows without a deploy. The TOML is kept as sent and validated again at every start-up.
CREATE TABLE story_uploads (
    slug         TEXT PRIMARY KEY,
    toml         TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,   -- 2 and up: it replaced an earlier version
    published_by INTEGER NOT NULL,
    published_at TEXT NOT NULL
);

-- A card file an admin sent and has not published yet: Publish reads it from here, not from a button.
CREATE TABLE story_drafts (
    id         INTEGER PRIMARY KEY,
    admin_id   INTEGER NOT NULL,
    slug       TEXT NOT NULL,
    toml       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- A woman a user would like to see on a card; admins accept or decline, the writers get the accepted.
CREATE TABLE story_nominations (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    field       TEXT NOT NULL,
    region      TEXT NOT NULL,
    why         TEXT NOT NULL,
    link        TEXT NOT NULL DEFAULT '',
    language    TEXT NOT NULL DEFAULT 'ru',  -- hers, for the answer and for the writers
    status      TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'pending', 'accepted', 'declined')),
    created_at  TEXT NOT NULL,
    decided_by  INTEGER,
    decided_at  TEXT
);
CREATE INDEX story_nominations_status ON story_nominations (status, id);

-- Every card posted to a public channel: written before the send, so a crash never posts it twice.
CREATE TABLE story_channel_posts (
    id         INTEGER PRIMARY KEY,
    chat_id    INTEGER NOT NULL,
    slug       TEXT NOT NULL,
    round      INTEGER NOT NULL,            -- which pass through the library
    message_id INTEGER,                     -- NULL: the send failed or its outcome is unknown
    posted_at  TEXT NOT NULL
);
CREATE INDEX story_channel_posts_chat ON story_channel_posts (chat_id, round);
