-- A user's profile, filled in step by step during onboarding. Multi-choice
-- answers are JSON arrays of codes from bot/domain.py. Times are ISO 8601 UTC.
CREATE TABLE profiles (
    user_id             INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    step                TEXT NOT NULL,            -- the onboarding step she is on, or 'done'
    editing             INTEGER NOT NULL DEFAULT 0, -- answering one step again, then back to the summary
    paused              INTEGER NOT NULL DEFAULT 0, -- she said /cancel; /start resumes
    consent_at          TEXT,
    age_band            TEXT,
    is_minor            INTEGER NOT NULL DEFAULT 0,
    guardian_consent_at TEXT,
    display_name        TEXT,
    region              TEXT,
    stage               TEXT,
    fields              TEXT NOT NULL DEFAULT '[]',
    goals               TEXT NOT NULL DEFAULT '[]',  -- a mentee's goals, or the topics a mentor helps with
    languages           TEXT NOT NULL DEFAULT '[]',
    availability        TEXT NOT NULL DEFAULT '[]',
    meeting_format      TEXT,
    job_title           TEXT,
    organisation        TEXT,
    bio                 TEXT,
    capacity            INTEGER,
    meeting_link        TEXT,
    link_answered       INTEGER NOT NULL DEFAULT 0,
    mentor_status       TEXT CHECK (mentor_status IN ('pending', 'approved', 'rejected')),
    mentor_decided_by   INTEGER,
    mentor_decided_at   TEXT,
    cleared_for_minors  INTEGER NOT NULL DEFAULT 0,
    mentor_paused       INTEGER NOT NULL DEFAULT 0,
    started_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    completed_at        TEXT,
    nudges_sent         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX profiles_unfinished ON profiles (step, updated_at) WHERE step <> 'done';
CREATE INDEX profiles_pending_mentors ON profiles (mentor_status) WHERE mentor_status = 'pending';

-- What is left of an erased account: no id, no text, only what the programme counts.
CREATE TABLE erased_accounts (
    id         INTEGER PRIMARY KEY,
    role       TEXT,
    age_band   TEXT,
    region     TEXT,
    erased_at  TEXT NOT NULL
);
