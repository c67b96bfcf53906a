//! The facade: every operation the desktop app and the CLI offer, as methods of
//! [`Book`]. Callers never see a connection or an internal error; each method
//! returns transport types (camelCase, generated into TypeScript) or an
//! [`ApiError`].
//!
//! To add an operation: add a method here that opens one read or one write
//! ([`Book::read`] / [`Book::write`]) and calls the domain module; then a thin
//! command in `src-tauri/src/commands.rs` and a subcommand in the CLI.

use crate::error::ProblemCode;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use chrono::Duration;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::card::fields::{ADDRESS, CREDIT_INCIDENT, CUSTOMER, KEY_PERSON};
use crate::card::{self, write, Actor, ArchiveCard, FieldChange, FieldSpec, Fields, HistoryEntry};
use crate::clock::{timestamp, Clock, Zone};
use crate::demo::{self, DemoOptions, DemoSummary};
use crate::error::{ApiError, Error, FieldProblem, Result};
use crate::handover;
pub use crate::handover::{Handover, HandoverPart, HandoverPlan, HandoverShare};
use crate::ids::{AddressId, CreditIncidentId, CustomerId, KeyPersonId, OrgUnitId, StaffId};
use crate::model::{OrgUnitKind, StaffRole};
pub use crate::org::StaffEdit;
use crate::org::{self, OrgUnit, Profile, Staff};
use crate::search::{self, CustomerPage, CustomerQuery};
use crate::store;
use crate::vault::BookKey;
pub use access::Access;

pub mod access;
pub mod approvals;
pub mod classify;
pub mod commands;
pub mod demo_book;
pub mod divisions;
pub mod door;
pub mod fieldwork;
pub mod files;
pub mod money;
pub mod plans;
pub mod sales;
pub mod service;
pub mod sync;
pub mod targets;

pub type ApiResult<T> = std::result::Result<T, ApiError>;

/// Days after which a card that nobody reviewed shows as stale, unless the book says otherwise.
pub const DEFAULT_STALE_AFTER_DAYS: u32 = 180;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BookStatus {
    pub path: String,
    pub schema_version: i64,
    pub profile: Option<Profile>,
    pub customer_count: u32,
    pub stale_after_days: u32,
    /// The business time zone every day is counted in.
    pub business_time: BusinessTime,
    /// This person reviews, approves and ships orders (head office and its
    /// sales administration): the order lists they work from are the review's.
    pub reviews_orders: bool,
}

/// The organisation's business time zone, in which every day is counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BusinessTime {
    /// Its IANA name (`Asia/Shanghai`).
    pub time_zone: String,
    /// Today there (YYYY-MM-DD).
    pub today: String,
    /// Its offset from UTC now, in minutes (east positive): the UI compares it
    /// with the computer's own to say when the two differ.
    pub offset_minutes: i32,
}

/// The first-start form: who uses this laptop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewProfile {
    pub name: String,
    pub role: StaffRole,
    /// The company (head office) name; used when the book has no organisation yet.
    pub company_name: String,
    /// Your territory, region or province (not needed for head office).
    pub unit_name: String,
    #[ts(optional)]
    pub phone: Option<String>,
}

/// A new card with its first key people and addresses, saved together.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct NewCustomer {
    #[ts(type = "Record<string, JsonValue>")]
    pub fields: Fields,
    #[ts(type = "Array<Record<string, JsonValue>>")]
    pub key_people: Vec<Fields>,
    #[ts(type = "Array<Record<string, JsonValue>>")]
    pub addresses: Vec<Fields>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    KeyPerson,
    Address,
    CreditIncident,
}

impl RecordKind {
    fn entity(self) -> card::fields::Entity {
        match self {
            RecordKind::KeyPerson => card::KEY_PERSON_ENTITY,
            RecordKind::Address => card::ADDRESS_ENTITY,
            RecordKind::CreditIncident => card::CREDIT_INCIDENT_ENTITY,
        }
    }

    /// The list a new card carries these records in (for problem field names).
    fn path(self) -> &'static str {
        match self {
            RecordKind::KeyPerson => "keyPeople",
            RecordKind::Address => "addresses",
            RecordKind::CreditIncident => "creditIncidents",
        }
    }

    fn new_id(self) -> String {
        match self {
            RecordKind::KeyPerson => KeyPersonId::new().to_string(),
            RecordKind::Address => AddressId::new().to_string(),
            RecordKind::CreditIncident => CreditIncidentId::new().to_string(),
        }
    }
}

/// Changes to the card's own fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CardEdit {
    pub customer_id: CustomerId,
    pub changes: Vec<FieldChange>,
}

