-- Schema version 13: orders, receivables and credit (docs/ORDERS.md).
--
-- Amounts are integer fen; an order's quantities are whole units of the
-- product (its case_size says how many make a case). Days are YYYY-MM-DD in
-- the business time zone.

-- When an overdue debt reaches whom: past due by more than
-- `manager_after_days`, the regional manager is told; by more than
-- `office_after_days`, head office, and new orders on credit go on hold.
-- Set on credit grades (customer grades leave them as they are).
ALTER TABLE grade_level ADD COLUMN manager_after_days INTEGER NOT NULL DEFAULT 30
    CHECK (manager_after_days BETWEEN 0 AND 366);
ALTER TABLE grade_level ADD COLUMN office_after_days INTEGER NOT NULL DEFAULT 60
    CHECK (office_after_days BETWEEN 0 AND 366);

-- Head office's price list: a product's price per unit for customers of a
-- channel type and/or a customer grade (NULL: any), valid over a span of
-- days. The most specific rule valid on the day wins; without one the
-- product's list price applies. `floor_price`: no order may go below it.
CREATE TABLE price_rule (
    id              TEXT PRIMARY KEY NOT NULL,
    product_id      TEXT NOT NULL REFERENCES product(id),
    channel_type    TEXT,
    customer_grade  TEXT,
    price           INTEGER NOT NULL CHECK (price >= 0),
    floor_price     INTEGER CHECK (floor_price >= 0),
    valid_from      TEXT NOT NULL CHECK (valid_from GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    valid_to        TEXT CHECK (valid_to GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND valid_to >= valid_from),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX price_rule_product ON price_rule(product_id, valid_from);

-- A card's own credit limit, set by head office over its credit grade's.
-- The row's id is the customer's.
CREATE TABLE credit_override (
    id            TEXT PRIMARY KEY NOT NULL,
    customer_id   TEXT NOT NULL REFERENCES customer(id),
    credit_limit  INTEGER NOT NULL CHECK (credit_limit >= 0),
    reason        TEXT,
    set_by        TEXT REFERENCES staff(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX credit_override_customer ON credit_override(customer_id);

-- An order a rep or manager captured for a customer. `number` is head
-- office's (given at creation there, or at the order's first merge).
-- `credit_hold` with `hold_reasons` (JSON: the credit check's reasons and
-- figures) is set when the order is captured or changed; a manager or head
-- office releases it with a reason.
CREATE TABLE sales_order (
    id                   TEXT PRIMARY KEY NOT NULL,
    customer_id          TEXT NOT NULL REFERENCES customer(id),
    number               TEXT,
    author_id            TEXT NOT NULL REFERENCES staff(id),
    status               TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'approved', 'cancelled')),
    payment_kind         TEXT NOT NULL CHECK (payment_kind IN ('cash', 'credit', 'expense')),
    address_id           TEXT REFERENCES customer_address(id),
    delivery_address     TEXT NOT NULL,
    wanted_on            TEXT CHECK (wanted_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    notes                TEXT,
    total                INTEGER NOT NULL,
    credit_hold          INTEGER NOT NULL DEFAULT 0 CHECK (credit_hold IN (0, 1)),
    hold_reasons         TEXT,
    hold_released_by     TEXT REFERENCES staff(id),
    hold_released_at     TEXT,
    hold_release_reason  TEXT,
    submitted_at         TEXT,
    reviewed_by          TEXT REFERENCES staff(id),
    reviewed_at          TEXT,
    return_reason        TEXT,
    cancel_reason        TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX sales_order_customer ON sales_order(customer_id, created_at);
CREATE INDEX sales_order_status ON sales_order(status, submitted_at);
CREATE INDEX sales_order_author ON sales_order(author_id, created_at);

-- A line of an order. `list_price` is the price list's at capture (the
-- review flags a line whose price differs); `gift` lines come free.
CREATE TABLE order_line (
    id           TEXT PRIMARY KEY NOT NULL,
    order_id     TEXT NOT NULL REFERENCES sales_order(id),
    customer_id  TEXT NOT NULL REFERENCES customer(id),
    position     INTEGER NOT NULL CHECK (position >= 0),
    product_id   TEXT NOT NULL REFERENCES product(id),
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    unit_price   INTEGER NOT NULL CHECK (unit_price >= 0),
    list_price   INTEGER CHECK (list_price >= 0),
    amount       INTEGER NOT NULL CHECK (amount >= 0),
    gift         INTEGER NOT NULL DEFAULT 0 CHECK (gift IN (0, 1)),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX order_line_order ON order_line(order_id, position);

-- What sales administration changed on a submitted order and why (written
-- once; travels back to the rep).
CREATE TABLE order_note (
    id           TEXT PRIMARY KEY NOT NULL,
    order_id     TEXT NOT NULL REFERENCES sales_order(id),
    customer_id  TEXT NOT NULL REFERENCES customer(id),
    staff_id     TEXT NOT NULL REFERENCES staff(id),
    at           TEXT NOT NULL,
    what         TEXT NOT NULL,
    old_value    TEXT,
    new_value    TEXT,
    reason       TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX order_note_order ON order_note(order_id, at);

-- Receivables, head office's data from the ERP. An invoice's or payment's id
-- derives from its number, so importing the same export twice updates rather
-- than doubles.
CREATE TABLE invoice (
    id           TEXT PRIMARY KEY NOT NULL,
    customer_id  TEXT NOT NULL REFERENCES customer(id),
    number       TEXT NOT NULL,
    issued_on    TEXT NOT NULL CHECK (issued_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    due_on       TEXT NOT NULL CHECK (due_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND due_on >= issued_on),
    amount       INTEGER NOT NULL CHECK (amount > 0),
    order_id     TEXT REFERENCES sales_order(id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX invoice_customer ON invoice(customer_id, due_on);

-- A payment received: cash (现金款) or charged to marketing expenses (费用款).
CREATE TABLE payment (
    id           TEXT PRIMARY KEY NOT NULL,
    customer_id  TEXT NOT NULL REFERENCES customer(id),
    number       TEXT NOT NULL,
    paid_on      TEXT NOT NULL CHECK (paid_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    amount       INTEGER NOT NULL CHECK (amount > 0),
    kind         TEXT NOT NULL CHECK (kind IN ('cash', 'expense')),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX payment_customer ON payment(customer_id, paid_on);

-- A payment matched to an invoice as the ERP's file says; what a payment does
-- not name is matched to the oldest open invoices when a statement is drawn.
CREATE TABLE payment_allocation (
    id           TEXT PRIMARY KEY NOT NULL,
    payment_id   TEXT NOT NULL REFERENCES payment(id),
    invoice_id   TEXT NOT NULL REFERENCES invoice(id),
    customer_id  TEXT NOT NULL REFERENCES customer(id),
    amount       INTEGER NOT NULL CHECK (amount > 0),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX payment_allocation_payment ON payment_allocation(payment_id);
