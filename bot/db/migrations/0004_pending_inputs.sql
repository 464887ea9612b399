-- What the bot waits for her to type next, outside onboarding (an intro note, a
-- message to relay, a reason). In the database, so a restart keeps waiting.
CREATE TABLE pending_inputs (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    ref        TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

ALTER TABLE users ADD COLUMN username TEXT;
