//! The customer archive card (客户档案卡): its field registry, its write path
//! with field-level history, and its read side.

pub mod address;
pub mod code;
pub mod fields;
pub mod read;
pub mod write;

pub use fields::{FieldSpec, ADDRESS_ENTITY, CREDIT_INCIDENT_ENTITY, CUSTOMER_ENTITY, KEY_PERSON_ENTITY};
pub use read::{ArchiveCard, BlockState, CardRecord, HistoryEntry};
pub use write::{Actor, FieldChange, Fields};
