-- Schema version 17: what each invoice still owes, kept (device-local,
-- derived) so the whole company's aging is a sum over the open invoices
-- instead of matching every payment to every invoice on each read.
--
-- Triggers note the customers whose invoices, payments or allocations
-- changed (`receivable_dirty`); before a write commits, `money::open::settle`
-- matches those customers' payments again (the statement's own rule) and
-- rewrites their rows here. Nothing here travels in changeset files: each
-- book derives it from what it holds.
CREATE TABLE receivable_open (
    invoice_id  TEXT PRIMARY KEY NOT NULL,
    customer_id TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    open        INTEGER NOT NULL CHECK (open > 0)
);
CREATE INDEX receivable_open_customer ON receivable_open(customer_id);

-- Payments no invoice took: the customer's credit balance.
CREATE TABLE receivable_credit (
    customer_id TEXT PRIMARY KEY NOT NULL,
    amount      INTEGER NOT NULL CHECK (amount > 0)
) WITHOUT ROWID;

CREATE TABLE receivable_dirty (
    customer_id TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

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
    INSERT OR IGNORE INTO receivable_dirty VALUES (NEW.customer_id);
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
