-- Schema version 2: the search index. Derived, device-local data, rebuilt from
-- the cards and never synced.
--
-- search_doc is the customer list's narrow projection: what the list filters
-- and sorts on, one small row per customer, so that a page of a 100,000-card
-- book is found without touching the wide card rows. Its rowid keys the two
-- full-text indexes: search_trigram answers substring queries of three or more
-- characters; search_char holds the same text with every character as its own
-- token, so one- and two-character queries (common for Chinese) are indexed
-- phrase queries instead of table scans.

CREATE TABLE search_doc (
    rowid               INTEGER PRIMARY KEY,
    customer_id         TEXT NOT NULL UNIQUE REFERENCES customer(id),
    name_pinyin         TEXT NOT NULL,
    lifecycle           TEXT NOT NULL,
    channel_level       TEXT NOT NULL,
    credit_standing     TEXT NOT NULL,
    owner_id            TEXT NOT NULL,
    territory_id        TEXT NOT NULL,
    needs_verification  INTEGER NOT NULL,
    reviewed_at         TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
-- One index per list order, each ending in the customer id so pages are stable.
-- (No index on the low-cardinality filter columns: the planner would pick it
-- over the order's index and sort most of the book.)
CREATE INDEX search_doc_name ON search_doc(name_pinyin, customer_id);
CREATE INDEX search_doc_updated ON search_doc(updated_at, customer_id);
CREATE INDEX search_doc_reviewed ON search_doc(reviewed_at, customer_id);
CREATE INDEX search_doc_created ON search_doc(created_at, customer_id);
CREATE INDEX search_doc_owner ON search_doc(owner_id, name_pinyin, customer_id);
CREATE INDEX search_doc_territory ON search_doc(territory_id, name_pinyin, customer_id);

-- Which documents carry which tag, so a tag filter and the tag list are index lookups.
CREATE TABLE search_tag (
    doc  INTEGER NOT NULL,
    tag  TEXT NOT NULL,
    PRIMARY KEY (doc, tag)
) WITHOUT ROWID;
CREATE INDEX search_tag_tag ON search_tag(tag, doc);

CREATE VIRTUAL TABLE search_trigram USING fts5(
    body, tokenize = 'trigram', content = '', contentless_delete = 1
);

CREATE VIRTUAL TABLE search_char USING fts5(
    body, tokenize = 'unicode61 remove_diacritics 0', content = '', contentless_delete = 1
);
