//! The money side of the field: prices ([`price`]), orders and who may change
//! them ([`order`]), customers' statements and aging ([`statement`]) and the
//! credit check ([`credit`]). Design notes: docs/ORDERS.md.
//!
//! Every rule here is the one both the laptop's write path and head office's
//! merge call, so nothing looks accepted on a laptop and is reverted later.

pub mod analysis;
pub mod credit;
pub mod in_hand;
pub mod open;
pub mod order;
pub mod price;
pub mod promotion;
pub mod receivables;
pub mod report;
pub mod sheet;
pub mod shipping;
pub mod statement;

use chrono::NaiveDate;

/// Yuan to fen (credit limits on credit grades are kept in yuan).
pub fn fen(yuan: i64) -> i64 {
    yuan.saturating_mul(100)
}

/// Days from `from` to `to` (negative when `to` is earlier).
pub(crate) fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}
