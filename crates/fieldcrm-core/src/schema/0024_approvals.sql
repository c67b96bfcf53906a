-- Schema version 24: approvals (审批). A proposal — opening a customer,
-- eliminating one (淘汰), a promotion plan, a customer's credit limit — is
-- decided step by step along the chain head office sets for its kind, and
-- takes effect only after the last approval, at head office.
--
-- A proposal's status is not stored: it follows from its decisions for its
-- current revision (`approval::rule::status`), so every book that holds the
-- same rows shows the same status.

-- Head office's chain for a kind: the levels that decide in turn
-- (`manager`: the proposer's manager; `next`: the manager one level above;
-- `office`: head office), as a JSON array. Above `threshold` (fen: a
-- promotion's budget, a credit limit) `above_levels` apply instead. The row's
-- id is the kind. Without a row, the kind needs no approval.
CREATE TABLE approval_chain (
    id            TEXT PRIMARY KEY NOT NULL CHECK (id IN ('open_customer', 'eliminate', 'promotion', 'credit_limit')),
    levels        TEXT NOT NULL,
    threshold     INTEGER CHECK (threshold >= 0),
    above_levels  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK ((threshold IS NULL) = (above_levels IS NULL))
);

-- A proposal, written by its proposer. `revision` counts its versions: a
-- decision names the revision it decided, and a proposal changed meanwhile
-- is decided again from the first step. `levels` are the chain's levels at
-- submission. `effected_at` is head office's: when the last approval took
-- effect (`effect_problem`: why it could not).
CREATE TABLE proposal (
    id              TEXT PRIMARY KEY NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('open_customer', 'eliminate', 'promotion', 'credit_limit')),
    customer_id     TEXT REFERENCES customer(id),
    proposer_id     TEXT NOT NULL REFERENCES staff(id),
    title           TEXT NOT NULL,
    payload         TEXT NOT NULL DEFAULT '{}',
    amount          INTEGER CHECK (amount >= 0),
    reason          TEXT,
    revision        INTEGER NOT NULL DEFAULT 1 CHECK (revision > 0),
    levels          TEXT NOT NULL DEFAULT '[]',
    submitted_at    TEXT,
    withdrawn_at    TEXT,
    effected_at     TEXT,
    effect_problem  TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX proposal_proposer ON proposal(proposer_id, created_at);
CREATE INDEX proposal_customer ON proposal(customer_id, created_at) WHERE customer_id IS NOT NULL;
-- Proposals still in the chain (the inbox reads these).
CREATE INDEX proposal_open ON proposal(submitted_at) WHERE withdrawn_at IS NULL AND effected_at IS NULL;

-- One step's decision, written once by its decider. The id is
-- `<proposal>:<revision>:<step>`: two decisions of one step made offline on
-- two laptops meet on one row, and head office keeps the first to arrive.
-- `customer_id` and `proposer_id` are the proposal's (where the row travels).
CREATE TABLE proposal_decision (
    id           TEXT PRIMARY KEY NOT NULL,
    proposal_id  TEXT NOT NULL REFERENCES proposal(id),
    customer_id  TEXT REFERENCES customer(id),
    proposer_id  TEXT NOT NULL REFERENCES staff(id),
    revision     INTEGER NOT NULL CHECK (revision > 0),
    step         INTEGER NOT NULL CHECK (step > 0),
    decision     TEXT NOT NULL CHECK (decision IN ('approve', 'reject', 'return')),
    reason       TEXT,
    decided_by   TEXT NOT NULL REFERENCES staff(id),
    decided_at   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX proposal_decision_proposal ON proposal_decision(proposal_id, revision, step);
