//! Running the `fieldcrm` binary from tests.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

pub fn fieldcrm(book: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fieldcrm"))
        .arg("--db")
        .arg(book)
        .args(args)
        .env_remove("FIELDCRM_DB")
        .output()
        .expect("run fieldcrm")
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
    Command::new(env!("CARGO_BIN_EXE_fieldcrm"))
        .arg("--db")
        .arg(book)
        .args(args)
        .env_remove("FIELDCRM_DB")
        .envs(env.iter().copied())
        .output()
        .expect("run fieldcrm")
}
