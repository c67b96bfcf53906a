-- Schema version 2: the search index. Derived, device-local data: rebuilt from
-- the cards, never synced. search_doc maps FTS rowids to customers.
--
-- search_trigram answers substring queries of three or more characters;
-- search_char holds the same text with every character as its own token, so
-- one- and two-character queries (common for Chinese) are indexed phrase
-- queries instead of table scans.

CREATE TABLE search_doc (
    rowid        INTEGER PRIMARY KEY,
    customer_id  TEXT NOT NULL UNIQUE REFERENCES customer(id)
);

CREATE VIRTUAL TABLE search_trigram USING fts5(
    body, tokenize = 'trigram', content = '', contentless_delete = 1
);

CREATE VIRTUAL TABLE search_char USING fts5(
    body, tokenize = 'unicode61 remove_diacritics 0', content = '', contentless_delete = 1
);
