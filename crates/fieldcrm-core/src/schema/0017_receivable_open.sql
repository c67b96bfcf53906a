-- Schema version 17: what each invoice still owes, kept (device-local,
-- derived) so the whole company's aging is a sum over the open invoices
-- instead of matching every payment to every invoice on each read.
--
-- Triggers note the customers whose invoices, payments or allocations
-- changed (`receivable_dirty`), and apart from them the new payments that name
-- no invoice (`receivable_paid`, by far the most common change: an ERP's
-- payments file); before a write commits, `money::open::settle` matches the
-- former customers' payments again (the statement's own rule) and takes the
-- latter from their oldest open invoices, which is what that rule does with
-- them. Nothing here travels in changeset files: each book derives it from
-- what it holds.
CREATE TABLE receivable_open (
    invoice_id  TEXT PRIMARY KEY NOT NULL,
    customer_id TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    issued_on   TEXT NOT NULL,
    number      TEXT NOT NULL,
    open        INTEGER NOT NULL CHECK (open > 0)
);
-- Covering: the aging sums by customer and due day, a payment takes the
-- oldest open invoices first, and neither reads the table.
CREATE INDEX receivable_open_customer ON receivable_open(customer_id, due_on, issued_on, number, open);

-- Payments no invoice took: the customer's credit balance.
CREATE TABLE receivable_credit (
    customer_id TEXT PRIMARY KEY NOT NULL,
    amount      INTEGER NOT NULL CHECK (amount > 0)
) WITHOUT ROWID;

CREATE TABLE receivable_dirty (
    customer_id TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

-- Appended to (one row per new payment, in the order written): cheaper for
-- an import of a hundred thousand payments than keeping a sum per customer.
CREATE TABLE receivable_paid (
    id          INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL,
    amount      INTEGER NOT NULL
);

-- A statement reads a customer's allocations (it scanned all of them).
CREATE INDEX payment_allocation_customer ON payment_allocation(customer_id);

CREATE TRIGGER receivable_invoice_insert AFTER INSERT ON invoice BEGIN
    INSERT OR IGNORE INTO receivable_dirty VALUES (NEW.customer_id);
END;
CREATE TRIGGER receivable_invoice_update AFTER UPDATE ON invoice BEGIN
    INSERT OR IGNORE INTO receivable_dirty VALUES (OLD.customer_id), (NEW.customer_id);
END;
CREATE TRIGGER receivable_invoice_delete AFTER DELETE ON invoice BEGIN
    INSERT OR IGNORE INTO receivable_dirty VALUES (OLD.customer_id);
END;
CREATE TRIGGER receivable_payment_insert AFTER INSERT ON payment BEGIN
    INSERT INTO receivable_paid (customer_id, amount) VALUES (NEW.customer_id, NEW.amount);
END;
CREATE TRIGGER receivable_payment_update AFTER UPDATE ON payment BEGIN
    INSERT OR IGNORE INTO receivable_dirty VALUES (OLD.customer_id), (NEW.customer_id);
END;
CREATE TRIGGER receivable_payment_delete AFTER DELETE ON payment BEGIN
    INSERT OR IGNORE INTO receivable_dirty VALUES (OLD.customer_id);
END;
CREATE TRIGGER receivable_allocation_insert AFTER INSERT ON payment_allocation BEGIN
    INSERT OR IGNORE INTO receivable_dirty VALUES (NEW.customer_id);
END;
CREATE TRIGGER receivable_allocation_update AFTER UPDATE ON payment_allocation BEGIN
    INSERT OR IGNORE INTO receivable_dirty VALUES (OLD.customer_id), (NEW.customer_id);
END;
CREATE TRIGGER receivable_allocation_delete AFTER DELETE ON payment_allocation BEGIN
    INSERT OR IGNORE INTO receivable_dirty VALUES (OLD.customer_id);
END;

-- Every customer with money so far: settled once, right after this migration.
INSERT OR IGNORE INTO receivable_dirty SELECT customer_id FROM invoice UNION SELECT customer_id FROM payment;
