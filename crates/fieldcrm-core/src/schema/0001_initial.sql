-- fieldcrm book, schema version 1: organisation, archive cards, key people,
-- addresses, credit incidents and the field-level change history.
--
-- Every table that holds user data and will travel between devices has a
-- UUIDv7 text primary key; nothing depends on autoincrement or rowid order.
-- Timestamps are RFC 3339 UTC text with milliseconds ("2026-11-22T08:00:00.000Z"),
-- dates are ISO "YYYY-MM-DD".

CREATE TABLE org_unit (
    id          TEXT PRIMARY KEY NOT NULL,
    parent_id   TEXT REFERENCES org_unit(id),
    kind        TEXT NOT NULL CHECK (kind IN ('head_office', 'province', 'region', 'territory', 'other')),
    name        TEXT NOT NULL,
    code        TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX org_unit_parent ON org_unit(parent_id);

CREATE TABLE staff (
    id           TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('rep', 'regional_manager', 'provincial_manager', 'head_office')),
    org_unit_id  TEXT NOT NULL REFERENCES org_unit(id),
    phone        TEXT,
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX staff_org_unit ON staff(org_unit_id);

-- Who uses this laptop. Device-local: never synced, at most one row.
CREATE TABLE local_profile (
    singleton   INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    staff_id    TEXT NOT NULL REFERENCES staff(id),
    device_id   TEXT NOT NULL,
    language    TEXT NOT NULL DEFAULT 'zh-CN',
    created_at  TEXT NOT NULL
);

-- Device-local settings (key → JSON value).
CREATE TABLE local_setting (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
);

-- The archive card (客户档案卡). Columns are grouped by the card's four blocks;
-- the field registry in card/fields.rs names each one.
CREATE TABLE customer (
    id                     TEXT PRIMARY KEY NOT NULL,
    revision               INTEGER NOT NULL DEFAULT 1,
    -- 1. basic data
    name                   TEXT NOT NULL,
    name_pinyin            TEXT NOT NULL,
    short_name             TEXT,
    phone                  TEXT,
    channel_level          TEXT NOT NULL CHECK (channel_level IN ('distributor', 'sub_distributor', 'retailer', 'other')),
    lifecycle              TEXT NOT NULL CHECK (lifecycle IN ('prospect', 'active', 'dormant', 'eliminated')),
    owner_id               TEXT NOT NULL REFERENCES staff(id),
    territory_id           TEXT NOT NULL REFERENCES org_unit(id),
    supplier_id            TEXT REFERENCES customer(id),
    founded_on             TEXT,
    trading_since          TEXT,
    org_form               TEXT,
    industry               TEXT,
    registered_capital     INTEGER,
    total_assets           INTEGER,
    -- 2. characteristics
    service_area           TEXT,
    sales_capacity         TEXT,
    development_potential  TEXT CHECK (development_potential IN ('high', 'medium', 'low')),
    business_philosophy    TEXT,
    business_policies      TEXT,
    employees              INTEGER,
    annual_revenue         INTEGER,
    management_style       TEXT,
    -- 3. business status
    annual_sales_with_us   INTEGER,
    sales_performance      TEXT,
    management_quality     TEXT,
    salesforce_quality     TEXT,
    competitor_relations   TEXT,
    relationship_with_us   TEXT,
    cooperation_attitude   TEXT CHECK (cooperation_attitude IN ('positive', 'neutral', 'reluctant')),
    -- 4. trading status
    sales_activity         TEXT,
    problems               TEXT,
    strengths              TEXT,
    future_plans           TEXT,
    reputation             TEXT,
    credit_standing        TEXT NOT NULL DEFAULT 'unknown'
                           CHECK (credit_standing IN ('good', 'normal', 'watch', 'bad', 'unknown')),
    trading_terms          TEXT,
    -- where each block's data came from, and whether a rep has confirmed it
    basic_source           TEXT NOT NULL DEFAULT 'rep_visit',
    characteristics_source TEXT NOT NULL DEFAULT 'rep_visit',
    business_source        TEXT NOT NULL DEFAULT 'rep_visit',
    trading_source         TEXT NOT NULL DEFAULT 'rep_visit',
    basic_verified         INTEGER NOT NULL DEFAULT 1 CHECK (basic_verified IN (0, 1)),
    characteristics_verified INTEGER NOT NULL DEFAULT 1 CHECK (characteristics_verified IN (0, 1)),
    business_verified      INTEGER NOT NULL DEFAULT 1 CHECK (business_verified IN (0, 1)),
    trading_verified       INTEGER NOT NULL DEFAULT 1 CHECK (trading_verified IN (0, 1)),
    -- free notes and tags (JSON array of strings)
    notes                  TEXT,
    tags                   TEXT NOT NULL DEFAULT '[]',
    reviewed_at            TEXT NOT NULL,
    created_at             TEXT NOT NULL,
    created_by             TEXT REFERENCES staff(id),
    updated_at             TEXT NOT NULL,
    updated_by             TEXT REFERENCES staff(id)
);
CREATE INDEX customer_name_pinyin ON customer(name_pinyin);
CREATE INDEX customer_owner ON customer(owner_id, name_pinyin);
CREATE INDEX customer_territory ON customer(territory_id, name_pinyin);
CREATE INDEX customer_lifecycle ON customer(lifecycle, name_pinyin);
CREATE INDEX customer_supplier ON customer(supplier_id);
CREATE INDEX customer_updated ON customer(updated_at);
CREATE INDEX customer_reviewed ON customer(reviewed_at);

-- Key people of a customer: owner (所有者), managers (经营管理者),
-- legal representative (法人) and contacts, with the personal fields of seed 004.
CREATE TABLE key_person (
    id           TEXT PRIMARY KEY NOT NULL,
    customer_id  TEXT NOT NULL REFERENCES customer(id),
    role         TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'legal_representative', 'contact')),
    name         TEXT NOT NULL,
    title        TEXT,
    phone        TEXT,
    gender       TEXT CHECK (gender IN ('male', 'female')),
    birth_year   INTEGER,
    education    TEXT,
    personality  TEXT,
    hobbies      TEXT,
    family       TEXT,
    abilities    TEXT,
    notes        TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX key_person_customer ON key_person(customer_id);

