-- Mentors' end survey: survey invitations may be of the wave 'mentor_end'.
-- SQLite cannot change a CHECK in place, so both survey tables are rebuilt; the answers go first
-- (dropping the invitations with foreign keys on would otherwise delete the answers by cascade).
CREATE TABLE survey_invitations_new (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    wave          TEXT NOT NULL
                  CHECK (wave IN ('baseline', 'about', 'midline', 'endline', 'follow6', 'follow12', 'mentor_end')),
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
INSERT INTO survey_invitations_new SELECT id, user_id, wave, mentorship_id, due_at, status, step, sent_at, reminded_at, finished_at
    FROM survey_invitations;
CREATE TABLE survey_answers_new (
    invitation_id INTEGER NOT NULL REFERENCES survey_invitations_new(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    wave          TEXT NOT NULL,
    question      TEXT NOT NULL,
    value         TEXT,                 -- an option's code; NULL: skipped; 'na': prefer not to say
    version       INTEGER NOT NULL,     -- of surveys.toml when she answered
    answered_at   TEXT NOT NULL,
    PRIMARY KEY (invitation_id, question)
);
INSERT INTO survey_answers_new SELECT invitation_id, user_id, wave, question, value, version, answered_at FROM survey_answers;
DROP TABLE survey_answers;
DROP TABLE survey_invitations;
-- Renaming the parent rewrites the child's REFERENCES to the new name.
ALTER TABLE survey_invitations_new RENAME TO survey_invitations;
ALTER TABLE survey_answers_new RENAME TO survey_answers;
CREATE INDEX survey_invitations_open ON survey_invitations (status, due_at) WHERE status IN ('due', 'sent', 'started');
CREATE INDEX survey_answers_by_question ON survey_answers (question, wave);
