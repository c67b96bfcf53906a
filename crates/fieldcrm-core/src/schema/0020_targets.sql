-- Schema version 20: sales targets (销售指标) broken down the organisation
-- (company → province → region → rep → customer) and across the year
-- (year → quarter → month → 旬), their approval one level up, and the
-- reallocations that change them once approved.
--
-- A node's target for a year is one row: 36 amounts, one per 旬 (1st–10th,
-- 11th–20th, 21st–end of each month), as a JSON array of integers (fen for
-- revenue, the product's units for volume). Months, quarters and the year
-- are their sums. The row's id derives from (year, measure, node), so two
-- books that write the same node's target write the same row.

CREATE TABLE target (
    id                 TEXT PRIMARY KEY NOT NULL,
    year               INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    -- 'revenue', or 'volume:' and a product category
    measure            TEXT NOT NULL CHECK (measure = 'revenue' OR measure GLOB 'volume:?*'),
    node_kind          TEXT NOT NULL CHECK (node_kind IN ('unit', 'staff', 'customer')),
    node_id            TEXT NOT NULL,
    -- the node again when it is a person or a card: whose books the row goes to
    staff_id           TEXT,
    customer_id        TEXT,
    amounts            TEXT NOT NULL CHECK (json_valid(amounts) AND json_array_length(amounts) = 36),
    -- who wrote the amounts (the manager of the level above, or head office)
    set_by             TEXT NOT NULL,
    -- The breakdown of this node to the level below: its state, whether a
    -- difference was left unallocated on purpose, who submitted and decided.
    status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'submitted', 'approved', 'returned')),
    leave_unallocated  INTEGER NOT NULL DEFAULT 0 CHECK (leave_unallocated IN (0, 1)),
    submitted_by       TEXT,
    submitted_at       TEXT,
    decided_by         TEXT,
    decided_at         TEXT,
    note               TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK ((node_kind = 'staff') = (staff_id IS NOT NULL) AND (node_kind = 'customer') = (customer_id IS NOT NULL))
);
CREATE UNIQUE INDEX target_node ON target(node_id, year, measure);
CREATE INDEX target_year ON target(year, measure, node_kind);

-- A reallocation of an approved breakdown (调整): amounts moved between two of
-- its children (or from or to what the breakdown leaves unallocated), with
-- why and by whom, approved one level up like the breakdown itself. The
-- parent's total never changes.
CREATE TABLE target_move (
    id           TEXT PRIMARY KEY NOT NULL,
    target_id    TEXT NOT NULL,
    from_id      TEXT,
    to_id        TEXT,
    amounts      TEXT NOT NULL CHECK (json_valid(amounts) AND json_array_length(amounts) = 36),
    reason       TEXT NOT NULL,
    author_id    TEXT NOT NULL,
    -- the breakdown's person when it is a rep's (to their cards): whose books it goes to
    staff_id     TEXT,
    status       TEXT NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'approved', 'rejected', 'withdrawn')),
    decided_by   TEXT,
    decided_at   TEXT,
    decision     TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (from_id IS NOT to_id)
);
CREATE INDEX target_move_target ON target_move(target_id, status);

-- The sales lines summed per 旬 and customer (device-local, derived, kept by
-- triggers like sales_fact): progress against targets reads a month of the
-- whole company, or a team's year, without reading the lines.
-- xun: year * 36 + (month - 1) * 3 + (0, 1, 2 for the 1st–10th, 11th–20th, 21st–end).
CREATE TABLE sales_xun (
    xun           INTEGER NOT NULL,
    customer_key  INTEGER NOT NULL,
    amount        INTEGER NOT NULL,
    quantity      REAL NOT NULL,
    lines         INTEGER NOT NULL,
    PRIMARY KEY (xun, customer_key)
) WITHOUT ROWID;
CREATE INDEX sales_xun_customer ON sales_xun(customer_key, xun, amount);

-- Filled from sales_fact by the step after this version (`sales::rebuild_xun`).

CREATE TRIGGER sales_xun_insert AFTER INSERT ON sales_line BEGIN
    INSERT INTO sales_customer_key (customer_id) VALUES (NEW.customer_id) ON CONFLICT DO NOTHING;
    INSERT INTO sales_xun (xun, customer_key, amount, quantity, lines)
    VALUES (CAST(substr(NEW.sold_on, 1, 4) AS INTEGER) * 36 + (CAST(substr(NEW.sold_on, 6, 2) AS INTEGER) - 1) * 3
              + min((CAST(substr(NEW.sold_on, 9, 2) AS INTEGER) - 1) / 10, 2),
            (SELECT key FROM sales_customer_key WHERE customer_id = NEW.customer_id),
            NEW.amount, NEW.quantity, 1)
    ON CONFLICT (xun, customer_key) DO UPDATE
       SET amount = amount + excluded.amount, quantity = quantity + excluded.quantity, lines = lines + 1;
END;

