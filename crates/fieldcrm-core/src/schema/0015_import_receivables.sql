-- Schema version 15: the spreadsheet import also takes the ERP's invoices and
-- payments (docs/ORDERS.md). `import_batch` is device-local and its kinds are
-- a CHECK, so the table is rebuilt with the new kinds; nothing references it.
CREATE TABLE import_batch_15 (
    id          TEXT PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('customers', 'people', 'products', 'sales', 'invoices', 'payments')),
    file_name   TEXT NOT NULL,
    file_hash   TEXT NOT NULL,
    sheet       TEXT,
    created     INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    skipped     INTEGER NOT NULL,
    refused     INTEGER NOT NULL,
    staff_id    TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
INSERT INTO import_batch_15 (id, kind, file_name, file_hash, sheet, created, updated, skipped, refused, staff_id, imported_at)
    SELECT id, kind, file_name, file_hash, sheet, created, updated, skipped, refused, staff_id, imported_at FROM import_batch;
DROP TABLE import_batch;
ALTER TABLE import_batch_15 RENAME TO import_batch;
CREATE INDEX import_batch_hash ON import_batch(file_hash);
