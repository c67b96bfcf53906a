-- Schema version 10: settings of the organisation that head office chooses and
-- every book follows (they travel in the changeset files like the code lists).
-- `time_zone` is the business time zone, an IANA name; a book without the row
-- counts days in Asia/Shanghai.
CREATE TABLE org_setting (
    id          TEXT PRIMARY KEY NOT NULL,
    value       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
