-- Opportunities (olympiads, schools, scholarships, internships, events, competitions) and what
-- each girl did with them. Lists are JSON arrays of codes from bot/domain.py (empty = open to all);
-- titles and texts are JSON objects by language. Times are ISO 8601 UTC.
CREATE TABLE opportunities (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('olympiad', 'school_camp', 'scholarship',
                                               'internship_job', 'event_training', 'competition')),
    titles       TEXT NOT NULL,
    texts        TEXT NOT NULL DEFAULT '{}',
    link         TEXT NOT NULL,                -- shown exactly as given
    organiser    TEXT NOT NULL,
    deadline_at  TEXT NOT NULL,
    starts_on    TEXT,
    ends_on      TEXT,
    result_on    TEXT,
    age_bands    TEXT NOT NULL DEFAULT '[]',
    regions      TEXT NOT NULL DEFAULT '[]',
    fields       TEXT NOT NULL DEFAULT '[]',
    stages       TEXT NOT NULL DEFAULT '[]',
    women_only   INTEGER NOT NULL DEFAULT 0,
    verified     INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER,
    created_at   TEXT NOT NULL,
    closed_at    TEXT
);
CREATE INDEX opportunities_open ON opportunities (deadline_at) WHERE closed_at IS NULL;

-- Who was shown which card: the "reached" count.
CREATE TABLE opportunity_views (
    opportunity_id INTEGER NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    shown_at       TEXT NOT NULL,
    PRIMARY KEY (opportunity_id, user_id)
);

-- Her choice on a card: saved, or "not for me" (dismissed, never shown again).
CREATE TABLE opportunity_choices (
    opportunity_id INTEGER NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    choice         TEXT NOT NULL CHECK (choice IN ('saved', 'dismissed')),
    chosen_at      TEXT NOT NULL,
    PRIMARY KEY (opportunity_id, user_id)
);
CREATE INDEX opportunity_choices_user ON opportunity_choices (user_id, choice);

-- One row per saved opportunity and reminder offset; claimed ('sent') before sending, so never twice.
CREATE TABLE opportunity_reminders (
    opportunity_id INTEGER NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    offset_days    INTEGER NOT NULL,
    due_at         TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'skipped')),
    done_at        TEXT,
    PRIMARY KEY (opportunity_id, user_id, offset_days)
);
CREATE INDEX opportunity_reminders_due ON opportunity_reminders (due_at) WHERE status = 'pending';

-- The question after the deadline (asked once) and her answers.
CREATE TABLE opportunity_outcomes (
    opportunity_id INTEGER NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    asked_at       TEXT NOT NULL,
    applied        INTEGER,
    accepted       INTEGER,
    answered_at    TEXT,
    PRIMARY KEY (opportunity_id, user_id)
);

-- An admin's import: waiting for her file (rows NULL), then the valid rows until she confirms.
CREATE TABLE opportunity_imports (
    admin_id    INTEGER PRIMARY KEY,
    rows        TEXT,
    created_at  TEXT NOT NULL
);
