-- Schema version 19: head office's promotions (促销). While one runs, an
-- order line of its product for a customer it covers (all, or a channel type
-- and/or a customer grade) with at least `min_units` units gets either the
-- discount on its price (`discount_percent`) or a gift line: `gift_units` of
-- `gift_product_id` free for every `min_units` bought. The order's lines name
-- the promotion that priced or gave them (`order_line.promotion_id`), so the
-- review sees why a price differs from the list or where a gift came from.
CREATE TABLE promotion (
    id                TEXT PRIMARY KEY NOT NULL,
    name              TEXT NOT NULL,
    product_id        TEXT NOT NULL REFERENCES product(id),
    channel_type      TEXT,
    customer_grade    TEXT,
    kind              TEXT NOT NULL CHECK (kind IN ('discount', 'gift')),
    min_units         INTEGER NOT NULL DEFAULT 1 CHECK (min_units > 0),
    discount_percent  INTEGER CHECK (discount_percent BETWEEN 1 AND 99),
    gift_product_id   TEXT REFERENCES product(id),
    gift_units        INTEGER CHECK (gift_units > 0),
    valid_from        TEXT NOT NULL CHECK (valid_from GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    valid_to          TEXT NOT NULL CHECK (valid_to GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND valid_to >= valid_from),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK ((kind = 'discount') = (discount_percent IS NOT NULL)),
    CHECK ((kind = 'gift') = (gift_product_id IS NOT NULL AND gift_units IS NOT NULL))
);
CREATE INDEX promotion_product ON promotion(product_id, valid_from);

ALTER TABLE order_line ADD COLUMN promotion_id TEXT REFERENCES promotion(id);
