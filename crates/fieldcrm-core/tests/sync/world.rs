//! A small organisation for sync tests: head office, one region with two
//! territories, two reps and their regional manager, each with their own book.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use fieldcrm_core::api::sync::EnrollDevice;
use fieldcrm_core::api::{NewCustomer, NewOrgUnit, NewProfile, NewStaff};
use fieldcrm_core::model::{OrgUnitKind, StaffRole};
use fieldcrm_core::sync::ImportReport;
use fieldcrm_core::{ApiError, Book, Clock, FixedClock};
use serde_json::{json, Value};

pub struct Person {
    pub book: Book,
    pub clock: Arc<FixedClock>,
    pub staff_id: String,
    pub device_id: String,
    pub name: String,
}

pub struct World {
    pub office: Person,
    pub people: Vec<Person>,
    pub region: String,
    pub territories: Vec<String>,
}

pub fn start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).single().expect("time")
}

fn quiet(_: fieldcrm_core::sync::Progress) {}

impl World {
    /// Head office plus `reps` reps (alternating between two territories) and one
    /// regional manager, all enrolled and joined.
    pub fn new(reps: usize) -> Self {
        let clock = Arc::new(FixedClock::new(start()));
        let office = Book::open_in_memory(clock.clone()).expect("office book");
        let profile = office
            .create_profile(&NewProfile {
                name: "总部管理员".into(),
                role: StaffRole::HeadOffice,
                company_name: "华丰农业".into(),
                unit_name: String::new(),
                phone: None,
            })
            .expect("office profile");
        let root = profile.org_unit_id;
        let region = office
            .add_org_unit(&NewOrgUnit {
                parent_id: Some(root),
                kind: OrgUnitKind::Region,
                name: "潍坊大区".into(),
                code: None,
            })
            .expect("region");
        let territories: Vec<_> = ["寿光片区", "青州片区"]
            .iter()
            .map(|n| {
                office
                    .add_org_unit(&NewOrgUnit {
                        parent_id: Some(region.id),
                        kind: OrgUnitKind::Territory,
                        name: (*n).into(),
                        code: None,
                    })
                    .expect("territory")
            })
            .collect();
        let mut staff = vec![];
        for i in 0..reps {
            let s = office
                .add_staff(&NewStaff {
                    name: format!("业务员{i}"),
                    role: StaffRole::Rep,
                    org_unit_id: territories[i % 2].id,
                    phone: None,
                    regions: None,
                })
                .expect("rep");
            staff.push(s);
        }
        staff.push(
            office
                .add_staff(&NewStaff {
                    name: "经理".into(),
                    role: StaffRole::RegionalManager,
                    org_unit_id: region.id,
                    phone: None,
                    regions: None,
                })
                .expect("manager"),
        );
        let office_device = office.device().expect("office device");
        let office = Person {
            book: office,
            clock,
            staff_id: profile.staff_id.to_string(),
            device_id: office_device.device_id,
            name: "office".into(),
        };
        let people = staff.into_iter().map(|s| laptop(&office, s)).collect();
        World {
            office,
            people,
            region: region.id.to_string(),
            territories: territories.iter().map(|t| t.id.to_string()).collect(),
        }
    }

    /// Head office adds a person and enrols a laptop for them, which joins;
    /// returns their index in `people`.
    pub fn join(&mut self, new: &NewStaff) -> usize {
        let staff = self.office.book.add_staff(new).expect("staff");
        let person = laptop(&self.office, staff);
        self.people.push(person);
        self.people.len() - 1
    }

    /// Person `i` starts again on a new laptop (the old one lost or
    /// replaced): head office enrols it and it joins with its first file.
    pub fn replace_laptop(&mut self, i: usize) {
        let staff = self
            .office
            .book
            .staff()
            .expect("staff")
            .into_iter()
            .find(|s| s.id.to_string() == self.people[i].staff_id)
            .expect("the person");
        self.people[i] = laptop(&self.office, staff);
    }

    /// A second laptop of person `i` (a manager's desktop beside their
    /// notebook), enrolled and joined; not in `people`.
    pub fn another_laptop(&self, i: usize) -> Person {
        let staff = self
            .office
            .book
            .staff()
            .expect("staff")
            .into_iter()
            .find(|s| s.id.to_string() == self.people[i].staff_id)
            .expect("the person");
        laptop(&self.office, staff)
    }

    pub fn manager(&self) -> &Person {
        self.people.last().expect("manager")
    }

    pub fn advance(&self, by: Duration) {
        self.office.clock.advance(by);
        for p in &self.people {
            p.clock.advance(by);
        }
    }

    /// Person `i` sends their file to head office; returns head office's report.
    pub fn send(&self, i: usize) -> Result<ImportReport, ApiError> {
        let bytes = self.people[i].book.sync_export_bytes(None)?;
        self.office.book.sync_import_bytes(&bytes, None, &mut quiet)
    }

    /// Head office writes person `i`'s file and they import it.
    pub fn receive(&self, i: usize) -> Result<ImportReport, ApiError> {
        let bytes = self.office.book.sync_export_bytes(Some(&self.people[i].device_id))?;
        self.people[i].book.sync_import_bytes(&bytes, None, &mut quiet)
    }

