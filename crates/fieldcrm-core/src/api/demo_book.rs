//! The demo book in the settings: whether this book is one (the demo marks the
//! book it fills, see [`demo::recorded`]) and rebuilding it as it was first made.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::{in_transaction, open_connection, open_connection_in_memory, ApiResult, Book};
use crate::demo::{self, DemoOptions, DemoSummary};
use crate::error::{Error, ProblemCode, Result};
use crate::store;

/// What a rebuilt demo keeps of this laptop: the profile's language and the
/// device-local settings (stale days, the sync folder …).
struct Kept {
    language: Option<String>,
    settings: Vec<(String, String)>,
}

fn kept(conn: &Connection) -> Result<Kept> {
    let language =
        rusqlite::OptionalExtension::optional(conn.query_row("SELECT language FROM local_profile", [], |r| r.get(0)))?;
    let settings = conn
        .prepare("SELECT key, value FROM local_setting ORDER BY key")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Kept { language, settings })
}

fn not_demo() -> Error {
    Error::invalid(
        "book",
        ProblemCode::NotDemoBook,
        "this book is not a demo book: only a demo book is rebuilt, a book of your own data is never reset",
    )
}

/// The scratch book a demo is rebuilt in, beside the book (`<book>.demo-reset`).
fn scratch_path(book: &str) -> PathBuf {
    PathBuf::from(format!("{book}.demo-reset"))
}

fn remove_scratch(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

/// Copies every page of `from` over the book of `to` in one step: readers of
/// `to` see the old book or the new one, never a mixture.
fn copy_over(from: &Connection, to: &mut Connection) -> Result<()> {
    let backup = rusqlite::backup::Backup::new(from, to)?;
    // A reader's checkpoint or a read transaction may hold the book for a moment.
    for _ in 0..200 {
        match backup.step(-1)? {
            rusqlite::backup::StepResult::Done => return Ok(()),
            _ => std::thread::sleep(std::time::Duration::from_millis(25)),
        }
    }
    Err(Error::Sqlite(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY), None)))
}

impl Book {
    /// The options this book's demo was built from; None for a book of real data.
    pub fn demo_book(&self) -> ApiResult<Option<DemoOptions>> {
        self.read(demo::recorded)
    }

    /// Rebuilds a demo book from scratch: the same number of customers and the
    /// same seed, as of the day it was made as of when one was given, else as
    /// of today. This laptop's language and settings stay. A book that is not
    /// a demo book is refused (`invalid`, problem `not_demo_book`): real data
    /// is never reset.
    ///
    /// The new demo is built in a scratch book beside this one (in memory for
    /// an in-memory book) and then copied over this book's pages in one step,
    /// through the book's own connection: the app keeps its connection, its
    /// lock and its readers, which see the new demo at their next read. If
    /// anything fails before the copy, the book is as it was.
    pub fn reset_demo(&self) -> ApiResult<DemoSummary> {
        let Some(options) = self.demo_book()? else {
            return Err(self.public(not_demo()));
        };
        let kept = self.read(kept)?;
        let now = self.clock.now();
        let scratch = (self.path != ":memory:").then(|| scratch_path(&self.path));
        let built = (|| -> Result<(Connection, DemoSummary)> {
            let mut fresh = match &scratch {
                Some(path) => {
                    remove_scratch(path);
                    open_connection(path, self.file_key().map_err(|e| Error::Io(std::io::Error::other(e)))?)?
                }
                None => open_connection_in_memory()?,
            };
            let summary = store::with_rollback_journal(&mut fresh, |conn| {
                in_transaction(conn, self.clock.as_ref(), |tx| {
                    crate::changes::capture::set_capture(tx, false)?;
                    let summary = demo::generate(tx, &options, now)?;
                    if let Some(language) = &kept.language {
                        crate::org::set_language(tx, language)?;
                    }
                    let mut keep = tx.prepare(
                        "INSERT INTO local_setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
                    )?;
                    for (key, value) in &kept.settings {
                        keep.execute([key, value])?;
                    }
                    crate::changes::capture::set_capture(tx, true)?;
                    Ok(summary)
                })
            })?;
            Ok((fresh, summary))
        })();
        let out = built.and_then(|(fresh, summary)| {
            let mut conn = self.lock();
            // Asked again under the writer's lock: nothing may have made it a real book meanwhile.
            if demo::recorded(&conn)?.is_none() {
                return Err(not_demo());
            }
            self.readers.lock().unwrap_or_else(|e| e.into_inner()).clear();
            *self.kept_import.lock().unwrap_or_else(|e| e.into_inner()) = None;
            copy_over(&fresh, &mut conn)?;
            // The old pages went through the WAL: give the file its new size back.
            let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
            Ok(summary)
        });
        if let Some(path) = &scratch {
            remove_scratch(path);
        }
        out.map_err(|e| self.public(e))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{TimeZone, Utc};

    use crate::api::NewProfile;
    use crate::demo::DemoOptions;
    use crate::error::{ErrorCode, ProblemCode};
    use crate::model::StaffRole;
    use crate::{Book, FixedClock};

    fn clock() -> Arc<FixedClock> {
        Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).single().expect("time")))
    }

    #[test]
    fn a_book_of_real_data_is_never_reset() {
        let book = Book::open_in_memory(clock()).expect("book");
        book.create_profile(&NewProfile {
            name: "王磊".into(),
            role: StaffRole::Rep,
            company_name: "华丰农业".into(),
            unit_name: "寿光片区".into(),
            phone: None,
        })
        .expect("profile");
        assert_eq!(book.demo_book().expect("asked"), None, "a book set up by hand is no demo book");
        let refused = book.reset_demo().expect_err("refused");
        assert_eq!(refused.code, ErrorCode::Invalid);
        assert_eq!(refused.problems[0].code, ProblemCode::NotDemoBook);
        assert_eq!(book.status().expect("status").profile.map(|p| p.name).as_deref(), Some("王磊"), "nothing changed");
    }

    #[test]
    fn a_demo_book_is_rebuilt_as_it_was_made_keeping_the_language() {
        let book = Book::open_in_memory(clock()).expect("book");
        let options = DemoOptions { customers: 40, seed: 9, as_of: Some("2026-11-20".into()) };
        let first = book.load_demo(&options).expect("demo");
        assert_eq!(book.demo_book().expect("asked"), Some(options.clone()), "the demo marks its book");
        book.set_language("en").expect("language");
        let names = |b: &Book| -> Vec<String> {
            b.search_customers(&Default::default()).expect("list").rows.into_iter().map(|r| r.name).collect()
        };
        let before = names(&book);
        let again = book.reset_demo().expect("reset");
        assert_eq!(again, first, "the same size and seed give the same demo");
        assert_eq!(names(&book), before);
        let status = book.status().expect("status");
        assert_eq!(status.profile.map(|p| p.language).as_deref(), Some("en"), "the laptop's language stays");
        assert_eq!(book.demo_book().expect("asked"), Some(options), "still a demo book");
    }
}
