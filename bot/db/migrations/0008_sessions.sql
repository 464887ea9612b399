-- Mentors' free time, booked sessions, their reminders and what both said afterwards.
-- Times are ISO 8601 UTC unless a column says "local".

-- A weekly window (weekday + local start time in the mentor's zone) or a one-off slot.
CREATE TABLE slots (
    id          INTEGER PRIMARY KEY,
    mentor_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('weekly', 'one_off')),
    weekday     INTEGER CHECK (weekday BETWEEN 0 AND 6),   -- weekly: 0 = Monday
    start_local TEXT,                                      -- weekly: 'HH:MM' in `zone`
    starts_at   TEXT,                                      -- one_off: UTC
    minutes     INTEGER NOT NULL CHECK (minutes > 0),
    zone        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    CHECK ((kind = 'weekly' AND weekday IS NOT NULL AND start_local IS NOT NULL)
           OR (kind = 'one_off' AND starts_at IS NOT NULL))
);
CREATE INDEX slots_by_mentor ON slots (mentor_id);

CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY,
    mentorship_id   INTEGER NOT NULL REFERENCES mentorships(id) ON DELETE CASCADE,
    mentor_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mentee_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    starts_at       TEXT NOT NULL,
    minutes         INTEGER NOT NULL,
    status          TEXT NOT NULL DEFAULT 'requested'
                    CHECK (status IN ('requested', 'confirmed', 'declined', 'cancelled', 'held', 'no_show')),
    agenda          TEXT,
    meeting_link    TEXT,
    for_minor       INTEGER NOT NULL DEFAULT 0,   -- an adult observer may be invited
    sequence        INTEGER NOT NULL DEFAULT 0,   -- bumped on reschedule (.ics SEQUENCE)
    created_at      TEXT NOT NULL,
    confirmed_at    TEXT,
    cancelled_at    TEXT,
    cancelled_by    INTEGER,
    cancel_reason   TEXT,
    late_change     INTEGER NOT NULL DEFAULT 0,   -- cancelled or moved inside the minimum notice
    rescheduled_from INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    feedback_asked_at TEXT
);
-- Exactly one booking wins a mentor's slot: a second insert at the same start fails.
CREATE UNIQUE INDEX sessions_one_booking_per_start ON sessions (mentor_id, starts_at)
    WHERE status IN ('requested', 'confirmed');
CREATE INDEX sessions_by_mentorship ON sessions (mentorship_id, starts_at);

-- One row per reminder to send; the scheduler claims each with UPDATE ... WHERE status = 'pending'.
CREATE TABLE reminders (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    recipient_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    offset_seconds  INTEGER NOT NULL,
    due_at          TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'missed', 'cancelled', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    sent_at         TEXT,
    error           TEXT,
    UNIQUE (session_id, recipient_id, offset_seconds)
);
CREATE INDEX reminders_due ON reminders (due_at) WHERE status = 'pending';

-- What each side said after the session.
CREATE TABLE session_feedback (
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    outcome     TEXT CHECK (outcome IN ('held', 'no_show', 'cancelled')),
    minutes     INTEGER CHECK (minutes BETWEEN 15 AND 180),
    rating      INTEGER CHECK (rating BETWEEN 1 AND 5),
    comment     TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (session_id, user_id)
);

-- The mentorship's rhythm: the agreement at the start, monthly check-ins, nudges, the closing survey.
CREATE TABLE mentorship_rhythm (
    mentorship_id      INTEGER PRIMARY KEY REFERENCES mentorships(id) ON DELETE CASCADE,
    meet_every_days    INTEGER,            -- agreed: how often to meet
    agreed_at          TEXT,
    next_checkin_at    TEXT,
    quiet_nudged_at    TEXT,               -- the last "no session for 30 days" nudge
    ends_at            TEXT NOT NULL,      -- started_at + programme length
    closing_sent_at    TEXT
);

CREATE TABLE checkins (
    id             INTEGER PRIMARY KEY,
    mentorship_id  INTEGER NOT NULL REFERENCES mentorships(id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('monthly', 'closing')),
    progress       INTEGER CHECK (progress BETWEEN 1 AND 5),   -- how far towards her goals
    comment        TEXT,
    created_at     TEXT NOT NULL
);

ALTER TABLE users ADD COLUMN suspended_at TEXT;   -- an admin suspended her: no matching, no messages
ALTER TABLE profiles ADD COLUMN auto_confirm INTEGER NOT NULL DEFAULT 0;  -- a mentor's bookings need no confirmation