    /// Everyone sends, then everyone receives, twice (so refusals and
    /// conflicts found in the first pass reach everyone).
    pub fn settle(&self) {
        for _ in 0..2 {
            for i in 0..self.people.len() {
                self.send(i).expect("send");
            }
            for i in 0..self.people.len() {
                self.receive(i).expect("receive");
            }
        }
    }
}

/// A laptop for `staff`, enrolled at head office and joined with its first file.
fn laptop(office: &Person, staff: fieldcrm_core::org::Staff) -> Person {
    let clock = Arc::new(FixedClock::new(office.clock.now()));
    let book = Book::open_in_memory(clock.clone()).expect("laptop book");
    let device = book.device().expect("device");
    office
        .book
        .enroll_device(&EnrollDevice {
            staff_id: staff.id.to_string(),
            device_id: device.device_id.clone(),
            public_key: device.public_key.clone(),
            name: Some(format!("{}的笔记本", staff.name)),
        })
        .expect("enroll");
    let first = office.book.sync_export_bytes(Some(&device.device_id)).expect("first file");
    let office_fpr = office.book.device().expect("office").fingerprint;
    book.sync_import_bytes(&first, Some(&office_fpr), &mut quiet).expect("join");
    Person { book, clock, staff_id: staff.id.to_string(), device_id: device.device_id, name: staff.name }
}

/// Head office's device key: laptops seal their files' bodies to it.
pub fn office_key(w: &World) -> ed25519_dalek::VerifyingKey {
    let hex_key = w.office.book.device().expect("device").public_key;
    let bytes = fieldcrm_core::sync::file::parse_key_hex(&hex_key).expect("hex");
    fieldcrm_core::sync::file::verifying_key(&bytes).expect("key")
}

pub fn customer(name: &str, extra: Value) -> NewCustomer {
    let mut fields: fieldcrm_core::card::Fields = serde_json::from_value(json!({ "name": name })).expect("fields");
    if let Value::Object(m) = extra {
        for (k, v) in m {
            fields.insert(k, v);
        }
    }
    NewCustomer { fields, ..Default::default() }
}

/// Every card in a book with its fields, key people and addresses, by id.
pub fn cards(book: &Book) -> BTreeMap<String, Value> {
    let page = book
        .search_customers(&fieldcrm_core::search::CustomerQuery { limit: 10_000, ..Default::default() })
        .expect("list");
    page.rows
        .iter()
        .map(|row| {
            let card = book.customer(row.id).expect("card");
            let mut v = serde_json::to_value(&card).expect("json");
            // Derived per book: staleness depends on the reader's clock and settings.
            if let Value::Object(m) = &mut v {
                m.remove("revision");
                m.remove("stale");
            }
            (row.id.to_string(), v)
        })
        .collect()
}

/// A laptop enrolled at head office whose files the test writes by hand
/// (any change, any header), signed with the laptop's real key.
pub struct HandWritten {
    pub device: fieldcrm_core::api::sync::DeviceInfo,
    pub key: ed25519_dalek::SigningKey,
    _dir: tempfile::TempDir,
}

impl HandWritten {
    /// A new book's device, enrolled for the world's first person.
    pub fn enrolled(w: &World) -> Self {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("laptop.sqlite");
        let key = fieldcrm_core::vault::BookKey::from_bytes(&[7; 32]).expect("key");
        let access = fieldcrm_core::api::Access::key(key.clone());
        let device = Book::open(&path, &access, w.office.clock.clone()).expect("book").device().expect("device");
        w.office
            .book
            .enroll_device(&EnrollDevice {
                staff_id: w.people[0].staff_id.clone(),
                device_id: device.device_id.clone(),
                public_key: device.public_key.clone(),
                name: None,
            })
            .expect("enroll");
        let secret: Vec<u8> = fieldcrm_core::store::open_raw(&path, &key)
            .expect("raw")
            .query_row("SELECT secret_key FROM sync_state", [], |r| r.get(0))
            .expect("key");
        let key = ed25519_dalek::SigningKey::from_bytes(&secret.try_into().expect("32 bytes"));
        Self { device, key, _dir: dir }
    }

    /// The header of this laptop's file number `file_no` to head office,
    /// carrying changes `1..=changes` of its stream.
    pub fn header(&self, w: &World, file_no: i64, changes: i64) -> fieldcrm_core::sync::file::Header {
        fieldcrm_core::sync::file::Header {
            format_minor: 0,
            schema_version: 2,
            columns: Default::default(),
            sender: self.device.device_id.clone(),
            sender_key: self.device.public_key.clone(),
            recipient: w.office.device_id.clone(),
            recipient_staff: None,
            file_no,
            ranges: vec![fieldcrm_core::sync::file::Range {
                origin: self.device.device_id.clone(),
                from: 1,
                to: changes,
            }],
            ack: 0,
            created_at: "2026-11-02T08:00:00.000Z".into(),
            snapshot: false,
            clock_correction_ms: 0,
            change_count: changes as u64,
            body_len: 0,
            body_hash: String::new(),
            ephemeral: String::new(),
        }
    }
}
