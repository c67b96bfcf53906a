-- Schema version 7: the capture triggers stage a new row by its id alone;
-- sealing copies it into the outbox when the transaction ends (laptops only).
-- Nothing to change in the tables: the triggers are regenerated after every
-- migration (sync::capture::install_triggers), and this version makes books
-- written by version 6 regenerate theirs.
SELECT 1;
