//! The commands the UI invokes: `door` (the first screen: the book's
//! passphrase) and `call`, with a command's name and its arguments, which
//! runs [`fieldcrm_core::api::commands::dispatch`] — the same table the UI's
//! tests run against over HTTP — on a thread meant for blocking work,
//! so a long import, merge or analysis leaves the async runtime's workers (and
//! the window) free. Progress goes to the webview as events (`sync-progress`,
//! `import-progress`).

use fieldcrm_core::api::commands::{self, Event, Host};
use fieldcrm_core::ApiError;
use serde_json::Value;
use tauri::{AppHandle, Emitter, Manager};

use crate::AppState;

/// The window's side of a command: its events go to the webview.
struct Window<'a> {
    app: &'a AppHandle,
}

impl Host for Window<'_> {
    fn emit(&self, event: Event) {
        // A lost progress event only leaves the bar behind; the command goes on.
        let _ = self.app.emit(event.name(), event);
    }

    /// With `FIELDCRM_MEASURE_STARTUP=1` the app prints the time since start and quits.
    fn ready(&self) {
        if std::env::var_os("FIELDCRM_MEASURE_STARTUP").is_some() {
            let started = self.app.state::<AppState>().started;
            println!("startup_ms {:.1}", started.elapsed().as_secs_f64() * 1000.0);
            self.app.exit(0);
        }
    }

    fn measuring(&self) -> Option<String> {
        std::env::var("FIELDCRM_MEASURE").ok().filter(|m| !m.is_empty())
    }

    /// Prints `<name>_ms <ms>` and quits (the measurements of `make bench`).
    fn measured(&self, name: &str, ms: f64) {
        if self.measuring().is_some() {
            let started = self.app.state::<AppState>().started;
            eprintln!("measured at {:.0} ms", started.elapsed().as_secs_f64() * 1000.0);
            println!("{name}_ms {ms:.1}");
            self.app.exit(0);
        }
    }
}

#[tauri::command]
async fn call(app: AppHandle, command: String, args: Value) -> Result<Value, ApiError> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let book = state.door.book()?;
        let window = Window { app: &app };
        // While measuring, each command's time in the core goes to stderr:
        // when it started and ended, in ms since the app started.
        let since = |at: std::time::Instant| (at - state.started).as_secs_f64() * 1000.0;
        let started = window.measuring().is_some().then(std::time::Instant::now);
        let answer = commands::dispatch(&book, &window, &command, args);
        if let Some(started) = started {
            eprintln!("command {command} {:.0}–{:.0} ms", since(started), since(std::time::Instant::now()));
        }
        answer
    })
    .await
    .map_err(|e| ApiError::internal(format!("the command stopped: {e}")))?
}

/// The book's door: `state`, `strength`, `create`, `unlock` (the first screen).
#[tauri::command]
async fn door(app: AppHandle, command: String, args: Value) -> Result<Value, ApiError> {
    // Unlocking derives the key from the passphrase (tens of milliseconds) and
    // may encrypt a plain book in place (minutes for a large one).
    tauri::async_runtime::spawn_blocking(move || app.state::<AppState>().door.dispatch(&command, args))
        .await
        .map_err(|e| ApiError::internal(format!("the command stopped: {e}")))?
}

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![call, door]
}
