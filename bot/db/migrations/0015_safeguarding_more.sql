-- Safeguarding, second part: mentors' edits after vetting wait for an admin before minors see
-- them, contact details caught in relayed text are flagged, and the code of conduct is versioned.

-- What an admin last approved of an approved mentor's public profile: minors see these, adults
-- see the current columns; a change waits (change_pending_at) until an admin decides (F4).
ALTER TABLE profiles ADD COLUMN vetted_job_title TEXT;
ALTER TABLE profiles ADD COLUMN vetted_organisation TEXT;
ALTER TABLE profiles ADD COLUMN vetted_bio TEXT;
ALTER TABLE profiles ADD COLUMN vetted_meeting_link TEXT;
ALTER TABLE profiles ADD COLUMN change_pending_at TEXT;
ALTER TABLE profiles ADD COLUMN change_rev INTEGER NOT NULL DEFAULT 0;  -- the admin decides what she saw
UPDATE profiles SET vetted_job_title = job_title, vetted_organisation = organisation, vetted_bio = bio,
    vetted_meeting_link = meeting_link
    WHERE mentor_status = 'approved';

-- Sessions with a minor use a generated room, never a mentor's own link (F4).
UPDATE sessions SET meeting_link = 'https://meet.jit.si/steminist-' || lower(hex(randomblob(8)))
    WHERE for_minor = 1 AND status IN ('requested', 'confirmed')
      AND COALESCE(meeting_link, '') NOT LIKE 'https://meet.jit.si/steminist-%';

-- Relayed text held back (to or from a minor) or refused (adults: Share my contact instead)
-- because it carried contact details; admins see the minors' ones with the text.
CREATE TABLE contact_flags (
    id           INTEGER PRIMARY KEY,
    sender_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    recipient_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    source       TEXT NOT NULL CHECK (source IN ('relay', 'question', 'answer', 'note')),
    minor        INTEGER NOT NULL,
    kinds        TEXT NOT NULL,          -- JSON list: link, email, username, phone
    text         TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX contact_flags_by_time ON contact_flags (created_at);

-- The safeguarding code a mentor accepted (bot.conduct.VERSION), and whether an admin's clearance
-- for minors waits for her to accept a newer version.
ALTER TABLE profiles ADD COLUMN conduct_version INTEGER;
ALTER TABLE profiles ADD COLUMN conduct_accepted_at TEXT;
ALTER TABLE profiles ADD COLUMN minors_hold INTEGER NOT NULL DEFAULT 0;
ALTER TABLE profiles ADD COLUMN conduct_asked INTEGER;  -- the version last put to her
