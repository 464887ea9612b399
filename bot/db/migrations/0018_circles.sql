-- Mentoring circles: one mentor (and maybe a co-mentor), 3 to 8 mentees, talking through the bot.
-- Times are ISO 8601 UTC.

-- How many circles a mentor leads at once (0: none).
ALTER TABLE profiles ADD COLUMN circle_capacity INTEGER NOT NULL DEFAULT 1;

CREATE TABLE circles (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    mentor_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    co_mentor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    field        TEXT NOT NULL,
    language     TEXT NOT NULL,
    age_band     TEXT NOT NULL CHECK (age_band IN ('14-17', '18+')),
    status       TEXT NOT NULL DEFAULT 'forming'
                 CHECK (status IN ('forming', 'active', 'paused', 'completed', 'cancelled')),
    open_to_join INTEGER NOT NULL DEFAULT 0,
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL,
    batch        INTEGER,        -- the admin's formation run it came from (its preview)
    created_at   TEXT NOT NULL,
    nudged_at    TEXT            -- the mentor was last told her circle is quiet
);
CREATE INDEX circles_by_mentor ON circles (mentor_id, status);

CREATE TABLE circle_members (
    circle_id   INTEGER NOT NULL REFERENCES circles(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status      TEXT NOT NULL DEFAULT 'active'
                CHECK (status IN ('asked', 'active', 'paused', 'left', 'removed')),
    joined_at   TEXT NOT NULL,
    left_at     TEXT,
    PRIMARY KEY (circle_id, user_id)
);
CREATE INDEX circle_members_by_user ON circle_members (user_id, status);

-- Every change of a circle or of its members.
CREATE TABLE circle_events (
    id         INTEGER PRIMARY KEY,
    circle_id  INTEGER NOT NULL REFERENCES circles(id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    actor_id   INTEGER,
    subject_id INTEGER,
    detail     TEXT
);
CREATE INDEX circle_events_by_circle ON circle_events (circle_id, id);

-- Her messages go with her on /deleteme (what was delivered stays delivered).
CREATE TABLE circle_messages (
    id          INTEGER PRIMARY KEY,
    circle_id   INTEGER NOT NULL REFERENCES circles(id) ON DELETE CASCADE,
    sender_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reply_to    INTEGER REFERENCES circle_messages(id) ON DELETE SET NULL,
    text        TEXT NOT NULL,
    held        INTEGER NOT NULL DEFAULT 0,   -- contact details in a minors' circle: never passed on
    sent_at     TEXT NOT NULL
);
CREATE INDEX circle_messages_by_circle ON circle_messages (circle_id, id);

-- One row per recipient of a message, in message order: the per-member queue.
CREATE TABLE circle_deliveries (
    message_id   INTEGER NOT NULL REFERENCES circle_messages(id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    delivered_at TEXT,
    PRIMARY KEY (message_id, user_id)
);
CREATE INDEX circle_deliveries_waiting ON circle_deliveries (user_id, message_id) WHERE delivered_at IS NULL;

-- A report keeps its own copy of the words, so the evidence outlives the sender's erasure.
CREATE TABLE circle_reports (
    id          INTEGER PRIMARY KEY,
    circle_id   INTEGER NOT NULL REFERENCES circles(id) ON DELETE CASCADE,
    message_id  INTEGER REFERENCES circle_messages(id) ON DELETE SET NULL,
    reporter_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    reported_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    reason      TEXT NOT NULL,
    text        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at  TEXT NOT NULL
);
