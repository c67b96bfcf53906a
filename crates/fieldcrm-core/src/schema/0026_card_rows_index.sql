-- Schema version 26: every row that travels with a card is found by its card.
--
-- When a card moves into someone's scope (a handover, a reassignment), head
-- office's next file carries the whole card: every row of every table that
-- belongs to it (`sync::office::Emitter::card`). These tables had no index
-- on their card, so each moved card cost a scan of each of them: handing
-- 1,000 cards over on a 100,000-card book took minutes to write the file.
CREATE INDEX IF NOT EXISTS order_line_customer ON order_line(customer_id);
CREATE INDEX IF NOT EXISTS order_note_customer ON order_note(customer_id);
CREATE INDEX IF NOT EXISTS shipment_customer ON shipment(customer_id);
CREATE INDEX IF NOT EXISTS shipment_line_customer ON shipment_line(customer_id);
CREATE INDEX IF NOT EXISTS target_customer ON target(customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS proposal_decision_customer ON proposal_decision(customer_id) WHERE customer_id IS NOT NULL;
