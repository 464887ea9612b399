-- An admin's opportunity while she composes it in /opportunity_new, step by step (JSON), so a
-- restart at any step keeps what she has typed; deleted when she publishes or cancels.
CREATE TABLE opportunity_drafts (
    admin_id   INTEGER PRIMARY KEY,
    data       TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
);
