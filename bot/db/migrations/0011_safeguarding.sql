-- Safeguarding: reports outlive an erasure, accountability by a keyed hash, questions kept,
-- and the hard rules of bot/safety.py repeated as triggers so no path can skip them.

-- Reports are rebuilt so that the reporter erasing her account keeps the report (F3).
CREATE TABLE reports_new (
    id              INTEGER PRIMARY KEY,
    reporter_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    reported_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    mentorship_id   INTEGER REFERENCES mentorships(id) ON DELETE SET NULL,
    request_id      INTEGER REFERENCES requests(id) ON DELETE SET NULL,  -- a report on a pending request
    reason          TEXT NOT NULL,
    text            TEXT,
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'reviewing', 'closed')),
    created_at      TEXT NOT NULL,
    reporter_hash   TEXT,                -- bot.safety.account_hash of each side: survives erasure
    reported_hash   TEXT,
    reporter_minor  INTEGER NOT NULL DEFAULT 0,
    counter_of      INTEGER REFERENCES reports_new(id),  -- the reported side answered a report with this one
    decided_at      TEXT,                -- an admin's first action on it
    decision        TEXT,
    alerts_sent     INTEGER NOT NULL DEFAULT 0  -- re-alerts after 2 h (critical) and 24 h
);
INSERT INTO reports_new (id, reporter_id, reported_id, mentorship_id, reason, text, status, created_at)
    SELECT id, reporter_id, reported_id, mentorship_id, reason, text, status, created_at FROM reports;
DROP TABLE reports;
ALTER TABLE reports_new RENAME TO reports;
CREATE INDEX reports_open ON reports (status, created_at) WHERE status <> 'closed';
CREATE INDEX reports_by_mentorship ON reports (mentorship_id) WHERE status <> 'closed';

-- What an open report rests on, copied when either side erases her account; gone when it closes.
CREATE TABLE report_evidence (
    id        INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('message', 'question', 'answer')),
    sender    TEXT NOT NULL,             -- 'mentee' or 'mentor'
    text      TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX report_evidence_by_report ON report_evidence (report_id);

-- Suspended and reported accounts, by keyed hash only: an erasure does not lift a suspension (F2).
CREATE TABLE accountability (
    id_hash      TEXT PRIMARY KEY,
    suspended_at TEXT,
    history      TEXT NOT NULL DEFAULT '[]',  -- JSON: [{"at", "what", "report"}...]
    updated_at   TEXT NOT NULL
);
-- Pairs never to be matched again because of a report, kept across an erasure of either side.
CREATE TABLE kept_exclusions (
    mentee_hash TEXT NOT NULL,
    mentor_hash TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (mentee_hash, mentor_hash)
);

-- Every question a mentor asks before answering a request, and every answer (F10).
CREATE TABLE request_messages (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    sender_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('question', 'answer')),
    text       TEXT NOT NULL,
    sent_at    TEXT NOT NULL
);
CREATE INDEX request_messages_by_request ON request_messages (request_id, id);

-- The hard rules, whatever the code above them does: mentees are 14+, minors have a guardian's
-- consent and only cleared mentors, no suspended mentor, no mentor she has an open report about.
CREATE TRIGGER requests_only_safe_pairs BEFORE INSERT ON requests
BEGIN
    SELECT RAISE(ABORT, 'safety: unsafe pair') WHERE NOT EXISTS (
        SELECT 1 FROM profiles e, profiles o, users mu
        WHERE e.user_id = NEW.mentee_id AND o.user_id = NEW.mentor_id AND mu.id = NEW.mentor_id
          AND e.age_band IN ('14-17', '18+')
          AND (e.age_band = '18+' OR (e.guardian_consent_at IS NOT NULL AND o.cleared_for_minors = 1))
          AND mu.suspended_at IS NULL
    ) OR EXISTS (
        SELECT 1 FROM reports r WHERE r.status <> 'closed'
          AND r.reporter_id = NEW.mentee_id AND r.reported_id = NEW.mentor_id
    );
END;

CREATE TRIGGER mentorships_only_safe_pairs BEFORE INSERT ON mentorships
BEGIN
    SELECT RAISE(ABORT, 'safety: unsafe pair') WHERE NOT EXISTS (
        SELECT 1 FROM profiles e, profiles o, users mu
        WHERE e.user_id = NEW.mentee_id AND o.user_id = NEW.mentor_id AND mu.id = NEW.mentor_id
          AND e.age_band IN ('14-17', '18+')
          AND (e.age_band = '18+' OR (e.guardian_consent_at IS NOT NULL AND o.cleared_for_minors = 1))
          AND mu.suspended_at IS NULL
    ) OR EXISTS (
        SELECT 1 FROM reports r WHERE r.status <> 'closed'
          AND r.reporter_id = NEW.mentee_id AND r.reported_id = NEW.mentor_id
    );
END;

-- A mentorship with any open report stays paused until every report on it is decided (F1).
CREATE TRIGGER mentorships_stay_paused_while_reported BEFORE UPDATE OF status ON mentorships
WHEN NEW.status = 'active' AND OLD.status <> 'active'
BEGIN
    SELECT RAISE(ABORT, 'safety: open report') WHERE EXISTS (
        SELECT 1 FROM reports r WHERE r.mentorship_id = NEW.id AND r.status <> 'closed'
    );
END;

-- Nor may an answer given later (a changed age band, consent taken back) leave her in an unsafe
-- pair: her pending requests are withdrawn first (bot.onboarding.store); a current mentorship refuses it.
CREATE TRIGGER profiles_keep_pairs_safe BEFORE UPDATE OF age_band, guardian_consent_at ON profiles
WHEN COALESCE(NEW.age_band, '') <> '18+'
BEGIN
    SELECT RAISE(ABORT, 'safety: unsafe pair') WHERE EXISTS (
        SELECT 1 FROM (
            SELECT mentor_id FROM mentorships WHERE mentee_id = NEW.user_id AND status IN ('active', 'paused')
            UNION ALL SELECT mentor_id FROM requests WHERE mentee_id = NEW.user_id AND status = 'pending'
        ) pair JOIN profiles o ON o.user_id = pair.mentor_id
        WHERE COALESCE(NEW.age_band, '') <> '14-17' OR NEW.guardian_consent_at IS NULL OR o.cleared_for_minors = 0
    );
END;
