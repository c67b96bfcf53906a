-- Schema version 23: head office retires a device (a lost or replaced laptop).
--
-- A retired device's files are refused from then on, head office writes it
-- none, and it no longer holds back what head office may prune (the
-- acknowledgement horizon is the oldest confirmation of the devices still in
-- use). Its person enrols a new laptop, whose first file carries their whole
-- scope. `sync_peer` is head office's own record: never synced.

ALTER TABLE sync_peer ADD COLUMN retired_at TEXT;
ALTER TABLE sync_peer ADD COLUMN retired_reason TEXT;
