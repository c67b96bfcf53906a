//! Orders in hand (在手订单): what each approved order has still to ship, at
//! its prices — the lines' units less what shipped and what head office
//! cancelled. What has shipped is in the sales lines already; this is what
//! will follow it. Kept per order (schema 20, device-local): triggers note
//! the orders whose status, lines or shipments changed, and [`settle`] —
//! run before every write commits, whatever wrote — works them out again.

use rusqlite::Connection;

use crate::error::Result;

/// Works out again the open amount of every order noted since the last settle.
pub fn settle(conn: &Connection) -> Result<()> {
    let any: bool =
        conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM order_open_dirty)")?.query_row([], |r| r.get(0))?;
    if !any {
        return Ok(());
    }
    conn.prepare_cached("DELETE FROM order_open WHERE order_id IN (SELECT order_id FROM order_open_dirty)")?
        .execute([])?;
    conn.prepare_cached(
        "INSERT INTO order_open (order_id, customer_id, amount)
         SELECT id, customer_id, open FROM (
             SELECT o.id, o.customer_id,
                    (SELECT coalesce(sum(max(0, l.quantity - l.cancelled
                                 - coalesce((SELECT sum(s.quantity) FROM shipment_line s WHERE s.order_line_id = l.id), 0))
                             * l.unit_price), 0)
                       FROM order_line l WHERE l.order_id = o.id) AS open
               FROM sales_order o
              WHERE o.id IN (SELECT order_id FROM order_open_dirty) AND o.status = 'approved')
          WHERE open > 0",
    )?
    .execute([])?;
    conn.prepare_cached("DELETE FROM order_open_dirty")?.execute([])?;
    Ok(())
}

/// Works out every approved order's open amount again (schema 20's step).
pub fn rebuild(conn: &Connection) -> Result<()> {
    conn.execute("INSERT OR IGNORE INTO order_open_dirty SELECT id FROM sales_order WHERE status = 'approved'", [])?;
    settle(conn)
}
