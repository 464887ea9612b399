-- Outcome surveys: one invitation per (person, wave), her answers, and her "no thanks".
-- Everything hangs off users with ON DELETE CASCADE, so /deleteme erases it. Times are ISO 8601 UTC.
CREATE TABLE survey_invitations (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    wave          TEXT NOT NULL
                  CHECK (wave IN ('baseline', 'about', 'midline', 'endline', 'follow6', 'follow12')),
    mentorship_id INTEGER REFERENCES mentorships(id) ON DELETE SET NULL,
    due_at        TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'due'
                  CHECK (status IN ('due', 'sent', 'started', 'done', 'declined', 'closed')),
    step          INTEGER NOT NULL DEFAULT 0,   -- the question she is on: resumable after anything
    sent_at       TEXT,
    reminded_at   TEXT,
    finished_at   TEXT,
    UNIQUE (user_id, wave)
);
CREATE INDEX survey_invitations_open ON survey_invitations (status, due_at) WHERE status IN ('due', 'sent', 'started');

CREATE TABLE survey_answers (
    invitation_id INTEGER NOT NULL REFERENCES survey_invitations(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    wave          TEXT NOT NULL,
    question      TEXT NOT NULL,
    value         TEXT,                 -- an option's code; NULL: skipped; 'na': prefer not to say
    version       INTEGER NOT NULL,     -- of surveys.toml when she answered
    answered_at   TEXT NOT NULL,
    PRIMARY KEY (invitation_id, question)
);
CREATE INDEX survey_answers_by_question ON survey_answers (question, wave);

-- She said "no thanks": never asked again.
CREATE TABLE survey_opt_outs (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    at      TEXT NOT NULL
);

-- Experiments: a definition, and who is in which arm (stored, so assignment is stable).
CREATE TABLE experiments (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    arms         TEXT NOT NULL,         -- JSON list of 2..4 arm codes; the first is the control
    outcome      TEXT NOT NULL CHECK (outcome IN ('request_30d', 'session_30d')),
    segment_role TEXT,                  -- who may join: this role (NULL: anyone)
    joined_after TEXT,                  -- and who joined after this moment (NULL: any time)
    planned_size INTEGER NOT NULL,
    started_at   TEXT NOT NULL,
    stopped_at   TEXT
);
CREATE TABLE experiment_assignments (
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    stratum       TEXT NOT NULL,        -- region and age band
    arm           TEXT NOT NULL,
    assigned_at   TEXT NOT NULL,
    PRIMARY KEY (experiment_id, user_id)
);
CREATE INDEX experiment_assignments_by_user ON experiment_assignments (user_id);
CREATE INDEX experiment_assignments_by_stratum ON experiment_assignments (experiment_id, stratum);
