//! Getting a book's key, and changing the passphrase that seals it (see
//! [`crate::vault`] for where keys are kept).
//!
//! Opening a book at a path, by what is there:
//! - nothing: a new book, under a new random key sealed by the passphrase
//!   given (refused if too easy to guess);
//! - a plain book of a version before encryption: the same, and the book is
//!   encrypted in place first ([`store::encrypt_in_place`]);
//! - an encrypted book: its key from the raw key given, else from the secret
//!   store (by the key file's id), else from the key file and the passphrase.
//!
//! A key unlocked by the passphrase is put in the secret store, so the next
//! open asks nothing.

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroizing;

use super::{ApiResult, Book};
use crate::error::{ApiError, Error, ProblemCode, Result};
use crate::store::{self, FileKind, UpgradeStep};
use crate::vault::{self, key_file_path, BookKey, KeyFile, NoKeyring, SecretStore};

/// What may unlock a book: a passphrase, a raw key, and the secret store to
/// look in (and to remember an unlocked key in).
#[derive(Clone)]
pub struct Access {
    passphrase: Option<Zeroizing<String>>,
    key: Option<BookKey>,
    secrets: Arc<dyn SecretStore>,
}

impl std::fmt::Debug for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Access")
            .field("passphrase", &self.passphrase.as_ref().map(|_| "…"))
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl Access {
    /// Only what the secret store holds: opens a known book without asking,
    /// or says what to ask for (`passphrase_needed`, `new_passphrase_needed`).
    pub fn secrets(secrets: Arc<dyn SecretStore>) -> Self {
        Self { passphrase: None, key: None, secrets }
    }

    /// The passphrase, and the secret store.
    pub fn passphrase(passphrase: &str, secrets: Arc<dyn SecretStore>) -> Self {
        Self { passphrase: Some(Zeroizing::new(passphrase.to_string())), key: None, secrets }
    }

    /// The raw key itself (tests, tools, and a book restored from head
    /// office's recovery copy); a new book made with it has no key file.
    pub fn key(key: BookKey) -> Self {
        Self { passphrase: None, key: Some(key), secrets: Arc::new(NoKeyring) }
    }

    pub(crate) fn secrets_store(&self) -> Arc<dyn SecretStore> {
        self.secrets.clone()
    }

    /// Adds a passphrase (a new book made with a raw key and a passphrase gets its key file).
    pub fn with_passphrase(mut self, passphrase: &str) -> Self {
        self.passphrase = Some(Zeroizing::new(passphrase.to_string()));
        self
    }
}

/// A fixed key for books in unit tests.
#[cfg(test)]
pub(crate) fn test_access() -> Access {
    Access::key(BookKey::from_bytes(&[7; 32]).expect("key"))
}

fn refused(reason: ProblemCode, message: impl Into<String>) -> Error {
    Error::Passphrase { reason, message: message.into() }
}

/// A new key for a new or plain book, and the key file that seals it with
/// the passphrase (written by the caller when the book is ready for it).
fn new_key(path: &Path, access: &Access, plain: bool) -> Result<(BookKey, Option<KeyFile>)> {
    let key = match &access.key {
        Some(key) => key.clone(),
        None => BookKey::generate()?,
    };
    let file = match &access.passphrase {
        Some(passphrase) => {
            vault::check_new_passphrase(passphrase)?;
            Some(KeyFile::seal(&key, passphrase, &uuid::Uuid::now_v7().to_string())?)
        }
        None if access.key.is_some() => None,
        None => {
            return Err(refused(
                ProblemCode::NewPassphraseNeeded,
                if plain {
                    format!(
                        "the book {} is stored unencrypted; choose a passphrase to encrypt it (at least {} characters)",
                        path.display(),
                        vault::MIN_PASSPHRASE_CHARS
                    )
                } else {
                    format!(
                        "{} is a new book: choose a passphrase to encrypt it (at least {} characters)",
                        path.display(),
                        vault::MIN_PASSPHRASE_CHARS
                    )
                },
            ))
        }
    };
    Ok((key, file))
}

fn remember(access: &Access, file: Option<&KeyFile>, key: &BookKey) {
    if let Some(file) = file {
        // Without a secret store the passphrase is asked at every open.
        let _ = access.secrets.set(&file.id, key.bytes());
    }
}

/// The key of the book at `path` and its connection, migrated; the book is
/// created or encrypted first if it needs to be (see the module's doc).
pub(super) fn open(
    path: &Path,
    access: &Access,
    step: &mut dyn FnMut(UpgradeStep),
) -> Result<(BookKey, rusqlite::Connection)> {
    store::finish_interrupted_upgrade(path)?;
    let key_path = key_file_path(path);
    match store::file_kind(path)? {
        FileKind::Absent => {
            let (key, file) = new_key(path, access, false)?;
            if let Some(file) = &file {
                file.write(&key_path)?;
            }
            let conn = store::open(path, &key, &super::HOOKS)?;
            remember(access, file.as_ref(), &key);
            Ok((key, conn))
        }
        FileKind::Plain => {
            let (key, file) = new_key(path, access, true)?;
            store::encrypt_in_place(
                path,
                &key,
                || match &file {
                    Some(file) => file.write(&key_path),
                    None => Ok(()),
                },
                step,
            )?;
            let conn = store::open(path, &key, &super::HOOKS)?;
            remember(access, file.as_ref(), &key);
            Ok((key, conn))
        }
        FileKind::Encrypted => open_encrypted(path, &key_path, access),
    }
}