CREATE TRIGGER sales_xun_delete AFTER DELETE ON sales_line BEGIN
    UPDATE sales_xun SET amount = amount - OLD.amount, quantity = quantity - OLD.quantity, lines = lines - 1
     WHERE xun = CAST(substr(OLD.sold_on, 1, 4) AS INTEGER) * 36 + (CAST(substr(OLD.sold_on, 6, 2) AS INTEGER) - 1) * 3
                 + min((CAST(substr(OLD.sold_on, 9, 2) AS INTEGER) - 1) / 10, 2)
       AND customer_key = (SELECT key FROM sales_customer_key WHERE customer_id = OLD.customer_id);
    DELETE FROM sales_xun
     WHERE xun = CAST(substr(OLD.sold_on, 1, 4) AS INTEGER) * 36 + (CAST(substr(OLD.sold_on, 6, 2) AS INTEGER) - 1) * 3
                 + min((CAST(substr(OLD.sold_on, 9, 2) AS INTEGER) - 1) / 10, 2)
       AND customer_key = (SELECT key FROM sales_customer_key WHERE customer_id = OLD.customer_id)
       AND lines = 0;
END;

CREATE TRIGGER sales_xun_update AFTER UPDATE OF customer_id, sold_on, quantity, amount ON sales_line BEGIN
    UPDATE sales_xun SET amount = amount - OLD.amount, quantity = quantity - OLD.quantity, lines = lines - 1
     WHERE xun = CAST(substr(OLD.sold_on, 1, 4) AS INTEGER) * 36 + (CAST(substr(OLD.sold_on, 6, 2) AS INTEGER) - 1) * 3
                 + min((CAST(substr(OLD.sold_on, 9, 2) AS INTEGER) - 1) / 10, 2)
       AND customer_key = (SELECT key FROM sales_customer_key WHERE customer_id = OLD.customer_id);
    DELETE FROM sales_xun
     WHERE xun = CAST(substr(OLD.sold_on, 1, 4) AS INTEGER) * 36 + (CAST(substr(OLD.sold_on, 6, 2) AS INTEGER) - 1) * 3
                 + min((CAST(substr(OLD.sold_on, 9, 2) AS INTEGER) - 1) / 10, 2)
       AND customer_key = (SELECT key FROM sales_customer_key WHERE customer_id = OLD.customer_id)
       AND lines = 0;
    INSERT INTO sales_customer_key (customer_id) VALUES (NEW.customer_id) ON CONFLICT DO NOTHING;
    INSERT INTO sales_xun (xun, customer_key, amount, quantity, lines)
    VALUES (CAST(substr(NEW.sold_on, 1, 4) AS INTEGER) * 36 + (CAST(substr(NEW.sold_on, 6, 2) AS INTEGER) - 1) * 3
              + min((CAST(substr(NEW.sold_on, 9, 2) AS INTEGER) - 1) / 10, 2),
            (SELECT key FROM sales_customer_key WHERE customer_id = NEW.customer_id),
            NEW.amount, NEW.quantity, 1)
    ON CONFLICT (xun, customer_key) DO UPDATE
       SET amount = amount + excluded.amount, quantity = quantity + excluded.quantity, lines = lines + 1;
END;

-- Orders in hand (在手订单, device-local, derived): what each approved order
-- has still to ship, at its prices, kept for the orders that have any, so
-- progress reads a few thousand rows rather than every approved order's
-- lines and shipments. Triggers note the orders whose status, lines or
-- shipments changed; `money::in_hand::settle` works them out again before
-- the write commits, whatever wrote.
CREATE TABLE order_open (
    order_id     TEXT PRIMARY KEY NOT NULL,
    customer_id  TEXT NOT NULL,
    amount       INTEGER NOT NULL CHECK (amount > 0)
) WITHOUT ROWID;
CREATE INDEX order_open_customer ON order_open(customer_id, amount);

CREATE TABLE order_open_dirty (
    order_id  TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER order_open_order_insert AFTER INSERT ON sales_order BEGIN
    INSERT OR IGNORE INTO order_open_dirty VALUES (NEW.id);
END;
CREATE TRIGGER order_open_order_update AFTER UPDATE OF status, customer_id ON sales_order BEGIN
    INSERT OR IGNORE INTO order_open_dirty VALUES (NEW.id);
END;
CREATE TRIGGER order_open_order_delete AFTER DELETE ON sales_order BEGIN
    INSERT OR IGNORE INTO order_open_dirty VALUES (OLD.id);
END;
CREATE TRIGGER order_open_line_insert AFTER INSERT ON order_line BEGIN
    INSERT OR IGNORE INTO order_open_dirty VALUES (NEW.order_id);
END;
CREATE TRIGGER order_open_line_update AFTER UPDATE OF order_id, quantity, unit_price, cancelled ON order_line BEGIN
    INSERT OR IGNORE INTO order_open_dirty VALUES (OLD.order_id), (NEW.order_id);
END;
CREATE TRIGGER order_open_line_delete AFTER DELETE ON order_line BEGIN
    INSERT OR IGNORE INTO order_open_dirty VALUES (OLD.order_id);
END;
CREATE TRIGGER order_open_shipment_insert AFTER INSERT ON shipment_line BEGIN
    INSERT OR IGNORE INTO order_open_dirty SELECT order_id FROM order_line WHERE id = NEW.order_line_id;
END;
CREATE TRIGGER order_open_shipment_update AFTER UPDATE OF order_line_id, quantity ON shipment_line BEGIN
    INSERT OR IGNORE INTO order_open_dirty SELECT order_id FROM order_line WHERE id IN (OLD.order_line_id, NEW.order_line_id);
END;
CREATE TRIGGER order_open_shipment_delete AFTER DELETE ON shipment_line BEGIN
    INSERT OR IGNORE INTO order_open_dirty SELECT order_id FROM order_line WHERE id = OLD.order_line_id;
END;
