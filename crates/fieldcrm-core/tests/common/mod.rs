#![allow(dead_code)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use fieldcrm_core::api::{NewCustomer, NewProfile};
use fieldcrm_core::card::Fields;
use fieldcrm_core::model::StaffRole;
use fieldcrm_core::{Book, FixedClock};
use serde_json::{json, Value};

/// The key of every book these tests write to disk (never a user's).
pub fn key() -> fieldcrm_core::vault::BookKey {
    fieldcrm_core::vault::BookKey::from_bytes(&[7; 32]).expect("key")
}

pub fn access() -> fieldcrm_core::api::Access {
    fieldcrm_core::api::Access::key(key())
}

/// The book file at `path` as SQLite sees it, opened with the tests' key.
pub fn raw(path: impl AsRef<std::path::Path>) -> rusqlite::Connection {
    fieldcrm_core::store::open_raw(path.as_ref(), &key()).expect("raw")
}

pub fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).single().expect("time")))
}

/// An in-memory book with a rep's profile.
pub fn book_with_rep() -> (Book, Arc<FixedClock>) {
    let clock = clock();
    let book = Book::open_in_memory(clock.clone()).expect("book");
    book.create_profile(&NewProfile {
        name: "王磊".into(),
        role: StaffRole::Rep,
        company_name: "华丰农业".into(),
        unit_name: "寿光片区".into(),
        phone: None,
    })
    .expect("profile");
    (book, clock)
}

pub fn fields(value: Value) -> Fields {
    serde_json::from_value(value).expect("fields object")
}

pub fn new_customer(name: &str) -> NewCustomer {
    NewCustomer { fields: fields(json!({"name": name})), ..Default::default() }
}
