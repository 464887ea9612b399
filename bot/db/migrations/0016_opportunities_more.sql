-- Opportunities, the rest: the weekly digest, mentors' recommendations, the accepted question.

-- Her weekly digest. A row is added for each mentee and subscriber (on by default); `next_at` is
-- her next slot in UTC (NULL: to be worked out from her day, hour and zone).
CREATE TABLE opportunity_digest_settings (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    enabled      INTEGER NOT NULL DEFAULT 1,
    weekday      INTEGER NOT NULL DEFAULT 0 CHECK (weekday BETWEEN 0 AND 6),  -- 0 = Monday
    hour         INTEGER NOT NULL DEFAULT 10 CHECK (hour BETWEEN 0 AND 23),
    next_at      TEXT,
    last_sent_at TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX opportunity_digest_due ON opportunity_digest_settings (next_at) WHERE enabled = 1;

-- One row per user and week, written (claimed) before the digest is sent: never twice.
CREATE TABLE opportunity_digests (
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    week      TEXT NOT NULL,             -- ISO week of her slot, in her zone: 2025-W07
    items     INTEGER NOT NULL,          -- how many opportunities it brought (0: nothing sent)
    sent_at   TEXT NOT NULL,
    PRIMARY KEY (user_id, week)
);

-- A mentor's recommendation to her mentee, with her own line.
CREATE TABLE opportunity_recommendations (
    id             INTEGER PRIMARY KEY,
    opportunity_id INTEGER NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
    mentor_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mentee_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    note           TEXT,
    created_at     TEXT NOT NULL,
    UNIQUE (opportunity_id, mentor_id, mentee_id)
);

-- The accepted question: due after the result date (or 30 days after the deadline); asked at most
-- twice ("still waiting" asks once more later).
ALTER TABLE opportunity_outcomes ADD COLUMN accepted_due_at TEXT;
ALTER TABLE opportunity_outcomes ADD COLUMN accepted_asks INTEGER NOT NULL DEFAULT 0;
