-- Experiments name the setting their arms change, and may measure two more outcomes.
-- SQLite cannot change a CHECK in place, so both tables are rebuilt; the child table goes first
-- (dropping the parent with foreign keys on would otherwise delete its rows by cascade).
CREATE TABLE experiments_new (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    setting      TEXT NOT NULL DEFAULT 'none'
                 CHECK (setting IN ('none', 'story_frequency', 'nudge_wording', 'reminder_timing')),
    arms         TEXT NOT NULL,         -- JSON list of 2..4 arm values of the setting; the first is the control
    outcome      TEXT NOT NULL
                 CHECK (outcome IN ('request_30d', 'session_30d', 'story_opened_30d', 'opportunity_saved_30d')),
    segment_role TEXT,                  -- who may join: this role (NULL: anyone)
    joined_after TEXT,                  -- and who joined after this moment (NULL: any time)
    planned_size INTEGER NOT NULL,
    started_at   TEXT NOT NULL,
    stopped_at   TEXT
);
INSERT INTO experiments_new (id, name, arms, outcome, segment_role, joined_after, planned_size, started_at, stopped_at)
    SELECT id, name, arms, outcome, segment_role, joined_after, planned_size, started_at, stopped_at FROM experiments;
CREATE TABLE experiment_assignments_new (
    experiment_id INTEGER NOT NULL REFERENCES experiments_new(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    stratum       TEXT NOT NULL,
    arm           TEXT NOT NULL,
    assigned_at   TEXT NOT NULL,
    PRIMARY KEY (experiment_id, user_id)
);
INSERT INTO experiment_assignments_new SELECT experiment_id, user_id, stratum, arm, assigned_at FROM experiment_assignments;
DROP TABLE experiment_assignments;
DROP TABLE experiments;
-- Renaming the parent rewrites the child's REFERENCES to the new name.
ALTER TABLE experiments_new RENAME TO experiments;
ALTER TABLE experiment_assignments_new RENAME TO experiment_assignments;
CREATE INDEX experiment_assignments_by_user ON experiment_assignments (user_id);
CREATE INDEX experiment_assignments_by_stratum ON experiment_assignments (experiment_id, stratum);
CREATE INDEX experiments_running ON experiments (setting) WHERE stopped_at IS NULL;
