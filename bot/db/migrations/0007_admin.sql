-- An admin's broadcast while she composes it (what, to whom), until she confirms or drops it.
CREATE TABLE broadcast_drafts (
    admin_id   INTEGER PRIMARY KEY,
    payload    TEXT NOT NULL DEFAULT '{}',
    audience   TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
);

-- Every admin action, for /audit: who did what, when, to what.
CREATE TABLE admin_audit (
    id        INTEGER PRIMARY KEY,
    admin_id  INTEGER NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL DEFAULT '',
    details   TEXT NOT NULL DEFAULT '{}',
    at        TEXT NOT NULL
);
CREATE INDEX admin_audit_at ON admin_audit (at);
