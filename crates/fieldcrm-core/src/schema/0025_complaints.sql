-- Schema version 25: complaints and feedback (客户投诉) with service clocks.
--
-- A complaint is logged by anyone who holds the customer, at the laptop's
-- clock corrected as sync corrects it (`sync_state.clock_offset_ms`). It is
-- passed on to quality when head office first holds it (the merge that
-- receives it, or at once when logged at head office), handled by head
-- office (quality), replied to the customer, and closed with the customer's
-- satisfaction (1–5). Each stage has a clock from the time it was logged;
-- `service::clock` derives the state and the escalation (one level per missed
-- clock) from these rows and the time, so every book agrees.

-- Head office's clocks per kind, in minutes from the time of logging.
CREATE TABLE service_clock (
    id              TEXT PRIMARY KEY NOT NULL CHECK (id IN ('quality', 'delivery', 'price', 'service', 'other')),
    pass_minutes    INTEGER NOT NULL CHECK (pass_minutes BETWEEN 1 AND 525600),
    handle_minutes  INTEGER NOT NULL CHECK (handle_minutes BETWEEN 1 AND 525600),
    reply_minutes   INTEGER NOT NULL CHECK (reply_minutes BETWEEN 1 AND 525600),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE complaint (
    id             TEXT PRIMARY KEY NOT NULL,
    customer_id    TEXT NOT NULL REFERENCES customer(id),
    kind           TEXT NOT NULL CHECK (kind IN ('quality', 'delivery', 'price', 'service', 'other')),
    feedback       INTEGER NOT NULL DEFAULT 0 CHECK (feedback IN (0, 1)),
    product_id     TEXT REFERENCES product(id),
    words          TEXT NOT NULL,
    attachment     TEXT,
    logged_by      TEXT NOT NULL REFERENCES staff(id),
    logged_at      TEXT NOT NULL,
    passed_on_at   TEXT,
    handled_at     TEXT,
    handled_by     TEXT REFERENCES staff(id),
    handling       TEXT,
    replied_at     TEXT,
    replied_by     TEXT REFERENCES staff(id),
    reply          TEXT,
    closed_at      TEXT,
    closed_by      TEXT REFERENCES staff(id),
    satisfaction   INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX complaint_customer ON complaint(customer_id, logged_at);
CREATE INDEX complaint_open ON complaint(logged_at) WHERE closed_at IS NULL;
