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
