//! A lost laptop reveals nothing: every book on disk is encrypted, opens only
//! with its key (from the secret store, or the key file and its passphrase),
//! and a plain book of an earlier version is encrypted on its first open.

mod common;

use std::path::Path;
use std::sync::Arc;

use fieldcrm_core::api::access::PassphraseChange;
use fieldcrm_core::api::{Access, NewCustomer};
use fieldcrm_core::error::ProblemCode;
use fieldcrm_core::store::{self, FileKind};
use fieldcrm_core::vault::{key_file_path, MemoryKeyring, NoKeyring, SecretStore};
use fieldcrm_core::{ApiError, Book, ErrorCode};
use serde_json::json;

const PASSPHRASE: &str = "麦田守望-2026-春";
const NAME: &str = "丰收农资经营部";
const PHONE: &str = "13966668888";

/// Whether any file of the book (the book, its WAL, its journal) holds `needle`'s bytes.
fn anywhere(book: &Path, needle: &str) -> bool {
    ["", "-wal", "-journal", "-shm"].iter().any(|suffix| {
        let mut name = book.as_os_str().to_owned();
        name.push(suffix);
        let bytes = std::fs::read(name).unwrap_or_default();
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    })
}

fn problem(error: &ApiError) -> Option<ProblemCode> {
    error.problems.first().map(|p| p.code)
}

fn add_card(book: &Book) {
    book.create_profile(&fieldcrm_core::api::NewProfile {
        name: "赵总".into(),
        role: fieldcrm_core::model::StaffRole::HeadOffice,
        company_name: "华丰农业".into(),
        unit_name: String::new(),
        phone: None,
    })
    .expect("profile");
    let owner = book.staff().expect("staff")[0].id;
    let fields = json!({"name": NAME, "phone": PHONE, "ownerId": owner});
    book.create_customer(&NewCustomer {
        fields: serde_json::from_value(fields).expect("fields"),
        ..Default::default()
    })
    .expect("card");
}

#[test]
fn a_new_book_holds_none_of_its_cards_text_and_opens_only_with_its_key() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.sqlite");
    let keyring = Arc::new(MemoryKeyring::default());

    let none = Book::open(&path, &Access::secrets(keyring.clone()), common::clock()).expect_err("no passphrase");
    assert_eq!(problem(&none), Some(ProblemCode::NewPassphraseNeeded));
    let weak = Book::open(&path, &Access::passphrase("12345678", keyring.clone()), common::clock()).expect_err("weak");
    assert_eq!(problem(&weak), Some(ProblemCode::PassphraseTooCommon));
    assert_eq!(store::file_kind(&path).expect("kind"), FileKind::Absent, "nothing written for a refused passphrase");

    let book = Book::open(&path, &Access::passphrase(PASSPHRASE, keyring.clone()), common::clock()).expect("new");
    add_card(&book);
    let found = book.search_customers(&fieldcrm_core::search::CustomerQuery {
        text: "丰收".into(),
        limit: 10,
        ..Default::default()
    });
    assert_eq!(found.expect("search").total, 1);
    // Searched while its pages are in the WAL and after they are in the book.
    assert!(!anywhere(&path, NAME) && !anywhere(&path, PHONE), "the card's text is in a file of the book");
    drop(book);
    assert!(!anywhere(&path, NAME) && !anywhere(&path, PHONE), "the card's text is in a file of the book");
    assert_eq!(store::file_kind(&path).expect("kind"), FileKind::Encrypted);
    assert!(!anywhere(&key_file_path(&path), PASSPHRASE), "the key file holds the passphrase");

    // The secret store opens it without asking; without it, the passphrase does.
    assert_eq!(keyring.len(), 1);
    Book::open(&path, &Access::secrets(keyring), common::clock()).expect("from the keyring");
    let asked = Book::open(&path, &Access::secrets(Arc::new(NoKeyring)), common::clock()).expect_err("asks");
    assert_eq!(problem(&asked), Some(ProblemCode::PassphraseNeeded));
    let wrong = Book::open(&path, &Access::passphrase("麦田守望-2026-秋", Arc::new(NoKeyring)), common::clock())
        .expect_err("wrong");
    assert_eq!((wrong.code, problem(&wrong)), (ErrorCode::Passphrase, Some(ProblemCode::WrongPassphrase)));
    let other_key = Book::open(&path, &common::access(), common::clock()).expect_err("another key");
    assert_eq!(problem(&other_key), Some(ProblemCode::WrongPassphrase));
    let book = Book::open(&path, &Access::passphrase(PASSPHRASE, Arc::new(NoKeyring)), common::clock()).expect("open");
    assert_eq!(book.status().expect("status").customer_count, 1);

    // A stale key in the secret store gives way to the passphrase.
    let stale = Arc::new(MemoryKeyring::default());
    let id: serde_json::Value =
        serde_json::from_slice(&std::fs::read(key_file_path(&path)).expect("key file")).expect("json");
    stale.set(id["id"].as_str().expect("id"), &[9; 32]);
    drop(book);
    Book::open(&path, &Access::passphrase(PASSPHRASE, stale.clone()), common::clock()).expect("by passphrase");
    assert_ne!(stale.get(id["id"].as_str().expect("id")).as_deref().map(Vec::as_slice), Some(&[9u8; 32][..]));
}

