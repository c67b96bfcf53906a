//! The book's passphrase from the command line, and the upgrade of a plain
//! book to an encrypted one surviving a real process killed at every step.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

mod common;

use common::{fieldcrm, ok_json, PASSPHRASE};

const NAME: &str = "华星农业";
const PHONE: &str = "13812345678";

/// A book of version 1 (before encryption), as the first release wrote it.
fn plain_v1_book(path: &Path) {
    let conn = rusqlite::Connection::open(path).expect("create");
    conn.execute_batch(include_str!("../../fieldcrm-core/tests/fixtures/book_v1.sql")).expect("fixture");
    conn.pragma_update(None, "journal_mode", "WAL").expect("wal");
}

fn holds(path: &Path, needle: &str) -> bool {
    let bytes = std::fs::read(path).unwrap_or_default();
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn first_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("book").into_iter().take(16).collect()
}

/// Killed after any step of the upgrade, the book still opens — plain
/// before the swap, encrypted after — and the next run finishes the job.
#[test]
fn an_upgrade_killed_at_any_step_leaves_a_book_that_opens() {
    for step in ["exported", "verified", "key-written", "linked", "swapped", "wiped"] {
        let dir = tempfile::tempdir().expect("dir");
        let book = dir.path().join("book.sqlite");
        plain_v1_book(&book);
        assert!(holds(&book, PHONE) || holds(&dir.path().join("book.sqlite-wal"), PHONE));

        let mut child = common::command(&book)
            .args(["status"])
            .env("FIELDCRM_UPGRADE_HOLD", step)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let held = format!("holding after {step}");
        loop {
            let line = lines.next().expect("the upgrade holds before it ends").expect("line");
            if line == held {
                break;
            }
        }
        child.kill().expect("kill");
        child.wait().expect("reaped");

        let swapped = matches!(step, "swapped" | "wiped");
        assert_eq!(first_bytes(&book) == b"SQLite format 3\0", !swapped, "after {step}");
        let status = ok_json(&book, &["status"]);
        assert_eq!(status["customerCount"], 2, "after {step}: {status}");
        let found = ok_json(&book, &["customer", "search", PHONE]);
        assert_eq!(found["total"], 1, "after {step}");
        assert_ne!(first_bytes(&book), b"SQLite format 3\0", "after {step}: encrypted now");
        for file in std::fs::read_dir(dir.path()).expect("dir") {
            let file = file.expect("entry").path();
            assert!(
                !holds(&file, NAME) && !holds(&file, PHONE),
                "after {step}: {} holds the card's text",
                file.display()
            );
        }
    }
}

#[test]
fn the_passphrase_comes_from_a_file_or_the_environment_and_a_wrong_one_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let book = dir.path().join("book.sqlite");
    // No passphrase and no terminal to type it: says how to give it, writes nothing.
    let out = common::command(&book).env_remove("FIELDCRM_PASSPHRASE").args(["status"]).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("--passphrase-file") && said.contains("FIELDCRM_PASSPHRASE"), "{said}");
    assert!(!book.exists());

    let file = dir.path().join("passphrase.txt");
    std::fs::write(&file, format!("{PASSPHRASE}\r\n")).expect("file");
    let out = common::command(&book)
        .env_remove("FIELDCRM_PASSPHRASE")
        .args(["--json", "--passphrase-file", file.to_str().expect("utf8"), "init"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(ok_json(&book, &["status"])["customerCount"], 0, "the environment's passphrase is the file's");

    let out =
        common::command(&book).env("FIELDCRM_PASSPHRASE", "别的口令-2026-xyz").args(["status"]).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("passphrase is not this book's"));

    // A weak new passphrase is refused; a good one works and the old one no longer does.
    let weak = dir.path().join("weak.txt");
    std::fs::write(&weak, "12345678\n").expect("file");
    let out = fieldcrm(&book, &["passphrase", "change", "--new-passphrase-file", weak.to_str().expect("utf8")]);
    assert_eq!(out.status.code(), Some(1));
    let strong = dir.path().join("strong.txt");
    std::fs::write(&strong, "新的口令-Field-9\n").expect("file");
    let out = fieldcrm(&book, &["passphrase", "change", "--new-passphrase-file", strong.to_str().expect("utf8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fieldcrm(&book, &["status"]).status.code(), Some(1), "the old passphrase no longer opens it");
    let out =
        common::command(&book).env("FIELDCRM_PASSPHRASE", "新的口令-Field-9").args(["status"]).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
