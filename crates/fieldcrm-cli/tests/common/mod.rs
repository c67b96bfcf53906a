//! Running the `fieldcrm` binary from tests.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// The passphrase of every book these tests make (never a user's book).
pub const PASSPHRASE: &str = "测试口令-field-2026";

/// `fieldcrm --db <book>`, with the tests' passphrase and without the
/// operating system's secret store (tests never write to the user's keyring).
pub fn command(book: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fieldcrm"));
    command
        .arg("--db")
        .arg(book)
        .env_remove("FIELDCRM_DB")
        .env("FIELDCRM_PASSPHRASE", PASSPHRASE)
        .env("FIELDCRM_NO_KEYRING", "1");
    command
}

/// The book file as SQLite sees it, opened with the key its key file seals with [`PASSPHRASE`].
pub fn raw(book: &Path) -> rusqlite::Connection {
    let key =
        fieldcrm_core::vault::key_from_file(book, PASSPHRASE).expect("the key file, sealed with the tests' passphrase");
    fieldcrm_core::store::open_raw(book, &key).expect("raw")
}

pub fn fieldcrm(book: &Path, args: &[&str]) -> Output {
    command(book).args(args).output().expect("run fieldcrm")
}

/// Runs with `--json`, asserts success, returns the output.
pub fn ok_json(book: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = fieldcrm(book, &all);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

/// Runs with the environment variables `env` set (the process's time zone, say).
pub fn fieldcrm_with(book: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    command(book).args(args).envs(env.iter().copied()).output().expect("run fieldcrm")
}
