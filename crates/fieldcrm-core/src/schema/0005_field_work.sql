-- Schema version 5: field work. Visit and call records, the follow-up tasks
-- their next steps become, the rep information reports (daily, weekly,
-- monthly, urgent) with managers' comments, the contact and coverage duties
-- (seed 000) and the month-end calendar (seed 002).
--
-- Visits go wherever their customer goes. Calls and tasks go with their
-- customer, or — a call with a colleague, a task of no customer — to the person
-- and their managers; reports and their comments always go to the report's
-- author and their managers (sync/manifest.rs).

-- The visit or call whose findings made a change to the card.
ALTER TABLE change_history ADD COLUMN source_id TEXT;

-- A visit (走访记录): who went where, when, and what they found.
CREATE TABLE visit (
    id                    TEXT PRIMARY KEY NOT NULL,
    customer_id           TEXT NOT NULL REFERENCES customer(id),
    staff_id              TEXT NOT NULL REFERENCES staff(id),
    -- a code of the list 'visit_type'; 'spot_check' is the spot-check (抽查)
    visit_type            TEXT NOT NULL,
    checked_in_at         TEXT NOT NULL,
    checked_out_at        TEXT CHECK (checked_out_at IS NULL OR checked_out_at >= checked_in_at),
    latitude              REAL CHECK (latitude BETWEEN -90 AND 90),
    longitude             REAL CHECK (longitude BETWEEN -180 AND 180),
    purpose               TEXT,
    -- what was found
    stock_notes           TEXT,
    competitor_notes      TEXT,
    prices_seen           TEXT,
    problems              TEXT,
    requests              TEXT,
    -- what was agreed; becomes a follow-up task when it has a due date
    next_step             TEXT,
    next_step_due         TEXT,
    -- a stop of the visitor's route plan
    planned               INTEGER NOT NULL DEFAULT 0 CHECK (planned IN (0, 1)),
    -- spot-checks: whether the rep's earlier report of this customer held true
    report_confirmed      INTEGER CHECK (report_confirmed IN (0, 1)),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX visit_customer ON visit(customer_id, checked_in_at);
CREATE INDEX visit_staff ON visit(staff_id, checked_in_at);

-- A phone call (电话记录) with a customer or with a colleague.
CREATE TABLE call_log (
    id                TEXT PRIMARY KEY NOT NULL,
    staff_id          TEXT NOT NULL REFERENCES staff(id),
    customer_id       TEXT REFERENCES customer(id),
    colleague_id      TEXT REFERENCES staff(id),
    direction         TEXT NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
    called_at         TEXT NOT NULL,
    duration_seconds  INTEGER NOT NULL CHECK (duration_seconds BETWEEN 0 AND 86400),
    summary           TEXT,
    next_step         TEXT,
    next_step_due     TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK ((customer_id IS NULL) <> (colleague_id IS NULL))
);
CREATE INDEX call_log_staff ON call_log(staff_id, called_at);
CREATE INDEX call_log_customer ON call_log(customer_id, called_at) WHERE customer_id IS NOT NULL;
CREATE INDEX call_log_colleague ON call_log(colleague_id, called_at) WHERE colleague_id IS NOT NULL;

-- A follow-up task: a visit's or call's next step, or one written by hand.
CREATE TABLE task (
    id           TEXT PRIMARY KEY NOT NULL,
    assignee_id  TEXT NOT NULL REFERENCES staff(id),
    customer_id  TEXT REFERENCES customer(id),
    title        TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    done_at      TEXT,
    done_by      TEXT,
    source       TEXT NOT NULL CHECK (source IN ('visit', 'call', 'manual')),
    source_id    TEXT,
    created_by   TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX task_assignee ON task(assignee_id, done_at, due_on);
CREATE INDEX task_customer ON task(customer_id, due_on) WHERE customer_id IS NOT NULL;

-- A rep information report. Daily, weekly and monthly reports are assembled
-- from the period's records; the author adds a summary and submits, and the
-- assembled figures are kept as submitted (content). An urgent report is about
-- one customer and is submitted as it is written. A period's report has one id
-- in every book (derived from author, kind and period), so it is one row
-- wherever it is written.
CREATE TABLE report (
    id            TEXT PRIMARY KEY NOT NULL,
    author_id     TEXT NOT NULL REFERENCES staff(id),
    kind          TEXT NOT NULL CHECK (kind IN ('daily', 'weekly', 'monthly', 'urgent')),
    period_start  TEXT NOT NULL,
    period_end    TEXT NOT NULL CHECK (period_end >= period_start),
    -- urgent reports: the customer and what it is about (no foreign key: the
    -- card may move out of a book the report stays in)
    customer_id   TEXT,
    topic         TEXT CHECK (topic IN ('credit_risk', 'competitor', 'complaint', 'other')),
    title         TEXT,
    summary       TEXT,
    content       TEXT NOT NULL DEFAULT '{}',
    status        TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    submitted_at  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX report_author ON report(author_id, period_start);
CREATE INDEX report_submitted ON report(submitted_at) WHERE status = 'submitted';

-- A comment on a report, by a manager up the line or by its author.
CREATE TABLE report_comment (
    id                TEXT PRIMARY KEY NOT NULL,
    report_id         TEXT NOT NULL REFERENCES report(id),
    -- the report's author: whose books the comment goes to
    report_author_id  TEXT NOT NULL REFERENCES staff(id),
    author_id         TEXT NOT NULL REFERENCES staff(id),
    body              TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX report_comment_report ON report_comment(report_id, created_at);

-- Reports this laptop's user has opened. Device-local: reading is one's own.
CREATE TABLE report_read (
    report_id  TEXT PRIMARY KEY NOT NULL,
    read_at    TEXT NOT NULL
);

-- A contact or coverage duty of a role, per calendar month (seed 000).
--   contact_customers  every customer in scope contacted (visit or call) at least per_target times
--   contact_staff      every colleague of staff_role in scope called at least per_target times
--   visit_customers    at least min_count customers and min_share % of those in scope visited
--   spot_checks        at least min_count and min_share % of them spot-checked
--   grade_frequency    every graded customer visited as often as its grade asks
-- channel_levels narrows the customers counted (JSON array; empty: all).
CREATE TABLE duty_rule (
    id              TEXT PRIMARY KEY NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('rep', 'regional_manager', 'provincial_manager', 'head_office')),
    kind            TEXT NOT NULL CHECK (kind IN ('contact_customers', 'contact_staff', 'visit_customers', 'spot_checks', 'grade_frequency')),
    staff_role      TEXT CHECK (staff_role IN ('rep', 'regional_manager', 'provincial_manager')),
    channel_levels  TEXT NOT NULL DEFAULT '[]',
    per_target      INTEGER CHECK (per_target BETWEEN 1 AND 100),
    min_count       INTEGER CHECK (min_count BETWEEN 0 AND 100000),
    min_share       INTEGER CHECK (min_share BETWEEN 0 AND 100),
    position        INTEGER NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- A monthly calendar duty (seed 002): shown from lead_days before day_of_month
-- until due_day (or that day). Days past a month's end fall on its last day.
-- roles: JSON array of the roles it concerns (empty: everyone).
CREATE TABLE reminder (
    id            TEXT PRIMARY KEY NOT NULL,
    label_zh      TEXT NOT NULL,
    label_en      TEXT NOT NULL,
    day_of_month  INTEGER NOT NULL CHECK (day_of_month BETWEEN 1 AND 31),
    due_day       INTEGER CHECK (due_day BETWEEN 1 AND 31),
    lead_days     INTEGER NOT NULL DEFAULT 0 CHECK (lead_days BETWEEN 0 AND 14),
    roles         TEXT NOT NULL DEFAULT '[]',
    position      INTEGER NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- Defaults. Like the code lists of schema 4, their ids come from their keys and
-- their timestamps are the epoch: every book has the same rows and head
-- office's edits land on them.
INSERT INTO code_list (id, label_zh, label_en, position, created_at, updated_at) VALUES
    ('visit_type', '拜访类型', 'Visit type', 5, '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z');

INSERT INTO code_item (id, list_id, code, label_zh, label_en, position, created_at, updated_at)
WITH d(code, label_zh, label_en, position) AS (VALUES
    ('routine',    '例行拜访', 'Routine visit', 1),
    ('spot_check', '抽查',     'Spot-check',    2),
    ('delivery',   '送货',     'Delivery',      3),
    ('training',   '培训',     'Training',      4),
    ('meeting',    '会议',     'Meeting',       5),
    ('collection', '收款',     'Collection',    6),
    ('other',      '其他',     'Other',         7)
)
SELECT 'visit_type/' || code, 'visit_type', code, label_zh, label_en, position,
       '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'
FROM d;

-- Seed 000: a provincial manager calls each customer and each account manager
-- at least once a month and each regional manager five times, and visits at
-- least 10 customers and 30 % of them; a regional manager calls each customer
-- and account manager at least 3 times a month and spot-checks at least 10 and
-- 30 % of the sub-distributors and retailers. "Customers" there are the
-- distributors a manager deals with directly. Reps keep their grades' visit
-- frequency (schema 4).
INSERT INTO duty_rule (id, role, kind, staff_role, channel_levels, per_target, min_count, min_share, position,
                       created_at, updated_at)
WITH d(id, role, kind, staff_role, channel_levels, per_target, min_count, min_share, position) AS (VALUES
    ('regional_manager/contact_customers', 'regional_manager', 'contact_customers', NULL, '["distributor"]', 3, NULL, NULL, 1),
    ('regional_manager/contact_reps', 'regional_manager', 'contact_staff', 'rep', '[]', 3, NULL, NULL, 2),
    ('regional_manager/spot_checks', 'regional_manager', 'spot_checks', NULL, '["sub_distributor","retailer"]', NULL, 10, 30, 3),
    ('provincial_manager/contact_customers', 'provincial_manager', 'contact_customers', NULL, '["distributor"]', 1, NULL, NULL, 4),
    ('provincial_manager/contact_reps', 'provincial_manager', 'contact_staff', 'rep', '[]', 1, NULL, NULL, 5),
    ('provincial_manager/contact_regional_managers', 'provincial_manager', 'contact_staff', 'regional_manager', '[]', 5, NULL, NULL, 6),
    ('provincial_manager/visit_customers', 'provincial_manager', 'visit_customers', NULL, '[]', NULL, 10, 30, 7),
    ('rep/grade_frequency', 'rep', 'grade_frequency', NULL, '[]', NULL, NULL, NULL, 8)
)
SELECT id, role, kind, staff_role, channel_levels, per_target, min_count, min_share, position,
       '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'
FROM d;

-- Seed 002: inventory reports asked for on the 18th and due by the 20th;
-- payment cut-off on the 25th. Seed 000: monthly meetings.
INSERT INTO reminder (id, label_zh, label_en, day_of_month, due_day, lead_days, roles, position, created_at, updated_at)
WITH d(id, label_zh, label_en, day_of_month, due_day, lead_days, roles, position) AS (VALUES
    ('inventory_reports', '通知经销商提交库存报表（20日前交）', 'Ask distributors for inventory reports (due by the 20th)', 18, 20, 0, '[]', 1),
    ('payment_cutoff', '截账日：督促经销商按时回款', 'Payment cut-off: see that distributors pay on time', 25, NULL, 3, '[]', 2),
    ('rep_meeting', '月度客户经理会议', 'Monthly account manager meeting', 28, NULL, 2, '["regional_manager","provincial_manager"]', 3),
    ('customer_meeting', '月度客户（经销商）会议', 'Monthly customer (distributor) meeting', 28, NULL, 2, '["regional_manager","provincial_manager"]', 4),
    ('sub_distributor_meeting', '月度二批商会议', 'Monthly sub-distributor meeting', 10, NULL, 2, '["rep"]', 5)
)
SELECT id, label_zh, label_en, day_of_month, due_day, lead_days, roles, position,
       '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'
FROM d;
