-- Schema version 18: sales administration (销管). Head office has several
-- sales administrators, each paired with some regions (对口销管), each working
-- in a book of their own: a person of the role `sales_admin` (admitted to
-- `staff.role` by the migration's step in Rust, `org::admit_sales_admin`:
-- SQLite cannot alter a CHECK) sees, reviews and ships the orders of the
-- regions paired with them here. Head office's data: every book has it, so a
-- rep's laptop can name the administrator of its region.
CREATE TABLE staff_region (
    id          TEXT PRIMARY KEY NOT NULL,
    staff_id    TEXT NOT NULL REFERENCES staff(id),
    unit_id     TEXT NOT NULL REFERENCES org_unit(id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (staff_id, unit_id)
);
CREATE INDEX staff_region_unit ON staff_region(unit_id);
