//! Printing results and errors, shared by the two command-line programs:
//! `fieldcrm` (this crate) and `fieldcrm-bench`, which includes this file.
//! JSON with `--json`, otherwise plain text; the exit code of an error.

use std::process::ExitCode;

use fieldcrm_core::{ApiError, ErrorCode};
use serde::Serialize;

/// Prints a line on standard output, like `println!`, except that a reader
/// that went away (`fieldcrm … | head`) ends the program quietly, as a closed
/// pipe ends any command-line tool, instead of with a panic.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::terminal::line(format_args!($($arg)*))
    };
}

pub fn line(text: std::fmt::Arguments<'_>) {
    use std::io::Write;
    if let Err(e) = writeln!(std::io::stdout().lock(), "{text}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write the output: {e}");
        std::process::exit(1);
    }
}

pub fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => outln!("{text}"),
        Err(e) => eprintln!("error: cannot print the result as JSON: {e}"),
    }
}

pub fn show<T: Serialize>(value: &T, json: bool, text: impl FnOnce(&T) -> String) {
    if json {
        print_json(value);
    } else {
        outln!("{}", text(value));
    }
}

/// Prints an error on standard error and says how the program exits:
/// 2 for input the book refuses, 3 for an edit that met another, 4 for a
/// refused changeset file, 1 for anything else.
pub fn fail(error: &ApiError, json: bool) -> ExitCode {
    if json {
        let text = serde_json::to_string(error).unwrap_or_else(|_| error.message.clone());
        eprintln!("{text}");
    } else {
        eprintln!("error: {}", error.message);
        for problem in error.problems.iter().filter(|p| p.message != error.message) {
            eprintln!("  {}: {}", problem.field, problem.message);
        }
    }
    ExitCode::from(match error.code {
        ErrorCode::Invalid
        | ErrorCode::NotFound
        | ErrorCode::NoProfile
        | ErrorCode::ProfileExists
        | ErrorCode::Forbidden => 2,
        ErrorCode::EditConflict => 3,
        ErrorCode::SyncRefused => 4,
        _ => 1,
    })
}
