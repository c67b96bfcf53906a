//! `fieldcrm-testserver`: the real core's command table over HTTP/JSON on
//! 127.0.0.1, for the UI's tests (and a plain-browser preview). It is built
//! for development and tests only; the app never contains it.
//!
//! It prints `listening http://127.0.0.1:PORT` (a port the OS picked) and serves
//! - `POST /call/{book}/{command}` — the body is the command's arguments; the
//!   reply is `{"ok": result, "events": [...]}` or `{"error": ApiError, "events": [...]}`,
//!   exactly what [`fieldcrm_core::api::commands::dispatch`] answered, with the
//!   progress events it emitted on the way;
//! - `POST /door/{book}/{command}` — the book's door (the first screen:
//!   `state`, `strength`, `create`, `unlock`), for books made by the `door` fixture;
//! - `POST /fixture/{name}` — builds test data through the real facade (a small
//!   organisation of real books that exchange real changeset files, sales
//!   lines imported from real spreadsheets …); see [`fixtures`].
//!
//! Every book lives in a temporary folder of its own and runs on a fixed clock
//! that moves one second per command, so tests are repeatable and never touch
//! the user's data. The server stops when its standard input closes (the test
//! runner that started it went away) or on `POST /stop`.

mod fixtures;
mod world;

use std::io::Read;
use std::sync::{Arc, Mutex};

use fieldcrm_core::api::commands::{self, Event, Host};
use fieldcrm_core::api::door::{self, DoorStage, DoorState};
use fieldcrm_core::ApiError;
use serde_json::{json, Value};
use tiny_http::{Header, Method, Request, Response, Server};

use crate::world::Registry;

/// The biggest request body the server reads (a test never sends more).
const MAX_BODY: u64 = 64 << 20;

/// Collects a command's progress events for its reply.
#[derive(Default)]
struct Collect(Mutex<Vec<Value>>);

impl Host for Collect {
    fn emit(&self, event: Event) {
        let mut events = self.0.lock().unwrap_or_else(|e| e.into_inner());
        events.push(json!({ "name": event.name(), "payload": event }));
    }
}

fn call(books: &Registry, book: &str, command: &str, args: Value) -> Value {
    let host = Collect::default();
    let reply = match (books.get(book), books.door(book)) {
        (Some(entry), _) => {
            entry.tick();
            commands::dispatch(&entry.book, &host, command, args)
        }
        (None, Some(door)) => door.door.book().and_then(|book| commands::dispatch(&book, &host, command, args)),
        (None, None) => {
            return json!({ "error": ApiError::internal(format!("no test book `{book}`: create it with a fixture first")) })
        }
    };
    let events = std::mem::take(&mut *host.0.lock().unwrap_or_else(|e| e.into_inner()));
    match reply {
        Ok(ok) => json!({ "ok": ok, "events": events }),
        Err(error) => json!({ "error": error, "events": events }),
    }
}

fn cors(response: Response<std::io::Cursor<Vec<u8>>>) -> Response<std::io::Cursor<Vec<u8>>> {
    let headers = [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", "POST, OPTIONS"),
        ("Access-Control-Allow-Headers", "content-type"),
        ("Content-Type", "application/json; charset=utf-8"),
    ];
    headers.into_iter().fold(response, |r, (k, v)| match Header::from_bytes(k, v) {
        Ok(h) => r.with_header(h),
        Err(()) => r,
    })
}

fn answer(request: Request, status: u16, body: &Value) {
    let response = cors(Response::from_string(body.to_string()).with_status_code(status));
    // The test that asked may have given up waiting; nothing to do then.
    let _ = request.respond(response);
}

fn handle(mut request: Request, books: &Registry) {
    if *request.method() == Method::Options {
        answer(request, 204, &Value::Null);
        return;
    }
    if *request.method() != Method::Post {
        answer(request, 405, &json!({ "error": ApiError::internal("only POST is served") }));
        return;
    }
    let url = request.url().to_string();
    let mut body = String::new();
    if let Err(e) = request.as_reader().take(MAX_BODY).read_to_string(&mut body) {
        answer(
            request,
            400,
            &json!({ "error": ApiError::internal(format!("the request body could not be read: {e}")) }),
        );
        return;
    }
    let args: Value = if body.trim().is_empty() {
        Value::Null
    } else {
        match serde_json::from_str(&body) {
            Ok(v) => v,
            Err(e) => {
                answer(request, 400, &json!({ "error": ApiError::internal(format!("the body is not JSON: {e}")) }));
                return;
            }
        }
    };
    let parts: Vec<&str> = url.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["call", book, command] => {
            let reply = call(books, book, command, args);
            answer(request, 200, &reply);
        }
        ["door", door, command] => {
            let reply = match (books.door(door), books.get(door)) {
                (Some(door), _) => match door.door.dispatch(command, args) {
                    Ok(ok) => json!({ "ok": ok }),
                    Err(error) => json!({ "error": error }),
                },
                // A fixture's book is open from the start (its door asks nothing).
                (None, Some(_)) if *command == "state" => json!({ "ok": DoorState {
                    stage: DoorStage::Open, tries_left: door::TRIES, plain: false, error: None
                } }),
                _ => json!({ "error": ApiError::internal(format!("no test door `{door}`")) }),
            };
            answer(request, 200, &reply);
        }
        ["fixture", name] => {
            let reply = match fixtures::run(books, name, &args) {
                Ok(ok) => json!({ "ok": ok }),
                Err(error) => json!({ "error": error }),
            };
            answer(request, 200, &reply);
        }
        ["stop"] => {
            answer(request, 200, &json!({ "ok": null }));
            std::process::exit(0);
        }
        _ => answer(request, 404, &json!({ "error": ApiError::internal(format!("nothing is served at {url}")) })),
    }
}

fn main() {
    let port = std::env::args().nth(1).and_then(|p| p.parse::<u16>().ok()).unwrap_or(0);
    let server = match Server::http(("127.0.0.1", port)) {
        Ok(server) => Arc::new(server),
        Err(e) => {
            eprintln!("fieldcrm-testserver: cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        }
    };
    let Some(address) = server.server_addr().to_ip() else {
        eprintln!("fieldcrm-testserver: not listening on an IP address");
        std::process::exit(1);
    };
    println!("listening http://{address}");
    // The runner that started us reads that line; a closed stdin means it is gone.
    std::thread::spawn(|| {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
        std::process::exit(0);
    });
    let books = Registry::default();
    let workers: usize = std::thread::available_parallelism().map_or(2, |n| n.get()).max(2) * 2;
    let threads: Vec<_> = (0..workers)
        .map(|_| {
            let server = Arc::clone(&server);
            let books = books.clone();
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    handle(request, &books);
                }
            })
        })
        .collect();
    for thread in threads {
        let _ = thread.join();
    }
}
