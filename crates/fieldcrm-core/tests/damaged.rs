//! A damaged book is reported as damaged, with what to do, and is not written to.

mod common;

use std::io::{Seek, SeekFrom, Write};

use fieldcrm_core::demo::DemoOptions;
use fieldcrm_core::{Book, ErrorCode};

#[test]
fn a_book_with_overwritten_pages_is_reported_as_damaged() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.sqlite");
    let book = Book::open(&path, &common::access(), common::clock()).expect("book");
    book.load_demo(&DemoOptions { customers: 300, seed: 5, as_of: Some("2026-11-22".into()) }).expect("demo");
    drop(book);
    // Fold the WAL into the main file, then overwrite pages in the middle of it.
    common::raw(&path).pragma_update(None, "wal_checkpoint", "TRUNCATE").expect("checkpoint");
    let len = std::fs::metadata(&path).expect("meta").len();
    let mut file = std::fs::OpenOptions::new().write(true).open(&path).expect("file");
    file.seek(SeekFrom::Start(len / 2)).expect("seek");
    file.write_all(&vec![0xA5; 64 * 1024]).expect("garbage");
    drop(file);
    let damaged = std::fs::read(&path).expect("bytes");

    let outcome = Book::open(&path, &common::access(), common::clock()).and_then(|book| book.check());
    let error = outcome.expect_err("a damaged book must not pass as sound");
    assert_eq!(error.code, ErrorCode::Corrupt, "{error:?}");
    assert!(error.message.contains("backup"), "the message says what to do: {}", error.message);
    assert_eq!(std::fs::read(&path).expect("bytes"), damaged, "checking did not write to the damaged file");
}
