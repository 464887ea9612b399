-- Where each user is in each conversation (PTB persistence, JSON, no pickles).
CREATE TABLE conversations (
    name       TEXT NOT NULL,
    key        TEXT NOT NULL,   -- JSON array: the conversation key (chat id, user id)
    state      TEXT NOT NULL,   -- JSON: the state name
    updated_at TEXT NOT NULL,
    PRIMARY KEY (name, key)
);
