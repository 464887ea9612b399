-- "I'll be there" from a reminder: each side at most once per session (the other side is told once).
ALTER TABLE sessions ADD COLUMN mentee_coming_at TEXT;
ALTER TABLE sessions ADD COLUMN mentor_coming_at TEXT;
-- Sessions a tick still has to look at: confirmed ones awaiting feedback, requested ones to expire.
CREATE INDEX sessions_by_status_start ON sessions (status, starts_at);
CREATE INDEX reminders_by_session ON reminders (session_id);
-- A check-in row is written when the question is sent (its buttons carry the id); answered once.
ALTER TABLE checkins ADD COLUMN answered_at TEXT;