fn open_encrypted(path: &Path, key_path: &Path, access: &Access) -> Result<(BookKey, rusqlite::Connection)> {
    let shown = path.display().to_string();
    if let Some(key) = &access.key {
        return match store::open(path, key, &super::HOOKS) {
            Err(Error::NotABook { .. }) => Err(refused(
                ProblemCode::WrongPassphrase,
                format!("the key given does not open {shown}; it is another book's key"),
            )),
            other => other.map(|conn| (key.clone(), conn)),
        };
    }
    let Some(file) = KeyFile::read(key_path)? else {
        return Err(refused(
            ProblemCode::KeyFileMissing,
            // An encrypted book's first bytes are random: a file that is no
            // database at all looks the same until its key opens it.
            format!(
                "{shown} is not a fieldcrm book, or it is an encrypted one whose key file {} is missing: choose another file, or put the key file back next to the book (head office can send a recovery key file)",
                key_path.display()
            ),
        ));
    };
    if let Some(key) = access.secrets.get(&file.id).and_then(|k| BookKey::from_bytes(&k)) {
        match store::open(path, &key, &super::HOOKS) {
            // A stale key in the secret store: the passphrase decides.
            Err(Error::NotABook { .. }) => {}
            other => return other.map(|conn| (key, conn)),
        }
    }
    let Some(passphrase) = &access.passphrase else {
        return Err(refused(
            ProblemCode::PassphraseNeeded,
            format!("the book {shown} is encrypted: type its passphrase to open it"),
        ));
    };
    let key = file.open(passphrase, key_path)?;
    let conn = store::open(path, &key, &super::HOOKS).map_err(|e| match e {
        // The key file opened, so the key is right: the book itself is not.
        Error::NotABook { .. } => Error::NotABook {
            path: shown.clone(),
            reason: "it does not open with the key of the key file beside it: it is damaged or another book's".into(),
        },
        other => other,
    })?;
    remember(access, Some(&file), &key);
    Ok((key, conn))
}

/// Whether this book has a key file (a book made with a raw key has none until a passphrase is set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyStatus {
    pub encrypted: bool,
    pub has_key_file: bool,
}

/// A new passphrase for the book's key file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PassphraseChange {
    /// The present passphrase (ignored for a book without a key file).
    pub old: String,
    pub new: String,
}

impl Book {
    /// Head office: a key file for the laptop `device`'s book, sealed with
    /// `passphrase` (the rep's new one), written at `out` — from the recovery
    /// copy the laptop's last file brought. The rep puts it beside the book
    /// (as `book.sqlite.key`) and opens the book with the new passphrase.
    pub fn write_recovery_key(&self, device: &str, passphrase: &str, out: &Path) -> ApiResult<()> {
        let key: Option<Vec<u8>> = self.read(|conn| {
            if !crate::changes::capture::is_office(conn)? {
                return Err(Error::Forbidden("only head office keeps recovery copies of the laptops' keys".into()));
            }
            Ok(rusqlite::OptionalExtension::optional(conn.query_row(
                "SELECT book_key FROM device_recovery_key WHERE device_id = ?1",
                [device],
                |r| r.get(0),
            ))?)
        })?;
        let key = key.and_then(|k| BookKey::from_bytes(&k)).ok_or_else(|| {
            ApiError::from(Error::NotFound { what: "recovery copy of the book key of laptop", id: device.to_string() })
        })?;
        vault::check_new_passphrase(passphrase)?;
        KeyFile::seal(&key, passphrase, &uuid::Uuid::now_v7().to_string())?.write(out)?;
        Ok(())
    }

    pub fn key_status(&self) -> ApiResult<KeyStatus> {
        let encrypted = self.key.is_some();
        let has_key_file = encrypted && key_file_path(&self.path()).exists();
        Ok(KeyStatus { encrypted, has_key_file })
    }

    /// Seals this book's key with a new passphrase: the key file is rewritten
    /// (whole or not at all), the book is not. `old` must open the present
    /// key file; a book without one (made with a raw key) gets its first.
    pub fn change_passphrase(&self, change: &PassphraseChange) -> ApiResult<()> {
        let (old, new) = (change.old.as_str(), change.new.as_str());
        let key = self.file_key()?;
        let key_path = key_file_path(&self.path());
        let id = match KeyFile::read(&key_path)? {
            Some(file) => {
                let current = file.open(old, &key_path)?;
                if current.bytes() != key.bytes() {
                    return Err(Error::NotABook {
                        path: key_path.display().to_string(),
                        reason: "the key file beside the book holds another book's key".into(),
                    }
                    .into());
                }
                file.id
            }
            None => uuid::Uuid::now_v7().to_string(),
        };
        vault::check_new_passphrase(new)?;
        let file = KeyFile::seal(key, new, &id)?;
        file.write(&key_path)?;
        let _ = self.secrets.set(&id, key.bytes());
        Ok(())
    }
}