/// A new key person, address or credit incident on a card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewRecord {
    pub customer_id: CustomerId,
    pub kind: RecordKind,
    #[ts(type = "Record<string, JsonValue>")]
    pub fields: Fields,
}

/// Changes to one key person, address or credit incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecordEdit {
    pub kind: RecordKind,
    pub id: String,
    pub changes: Vec<FieldChange>,
}

/// The card after a save, with warnings (saved anyway) such as an odd phone number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Saved {
    pub card: ArchiveCard,
    pub warnings: Vec<FieldProblem>,
}

/// Every field of the card and its records, for forms.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CardSchema {
    pub customer: Vec<FieldSpec>,
    pub key_person: Vec<FieldSpec>,
    pub address: Vec<FieldSpec>,
    pub credit_incident: Vec<FieldSpec>,
}

/// A new unit of the organisation tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewOrgUnit {
    /// None for a root (head office).
    #[ts(optional)]
    pub parent_id: Option<OrgUnitId>,
    pub kind: OrgUnitKind,
    pub name: String,
    #[ts(optional)]
    pub code: Option<String>,
}

/// A new member of the sales organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewStaff {
    pub name: String,
    pub role: StaffRole,
    pub org_unit_id: OrgUnitId,
    #[ts(optional)]
    pub phone: Option<String>,
    /// Sales administration: the regions paired with them.
    #[serde(default)]
    #[ts(optional)]
    pub regions: Option<Vec<OrgUnitId>>,
}

/// A tag and how many cards carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TagCount {
    pub tag: String,
    pub customers: u32,
}

/// The domain's steps as the store migrates a book: the search index is
/// built (schema 2), the sync state made (3), free-text classifications moved
/// into code lists (4), `staff.role` admits sales administration (18); after
/// any migration the capture triggers follow the synced tables' columns and
/// the kept open amounts are settled.
pub const HOOKS: store::Hooks = store::Hooks {
    after: &[
        (2, search::rebuild_all),
        (3, crate::changes::capture::init_state),
        (4, crate::codes::adopt_free_text),
        (18, org::admit_sales_admin),
        (20, targets_step),
    ],
    migrated,
};

/// Schema 20's step: the sales per 旬 and the orders in hand worked out
/// from what the book holds.
fn targets_step(tx: &Transaction<'_>) -> Result<()> {
    crate::sales::rebuild_xun(tx)?;
    crate::money::in_hand::rebuild(tx)
}

fn migrated(tx: &Transaction<'_>) -> Result<()> {
    crate::changes::capture::install_triggers(tx)?;
    crate::money::open::settle(tx)?;
    crate::money::in_hand::settle(tx)?;
    Ok(())
}

/// What every write does before it commits: the data derived from what it
/// changed is brought up to date ([`crate::money::open::settle`],
/// [`crate::money::in_hand::settle`]) and its
/// changes are sealed for sync.
pub(crate) fn before_commit(tx: &Transaction<'_>, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    crate::money::open::settle(tx)?;
    crate::money::in_hand::settle(tx)?;
    crate::changes::capture::seal(tx, now)?;
    Ok(())
}

/// The book's connection at `path`, opened with its `key` and migrated with
/// the domain's [`HOOKS`] (tools and tests that read the file below the facade).
pub fn open_connection(path: &Path, key: &BookKey) -> Result<Connection> {
    store::open(path, key, &HOOKS)
}

/// A private in-memory book's connection (tests, the test server). Migrating
/// runs hundreds of statements, and tests make thousands of books: a process
/// migrates one in-memory book once and copies its pages into every other,
/// which then gets a device id of its own (the only thing migrating makes
/// at random).
pub fn open_connection_in_memory() -> Result<Connection> {
    static FRESH: OnceLock<Mutex<Connection>> = OnceLock::new();
    let fresh = match FRESH.get() {
        Some(fresh) => fresh,
        None => {
            let migrated = store::open_in_memory(&HOOKS)?;
            FRESH.get_or_init(|| Mutex::new(migrated))
        }
    };
    let conn = store::copy_in_memory(&fresh.lock().unwrap_or_else(|e| e.into_inner()))?;
    crate::changes::capture::new_device(&conn)?;
    Ok(conn)
}

/// Idle read connections a book keeps for the next reads.
const IDLE_READERS: usize = 4;