CREATE TABLE customer_address (
    id           TEXT PRIMARY KEY NOT NULL,
    customer_id  TEXT NOT NULL REFERENCES customer(id),
    kind         TEXT NOT NULL CHECK (kind IN ('business', 'registered', 'warehouse', 'delivery')),
    province     TEXT,
    city         TEXT,
    district     TEXT,
    detail       TEXT NOT NULL,
    latitude     REAL CHECK (latitude BETWEEN -90 AND 90),
    longitude    REAL CHECK (longitude BETWEEN -180 AND 180),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX customer_address_customer ON customer_address(customer_id);

-- Past credit incidents (以往出现的信用问题), part of the trading-status block.
CREATE TABLE credit_incident (
    id           TEXT PRIMARY KEY NOT NULL,
    customer_id  TEXT NOT NULL REFERENCES customer(id),
    occurred_on  TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('late_payment', 'bad_debt', 'bounced_payment', 'dispute', 'other')),
    amount       INTEGER,
    description  TEXT,
    resolved     INTEGER NOT NULL DEFAULT 0 CHECK (resolved IN (0, 1)),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX credit_incident_customer ON credit_incident(customer_id);

-- Field-level change history, written in the same transaction as the change.
-- old_value/new_value are JSON; field '*' marks a whole record created or removed.
CREATE TABLE change_history (
    id           TEXT PRIMARY KEY NOT NULL,
    customer_id  TEXT NOT NULL REFERENCES customer(id),
    entity       TEXT NOT NULL CHECK (entity IN ('customer', 'key_person', 'address', 'credit_incident')),
    entity_id    TEXT NOT NULL,
    field        TEXT NOT NULL,
    old_value    TEXT,
    new_value    TEXT,
    changed_by   TEXT REFERENCES staff(id),
    changed_at   TEXT NOT NULL,
    source       TEXT NOT NULL
);
CREATE INDEX change_history_customer ON change_history(customer_id, changed_at);
