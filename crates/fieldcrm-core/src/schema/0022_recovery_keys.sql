-- Schema version 22: head office's recovery copies of the laptops' book keys.
--
-- Every laptop's file to head office carries the key its book is encrypted
-- with, inside the body sealed to head office. Head office keeps the latest
-- per device here — in its own encrypted book, never synced — so a rep who
-- forgot the passphrase gets a key file sealed with a new one
-- (`fieldcrm hq recovery-key`) and keeps the work not yet sent.

CREATE TABLE device_recovery_key (
    device_id    TEXT PRIMARY KEY NOT NULL,
    book_key     BLOB NOT NULL CHECK (length(book_key) = 32),
    received_at  TEXT NOT NULL
);
