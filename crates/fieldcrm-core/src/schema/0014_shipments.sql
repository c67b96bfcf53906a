-- Schema version 14: shipments against approved orders and their backorders
-- (docs/ORDERS.md "Shipping").
--
-- A shipment sends part or all of what an approved order still lacks; what
-- an order line lacks after its shipments is a backorder (欠货) until it is
-- shipped or head office cancels it (`order_line.cancelled`, in units).

ALTER TABLE order_line ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled >= 0);

CREATE TABLE shipment (
    id           TEXT PRIMARY KEY NOT NULL,
    order_id     TEXT NOT NULL REFERENCES sales_order(id),
    customer_id  TEXT NOT NULL REFERENCES customer(id),
    number       TEXT,
    shipped_on   TEXT NOT NULL CHECK (shipped_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    carrier      TEXT,
    notes        TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX shipment_order ON shipment(order_id, shipped_on);

CREATE TABLE shipment_line (
    id             TEXT PRIMARY KEY NOT NULL,
    shipment_id    TEXT NOT NULL REFERENCES shipment(id),
    order_line_id  TEXT NOT NULL REFERENCES order_line(id),
    customer_id    TEXT NOT NULL REFERENCES customer(id),
    quantity       INTEGER NOT NULL CHECK (quantity > 0),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX shipment_line_shipment ON shipment_line(shipment_id);
CREATE INDEX shipment_line_order_line ON shipment_line(order_line_id);