/// An open book. Cheap to share between threads; writes are serialised, and
/// reads run beside them and each other on connections of their own (WAL lets
/// a reader see the last commit while a writer works), so a long analysis
/// neither waits for a save nor holds up the next screen's request.
pub struct Book {
    conn: Mutex<Connection>,
    /// Read connections not in use (a file book's; an in-memory book reads on `conn`).
    readers: Mutex<Vec<Connection>>,
    pub(crate) clock: Arc<dyn Clock>,
    path: String,
    /// The key its connections open the file with (none for a book in memory).
    key: Option<BookKey>,
    /// Where its key is kept for opens that ask nothing (a changed passphrase tells it).
    secrets: Arc<dyn crate::vault::SecretStore>,
    /// The last import dry run's plan, for the commit that usually follows.
    pub(crate) kept_import: Mutex<Option<crate::import::Kept>>,
    /// Pressed "cancel" on the running spreadsheet import (see [`Book::cancel_import`]).
    pub(crate) import_cancel: crate::import::Cancel,
    demo_cancel: crate::import::Cancel,
}

/// `f` in a read transaction: one snapshot of the book for all its statements.
fn snapshot<T>(conn: &Connection, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    let tx = conn.unchecked_transaction()?;
    let out = f(&tx)?;
    tx.finish()?;
    Ok(out)
}

/// One write transaction on `conn`. Every change it made is sealed for sync
/// (stamped and filed in the outbox) before it commits.
fn in_transaction<T>(
    conn: &mut Connection,
    clock: &dyn Clock,
    f: impl FnOnce(&Transaction<'_>) -> Result<T>,
) -> Result<T> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let out = f(&tx)?;
    before_commit(&tx, clock.now())?;
    tx.commit()?;
    Ok(out)
}

impl std::fmt::Debug for Book {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Book").field("path", &self.path).finish_non_exhaustive()
    }
}

impl Book {
    /// Opens the book at `path` with what `access` holds (see [`access`]):
    /// creates it if absent, encrypts it in place if it is a plain book of
    /// an earlier version.
    pub fn open(path: &Path, access: &Access, clock: Arc<dyn Clock>) -> ApiResult<Self> {
        Self::open_reporting(path, access, clock, &mut |_| {})
    }

    /// [`Book::open`], telling `step` of each step of an upgrade to encryption.
    pub fn open_reporting(
        path: &Path,
        access: &Access,
        clock: Arc<dyn Clock>,
        step: &mut dyn FnMut(store::UpgradeStep),
    ) -> ApiResult<Self> {
        let (key, conn) = access::open(path, access, step)?;
        Ok(Self {
            conn: Mutex::new(conn),
            readers: Mutex::default(),
            clock,
            path: path.display().to_string(),
            key: Some(key),
            secrets: access.secrets_store(),
            kept_import: Mutex::default(),
            import_cancel: Default::default(),
            demo_cancel: Default::default(),
        })
    }

    pub fn open_in_memory(clock: Arc<dyn Clock>) -> ApiResult<Self> {
        let conn = open_connection_in_memory()?;
        Ok(Self {
            conn: Mutex::new(conn),
            readers: Mutex::default(),
            clock,
            path: ":memory:".into(),
            key: None,
            secrets: Arc::new(crate::vault::NoKeyring),
            kept_import: Mutex::default(),
            import_cancel: Default::default(),
            demo_cancel: Default::default(),
        })
    }

    pub fn path(&self) -> PathBuf {
        PathBuf::from(&self.path)
    }

    /// The key of this book's file (a book in memory has no file and no key).
    pub(crate) fn file_key(&self) -> ApiResult<&BookKey> {
        self.key.as_ref().ok_or_else(|| ApiError::internal("a book in memory has no file"))
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a transaction open (it
        // rolls back on drop), so the connection is still sound.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// One read, on a snapshot of the book: everything it reads is as of one commit.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> ApiResult<T> {
        if self.path == ":memory:" {
            return f(&self.lock()).map_err(|e| self.public(e));
        }
        let idle = self.readers.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => store::open_reader(Path::new(&self.path), self.file_key()?).map_err(|e| self.public(e))?,
        };
        let out = snapshot(&conn, f);
        // A reader that failed goes; a sound one waits for the next read.
        let mut readers = self.readers.lock().unwrap_or_else(|e| e.into_inner());
        if out.is_ok() && readers.len() < IDLE_READERS {
            readers.push(conn);
        }
        out.map_err(|e| self.public(e))
    }

    /// One write transaction, sealed for sync before it commits ([`in_transaction`]).
    pub(crate) fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> ApiResult<T> {
        in_transaction(&mut self.lock(), self.clock.as_ref(), f).map_err(|e| self.public(e))
    }

    pub(crate) fn public(&self, error: Error) -> ApiError {
        match error {
            Error::Sqlite(e) => store::classify(e, &self.path).into(),
            other => other.into(),
        }
    }

    /// The person making changes on this laptop, now.
    pub(crate) fn actor(&self, conn: &Connection, source: &'static str) -> Result<Actor> {
        let profile = org::profile(conn)?.ok_or(Error::NoProfile)?;
        Ok(Actor { staff: profile.staff_id, at: self.clock.now(), source, source_id: None, zone: Zone::of(conn)? })
    }

