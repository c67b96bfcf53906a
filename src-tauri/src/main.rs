//! fieldcrm's desktop app. The shell only opens the book, holds it for the
//! window, and forwards each command to the core's command table (`commands.rs`); everything
//! else lives in fieldcrm-core.
//!
//! The book is the app data directory's `book.sqlite`, or `FIELDCRM_DB` if set.
//! A second app on the same book is refused: the first holds its lock. The
//! book opens through its door ([`fieldcrm_core::api::door`]): by the key the
//! operating system's secret store holds, else by the passphrase the first
//! screen asks for (or `FIELDCRM_PASSPHRASE`, for scripted starts such as
//! the start-up benchmark). `FIELDCRM_NO_KEYRING=1` leaves the secret store
//! alone (tests).
//! `FIELDCRM_MEASURE_STARTUP=1` prints how long the window took to show the
//! customer list and quits (the start-up benchmark).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use fieldcrm_core::api::door::{Door, DoorStage, NewPassphrase, Passphrase};
use fieldcrm_core::store::BookLock;
use fieldcrm_core::vault::{NoKeyring, OsKeyring, SecretStore};
use fieldcrm_core::SystemClock;
use tauri::Manager;

/// The built UI this binary embeds (see build.rs): a new UI build recompiles the app.
const _UI_STAMP: &str = env!("FIELDCRM_UI_STAMP");

/// The book's door: the open book, or what it needs to open, or why it cannot (shown by the UI).
pub struct AppState {
    pub door: Door,
    pub started: Instant,
    _lock: Option<BookLock>,
}

fn open(path: &std::path::Path) -> (Door, Option<BookLock>) {
    let secrets: Arc<dyn SecretStore> = match std::env::var("FIELDCRM_NO_KEYRING") {
        Ok(off) if !off.is_empty() && off != "0" && off != "false" => Arc::new(NoKeyring),
        _ => Arc::new(OsKeyring),
    };
    let clock = Arc::new(SystemClock);
    let lock = match BookLock::acquire(path) {
        Ok(lock) => lock,
        Err(e) => return (Door::failed(path, e.into(), secrets, clock), None),
    };
    let door = Door::new(path, secrets, clock);
    // Scripted starts (the start-up benchmark) give the passphrase as the CLI takes it.
    if let Some(passphrase) = std::env::var("FIELDCRM_PASSPHRASE").ok().filter(|p| !p.is_empty()) {
        let _ = match door.state().stage {
            DoorStage::Passphrase => door.unlock(&Passphrase { passphrase }),
            DoorStage::NewPassphrase => door.create(&NewPassphrase { again: passphrase.clone(), passphrase }),
            _ => Ok(door.state()),
        };
    }
    (door, Some(lock))
}

/// Rust's allocations from mimalloc; SQLite's too, from the start of `main`.
#[global_allocator]
static ALLOCATOR: fieldcrm_alloc::MiMalloc = fieldcrm_alloc::MiMalloc;

fn main() {
    // Before anything opens a book (SQLite keeps its allocator once started).
    fieldcrm_alloc::sqlite_uses_mimalloc();
    fieldcrm_alloc::sqlite_counts_no_memory();
    let started = Instant::now();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            let path = match std::env::var_os("FIELDCRM_DB") {
                Some(path) => PathBuf::from(path),
                None => app.path().app_data_dir()?.join(fieldcrm_core::BOOK_FILE),
            };
            let (door, lock) = open(&path);
            if let Some(error) = door.state().error {
                eprintln!("fieldcrm: {}", error.message);
            }
            app.manage(AppState { door, started, _lock: lock });
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("fieldcrm could not start: {error}");
        std::process::exit(1);
    }
}
