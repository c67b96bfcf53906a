//! Ids that cross devices: UUIDv7 newtypes, stored as lowercase hyphenated text.
//!
//! UUIDv7 puts the creation time in the high bits, so ids sort by creation and
//! two devices never hand out the same id without talking to each other.

use std::fmt;
use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! define_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
        #[serde(transparent)]
        #[ts(type = "string")]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh id for a record created now.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// A UUIDv7 id for a record created at `unix_millis`, with caller-chosen
            /// random bits (deterministic demo data, tests).
            pub fn from_parts(unix_millis: u64, random: [u8; 10]) -> Self {
                Self(uuid::Builder::from_unix_timestamp_millis(unix_millis, &random).into_uuid())
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.hyphenated())
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self)
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.to_string()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                Uuid::parse_str(text).map(Self).map_err(|e| FromSqlError::Other(Box::new(e)))
            }
        }
    };
}

define_id!(
    /// A customer: one archive card.
    CustomerId
);
define_id!(
    /// A unit of the organisation tree (head office, province, region, territory …).
    OrgUnitId
);
define_id!(
    /// A member of the sales organisation (rep, manager, head-office staff).
    StaffId
);
define_id!(
    /// A key person on a customer's card (owner, manager, legal representative, contact).
    KeyPersonId
);
define_id!(
    /// An address on a customer's card.
    AddressId
);
define_id!(
    /// A past credit incident on a customer's card.
    CreditIncidentId
);
define_id!(
    /// One row of the field-level change history.
    ChangeId
);
define_id!(
    /// A rep's route: an ordered tour of customer stops.
    RouteId
);
define_id!(
    /// A visit record (走访记录).
    VisitId
);
define_id!(
    /// A phone call record (电话记录).
    CallId
);
define_id!(
    /// A follow-up task.
    TaskId
);
define_id!(
    /// A rep information report (daily, weekly, monthly or urgent).
    ReportId
);
define_id!(
    /// A comment on a report.
    CommentId
);
define_id!(
    /// This laptop's identity as a device that edits the book.
    DeviceId
);
define_id!(
    /// A product of head office's catalogue; derived from its code.
    ProductId
);
define_id!(
    /// One line of a shipment or invoice.
    SalesLineId
);
define_id!(
    /// One spreadsheet import.
    ImportBatchId
);
define_id!(
    /// An order a rep or manager captured for a customer.
    OrderId
);
define_id!(
    /// One line of an order.
    OrderLineId
);
define_id!(
    /// A price of head office's price list.
    PriceRuleId
);
define_id!(
    /// A promotion of head office's (a discount, or a gift for so many bought).
    PromotionId
);
define_id!(
    /// An invoice from the ERP; derived from its number.
    InvoiceId
);
define_id!(
    /// A payment received, from the ERP; derived from its number.
    PaymentId
);

define_id!(
    /// A node's target for a year; derived from (year, measure, node).
    TargetId
);
define_id!(
    /// A reallocation of an approved breakdown.
    TargetMoveId
);
define_id!(
    /// A proposal that goes through approval (审批).
    ProposalId
);
define_id!(
    /// A complaint or feedback of a customer (客户投诉).
    ComplaintId
);

/// An id that every book derives alike from `key`: the same product code or
/// document line always names the same row. `millis` orders it among ids.
pub(crate) fn derived_parts(key: &str, millis: u64) -> (u64, [u8; 10]) {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(key.as_bytes());
    let mut random = [0u8; 10];
    random.copy_from_slice(&digest[..10]);
    (millis, random)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_sort_by_creation_time() {
        let earlier = CustomerId::from_parts(1_000, [0; 10]);
        let later = CustomerId::from_parts(2_000, [0; 10]);
        assert!(earlier < later, "UUIDv7 must order by its timestamp");
        let parsed: CustomerId = earlier.to_string().parse().expect("own text parses");
        assert_eq!(parsed, earlier, "text form must round-trip");
        assert_eq!(earlier.as_uuid().get_version_num(), 7);
    }

    #[test]
    fn garbage_is_not_an_id() {
        assert!("not-an-id".parse::<CustomerId>().is_err());
    }
}