#[test]
fn changing_the_passphrase_reseals_the_key_and_leaves_the_book_alone() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.sqlite");
    let book = Book::open(&path, &Access::passphrase(PASSPHRASE, Arc::new(NoKeyring)), common::clock()).expect("new");
    add_card(&book);
    let _ = book.check();
    let before = std::fs::read(&path).expect("book");
    let wrong = book
        .change_passphrase(&PassphraseChange {
            old: "不是这个口令-123".into(), new: "新的口令-Field-9".into()
        })
        .expect_err("wrong old");
    assert_eq!(problem(&wrong), Some(ProblemCode::WrongPassphrase));
    let weak =
        book.change_passphrase(&PassphraseChange { old: PASSPHRASE.into(), new: "abc".into() }).expect_err("weak new");
    assert_eq!(problem(&weak), Some(ProblemCode::PassphraseTooShort));
    book.change_passphrase(&PassphraseChange { old: PASSPHRASE.into(), new: "新的口令-Field-9".into() })
        .expect("changed");
    assert_eq!(std::fs::read(&path).expect("book"), before, "the book itself is not rewritten");
    drop(book);
    let old =
        Book::open(&path, &Access::passphrase(PASSPHRASE, Arc::new(NoKeyring)), common::clock()).expect_err("old");
    assert_eq!(problem(&old), Some(ProblemCode::WrongPassphrase));
    let book = Book::open(&path, &Access::passphrase("新的口令-Field-9", Arc::new(NoKeyring)), common::clock())
        .expect("the new passphrase opens it");
    assert_eq!(book.status().expect("status").customer_count, 1);
}

#[test]
fn a_plain_book_of_the_current_schema_is_encrypted_on_its_first_open() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.sqlite");
    // What an earlier version left: a plain book of the current schema, in WAL mode, with a card
    // (an encrypted book written out unencrypted).
    {
        let made = dir.path().join("made.sqlite");
        let book = Book::open(&made, &common::access(), common::clock()).expect("book");
        add_card(&book);
        drop(book);
        let conn = common::raw(&made);
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).expect("version");
        conn.execute("ATTACH DATABASE ?1 AS plain KEY ''", [path.to_string_lossy()]).expect("attach");
        conn.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(())).expect("export");
        conn.execute_batch(&format!(
            "PRAGMA plain.user_version = {version}; PRAGMA plain.application_id = {};",
            store::APPLICATION_ID
        ))
        .expect("header");
        drop(conn);
        rusqlite::Connection::open(&path).expect("plain").pragma_update(None, "journal_mode", "WAL").expect("wal");
    }
    assert_eq!(store::file_kind(&path).expect("kind"), FileKind::Plain);
    assert!(anywhere(&path, PHONE));
    let asked = Book::open(&path, &Access::secrets(Arc::new(NoKeyring)), common::clock()).expect_err("asks");
    assert_eq!(problem(&asked), Some(ProblemCode::NewPassphraseNeeded));
    assert_eq!(store::file_kind(&path).expect("kind"), FileKind::Plain, "left as it was");

    let mut steps = vec![];
    let book =
        Book::open_reporting(&path, &Access::passphrase(PASSPHRASE, Arc::new(NoKeyring)), common::clock(), &mut |s| {
            steps.push(s)
        })
        .expect("encrypted");
    assert_eq!(steps, store::UpgradeStep::ALL);
    let found = book.search_customers(&fieldcrm_core::search::CustomerQuery {
        text: PHONE.into(),
        limit: 10,
        ..Default::default()
    });
    assert_eq!(found.expect("search").total, 1, "the card is there and found by its phone");
    drop(book);
    assert_eq!(store::file_kind(&path).expect("kind"), FileKind::Encrypted);
    assert!(!anywhere(&path, NAME) && !anywhere(&path, PHONE), "the card's text is still in a file of the book");
    for leftover in [".plain", ".encrypting"] {
        let mut name = path.as_os_str().to_owned();
        name.push(leftover);
        assert!(!Path::new(&name).exists(), "{leftover} left behind");
    }
    Book::open(&path, &Access::passphrase(PASSPHRASE, Arc::new(NoKeyring)), common::clock()).expect("reopens");
}

