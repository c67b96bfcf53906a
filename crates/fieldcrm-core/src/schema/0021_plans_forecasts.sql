-- Schema version 21: ten-day and monthly sales plans (旬计划/月计划, seed 000:
-- 按旬按月汇总上报) and the rolling three-month forecast (seed 003).
--
-- A plan is one person's, for one 旬 ('2026-12-1') or one month ('2026-12'):
-- per customer the sales they plan and the visits, submitted before the
-- period starts. A manager's own plan carries no lines of the team's: the
-- team's are rolled up from the reps' plans, and the manager's submission
-- (with its note) is the roll-up sent up the line. Comments go both ways.
-- Ids derive from their keys, so two writes of the same plan are one row.

CREATE TABLE sales_plan (
    id            TEXT PRIMARY KEY NOT NULL,
    staff_id      TEXT NOT NULL REFERENCES staff(id),
    period        TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]' OR period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[1-3]'),
    status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
    note          TEXT,
    submitted_at  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX sales_plan_staff ON sales_plan(staff_id, period);

CREATE TABLE sales_plan_line (
    id           TEXT PRIMARY KEY NOT NULL,
    plan_id      TEXT NOT NULL,
    -- the plan's author: whose books the line goes to
    staff_id     TEXT NOT NULL,
    customer_id  TEXT NOT NULL,
    amount       INTEGER NOT NULL CHECK (amount >= 0),
    visits       INTEGER NOT NULL DEFAULT 0 CHECK (visits BETWEEN 0 AND 31),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX sales_plan_line_plan ON sales_plan_line(plan_id);

-- A comment on a plan, by a manager up the line or by its author.
CREATE TABLE sales_plan_comment (
    id              TEXT PRIMARY KEY NOT NULL,
    plan_id         TEXT NOT NULL,
    -- the plan's author: whose books the comment goes to
    plan_author_id  TEXT NOT NULL,
    author_id       TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX sales_plan_comment_plan ON sales_plan_comment(plan_id, created_at);

-- A rolling forecast, made in `month` by one person for the three months
-- after it: per customer the sales they expect in each.
CREATE TABLE sales_forecast (
    id            TEXT PRIMARY KEY NOT NULL,
    staff_id      TEXT NOT NULL REFERENCES staff(id),
    month         TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
    submitted_at  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX sales_forecast_staff ON sales_forecast(staff_id, month);

CREATE TABLE sales_forecast_line (
    id           TEXT PRIMARY KEY NOT NULL,
    forecast_id  TEXT NOT NULL,
    staff_id     TEXT NOT NULL,
    customer_id  TEXT NOT NULL,
    -- fen expected in each of the three months after the forecast's month
    first        INTEGER NOT NULL CHECK (first >= 0),
    second       INTEGER NOT NULL CHECK (second >= 0),
    third        INTEGER NOT NULL CHECK (third >= 0),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX sales_forecast_line_forecast ON sales_forecast_line(forecast_id);
