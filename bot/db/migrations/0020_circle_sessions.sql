-- Circle sessions: the mentor (or co-mentor) schedules a group call; each member answers, is
-- reminded, is marked as attended and rates it. Times are ISO 8601 UTC.

CREATE TABLE circle_sessions (
    id           INTEGER PRIMARY KEY,
    circle_id    INTEGER NOT NULL REFERENCES circles(id) ON DELETE CASCADE,
    scheduled_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    starts_at    TEXT NOT NULL,
    minutes      INTEGER NOT NULL DEFAULT 60,
    topic        TEXT NOT NULL,
    meeting_link TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'held', 'cancelled')),
    asked_at     TEXT,          -- the mentor was asked who attended
    created_at   TEXT NOT NULL
);
CREATE INDEX circle_sessions_by_circle ON circle_sessions (circle_id, starts_at);

-- One row per member: her answer (she may change it), whether she came, her rating.
CREATE TABLE circle_attendance (
    session_id INTEGER NOT NULL REFERENCES circle_sessions(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    rsvp       TEXT CHECK (rsvp IN ('yes', 'no')),
    attended   INTEGER NOT NULL DEFAULT 0,
    rating     INTEGER CHECK (rating BETWEEN 1 AND 5),
    PRIMARY KEY (session_id, user_id)
);

-- Durable reminders: one row each, claimed once; skipped when the session has begun or she declined.
CREATE TABLE circle_session_reminders (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES circle_sessions(id) ON DELETE CASCADE,
    recipient_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    due_at       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'skipped')),
    UNIQUE (session_id, recipient_id, due_at)
);
CREATE INDEX circle_session_reminders_due ON circle_session_reminders (status, due_at);
