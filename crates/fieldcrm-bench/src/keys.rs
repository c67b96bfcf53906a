//! The benchmarks' books are encrypted like every book: sealed with the
//! passphrase `FIELDCRM_PASSPHRASE` (a fixed one when unset), never kept in
//! the operating system's secret store. A plain book from before encryption
//! is encrypted in place on its first open here, as the app would.

use std::path::Path;
use std::sync::Arc;

use fieldcrm_core::api::Access;
use fieldcrm_core::vault::{key_file_path, NoKeyring};
use fieldcrm_core::{ApiError, Book, SystemClock};

pub const DEFAULT_PASSPHRASE: &str = "bench-口令-2026";

pub fn passphrase() -> String {
    std::env::var("FIELDCRM_PASSPHRASE").ok().filter(|p| !p.is_empty()).unwrap_or_else(|| DEFAULT_PASSPHRASE.into())
}

pub fn access() -> Access {
    Access::passphrase(&passphrase(), Arc::new(NoKeyring))
}

/// The book at `path`, opened (created, encrypted) with the benchmarks' passphrase.
pub fn open(path: &Path) -> Result<Book, ApiError> {
    Book::open(path, &access(), Arc::new(SystemClock))
}

/// A copy of the book at `base` at `path`, with its key file when it has one.
pub fn copy(base: &Path, path: &Path) -> Result<(), ApiError> {
    let failed = |e: std::io::Error| crate::sync_bench::io(format!("cannot copy {}: {e}", base.display()));
    std::fs::copy(base, path).map_err(failed)?;
    if key_file_path(base).exists() {
        std::fs::copy(key_file_path(base), key_file_path(path)).map_err(failed)?;
    }
    Ok(())
}

/// The book file as SQLite sees it (for the benchmarks that seed rows below the facade).
pub fn raw(path: &Path) -> Result<rusqlite::Connection, ApiError> {
    Ok(fieldcrm_core::store::open_raw(path, &key(path)?)?)
}

/// The key of the book at `path`, from its key file.
pub fn key(path: &Path) -> Result<fieldcrm_core::vault::BookKey, ApiError> {
    Ok(fieldcrm_core::vault::key_from_file(path, &passphrase())?)
}
