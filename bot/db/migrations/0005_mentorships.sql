-- Requests, mentorships and everything that happens in them. Times are ISO 8601 UTC.
-- Every row hangs off users with ON DELETE CASCADE, so /deleteme erases it.

-- A mentee asks a mentor (or the programme asks on her behalf: source 'cohort').
CREATE TABLE requests (
    id             INTEGER PRIMARY KEY,
    mentee_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mentor_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status         TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'accepted', 'declined', 'expired', 'withdrawn')),
    source         TEXT NOT NULL DEFAULT 'mentee' CHECK (source IN ('mentee', 'cohort')),
    note           TEXT,                 -- her intro note, as typed (escaped when shown)
    score          INTEGER,              -- compatibility when she asked, 0..100
    decline_reason TEXT,
    question       TEXT,                 -- the mentor's question before answering, if any
    answer         TEXT,                 -- her answer to it
    created_at     TEXT NOT NULL,
    answered_at    TEXT,                 -- accepted, declined, expired or withdrawn
    nudged_at      TEXT,                 -- the mentor's reminder went out (claimed once)
    expires_at     TEXT NOT NULL,
    CHECK (mentee_id <> mentor_id)
);
CREATE UNIQUE INDEX requests_one_pending_per_pair ON requests (mentee_id, mentor_id) WHERE status = 'pending';
CREATE INDEX requests_pending_by_time ON requests (expires_at, created_at) WHERE status = 'pending';
CREATE INDEX requests_by_mentor ON requests (mentor_id, status);

CREATE TABLE mentorships (
    id                    INTEGER PRIMARY KEY,
    mentee_id             INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mentor_id             INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    request_id            INTEGER REFERENCES requests(id) ON DELETE SET NULL,
    status                TEXT NOT NULL DEFAULT 'active'
                          CHECK (status IN ('active', 'paused', 'completed', 'cancelled')),
    started_at            TEXT NOT NULL,
    ended_at              TEXT,
    end_reason            TEXT,
    mentee_shares_contact INTEGER NOT NULL DEFAULT 0,
    mentor_shares_contact INTEGER NOT NULL DEFAULT 0,
    contacts_sent_at      TEXT,          -- both agreed and the contacts went out (claimed once)
    CHECK (mentee_id <> mentor_id)
);
-- One current (active or paused) mentorship per mentee, whatever the code above it does.
CREATE UNIQUE INDEX mentorships_one_current_per_mentee ON mentorships (mentee_id)
    WHERE status IN ('active', 'paused');
CREATE INDEX mentorships_by_mentor ON mentorships (mentor_id, status);

-- Every transition of a request or a mentorship, with its time and who did it (NULL: the bot).
CREATE TABLE mentorship_events (
    id             INTEGER PRIMARY KEY,
    request_id     INTEGER REFERENCES requests(id) ON DELETE CASCADE,
    mentorship_id  INTEGER REFERENCES mentorships(id) ON DELETE CASCADE,
    actor_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    event          TEXT NOT NULL,        -- requested, nudged, asked, answered, accepted, declined,
                                         -- expired, withdrawn, active, paused, completed, cancelled,
                                         -- contact_consent, contacts_shared
    detail         TEXT,
    at             TEXT NOT NULL,
    CHECK (request_id IS NOT NULL OR mentorship_id IS NOT NULL)
);
CREATE INDEX mentorship_events_by_mentorship ON mentorship_events (mentorship_id);
CREATE INDEX mentorship_events_by_request ON mentorship_events (request_id);

-- Messages passed through the bot (the only channel for minors), kept for safety reports.
CREATE TABLE relay_messages (
    id            INTEGER PRIMARY KEY,
    mentorship_id INTEGER NOT NULL REFERENCES mentorships(id) ON DELETE CASCADE,
    sender_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    recipient_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    text          TEXT NOT NULL,
    sent_at       TEXT NOT NULL,
    delivered     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX relay_messages_by_mentorship ON relay_messages (mentorship_id, id);

-- Pairs never to be matched again: a declined request, a block, a report.
CREATE TABLE exclusions (
    mentee_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mentor_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason     TEXT NOT NULL CHECK (reason IN ('declined', 'blocked', 'reported')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (mentee_id, mentor_id)
);

-- Safety reports; admins act on them (a later issue adds the actions).
CREATE TABLE reports (
    id            INTEGER PRIMARY KEY,
    reporter_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- Kept when the reported person erases her account: the programme must still see the report.
    reported_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    mentorship_id INTEGER REFERENCES mentorships(id) ON DELETE SET NULL,
    reason        TEXT NOT NULL,
    text          TEXT,                  -- what she added in her own words
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'reviewing', 'closed')),
    created_at    TEXT NOT NULL
);
CREATE INDEX reports_open ON reports (status, created_at) WHERE status <> 'closed';

-- An admin's cohort preview; Confirm claims it once (status preview -> confirmed).
CREATE TABLE cohort_runs (
    id           INTEGER PRIMARY KEY,
    created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    status       TEXT NOT NULL DEFAULT 'preview' CHECK (status IN ('preview', 'confirmed', 'discarded')),
    preview      TEXT NOT NULL,          -- JSON: {"pairs": [[mentee, mentor, score]...], "unmatched": {...}, "ids": [...]}
    created_at   TEXT NOT NULL,
    confirmed_at TEXT,
    sent         INTEGER NOT NULL DEFAULT 0
);
-- A preview names people in JSON, where no foreign key reaches: erase them with her.
-- (A confirmed run keeps only counts; its pairs live on as requests.)
CREATE TRIGGER cohort_runs_forget_erased_user AFTER DELETE ON users
BEGIN
    DELETE FROM cohort_runs WHERE EXISTS
        (SELECT 1 FROM json_each(cohort_runs.preview, '$.ids') WHERE value = OLD.id);
END;

-- Requests a mentor let expire in a row; at 3 she is paused from matching (and it starts again).
ALTER TABLE profiles ADD COLUMN missed_requests INTEGER NOT NULL DEFAULT 0;
