//! fieldcrm's desktop app. The shell only opens the book, holds it for the
//! window, and forwards each command to the core's command table (`commands.rs`); everything
//! else lives in fieldcrm-core.
//!
//! The book is the app data directory's `book.sqlite`, or `FIELDCRM_DB` if set.
//! A second app on the same book is refused: the first holds its lock.
//! `FIELDCRM_MEASURE_STARTUP=1` prints how long the window took to show the
//! customer list and quits (the start-up benchmark).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use fieldcrm_core::store::BookLock;
use fieldcrm_core::{ApiError, Book, SystemClock};
use tauri::Manager;

/// The built UI this binary embeds (see build.rs): a new UI build recompiles the app.
const _UI_STAMP: &str = env!("FIELDCRM_UI_STAMP");

/// The open book, or why it could not be opened (shown by the UI).
pub struct AppState {
    pub book: Result<Book, ApiError>,
    pub started: Instant,
    _lock: Option<BookLock>,
}

fn open(path: &std::path::Path) -> (Result<Book, ApiError>, Option<BookLock>) {
    let lock = match BookLock::acquire(path) {
        Ok(lock) => lock,
        Err(e) => return (Err(e.into()), None),
    };
    (Book::open(path, Arc::new(SystemClock)), Some(lock))
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
            let (book, lock) = open(&path);
            if let Err(error) = &book {
                eprintln!("fieldcrm: {}", error.message);
            }
            app.manage(AppState { book, started, _lock: lock });
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("fieldcrm could not start: {error}");
        std::process::exit(1);
    }
}
