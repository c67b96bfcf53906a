-- Schema version 9: the trigram index gathers more terms in memory before it
-- writes a segment (FTS5's "hashsize", 1 MB by default), so a bulk write (an
-- import of 100,000 cards, a rebuild of the index) writes fewer, larger
-- segments and merges less. Adding 100,000 documents to a 100,000-card book
-- took it 1.6 s with 1 MB, 1.2 s with 16 MB and 0.7 s with 32 MB or more.
-- The memory is only taken while a write runs. (The per-character index
-- gained nothing from it: its few terms have very long position lists.)
INSERT INTO search_trigram (search_trigram, rank) VALUES ('hashsize', 67108864);
