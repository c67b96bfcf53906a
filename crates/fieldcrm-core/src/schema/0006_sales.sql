-- Schema version 6: the product catalogue, sales lines from the ERP, and the
-- device-local figures the analyses read.
--
-- Amounts are integer fen (分), like every amount in the book; quantities are
-- in the product's unit and may be fractional (tonnes).

-- Head office's catalogue. A product's id derives from its code, so every
-- book and every re-import names it the same.
CREATE TABLE product (
    id          TEXT PRIMARY KEY NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    category    TEXT,
    line        TEXT,
    unit        TEXT NOT NULL,
    case_size   INTEGER CHECK (case_size > 0),
    list_price  INTEGER CHECK (list_price >= 0),
    retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- One line of a shipment or invoice. A line with a document number has an id
-- derived from (document, line), so importing the same ERP export twice
-- updates the lines instead of doubling them. Returns are negative amounts.
CREATE TABLE sales_line (
    id           TEXT PRIMARY KEY NOT NULL,
    customer_id  TEXT NOT NULL REFERENCES customer(id),
    product_id   TEXT NOT NULL REFERENCES product(id),
    sold_on      TEXT NOT NULL CHECK (sold_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    quantity     REAL NOT NULL,
    amount       INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('shipment', 'invoice', 'return')),
    document     TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX sales_line_customer ON sales_line(customer_id, sold_on);

-- The customer's code in the ERP (客户编码): sales lines name their customer by it.
ALTER TABLE customer ADD COLUMN code TEXT;
CREATE INDEX customer_code ON customer(code) WHERE code IS NOT NULL;

-- What the analyses read of every card, without reading the wide card rows.
CREATE INDEX customer_analysis ON customer(id, territory_id, owner_id, grade, channel_type, credit_grade);

-- What head office imported from spreadsheets (device-local): a second import
-- of the same file is visible before it is committed.
CREATE TABLE import_batch (
    id          TEXT PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('customers', 'people', 'products', 'sales')),
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
CREATE INDEX import_batch_hash ON import_batch(file_hash);

-- The analyses' figures (device-local, derived): sales lines summed per day,
-- customer and product under small integer keys, so that a year of three
-- million lines is read in one pass of an integer index. Triggers keep them
-- with sales_line, whoever writes it (import, sync, demo).
CREATE TABLE sales_customer_key (
    key          INTEGER PRIMARY KEY,
    customer_id  TEXT NOT NULL UNIQUE
);
CREATE TABLE sales_product_key (
    key         INTEGER PRIMARY KEY,
    product_id  TEXT NOT NULL UNIQUE
);
-- day: days since 1970-01-01
CREATE TABLE sales_fact (
    day           INTEGER NOT NULL,
    customer_key  INTEGER NOT NULL,
    product_key   INTEGER NOT NULL,
    quantity      REAL NOT NULL,
    amount        INTEGER NOT NULL,
    lines         INTEGER NOT NULL,
    PRIMARY KEY (day, customer_key, product_key)
) WITHOUT ROWID;

CREATE TRIGGER sales_fact_insert AFTER INSERT ON sales_line BEGIN
    INSERT INTO sales_customer_key (customer_id) VALUES (NEW.customer_id) ON CONFLICT DO NOTHING;
    INSERT INTO sales_product_key (product_id) VALUES (NEW.product_id) ON CONFLICT DO NOTHING;
    INSERT INTO sales_fact (day, customer_key, product_key, quantity, amount, lines)
    VALUES (CAST(julianday(NEW.sold_on) - 2440587.5 AS INTEGER),
            (SELECT key FROM sales_customer_key WHERE customer_id = NEW.customer_id),
            (SELECT key FROM sales_product_key WHERE product_id = NEW.product_id),
            NEW.quantity, NEW.amount, 1)
    ON CONFLICT (day, customer_key, product_key) DO UPDATE
       SET quantity = quantity + excluded.quantity, amount = amount + excluded.amount, lines = lines + 1;
END;

CREATE TRIGGER sales_fact_delete AFTER DELETE ON sales_line BEGIN
    UPDATE sales_fact SET quantity = quantity - OLD.quantity, amount = amount - OLD.amount, lines = lines - 1
     WHERE day = CAST(julianday(OLD.sold_on) - 2440587.5 AS INTEGER)
       AND customer_key = (SELECT key FROM sales_customer_key WHERE customer_id = OLD.customer_id)
       AND product_key = (SELECT key FROM sales_product_key WHERE product_id = OLD.product_id);
    DELETE FROM sales_fact
     WHERE day = CAST(julianday(OLD.sold_on) - 2440587.5 AS INTEGER)
       AND customer_key = (SELECT key FROM sales_customer_key WHERE customer_id = OLD.customer_id)
       AND product_key = (SELECT key FROM sales_product_key WHERE product_id = OLD.product_id)
       AND lines = 0;
END;

CREATE TRIGGER sales_fact_update AFTER UPDATE OF customer_id, product_id, sold_on, quantity, amount ON sales_line BEGIN
    UPDATE sales_fact SET quantity = quantity - OLD.quantity, amount = amount - OLD.amount, lines = lines - 1
     WHERE day = CAST(julianday(OLD.sold_on) - 2440587.5 AS INTEGER)
       AND customer_key = (SELECT key FROM sales_customer_key WHERE customer_id = OLD.customer_id)
       AND product_key = (SELECT key FROM sales_product_key WHERE product_id = OLD.product_id);
    DELETE FROM sales_fact
     WHERE day = CAST(julianday(OLD.sold_on) - 2440587.5 AS INTEGER)
       AND customer_key = (SELECT key FROM sales_customer_key WHERE customer_id = OLD.customer_id)
       AND product_key = (SELECT key FROM sales_product_key WHERE product_id = OLD.product_id)
       AND lines = 0;
    INSERT INTO sales_customer_key (customer_id) VALUES (NEW.customer_id) ON CONFLICT DO NOTHING;
    INSERT INTO sales_product_key (product_id) VALUES (NEW.product_id) ON CONFLICT DO NOTHING;
    INSERT INTO sales_fact (day, customer_key, product_key, quantity, amount, lines)
    VALUES (CAST(julianday(NEW.sold_on) - 2440587.5 AS INTEGER),
            (SELECT key FROM sales_customer_key WHERE customer_id = NEW.customer_id),
            (SELECT key FROM sales_product_key WHERE product_id = NEW.product_id),
            NEW.quantity, NEW.amount, 1)
    ON CONFLICT (day, customer_key, product_key) DO UPDATE
       SET quantity = quantity + excluded.quantity, amount = amount + excluded.amount, lines = lines + 1;
END;
