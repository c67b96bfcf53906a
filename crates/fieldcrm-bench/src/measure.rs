//! What the benchmarks share: the statistics of a set of timings, and a new
//! book to measure on (a temporary one unless a path is given).

use std::path::{Path, PathBuf};
use std::time::Duration;

use fieldcrm_core::{ApiError, ErrorCode};

pub fn p95(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[(samples.len() * 95).div_ceil(100).saturating_sub(1).min(samples.len() - 1)]
}

pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn invalid(message: String) -> ApiError {
    ApiError::new(ErrorCode::Invalid, message)
}

/// Runs `measure` on a book that does not exist yet: at `given` (kept), or in a
/// temporary folder named after the bench (removed afterwards).
pub fn in_new_book<T>(
    given: Option<&PathBuf>,
    name: &str,
    measure: impl FnOnce(&Path) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let dir = std::env::temp_dir().join(format!("fieldcrm-bench-{name}-{}", std::process::id()));
    let path = given.cloned().unwrap_or_else(|| dir.join("bench.sqlite"));
    if path.exists() {
        return Err(invalid(format!(
            "{} exists; the bench builds a new book, give another --book path",
            path.display()
        )));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| invalid(format!("cannot create {}: {e}", parent.display())))?;
    }
    let result = measure(&path);
    if given.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}