    /// Today, in the book's business time zone.
    pub(crate) fn today(&self, conn: &Connection) -> Result<chrono::NaiveDate> {
        Ok(Zone::of(conn)?.day(self.clock.now()))
    }

    fn stale_after_days(conn: &Connection) -> Result<u32> {
        let value: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
            "SELECT value FROM local_setting WHERE key = 'staleAfterDays'",
            [],
            |r| r.get(0),
        ))?;
        Ok(value.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_STALE_AFTER_DAYS))
    }

    pub(crate) fn stale_before(&self, conn: &Connection) -> Result<String> {
        let days = Self::stale_after_days(conn)?;
        Ok(timestamp(self.clock.now() - Duration::days(i64::from(days))))
    }

    pub fn status(&self) -> ApiResult<BookStatus> {
        self.read(|conn| {
            let profile = org::profile(conn)?;
            let reviews_orders = profile.as_ref().is_some_and(|p| p.role.reviews_orders());
            Ok(BookStatus {
                path: self.path.clone(),
                schema_version: store::SCHEMA_VERSION,
                reviews_orders,
                profile,
                customer_count: conn.query_row("SELECT count(*) FROM customer", [], |r| r.get(0))?,
                stale_after_days: Self::stale_after_days(conn)?,
                business_time: self.business_time_in(Zone::of(conn)?),
            })
        })
    }

    /// The business time zone and today in it.
    pub fn business_time(&self) -> ApiResult<BusinessTime> {
        self.read(|conn| Ok(self.business_time_in(Zone::of(conn)?)))
    }

    fn business_time_in(&self, zone: Zone) -> BusinessTime {
        let now = self.clock.now();
        BusinessTime {
            time_zone: zone.name().to_string(),
            today: zone.day(now).to_string(),
            offset_minutes: zone.offset_seconds(now) / 60,
        }
    }

    /// Head office: sets the organisation's business time zone (an IANA name);
    /// it reaches every book with the next files.
    pub fn set_time_zone(&self, name: &str) -> ApiResult<BusinessTime> {
        let Some(zone) = Zone::parse(name) else {
            return Err(Error::invalid(
                "timeZone",
                ProblemCode::NotChoice,
                format!("'{name}' is not a time zone; give its IANA name, such as Asia/Shanghai"),
            )
            .into());
        };
        let now = timestamp(self.clock.now());
        self.write(|tx| {
            classify::require_office(tx, "the business time zone")?;
            tx.execute(
                "INSERT INTO org_setting (id, value, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)
                 ON CONFLICT (id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                 WHERE value IS NOT excluded.value",
                rusqlite::params![crate::clock::TIME_ZONE_SETTING, zone.name(), now],
            )?;
            Ok(())
        })?;
        Ok(self.business_time_in(zone))
    }

    /// Every time zone name head office may choose.
    pub fn time_zones() -> Vec<String> {
        Zone::names().map(str::to_string).collect()
    }

    /// Runs SQLite's full integrity check of the book.
    pub fn check(&self) -> ApiResult<()> {
        self.read(|conn| store::check_integrity(conn, &self.path))
    }

    pub fn set_stale_after_days(&self, days: u32) -> ApiResult<()> {
        if !(1..=3650).contains(&days) {
            return Err(
                Error::invalid("staleAfterDays", ProblemCode::OutOfRange, "must be between 1 and 3650 days").into()
            );
        }
        self.write(|tx| {
            tx.execute(
                "INSERT INTO local_setting (key, value) VALUES ('staleAfterDays', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [days.to_string()],
            )?;
            Ok(())
        })
    }

    /// First start: records who uses this laptop, creating the head office and
    /// their own unit if the book has no organisation yet.
    pub fn create_profile(&self, new: &NewProfile) -> ApiResult<Profile> {
        let now = self.clock.now();
        self.write(|tx| {
            if org::profile(tx)?.is_some() {
                return Err(Error::ProfileExists);
            }
            let mut problems = vec![];
            if new.name.trim().is_empty() {
                problems.push(FieldProblem::new("name", ProblemCode::Required, "is required"));
            }
            if new.role == StaffRole::SalesAdmin {
                problems.push(FieldProblem::new(
                    "role",
                    ProblemCode::NotChoice,
                    "a sales administrator works on the regions head office pairs them with: head office adds them and enrols their laptop",
                ));
            } else if new.role != StaffRole::HeadOffice && new.unit_name.trim().is_empty() {
                problems.push(FieldProblem::new(
                    "unitName",
                    ProblemCode::Required,
                    "name your territory, region or province",
                ));
            }
            let root: Option<OrgUnitId> = rusqlite::OptionalExtension::optional(tx.query_row(
                "SELECT id FROM org_unit WHERE parent_id IS NULL ORDER BY created_at LIMIT 1",
                [],
                |r| r.get(0),
            ))?;
            if root.is_none() && new.company_name.trim().is_empty() {
                problems.push(FieldProblem::new("companyName", ProblemCode::Required, "name your company"));
            }
            if !problems.is_empty() {
                return Err(Error::Invalid(problems));
            }
            let root = match root {
                Some(root) => root,
                None => {
                    org::add_unit(tx, OrgUnitId::new(), None, OrgUnitKind::HeadOffice, &new.company_name, None, now)?
                }
            };
            let kind = match new.role {
                StaffRole::Rep => Some(OrgUnitKind::Territory),
                StaffRole::RegionalManager => Some(OrgUnitKind::Region),
                StaffRole::ProvincialManager => Some(OrgUnitKind::Province),
                StaffRole::HeadOffice | StaffRole::SalesAdmin => None,
            };
            let unit = match kind {
                Some(kind) => org::add_unit(tx, OrgUnitId::new(), Some(root), kind, &new.unit_name, None, now)?,
                None => root,
            };
            let staff = org::add_staff(tx, StaffId::new(), &new.name, new.role, unit, new.phone.as_deref(), now)?;
            org::set_profile(tx, staff, now)?;
            org::profile(tx)?.ok_or(Error::NoProfile)
        })
    }

    pub fn set_language(&self, language: &str) -> ApiResult<()> {
        self.write(|tx| org::set_language(tx, language))
    }

    /// Fills an empty book with a deterministic demo organisation and customers.
    pub fn load_demo(&self, options: &DemoOptions) -> ApiResult<DemoSummary> {
        self.load_demo_with(options, &mut |_| {})
    }

    /// [`load_demo`](Self::load_demo), telling `progress` how far it has come;
    /// a [`cancel_demo`](Self::cancel_demo) meanwhile stops it with
    /// `invalid`/`cancelled` and the book as it was.
    pub fn load_demo_with(
        &self,
        options: &DemoOptions,
        progress: &mut dyn FnMut(demo::DemoProgress),
    ) -> ApiResult<DemoSummary> {
        self.demo_cancel.reset();
        let mut progress = |p: demo::DemoProgress| {
            progress(p);
            if self.demo_cancel.requested() {
                Err(Error::invalid("demo", ProblemCode::Cancelled, "the demo was cancelled; the book is as it was"))
            } else {
                Ok(())
            }
        };
        let now = self.clock.now();
        // The demo fills a new book: its 2.7 GB (100,000 cards) go into the
        // file once, not into the WAL and again by the checkpoint.
        let mut conn = self.lock();
        store::with_rollback_journal(&mut conn, |conn| {
            in_transaction(conn, self.clock.as_ref(), |tx| {
                // Demo cards are this book's own starting data, not changes to send anywhere.
                crate::changes::capture::set_capture(tx, false)?;
                let summary = demo::generate_with(tx, options, now, &mut progress)?;
                crate::changes::capture::set_capture(tx, true)?;
                Ok(summary)
            })
        })
        .map_err(|e| self.public(e))
    }

    /// Stops a demo being built (the book stays as it was).
    pub fn cancel_demo(&self) {
        self.demo_cancel.cancel();
    }

    pub fn org_units(&self) -> ApiResult<Vec<OrgUnit>> {
        self.read(org::units)
    }

    pub fn staff(&self) -> ApiResult<Vec<Staff>> {
        self.read(org::staff)
    }

    pub fn add_org_unit(&self, new: &NewOrgUnit) -> ApiResult<OrgUnit> {
        let now = self.clock.now();
        self.write(|tx| {
            let id = org::add_unit(tx, OrgUnitId::new(), new.parent_id, new.kind, &new.name, new.code.as_deref(), now)?;
            org::units(tx)?
                .into_iter()
                .find(|u| u.id == id)
                .ok_or(Error::NotFound { what: "org unit", id: id.to_string() })
        })
    }

    pub fn add_staff(&self, new: &NewStaff) -> ApiResult<Staff> {
        let now = self.clock.now();
        self.write(|tx| {
            let id =
                org::add_staff(tx, StaffId::new(), &new.name, new.role, new.org_unit_id, new.phone.as_deref(), now)?;
            match (&new.regions, new.role) {
                (Some(regions), _) => org::set_regions(tx, id, regions, now, || uuid::Uuid::now_v7().to_string())?,
                (None, StaffRole::SalesAdmin) => {
                    return Err(Error::invalid(
                        "regions",
                        ProblemCode::Required,
                        "name the regions this sales administrator is paired with",
                    ))
                }
                (None, _) => {}
            }
            org::staff_member(tx, id)
        })
    }

    /// Head office changes a person: name, phone, unit, role, or that they
    /// left. Every book receives the change; the person's laptop receives
    /// their new scope and loses what left it.
    pub fn edit_staff(&self, edit: &StaffEdit) -> ApiResult<Staff> {
        let now = self.clock.now();
        self.write(|tx| {
            let me = classify::require_office(tx, "people")?.staff_id;
            org::edit_staff(tx, edit, me, now, || uuid::Uuid::now_v7().to_string())?;
            org::staff_member(tx, edit.staff_id)
        })
    }

    /// Who would get what if `handover` were made: the preview (nothing written).
    pub fn plan_handover(&self, handover: &Handover) -> ApiResult<HandoverPlan> {
        self.read(|conn| {
            classify::require_office(conn, "handovers")?;
            handover::plan(conn, handover)
        })
    }

    /// Head office hands a rep's customers over (移交) in one step: the cards,
    /// their routes, open tasks and unfinished orders (see [`handover`]), and
    /// marks the rep as left when asked. Each card's history names the handover.
    pub fn hand_over(&self, handover: &Handover) -> ApiResult<HandoverPlan> {
        self.write(|tx| {
            let me = classify::require_office(tx, "handovers")?.staff_id;
            let actor = Actor { source_id: Some(uuid::Uuid::now_v7()), ..self.actor(tx, "handover")? };
            let done = handover::apply(tx, handover, actor)?;
            if handover.leaves {
                let left = StaffEdit {
                    staff_id: handover.from,
                    name: None,
                    phone: None,
                    org_unit_id: None,
                    role: None,
                    active: Some(false),
                    regions: None,
                };
                org::edit_staff(tx, &left, me, actor.at, || uuid::Uuid::now_v7().to_string())?;
            }
            Ok(done)
        })
    }

    /// Head office pairs a sales administrator with regions (对口销管).
    /// Replaces the earlier pairing.
    pub fn set_staff_regions(&self, staff: StaffId, regions: &[OrgUnitId]) -> ApiResult<Staff> {
        let now = self.clock.now();
        self.write(|tx| {
            classify::require_office(tx, "who sales administration is paired with")?;
            org::set_regions(tx, staff, regions, now, || uuid::Uuid::now_v7().to_string())?;
            org::staff_member(tx, staff)
        })
    }

    pub fn card_schema(&self) -> CardSchema {
        card_schema()
    }

    pub fn search_customers(&self, query: &CustomerQuery) -> ApiResult<CustomerPage> {
        self.read(|conn| search::search(conn, query, &self.stale_before(conn)?))
    }

    /// How many matching customers carry each value of a classification.
    pub fn customer_groups(&self, query: &CustomerQuery, by: &str) -> ApiResult<Vec<search::GroupCount>> {
        self.read(|conn| search::groups(conn, query, by, &self.stale_before(conn)?))
    }

    /// Every tag in use, most used first.
    pub fn tags(&self) -> ApiResult<Vec<TagCount>> {
        self.read(|conn| {
            let mut stmt =
                conn.prepare_cached("SELECT tag, count(*) FROM search_tag GROUP BY tag ORDER BY count(*) DESC, tag")?;
            let rows = stmt.query_map([], |r| Ok(TagCount { tag: r.get(0)?, customers: r.get(1)? }))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    pub fn customer(&self, id: CustomerId) -> ApiResult<ArchiveCard> {
        self.read(|conn| card::read::load(conn, id, &self.stale_before(conn)?))
    }

    pub fn history(&self, id: CustomerId, limit: u32) -> ApiResult<Vec<HistoryEntry>> {
        self.read(|conn| {
            if !org::exists(conn, "customer", &id.to_string())? {
                return Err(Error::NotFound { what: "customer", id: id.to_string() });
            }
            card::read::history(conn, id, limit.clamp(1, 10_000))
        })
    }

    /// Creates a card. Owner defaults to the profile's person, territory to the
    /// owner's unit.
    pub fn create_customer(&self, new: &NewCustomer) -> ApiResult<Saved> {
        let id = CustomerId::new();
        self.write(|tx| {
            let actor = self.actor(tx, "create")?;
            let mut fields = new.fields.clone();
            let given = |fields: &Fields, key: &str| fields.get(key).is_some_and(|v| !v.is_null());
            let role = org::staff_member(tx, actor.staff)?.role;
            if !given(&fields, "ownerId") {
                // A rep owns what they create; anyone else names the rep, or
                // a unit whose person in charge looks after the card.
                let owner = if card::code::owns_what_they_create(role) {
                    actor.staff
                } else if let Some(unit) = fields.get("territoryId").and_then(|v| v.as_str()) {
                    card::code::head_of_unit(tx, unit)?
                } else {
                    return Err(Error::invalid(
                        "ownerId",
                        ProblemCode::OwnerNeeded,
                        "choose the rep who looks after the card, or a region whose person in charge does",
                    ));
                };
                fields.insert("ownerId".into(), serde_json::Value::from(owner.to_string()));
            }
            if let Some(lifecycle) = fields.get("lifecycle") {
                crate::approval::check_lifecycle(tx, role, None, lifecycle)?;
            }
            if role == StaffRole::HeadOffice && !given(&fields, "code") {
                fields.insert("code".into(), serde_json::Value::from(card::code::next(tx)?));
            }
            if fields.get("territoryId").is_none_or(|v| v.is_null()) {
                if let Some(owner) = fields.get("ownerId").and_then(|v| v.as_str()).and_then(|s| s.parse().ok()) {
                    match org::staff_member(tx, owner) {
                        Ok(staff) => {
                            fields.insert("territoryId".into(), serde_json::Value::from(staff.org_unit_id.to_string()));
                        }
                        Err(Error::NotFound { id, .. }) => {
                            return Err(Error::invalid(
                                "ownerId",
                                ProblemCode::UnknownRef,
                                format!("{id} does not exist in this book"),
                            ))
                        }
                        Err(other) => return Err(other),
                    }
                }
            }
            // Made out to someone the merge would not accept from this person: refused here first.
            let (scope, _) = org::scope_of(tx, &actor.staff.to_string())?;
            let text = |key: &str| fields.get(key).and_then(|v| v.as_str());
            org::check_new_card(&scope, text("ownerId"), text("territoryId")).map_err(|(code, message)| {
                Error::invalid(if given(&new.fields, "ownerId") { "ownerId" } else { "territoryId" }, code, message)
            })?;
            let key_people = new.key_people.iter().map(|f| (RecordKind::KeyPerson, f));
            let addresses = new.addresses.iter().map(|f| (RecordKind::Address, f));
            let records: Vec<(RecordKind, &Fields)> = key_people.chain(addresses).collect();
            // Each record's new id, and where its problems are reported (`keyPeople[0]`).
            let names: Vec<(String, String)> = records
                .iter()
                .enumerate()
                .map(|(i, (kind, _))| {
                    let index = if *kind == RecordKind::KeyPerson { i } else { i - new.key_people.len() };
                    (kind.new_id(), format!("{}[{index}]", kind.path()))
                })
                .collect();
            let children: Vec<write::NewChild<'_>> = records
                .iter()
                .zip(&names)
                .map(|((kind, values), (child_id, path))| write::NewChild {
                    entity: kind.entity(),
                    id: child_id,
                    values,
                    path,
                })
                .collect();
            let warnings = write::insert_customer(tx, id, &fields, &children, actor)?;
            Ok(Saved { card: card::read::load(tx, id, &self.stale_before(tx)?)?, warnings })
        })
    }

    pub fn edit_customer(&self, edit: &CardEdit) -> ApiResult<Saved> {
        self.write(|tx| {
            let actor = self.actor(tx, "edit")?;
            if let Some(change) = edit.changes.iter().find(|c| c.field == "lifecycle") {
                let role = org::staff_member(tx, actor.staff)?.role;
                crate::approval::check_lifecycle(tx, role, Some(edit.customer_id), &change.value)?;
            }
            let warnings =
                write::patch(tx, card::CUSTOMER_ENTITY, &edit.customer_id.to_string(), &edit.changes, actor)?;
            Ok(Saved { card: card::read::load(tx, edit.customer_id, &self.stale_before(tx)?)?, warnings })
        })
    }

    pub fn add_record(&self, new: &NewRecord) -> ApiResult<Saved> {
        self.write(|tx| {
            let actor = self.actor(tx, "edit")?;
            let warnings =
                write::insert_child(tx, new.kind.entity(), &new.kind.new_id(), new.customer_id, &new.fields, actor)?;
            Ok(Saved { card: card::read::load(tx, new.customer_id, &self.stale_before(tx)?)?, warnings })
        })
    }

    pub fn edit_record(&self, edit: &RecordEdit) -> ApiResult<Saved> {
        self.write(|tx| {
            let actor = self.actor(tx, "edit")?;
            let warnings = write::patch(tx, edit.kind.entity(), &edit.id, &edit.changes, actor)?;
            let customer = customer_of(tx, edit.kind, &edit.id)?;
            Ok(Saved { card: card::read::load(tx, customer, &self.stale_before(tx)?)?, warnings })
        })
    }

    pub fn remove_record(&self, kind: RecordKind, id: &str) -> ApiResult<ArchiveCard> {
        self.write(|tx| {
            let actor = self.actor(tx, "edit")?;
            let customer = customer_of(tx, kind, id)?;
            write::remove_child(tx, kind.entity(), id, actor)?;
            card::read::load(tx, customer, &self.stale_before(tx)?)
        })
    }

    /// The card a key person, address or credit incident belongs to.
    pub fn customer_of(&self, kind: RecordKind, id: &str) -> ApiResult<CustomerId> {
        self.read(|conn| customer_of(conn, kind, id))
    }

    pub fn mark_reviewed(&self, id: CustomerId) -> ApiResult<ArchiveCard> {
        self.write(|tx| {
            let actor = self.actor(tx, "review")?;
            write::mark_reviewed(tx, id, actor)?;
            card::read::load(tx, id, &self.stale_before(tx)?)
        })
    }
}

/// Every field of the card and its records, from the field registry.
pub fn card_schema() -> CardSchema {
    let specs = |defs: &[card::fields::FieldDef]| defs.iter().map(FieldSpec::from).collect();
    CardSchema {
        customer: specs(CUSTOMER),
        key_person: specs(KEY_PERSON),
        address: specs(ADDRESS),
        credit_incident: specs(CREDIT_INCIDENT),
    }
}

fn customer_of(conn: &Connection, kind: RecordKind, id: &str) -> Result<CustomerId> {
    let sql = format!("SELECT customer_id FROM {} WHERE id = ?1", kind.entity().table);
    rusqlite::OptionalExtension::optional(conn.query_row(&sql, [id], |r| r.get(0)))?
        .ok_or_else(|| Error::NotFound { what: "record", id: id.to_string() })
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;
    use crate::FixedClock;

    fn office_book(dir: &Path) -> Book {
        let book =
            Book::open(&dir.join("book.sqlite"), &access::test_access(), Arc::new(crate::SystemClock)).expect("book");
        book.create_profile(&NewProfile {
            name: "赵总".into(),
            role: StaffRole::HeadOffice,
            company_name: "华丰农业".into(),
            unit_name: String::new(),
            phone: None,
        })
        .expect("profile");
        book
    }

    #[test]
    fn in_memory_books_are_copies_of_a_migrated_book_each_with_a_device_of_its_own() {
        let device = |conn: &Connection| -> String {
            conn.query_row("SELECT device_id FROM sync_state", [], |r| r.get(0)).expect("device")
        };
        let schema = |conn: &Connection| -> (i64, i64) {
            let version = conn.pragma_query_value(None, "user_version", |r| r.get(0)).expect("version");
            let objects = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0)).expect("objects");
            (version, objects)
        };
        let migrated = store::open_in_memory(&HOOKS).expect("migrated");
        let (one, two) = (open_connection_in_memory().expect("one"), open_connection_in_memory().expect("two"));
        assert_ne!(device(&one), device(&two));
        assert_eq!(schema(&one), schema(&migrated));
        assert_eq!(schema(&two), schema(&migrated));
        let foreign_keys: bool = one.pragma_query_value(None, "foreign_keys", |r| r.get(0)).expect("pragma");
        assert!(foreign_keys, "a copy enforces foreign keys like a migrated book");
    }

    #[test]
    fn reads_go_on_while_a_write_is_open_and_see_only_what_was_committed() {
        let dir = tempfile::tempdir().expect("dir");
        let book = &office_book(dir.path());
        let (inside, wait_inside) = mpsc::channel();
        let (release, wait_release) = mpsc::channel::<()>();
        std::thread::scope(|s| {
            let writer = s.spawn(move || {
                book.write(|tx| {
                    crate::org::set_language(tx, "en")?;
                    inside.send(()).expect("signal");
                    wait_release.recv().expect("release");
                    Ok(())
                })
            });
            wait_inside.recv().expect("the write is open");
            // The write holds the book's writer; a read does not wait for it.
            let status = book.status().expect("a read during the write");
            assert_eq!(status.profile.expect("profile").language, "zh-CN", "the open write is not seen");
            release.send(()).expect("release");
            writer.join().expect("writer").expect("write");
        });
        assert_eq!(book.status().expect("status").profile.expect("profile").language, "en", "seen once committed");
    }

    #[test]
    fn an_in_memory_book_reads_its_own_connection() {
        let book = Book::open_in_memory(Arc::new(FixedClock::new(chrono::Utc::now()))).expect("book");
        assert_eq!(book.status().expect("status").customer_count, 0);
        assert!(book.readers.lock().expect("readers").is_empty());
    }
}
