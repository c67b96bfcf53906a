-- Schema version 4: classification (code lists), grades and route sequences.
--
-- Code lists, grade scales and their defaults are reference data that head
-- office maintains. Their ids are derived from their keys ('channel_type',
-- 'channel_type/wholesaler', 'customer/A'), so every book creates the same
-- default rows here and head office's later edits land on them. The defaults
-- below are inserted before the capture triggers cover these tables, so no
-- book sends them as its own changes.

-- Why a change was made (grades: "accepted from the ABC suggestion", a
-- manager's note). Older history rows have none.
ALTER TABLE change_history ADD COLUMN reason TEXT;

-- A list of codes that classifies cards (ownership, channel type …).
CREATE TABLE code_list (
    id          TEXT PRIMARY KEY NOT NULL,
    label_zh    TEXT NOT NULL,
    label_en    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- One code of a list. A retired code stays on the cards that carry it and
-- keeps its labels; it is no longer offered for new choices.
CREATE TABLE code_item (
    id          TEXT PRIMARY KEY NOT NULL,
    list_id     TEXT NOT NULL REFERENCES code_list(id),
    code        TEXT NOT NULL,
    label_zh    TEXT NOT NULL,
    label_en    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (list_id, code)
);

-- A grade of one of the two scales. Customer grades carry the visit
-- frequency and their share of revenue in the ABC rule; credit grades carry
-- the trading conditions that go with them.
CREATE TABLE grade_level (
    id                 TEXT PRIMARY KEY NOT NULL,
    scale              TEXT NOT NULL CHECK (scale IN ('customer', 'credit')),
    code               TEXT NOT NULL,
    label_zh           TEXT NOT NULL,
    label_en           TEXT NOT NULL,
    position           INTEGER NOT NULL,
    retired            INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    visit_every_days   INTEGER CHECK (visit_every_days BETWEEN 1 AND 366),
    revenue_share      INTEGER CHECK (revenue_share BETWEEN 1 AND 100),
    credit_limit       INTEGER CHECK (credit_limit >= 0),
    payment_term_days  INTEGER CHECK (payment_term_days BETWEEN 0 AND 366),
    settlement         TEXT CHECK (settlement IN ('prepayment', 'cash_on_delivery', 'monthly_statement', 'credit_term')),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    UNIQUE (scale, code)
);

-- A rep's route (路线) inside their territory. Its stops are the cards whose
-- route_id names it, in route_seq order.
CREATE TABLE route (
    id               TEXT PRIMARY KEY NOT NULL,
    name             TEXT NOT NULL,
    owner_id         TEXT NOT NULL REFERENCES staff(id),
    territory_id     TEXT NOT NULL REFERENCES org_unit(id),
    -- where the rep sets out from (their base); the first stop when absent
    start_latitude   REAL CHECK (start_latitude BETWEEN -90 AND 90),
    start_longitude  REAL CHECK (start_longitude BETWEEN -180 AND 180),
    -- ISO weekday the route is toured on (1 = Monday); any day when absent
    weekday          INTEGER CHECK (weekday BETWEEN 1 AND 7),
    retired          INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX route_owner ON route(owner_id, name);

-- The card's classification. Ownership and industry use the existing
-- org_form and industry columns; codes of lists head office adds live in
-- custom_codes ({"list": "code"}). Route membership is a pair of card fields,
-- so a card is on at most one route and two people moving different stops
-- never collide.
ALTER TABLE customer ADD COLUMN channel_type TEXT;
ALTER TABLE customer ADD COLUMN location_type TEXT;
ALTER TABLE customer ADD COLUMN custom_codes TEXT NOT NULL DEFAULT '{}';
ALTER TABLE customer ADD COLUMN grade TEXT;
-- 1 when a person set the grade by hand: the ABC suggestion never replaces it unasked
ALTER TABLE customer ADD COLUMN grade_manual INTEGER NOT NULL DEFAULT 0 CHECK (grade_manual IN (0, 1));
ALTER TABLE customer ADD COLUMN credit_grade TEXT;
-- (no foreign key: a card may arrive before its route, or without it)
ALTER TABLE customer ADD COLUMN route_id TEXT;
ALTER TABLE customer ADD COLUMN route_seq REAL;
-- the last day someone of ours visited; visit records keep it current
ALTER TABLE customer ADD COLUMN last_visit_on TEXT;
CREATE INDEX customer_route ON customer(route_id, route_seq);
CREATE INDEX customer_grade ON customer(grade, name_pinyin);
CREATE INDEX customer_credit_grade ON customer(credit_grade);
-- Only cards with codes of added lists: counting those codes reads this, not every card.
CREATE INDEX customer_custom_codes ON customer(custom_codes) WHERE custom_codes <> '{}';
CREATE INDEX customer_channel_type ON customer(channel_type, name_pinyin);
CREATE INDEX customer_location_type ON customer(location_type, name_pinyin);
CREATE INDEX customer_org_form ON customer(org_form, name_pinyin);
CREATE INDEX customer_industry ON customer(industry, name_pinyin);

-- Defaults (DOMAIN.md, seed 004). Timestamps are the epoch so that any edit
-- made anywhere is newer.
INSERT INTO code_list (id, label_zh, label_en, position, created_at, updated_at) VALUES
    ('ownership',     '所有制',   'Ownership',     1, '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'),
    ('channel_type',  '渠道类型', 'Channel type',  2, '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'),
    ('location_type', '地段类型', 'Location type', 3, '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'),
    ('industry',      '行业',     'Industry',      4, '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z');

INSERT INTO code_item (id, list_id, code, label_zh, label_en, position, created_at, updated_at)
WITH d(list_id, code, label_zh, label_en, position) AS (VALUES
    ('ownership', 'state_owned',         '全民所有制', 'State-owned',          1),
    ('ownership', 'collective',          '集体所有制', 'Collective',           2),
    ('ownership', 'private',             '私营',       'Private',              3),
    ('ownership', 'individual_business', '个体工商户', 'Individual business',  4),
    ('ownership', 'joint_stock',         '股份制',     'Joint-stock',          5),
    ('ownership', 'limited_company',     '有限责任公司', 'Limited company',    6),
    ('ownership', 'joint_venture',       '合资',       'Joint venture',        7),
    ('ownership', 'partnership',         '合伙',       'Partnership',          8),
    ('ownership', 'other',               '其他',       'Other',                9),
    ('channel_type', 'wholesaler',       '批发店',     'Wholesaler',           1),
    ('channel_type', 'retailer',         '零售店',     'Retailer',             2),
    ('channel_type', 'agent',            '代理店',     'Agent',                3),
    ('channel_type', 'franchise',        '特约店',     'Franchise store',      4),
    ('channel_type', 'chain',            '连锁店',     'Chain store',          5),
    ('channel_type', 'specialty',        '专营店',     'Specialty store',      6),
    ('channel_type', 'distributor',      '经销商',     'Distributor',          7),
    ('channel_type', 'sub_distributor',  '二批商',     'Sub-distributor',      8),
    ('channel_type', 'other',            '其他',       'Other',                9),
    ('location_type', 'commercial_centre', '商业中心店', 'Commercial centre',  1),
    ('location_type', 'transport_hub',   '交通枢纽店', 'Transport hub',        2),
    ('location_type', 'residential',     '居民区店',   'Residential area',     3),
    ('location_type', 'rural_market',    '乡镇集市店', 'Township market',      4),
    ('location_type', 'other',           '其他店铺',   'Other',                5),
    ('industry', 'agri_inputs',          '农资',       'Agricultural inputs',  1),
    ('industry', 'agriculture',          '农业',       'Agriculture',          2),
    ('industry', 'food',                 '食品',       'Food',                 3),
    ('industry', 'beverages',            '饮料',       'Beverages',            4),
    ('industry', 'daily_chemicals',      '日化',       'Daily chemicals',      5),
    ('industry', 'pharmaceuticals',      '医药',       'Pharmaceuticals',      6),
    ('industry', 'building_materials',   '建材',       'Building materials',   7),
    ('industry', 'appliances',           '家电',       'Appliances',           8),
    ('industry', 'general_merchandise',  '百货',       'General merchandise',  9),
    ('industry', 'other',                '其他',       'Other',               10)
)
SELECT list_id || '/' || code, list_id, code, label_zh, label_en, position,
       '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'
FROM d;

INSERT INTO grade_level (id, scale, code, label_zh, label_en, position, visit_every_days, revenue_share,
                         credit_limit, payment_term_days, settlement, created_at, updated_at)
WITH d(scale, code, label_zh, label_en, position, visit_every_days, revenue_share,
       credit_limit, payment_term_days, settlement) AS (VALUES
    ('customer', 'A', 'A 类', 'A', 1, 7,  70,   NULL, NULL, NULL),
    ('customer', 'B', 'B 类', 'B', 2, 14, 20,   NULL, NULL, NULL),
    ('customer', 'C', 'C 类', 'C', 3, 30, 10,   NULL, NULL, NULL),
    ('customer', 'D', 'D 类', 'D', 4, 60, NULL, NULL, NULL, NULL),
    ('credit',   'A', '信用 A', 'Credit A', 1, NULL, NULL, 500000, 60, 'credit_term'),
    ('credit',   'B', '信用 B', 'Credit B', 2, NULL, NULL, 200000, 30, 'monthly_statement'),
    ('credit',   'C', '信用 C', 'Credit C', 3, NULL, NULL, 50000,  0,  'cash_on_delivery'),
    ('credit',   'D', '信用 D', 'Credit D', 4, NULL, NULL, 0,      0,  'prepayment')
)
SELECT scale || '/' || code, scale, code, label_zh, label_en, position, visit_every_days, revenue_share,
       credit_limit, payment_term_days, settlement, '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'
FROM d;
