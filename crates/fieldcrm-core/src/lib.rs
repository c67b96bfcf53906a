//! fieldcrm's core: the domain (archive cards, organisation), the local store
//! (one SQLite file per book), search, the demo generator, and [`api::Book`] —
//! the one facade that the desktop shell and the CLI both call. Nothing here
//! knows about Tauri or the terminal.
//!
//! Where things go:
//! - a table: a migration in `schema/` (see [`store`]), then a domain module
//!   that writes with a `&Transaction` and reads with a `&Connection`;
//! - a card field: [`card::fields`] (one line) plus its UI labels;
//! - an operation users can run: a method on [`api::Book`], one line for it in
//!   the command table ([`api::commands`], which the desktop shell and the UI's
//!   tests dispatch through), and a CLI subcommand;
//! - a type the UI sees: derive `ts_rs::TS` and list it in [`bindings`].

pub mod api;
pub mod approval;
pub mod bindings;
pub mod card;
pub mod changes;
pub mod clock;
pub mod codes;
pub mod demo;
pub mod divisions;
pub mod error;
pub mod fieldwork;
pub mod grades;
pub mod handover;
pub mod ids;
pub mod import;
pub mod model;
pub mod money;
pub mod month_end;
pub mod org;
pub mod plans;
pub mod routes;
pub mod sales;
pub mod search;
pub mod service;
pub mod store;
pub mod sync;
pub mod targets;
pub mod text;
pub mod vault;
pub mod xlsx;

pub use api::{ApiResult, Book};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{ApiError, ErrorCode};

/// The desktop app's identifier; its data directory (and so the default book)
/// is named after it on every platform.
pub const APP_IDENTIFIER: &str = "com.fieldcrm.desktop";
/// File name of the default book inside the app's data directory.
pub const BOOK_FILE: &str = "book.sqlite";
