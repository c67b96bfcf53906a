//! The app's way into its book: the first-start and unlock screens ask the
//! door, and every other command waits until it is open. The desktop shell
//! holds one door for its book; the test server holds doors for the UI's
//! tests, so both run this code.
//!
//! A door first tries the secret store alone. If that does not open the
//! book it asks for a new passphrase (a new book, or a plain one to encrypt)
//! or for the passphrase (an encrypted book), and gives [`TRIES`] tries:
//! after that it stays shut until the app is started again.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::access::Access;
use super::{ApiResult, Book};
use crate::clock::Clock;
use crate::error::{ApiError, ErrorCode, ProblemCode};
use crate::store::{self, FileKind};
use crate::vault::{self, SecretStore};

/// How many wrong passphrases one start of the app accepts.
pub const TRIES: u8 = 3;

/// What the door needs before the book opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DoorStage {
    /// The book is open.
    Open,
    /// A new book, or a plain one to encrypt: choose a passphrase (twice).
    NewPassphrase,
    /// An encrypted book whose key the secret store does not hold: type the passphrase.
    Passphrase,
    /// Three wrong passphrases: start the app again, or ask head office for a recovery key file.
    LockedOut,
    /// The book cannot be opened at all (not a book, damaged, too new, its key file gone …).
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DoorState {
    pub stage: DoorStage,
    /// Passphrases that may still be typed.
    pub tries_left: u8,
    /// A plain book of an earlier version: the new passphrase encrypts it.
    pub plain: bool,
    /// Why the book cannot be opened (stage `failed`), or why the last passphrase was refused.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ApiError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewPassphrase {
    pub passphrase: String,
    /// The passphrase typed a second time.
    pub again: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Passphrase {
    pub passphrase: String,
}

enum Inner {
    Shut { stage: DoorStage, tries_left: u8, last: Option<ApiError> },
    Open(Arc<Book>),
    Failed(ApiError),
}

/// A book behind its passphrase.
pub struct Door {
    path: PathBuf,
    secrets: Arc<dyn SecretStore>,
    clock: Arc<dyn Clock>,
    inner: Mutex<Inner>,
}

fn stage_of(error: &ApiError) -> Option<DoorStage> {
    if error.code != ErrorCode::Passphrase {
        return None;
    }
    match error.problems.first().map(|p| p.code) {
        Some(ProblemCode::NewPassphraseNeeded) => Some(DoorStage::NewPassphrase),
        Some(ProblemCode::PassphraseNeeded) => Some(DoorStage::Passphrase),
        _ => None,
    }
}

impl Door {
    /// A door to the book at `path`, opened at once if the secret store holds its key.
    pub fn new(path: &Path, secrets: Arc<dyn SecretStore>, clock: Arc<dyn Clock>) -> Self {
        let inner = match Book::open(path, &Access::secrets(secrets.clone()), clock.clone()) {
            Ok(book) => Inner::Open(Arc::new(book)),
            Err(error) => match stage_of(&error) {
                Some(stage) => Inner::Shut { stage, tries_left: TRIES, last: None },
                None => Inner::Failed(error),
            },
        };
        Self { path: path.to_path_buf(), secrets, clock, inner: Mutex::new(inner) }
    }

    /// A door that cannot open: the book could not even be claimed (another window holds it …).
    pub fn failed(path: &Path, error: ApiError, secrets: Arc<dyn SecretStore>, clock: Arc<dyn Clock>) -> Self {
        Self { path: path.to_path_buf(), secrets, clock, inner: Mutex::new(Inner::Failed(error)) }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn state(&self) -> DoorState {
        let plain = store::file_kind(&self.path).is_ok_and(|k| k == FileKind::Plain);
        match &*self.inner() {
            Inner::Open(_) => DoorState { stage: DoorStage::Open, tries_left: TRIES, plain: false, error: None },
            Inner::Shut { stage, tries_left, last } => {
                DoorState { stage: *stage, tries_left: *tries_left, plain, error: last.clone() }
            }
            Inner::Failed(error) => {
                DoorState { stage: DoorStage::Failed, tries_left: 0, plain, error: Some(error.clone()) }
            }
        }
    }

    /// The open book, or why there is none yet.
    pub fn book(&self) -> ApiResult<Arc<Book>> {
        match &*self.inner() {
            Inner::Open(book) => Ok(book.clone()),
            Inner::Failed(error) => Err(error.clone()),
            Inner::Shut { stage, .. } => Err(ApiError {
                problems: vec![crate::error::FieldProblem::new(
                    "passphrase",
                    if *stage == DoorStage::NewPassphrase {
                        ProblemCode::NewPassphraseNeeded
                    } else {
                        ProblemCode::PassphraseNeeded
                    },
                    "the book is not open yet",
                )],
                ..ApiError::new(ErrorCode::Passphrase, "the book is not open yet: type its passphrase first")
            }),
        }
    }

    /// Seals a new book (or encrypts a plain one) with a new passphrase typed twice.
    pub fn create(&self, new: &NewPassphrase) -> ApiResult<DoorState> {
        {
            let inner = self.inner();
            if !matches!(&*inner, Inner::Shut { stage: DoorStage::NewPassphrase, .. }) {
                return Ok(self.state_after(inner));
            }
        }
        if new.passphrase != new.again {
            return Err(ApiError {
                problems: vec![crate::error::FieldProblem::new(
                    "again",
                    ProblemCode::PassphrasesDiffer,
                    "the two passphrases differ",
                )],
                ..ApiError::new(ErrorCode::Invalid, "the two passphrases differ; type the same one twice")
            });
        }
        vault::check_new_passphrase(&new.passphrase)?;
        self.try_open(&new.passphrase)
    }

    /// Opens the book with its passphrase; a wrong one costs a try.
    pub fn unlock(&self, given: &Passphrase) -> ApiResult<DoorState> {
        {
            let inner = self.inner();
            if !matches!(&*inner, Inner::Shut { stage: DoorStage::Passphrase, .. }) {
                return Ok(self.state_after(inner));
            }
        }
        self.try_open(&given.passphrase)
    }

    fn state_after(&self, inner: std::sync::MutexGuard<'_, Inner>) -> DoorState {
        drop(inner);
        self.state()
    }

    fn try_open(&self, passphrase: &str) -> ApiResult<DoorState> {
        let mut inner = self.inner();
        let opened = Book::open(&self.path, &Access::passphrase(passphrase, self.secrets.clone()), self.clock.clone());
        match opened {
            Ok(book) => *inner = Inner::Open(Arc::new(book)),
            Err(error) => {
                let wrong = error.problems.first().is_some_and(|p| p.code == ProblemCode::WrongPassphrase);
                match &mut *inner {
                    Inner::Shut { stage, tries_left, last } if wrong => {
                        *tries_left = tries_left.saturating_sub(1);
                        if *tries_left == 0 {
                            *stage = DoorStage::LockedOut;
                        }
                        *last = Some(error);
                    }
                    _ if stage_of(&error).is_some() || error.code == ErrorCode::Passphrase => {
                        return Err(error);
                    }
                    _ => *inner = Inner::Failed(error),
                }
            }
        }
        drop(inner);
        Ok(self.state())
    }

    /// The door's commands, by name, as the UI calls them: `state`,
    /// `strength {passphrase}`, `create {passphrase, again}`, `unlock {passphrase}`.
    pub fn dispatch(&self, command: &str, args: Value) -> ApiResult<Value> {
        fn parse<T: serde::de::DeserializeOwned>(command: &str, args: Value) -> ApiResult<T> {
            serde_json::from_value(args).map_err(|e| {
                ApiError::new(ErrorCode::Invalid, format!("the arguments of `{command}` are not what it takes: {e}"))
            })
        }
        let json = |value: Result<Value, serde_json::Error>| value.map_err(|e| ApiError::internal(e.to_string()));
        match command {
            "state" => json(serde_json::to_value(self.state())),
            "strength" => {
                let given: Passphrase = parse(command, args)?;
                json(serde_json::to_value(vault::strength(&given.passphrase)))
            }
            "create" => json(serde_json::to_value(self.create(&parse(command, args)?)?)),
            "unlock" => json(serde_json::to_value(self.unlock(&parse(command, args)?)?)),
            other => Err(ApiError::new(ErrorCode::Invalid, format!("the door has no command `{other}`"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::MemoryKeyring;
    use crate::FixedClock;

    fn clock() -> Arc<dyn Clock> {
        Arc::new(FixedClock::new(chrono::Utc::now()))
    }

    #[test]
    fn a_new_book_asks_for_a_passphrase_twice_then_opens_and_the_keyring_opens_it_next_time() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("book.sqlite");
        let keyring = Arc::new(MemoryKeyring::default());
        let door = Door::new(&path, keyring.clone(), clock());
        assert_eq!(door.state().stage, DoorStage::NewPassphrase);
        assert!(door.book().is_err());
        let differ = door
            .create(&NewPassphrase {
                passphrase: "黄河远上白云间一片孤城".into(),
                again: "黄河远上白云间一片孤".into(),
            })
            .expect_err("differ");
        assert_eq!(differ.problems[0].code, ProblemCode::PassphrasesDiffer);
        let weak = door.create(&NewPassphrase { passphrase: "1234".into(), again: "1234".into() }).expect_err("weak");
        assert_eq!(weak.problems[0].code, ProblemCode::PassphraseTooShort);
        assert!(!path.exists(), "nothing is written before a passphrase is accepted");
        let state = door
            .create(&NewPassphrase {
                passphrase: "黄河远上白云间一片孤城".into(),
                again: "黄河远上白云间一片孤城".into(),
            })
            .expect("created");
        assert_eq!(state.stage, DoorStage::Open);
        door.book().expect("open").status().expect("status");
        drop(door);
        assert_eq!(keyring.len(), 1);
        let again = Door::new(&path, keyring, clock());
        assert_eq!(again.state().stage, DoorStage::Open, "the secret store opens it without asking");
    }

    #[test]
    fn three_wrong_passphrases_shut_the_door_for_this_start() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("book.sqlite");
        let first = Door::new(&path, Arc::new(vault::NoKeyring), clock());
        first
            .create(&NewPassphrase { passphrase: "Zhang-San-1987".into(), again: "Zhang-San-1987".into() })
            .expect("new");
        drop(first);
        let door = Door::new(&path, Arc::new(vault::NoKeyring), clock());
        assert_eq!(door.state().stage, DoorStage::Passphrase);
        for left in [2, 1] {
            let state = door.unlock(&Passphrase { passphrase: "zhang-san-1987".into() }).expect("answered");
            assert_eq!((state.stage, state.tries_left), (DoorStage::Passphrase, left));
            let error = state.error.expect("why");
            assert_eq!(error.problems[0].code, ProblemCode::WrongPassphrase);
        }
        let state = door.unlock(&Passphrase { passphrase: "nope-nope-nope".into() }).expect("answered");
        assert_eq!((state.stage, state.tries_left), (DoorStage::LockedOut, 0));
        let state = door.unlock(&Passphrase { passphrase: "Zhang-San-1987".into() }).expect("answered");
        assert_eq!(state.stage, DoorStage::LockedOut, "the right one is no longer taken in this start");
        let next_start = Door::new(&path, Arc::new(vault::NoKeyring), clock());
        let state = next_start.unlock(&Passphrase { passphrase: "Zhang-San-1987".into() }).expect("answered");
        assert_eq!(state.stage, DoorStage::Open);
    }

    #[test]
    fn the_door_answers_its_commands_by_name() {
        let dir = tempfile::tempdir().expect("dir");
        let door = Door::new(&dir.path().join("b.sqlite"), Arc::new(vault::NoKeyring), clock());
        let strength = door.dispatch("strength", serde_json::json!({"passphrase": "abc"})).expect("strength");
        assert_eq!(strength["level"], "too_weak");
        assert_eq!(strength["problem"], "passphrase_too_short");
        assert_eq!(door.dispatch("state", Value::Null).expect("state")["stage"], "new_passphrase");
        assert!(door.dispatch("open-sesame", Value::Null).is_err());
    }
}
