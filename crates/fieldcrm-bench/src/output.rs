//! How the benchmarks print: JSON with `--json`, otherwise plain text (the
//! few pieces of the CLI's `output.rs` they need).

use fieldcrm_core::ApiError;
use serde::Serialize;

/// Prints a line on standard output, like `println!`, except that a reader
/// that went away (`fieldcrm-bench … | head`) ends the program quietly
/// instead of with a panic.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::line(format_args!($($arg)*))
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

pub fn error(error: &ApiError, json: bool) {
    if json {
        let text = serde_json::to_string(error).unwrap_or_else(|_| error.message.clone());
        eprintln!("{text}");
        return;
    }
    eprintln!("error: {}", error.message);
    for problem in &error.problems {
        eprintln!("  {}: {}", problem.field, problem.message);
    }
}
