-- When the mentor was last told that her mentee found none of her time free: at most once a day.
ALTER TABLE mentorships ADD COLUMN no_time_told_at TEXT;
