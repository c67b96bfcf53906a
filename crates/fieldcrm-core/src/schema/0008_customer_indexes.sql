-- Schema version 8: fewer indexes on customer. Every index costs each new or
-- changed card a write (an import of 100,000 cards about 0.2 s per index).
-- An audit of every statement's query plan found these unused, or slower
-- than what the planner does without them:
--   name_pinyin, updated, reviewed: the list reads search_doc's indexes;
--   code: an import matches codes in memory;
--   lifecycle: the grade suggestion scans the table faster (all cards, ~85%
--     of them active) or uses customer_territory (one unit);
--   grade, credit_grade, channel_type: customer_analysis holds these
--     columns with the card's id, and a scan of it serves the list's
--     filters and groupings as fast or faster (they need the id).
DROP INDEX IF EXISTS customer_name_pinyin;
DROP INDEX IF EXISTS customer_updated;
DROP INDEX IF EXISTS customer_reviewed;
DROP INDEX IF EXISTS customer_code;
DROP INDEX IF EXISTS customer_lifecycle;
DROP INDEX IF EXISTS customer_grade;
DROP INDEX IF EXISTS customer_credit_grade;
DROP INDEX IF EXISTS customer_channel_type;