#[test]
fn another_programs_database_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("music.sqlite");
    let raw = rusqlite::Connection::open(&path).expect("db");
    raw.execute_batch("CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('茉莉花');").expect("songs");
    drop(raw);
    let before = std::fs::read(&path).expect("bytes");
    let refused = Book::open(&path, &Access::passphrase(PASSPHRASE, Arc::new(NoKeyring)), common::clock())
        .expect_err("not a book");
    assert_eq!(refused.code, ErrorCode::NotABook);
    assert_eq!(std::fs::read(&path).expect("bytes"), before);
    assert!(!key_file_path(&path).exists(), "no key file for a refused file");
}

/// A rep who forgot the passphrase gets a key file from head office, sealed
/// with a new one, and finds the work not yet sent.
#[test]
fn head_office_keeps_a_recovery_copy_of_each_laptops_key() {
    use fieldcrm_core::api::sync::EnrollDevice;
    use fieldcrm_core::api::{NewOrgUnit, NewProfile, NewStaff};
    use fieldcrm_core::model::{OrgUnitKind, StaffRole};

    let dir = tempfile::tempdir().expect("dir");
    let office_access = Access::passphrase("总部的口令-2026-HQ", Arc::new(NoKeyring));
    let office = Book::open(&dir.path().join("office.sqlite"), &office_access, common::clock()).expect("office");
    let profile = office
        .create_profile(&NewProfile {
            name: "赵总".into(),
            role: StaffRole::HeadOffice,
            company_name: "华丰农业".into(),
            unit_name: String::new(),
            phone: None,
        })
        .expect("profile");
    let territory = office
        .add_org_unit(&NewOrgUnit {
            parent_id: Some(profile.org_unit_id),
            kind: OrgUnitKind::Territory,
            name: "寿光片区".into(),
            code: None,
        })
        .expect("territory");
    let rep = office
        .add_staff(&NewStaff {
            name: "王强".into(),
            role: StaffRole::Rep,
            org_unit_id: territory.id,
            phone: None,
            regions: None,
        })
        .expect("rep");

    let laptop_path = dir.path().join("laptop.sqlite");
    let laptop = Book::open(&laptop_path, &Access::passphrase(PASSPHRASE, Arc::new(NoKeyring)), common::clock())
        .expect("laptop");
    let device = laptop.device().expect("device");
    office
        .enroll_device(&EnrollDevice {
            staff_id: rep.id.to_string(),
            device_id: device.device_id.clone(),
            public_key: device.public_key.clone(),
            name: None,
        })
        .expect("enroll");
    let first = office.sync_export_bytes(Some(&device.device_id)).expect("first file");
    let fingerprint = office.device().expect("office").fingerprint;
    laptop.sync_import_bytes(&first, Some(&fingerprint), &mut |_| {}).expect("join");

    let out = dir.path().join("recovered.key");
    let none = office.write_recovery_key(&device.device_id, "新口令-Recovery-1", &out).expect_err("no copy yet");
    assert_eq!(none.code, ErrorCode::NotFound);
    laptop
        .create_customer(&fieldcrm_core::api::NewCustomer {
            fields: serde_json::from_value(json!({"name": NAME, "phone": PHONE})).expect("fields"),
            ..Default::default()
        })
        .expect("a card");
    let upload = laptop.sync_export_bytes(None).expect("upload");
    office.sync_import_bytes(&upload, None, &mut |_| {}).expect("merged");
    // Unsent work after the last file, then the passphrase is forgotten.
    laptop
        .create_customer(&fieldcrm_core::api::NewCustomer {
            fields: serde_json::from_value(json!({"name": "未发送的新客户"})).expect("fields"),
            ..Default::default()
        })
        .expect("unsent card");
    drop(laptop);

    let weak = office.write_recovery_key(&device.device_id, "123", &out).expect_err("weak");
    assert_eq!(problem(&weak), Some(ProblemCode::PassphraseTooShort));
    office.write_recovery_key(&device.device_id, "新口令-Recovery-1", &out).expect("recovery key file");
    std::fs::copy(&out, key_file_path(&laptop_path)).expect("put beside the book");
    let recovered =
        Book::open(&laptop_path, &Access::passphrase("新口令-Recovery-1", Arc::new(NoKeyring)), common::clock())
            .expect("the new passphrase opens the laptop's book");
    assert_eq!(recovered.status().expect("status").customer_count, 2, "the unsent card is there");
    // Only head office keeps copies.
    let refused = recovered.write_recovery_key(&device.device_id, "新口令-Recovery-2", &out).expect_err("a laptop");
    assert_eq!(refused.code, ErrorCode::Forbidden);
}
