-- Schema version 3: synchronisation between laptops and head office.
--
-- Synced tables are listed in sync/manifest.rs; their capture triggers are
-- generated from that list (sync::capture::install_triggers) after every
-- migration, so they always cover every column. Tables named sync_* are
-- device-local bookkeeping and never travel.

-- A rep's retailer may buy from a distributor that is another rep's customer,
-- so the supplier need not be in the same book: the link is kept as a plain id.
-- (Removing a foreign-key clause does not change the stored format; SQLite
-- documents editing the table's definition for exactly this.)
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'supplier_id            TEXT REFERENCES customer(id),', 'supplier_id            TEXT,')
 WHERE type = 'table' AND name = 'customer';
PRAGMA writable_schema = RESET;

-- Two devices changed the same field without seeing each other's change. Head
-- office's merge keeps the later value (kept_*) and records the other
-- (lost_*) here; the affected rep and their manager resolve it. Synced.
CREATE TABLE conflict (
    id            TEXT PRIMARY KEY NOT NULL,
    customer_id   TEXT NOT NULL REFERENCES customer(id),
    entity        TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    field         TEXT NOT NULL,
    kept_value    TEXT,
    kept_by       TEXT,
    kept_at       TEXT NOT NULL,
    lost_value    TEXT,
    lost_by       TEXT,
    lost_at       TEXT NOT NULL,
    detected_at   TEXT NOT NULL,
    resolution    TEXT CHECK (resolution IN ('kept', 'took_other', 'edited')),
    resolved_by   TEXT,
    resolved_at   TEXT
);
CREATE INDEX conflict_customer ON conflict(customer_id);
CREATE INDEX conflict_open ON conflict(resolved_at, detected_at);

-- This book's place in sync: its device id, clock and counters. One row.
CREATE TABLE sync_state (
    singleton        INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    device_id        TEXT NOT NULL,
    -- 0 while merging received changes or generating demo data: triggers then
    -- capture nothing.
    capture          INTEGER NOT NULL DEFAULT 1,
    -- last hybrid logical clock issued or seen: (milliseconds << 16) | counter
    hlc              INTEGER NOT NULL DEFAULT 0,
    -- local counter of clock-row changes; head office's outgoing files are cut by it
    version          INTEGER NOT NULL DEFAULT 0,
    -- correction of this laptop's wall clock, learnt from head office's files
    clock_offset_ms  INTEGER NOT NULL DEFAULT 0,
    -- office: tombstones and moves up to this version were pruned
    pruned_upto      INTEGER NOT NULL DEFAULT 0,
    -- signing key of this device (Ed25519, 32-byte seed); created on first use
    secret_key       BLOB,
    public_key       BLOB
);

-- Rows written by the capture triggers, stamped (clock, sequence number) and
-- moved to sync_outbox / sync_clock before the writing transaction commits.
CREATE TABLE sync_pending (
    id     INTEGER PRIMARY KEY,
    tbl    TEXT NOT NULL,
    pk     TEXT NOT NULL,
    col    TEXT NOT NULL,       -- a column, '*' (row created: value is a JSON object) or '-' (row removed)
    anchor TEXT,                -- the customer the row belongs to
    value,
    old
);

-- This device's own changes not yet confirmed by head office. seq is the
-- gap-free per-origin sequence number.
CREATE TABLE sync_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    tbl          TEXT NOT NULL,
    pk           TEXT NOT NULL,
    col          TEXT NOT NULL,
    hlc          INTEGER NOT NULL,
    base_hlc     INTEGER NOT NULL,
    base_origin  TEXT,
    seen         INTEGER NOT NULL,  -- head office version this device had imported
    value
);

-- The clock of every synced cell that changed under sync: who wrote the value
-- this book holds, when (hlc), and what they had seen before (base). col '*'
-- is the row itself (created, or removed when deleted = 1). anchor is the
-- customer a row belongs to (NULL for data everyone gets).
CREATE TABLE sync_clock (
    tbl          TEXT NOT NULL,
    pk           TEXT NOT NULL,
    col          TEXT NOT NULL,
    hlc          INTEGER NOT NULL,
    origin       TEXT NOT NULL,
    base_hlc     INTEGER NOT NULL,
    base_origin  TEXT,
    version      INTEGER NOT NULL,
    anchor       TEXT,
    deleted      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tbl, pk, col)
) WITHOUT ROWID;
CREATE INDEX sync_clock_anchor ON sync_clock(anchor, version);
CREATE INDEX sync_clock_tombstone ON sync_clock(version) WHERE deleted = 1;

-- Who this book exchanges files with. On a laptop: head office (pinned key).
-- At head office: every enrolled device.
CREATE TABLE sync_peer (
    device_id       TEXT PRIMARY KEY NOT NULL,
    is_office       INTEGER NOT NULL DEFAULT 0,
    staff_id        TEXT,
    name            TEXT,
    public_key      BLOB NOT NULL,
    enrolled_at     TEXT NOT NULL,
    -- what the peer confirmed having of ours (laptop: our seq; office: our version)
    acked_upto      INTEGER NOT NULL DEFAULT 0,
    -- what we hold of the peer's stream, without gaps
    received_upto   INTEGER NOT NULL DEFAULT 0,
    files_out       INTEGER NOT NULL DEFAULT 0,
    last_export_at  TEXT,
    last_import_at  TEXT,
    -- office: the clock offset (ms) the peer should use, sent back in its files
    skew_ms         INTEGER NOT NULL DEFAULT 0,
    -- office: the peer's scope when its last file was written
    scope_sig       TEXT
);

-- Files imported, so a file is applied once and a different file claiming the
-- same number is refused.
CREATE TABLE sync_received_file (
    sender      TEXT NOT NULL,
    file_no     INTEGER NOT NULL,
    body_hash   TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (sender, file_no)
) WITHOUT ROWID;

-- Office: a customer changed owner or territory (old values), so the next files
-- hand the whole card to the new holder and a removal to the old one.
CREATE TABLE sync_move (
    version        INTEGER NOT NULL,
    customer_id    TEXT NOT NULL,
    old_owner      TEXT,
    old_territory  TEXT
);
CREATE INDEX sync_move_version ON sync_move(version);
CREATE INDEX sync_move_customer ON sync_move(customer_id, version);

-- Changes head office refused. Office: waiting to be told to the author.
-- Laptop: what the user is shown.
CREATE TABLE sync_rejection (
    id           TEXT PRIMARY KEY NOT NULL,
    device_id    TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    tbl          TEXT NOT NULL,
    pk           TEXT NOT NULL,
    col          TEXT NOT NULL,
    value        TEXT,
    reason       TEXT NOT NULL,
    message      TEXT NOT NULL,
    customer_id  TEXT,
    label        TEXT,
    rejected_at  TEXT NOT NULL,
    hlc          INTEGER NOT NULL,   -- the refused change's clock
    version      INTEGER NOT NULL
);
CREATE INDEX sync_rejection_device ON sync_rejection(device_id, version);

-- Laptop: cards that left this book because they moved to someone else.
CREATE TABLE sync_notice (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    customer_id   TEXT NOT NULL,
    customer_name TEXT NOT NULL,
    message       TEXT NOT NULL,
    at            TEXT NOT NULL
);
