//! Every connection keeps a page cache of its own.
//!
//! A book is read through a pool of reader connections, each with a large
//! cache, beside one writer. SQLite built with `SQLITE_ENABLE_MEMORY_MANAGEMENT`
//! (libsqlite3-sys's bundled default) puts all of a process's caches in one
//! shared group instead: after the writer committed a change larger than its
//! own cache, readers dropped every page as soon as a statement let go of it,
//! and read (and decrypted) the same pages again on every run — the orders
//! review queue took 800 ms instead of 25. `.cargo/config.toml` builds SQLite
//! without it; this test fails if that setting is lost.

use rusqlite::{ffi, Connection};

/// The pages `conn` has read from the file (or the log) since it opened.
fn misses(conn: &Connection) -> i32 {
    let (mut current, mut highest) = (0, 0);
    // SAFETY: the handle is the open connection's; sqlite3_db_status writes
    // two ints and resets nothing (last argument 0).
    let rc = unsafe {
        ffi::sqlite3_db_status(conn.handle(), ffi::SQLITE_DBSTATUS_CACHE_MISS, &mut current, &mut highest, 0)
    };
    assert_eq!(rc, ffi::SQLITE_OK);
    current
}

fn scan(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT sum(length(body)) FROM {table}"), [], |r| r.get(0)).expect("scan")
}

#[test]
fn a_reader_keeps_its_pages_after_a_write_larger_than_the_writers_cache() {
    let dir = std::env::temp_dir().join(format!("fieldcrm-page-cache-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("book.sqlite");
    let writer = Connection::open(&path).expect("writer");
    writer
        .execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA cache_size = -2000;
             CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT);
             CREATE TABLE u (id INTEGER PRIMARY KEY, body TEXT);
             CREATE TABLE small (id INTEGER PRIMARY KEY, body TEXT);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
             INSERT INTO t (body) SELECT printf('%.400c', 'x') FROM n;
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
             INSERT INTO small (body) SELECT printf('%.400c', 's') FROM n;",
        )
        .expect("fill");
    let readers: Vec<Connection> = (0..3)
        .map(|_| {
            let reader = Connection::open(&path).expect("reader");
            reader.execute_batch("PRAGMA cache_size = -4000;").expect("cache");
            reader
        })
        .collect();
    // Every reader's cache full: the table is twice its size.
    for reader in &readers {
        scan(reader, "t");
    }
    // The writer changes far more than its own 2 MB cache holds.
    writer
        .execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000)
             INSERT INTO u (body) SELECT printf('%.400c', 'y') FROM n;",
        )
        .expect("write");
    let reader = &readers[0];
    let total = scan(reader, "small");
    assert_eq!(total, 1_000 * 400);
    let before = misses(reader);
    // The same scan of a table far smaller than the cache again, the book
    // unchanged: every page from the cache.
    assert_eq!(scan(reader, "small"), total);
    assert_eq!(misses(reader) - before, 0, "the reader read its pages again");
    drop((readers, writer));
    std::fs::remove_dir_all(&dir).expect("clean up");
}
