//! The book's key. Every book is an SQLCipher database opened with a random
//! 256-bit raw key ([`BookKey`]; no key derivation on every open). The key is
//! kept wrapped twice:
//!
//! - in the **key file** next to the book (`book.sqlite.key`), sealed by a key
//!   derived from the passphrase the user chose (Argon2id, then
//!   XChaCha20-Poly1305), so the book opens on any machine and in any session
//!   given the passphrase; changing the passphrase rewrites only this file;
//! - in the operating system's **secret store** ([`SecretStore`]: the Secret
//!   Service on Linux, by the key file's id), so daily opens ask nothing.
//!
//! Head office can also hold a recovery copy of a laptop's key (sent inside
//! the laptop's encrypted changeset files): a new key file made from it
//! opens the book with a new passphrase. See docs/SECURITY.md.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::error::{Error, ProblemCode, Result};

/// The name the key file adds to the book's (`book.sqlite` → `book.sqlite.key`).
pub const KEY_FILE_SUFFIX: &str = ".key";
/// Fewer characters than this is refused whatever they are.
pub const MIN_PASSPHRASE_CHARS: usize = 8;
/// Longer passphrases are refused (the KDF hashes whatever it is given).
pub const MAX_PASSPHRASE_BYTES: usize = 1024;
/// A key file is a few hundred bytes; anything larger is not one.
const MAX_KEY_FILE_BYTES: u64 = 64 << 10;
const KEY_FILE_FORMAT: &str = "fieldcrm-book-key";
const KEY_FILE_VERSION: u32 = 1;
/// What the wrapped key is bound to: a key sealed for anything else does not open.
const WRAP_CONTEXT: &[u8] = b"fieldcrm book key v1";
/// The service name of the book keys in the operating system's secret store.
pub const KEYRING_SERVICE: &str = "fieldcrm";

/// Argon2id's cost when a key file is written: OWASP's recommended minimum
/// (19 MiB, 2 passes). It is paid when the passphrase is typed, not on
/// every open once the secret store holds the key.
const KDF_MEMORY_KIB: u32 = 19 * 1024;
const KDF_ITERATIONS: u32 = 2;
const KDF_PARALLELISM: u32 = 1;
/// What a key file may ask of its reader (a hostile file could ask for gigabytes).
const KDF_MEMORY_KIB_MAX: u32 = 1 << 20;
const KDF_ITERATIONS_MAX: u32 = 64;

/// A book's 256-bit raw key. Wiped from memory when dropped.
#[derive(Clone)]
pub struct BookKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for BookKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BookKey(…)")
    }
}

impl BookKey {
    /// A new random key.
    pub fn generate() -> Result<Self> {
        let mut key = Zeroizing::new([0u8; 32]);
        random(key.as_mut())?;
        Ok(Self(key))
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let array: [u8; 32] = bytes.try_into().ok()?;
        Some(Self(Zeroizing::new(array)))
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// SQLCipher's raw key literal: `x'<64 hex digits>'` (used as is, no derivation).
    pub fn pragma(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode(self.0.as_ref())))
    }
}

pub(crate) fn random(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| Error::Io(std::io::Error::other(format!("no random numbers: {e}"))))
}

/// The key file of the book at `book`.
pub fn key_file_path(book: &Path) -> PathBuf {
    let mut name = book.as_os_str().to_owned();
    name.push(KEY_FILE_SUFFIX);
    PathBuf::from(name)
}

/// The key file: the book key sealed by a passphrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyFile {
    pub format: String,
    pub version: u32,
    /// The key's id: its entry in the secret store (the same for every
    /// wrapping of one key, so a changed passphrase keeps it).
    pub id: String,
    pub kdf: Kdf,
    pub nonce: String,
    pub sealed: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Kdf {
    pub algorithm: String,
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    pub salt: String,
}

fn passphrase_error(reason: ProblemCode, message: impl Into<String>) -> Error {
    Error::Passphrase { reason, message: message.into() }
}

fn damaged(path: &Path, what: &str) -> Error {
    passphrase_error(
        ProblemCode::KeyFileDamaged,
        format!(
            "the key file {} is damaged ({what}); put back a copy of it, or ask head office for a recovery key file",
            path.display()
        ),
    )
}

fn derive(passphrase: &str, kdf: &Kdf) -> Result<Zeroizing<[u8; 32]>> {
    let salt = hex::decode(&kdf.salt).map_err(|_| Error::Io(std::io::Error::other("bad salt")))?;
    let params = argon2::Params::new(kdf.memory_kib, kdf.iterations, kdf.parallelism, Some(32))
        .map_err(|e| Error::Io(std::io::Error::other(format!("key derivation: {e}"))))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), &salt, out.as_mut())
        .map_err(|e| Error::Io(std::io::Error::other(format!("key derivation: {e}"))))?;
    Ok(out)
}

/// The key of the book at `book`, from the key file beside it opened with
/// `passphrase` (tools and tests that read a book below the facade).
pub fn key_from_file(book: &Path, passphrase: &str) -> Result<BookKey> {
    let path = key_file_path(book);
    let file = KeyFile::read(&path)?.ok_or_else(|| {
        passphrase_error(
            ProblemCode::KeyFileMissing,
            format!("there is no key file {} beside the book", path.display()),
        )
    })?;
    file.open(passphrase, &path)
}

impl KeyFile {
    /// `key` sealed by `passphrase`, under the key id `id`.
    pub fn seal(key: &BookKey, passphrase: &str, id: &str) -> Result<Self> {
        let mut salt = [0u8; 16];
        random(&mut salt)?;
        let mut nonce = [0u8; 24];
        random(&mut nonce)?;
        let kdf = Kdf {
            algorithm: "argon2id".into(),
            memory_kib: KDF_MEMORY_KIB,
            iterations: KDF_ITERATIONS,
            parallelism: KDF_PARALLELISM,
            salt: hex::encode(salt),
        };
        let wrapping = derive(passphrase, &kdf)?;
        let cipher = XChaCha20Poly1305::new(wrapping.as_ref().into());
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: key.bytes(), aad: &aad(id) })
            .map_err(|_| Error::Io(std::io::Error::other("the key could not be sealed")))?;
        Ok(KeyFile {
            format: KEY_FILE_FORMAT.into(),
            version: KEY_FILE_VERSION,
            id: id.to_string(),
            kdf,
            nonce: hex::encode(nonce),
            sealed: hex::encode(sealed),
        })
    }

    /// The key, if `passphrase` is the one it was sealed with.
    pub fn open(&self, passphrase: &str, path: &Path) -> Result<BookKey> {
        self.check(path)?;
        let wrapping = derive(passphrase, &self.kdf)?;
        let cipher = XChaCha20Poly1305::new(wrapping.as_ref().into());
        let nonce = hex::decode(&self.nonce).map_err(|_| damaged(path, "its nonce is not hex"))?;
        let sealed = hex::decode(&self.sealed).map_err(|_| damaged(path, "its key is not hex"))?;
        let key = cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &sealed, aad: &aad(&self.id) }).map_err(
            |_| {
                passphrase_error(
                    ProblemCode::WrongPassphrase,
                    "the passphrase is not this book's; type it again (letters are case-sensitive)",
                )
            },
        )?;
        let key = Zeroizing::new(key);
        BookKey::from_bytes(&key).ok_or_else(|| damaged(path, "its key has the wrong length"))
    }

    fn check(&self, path: &Path) -> Result<()> {
        if self.format != KEY_FILE_FORMAT {
            return Err(damaged(path, "it is not a fieldcrm key file"));
        }
        if self.version > KEY_FILE_VERSION {
            return Err(passphrase_error(
                ProblemCode::KeyFileDamaged,
                format!("the key file {} was written by a newer fieldcrm; install the newer fieldcrm", path.display()),
            ));
        }
        let kdf = &self.kdf;
        let salt_ok = hex::decode(&kdf.salt).is_ok_and(|s| (8..=64).contains(&s.len()));
        let nonce_ok = hex::decode(&self.nonce).is_ok_and(|n| n.len() == 24);
        if kdf.algorithm != "argon2id"
            || !(8..=KDF_MEMORY_KIB_MAX).contains(&kdf.memory_kib)
            || !(1..=KDF_ITERATIONS_MAX).contains(&kdf.iterations)
            || !(1..=16).contains(&kdf.parallelism)
            || !salt_ok
            || !nonce_ok
        {
            return Err(damaged(path, "its key derivation settings are not ones fieldcrm writes"));
        }
        Ok(())
    }

    /// Reads the key file at `path`; `None` when there is none.
    pub fn read(path: &Path) -> Result<Option<Self>> {
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if file.metadata()?.len() > MAX_KEY_FILE_BYTES {
            return Err(damaged(path, "it is far too large"));
        }
        let file: KeyFile = serde_json::from_reader(file).map_err(|_| damaged(path, "it is not a key file's JSON"))?;
        file.check(path)?;
        Ok(Some(file))
    }

    /// Writes the key file at `path` whole or not at all (a new file, synced, renamed over the old).
    pub fn write(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::Io(std::io::Error::other(e)))?;
        write_atomically(path, &json)
    }
}

fn aad(id: &str) -> Vec<u8> {
    [WRAP_CONTEXT, b":", id.as_bytes()].concat()
}

/// Writes `bytes` to `path` so that a crash leaves either the old file or the
/// new one: a temporary file beside it, synced, renamed over it, the folder synced.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut temp = path.as_os_str().to_owned();
    temp.push(".new");
    let temp = PathBuf::from(temp);
    {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&temp, path)?;
    sync_folder(path)
}

/// Makes a rename or removal in `path`'s folder durable.
pub fn sync_folder(path: &Path) -> Result<()> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::File::open(folder)?.sync_all()?;
    Ok(())
}

/// Where book keys are kept for opens that ask nothing.
pub trait SecretStore: Send + Sync {
    /// The secret stored under `account`, if the store has one (and is there at all).
    fn get(&self, account: &str) -> Option<Zeroizing<Vec<u8>>>;
    /// Stores `secret`; `false` when the store is not available (the key file still opens the book).
    fn set(&self, account: &str, secret: &[u8]) -> bool;
    fn delete(&self, account: &str);
}

/// The operating system's secret store (the Secret Service on Linux).
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeyring;

impl SecretStore for OsKeyring {
    fn get(&self, account: &str) -> Option<Zeroizing<Vec<u8>>> {
        keyring::Entry::new(KEYRING_SERVICE, account).ok()?.get_secret().ok().map(Zeroizing::new)
    }

    fn set(&self, account: &str, secret: &[u8]) -> bool {
        keyring::Entry::new(KEYRING_SERVICE, account).and_then(|e| e.set_secret(secret)).is_ok()
    }

    fn delete(&self, account: &str) {
        if let Ok(entry) = keyring::Entry::new(KEYRING_SERVICE, account) {
            let _ = entry.delete_credential();
        }
    }
}

/// No secret store: every open needs the passphrase (or the raw key).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoKeyring;

impl SecretStore for NoKeyring {
    fn get(&self, _: &str) -> Option<Zeroizing<Vec<u8>>> {
        None
    }

    fn set(&self, _: &str, _: &[u8]) -> bool {
        false
    }

    fn delete(&self, _: &str) {}
}

/// A secret store in this process's memory: the stand-in for the operating
/// system's in tests, which must never write to the user's real keyring.
#[derive(Debug, Default)]
pub struct MemoryKeyring {
    secrets: Mutex<HashMap<String, Zeroizing<Vec<u8>>>>,
}

impl MemoryKeyring {
    fn secrets(&self) -> std::sync::MutexGuard<'_, HashMap<String, Zeroizing<Vec<u8>>>> {
        self.secrets.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many secrets it holds.
    pub fn len(&self) -> usize {
        self.secrets().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl SecretStore for MemoryKeyring {
    fn get(&self, account: &str) -> Option<Zeroizing<Vec<u8>>> {
        self.secrets().get(account).cloned()
    }

    fn set(&self, account: &str, secret: &[u8]) -> bool {
        self.secrets().insert(account.to_string(), Zeroizing::new(secret.to_vec()));
        true
    }

    fn delete(&self, account: &str) {
        self.secrets().remove(account);
    }
}

/// How hard a passphrase is to guess, as the first-start form shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StrengthLevel {
    TooWeak,
    Weak,
    Fair,
    Strong,
    VeryStrong,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PassphraseStrength {
    pub level: StrengthLevel,
    /// 0 (too weak) to 4 (very strong): the meter's fill.
    pub score: u8,
    /// Whether a new book may be sealed with it.
    pub acceptable: bool,
    /// Why it is refused or weak (`passphrase_too_short`, `passphrase_too_common`), if it is.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<ProblemCode>,
}

/// Passphrases people choose first (and their keyboard walks): refused whatever their length.
const COMMON: &[&str] = &[
    "password",
    "passw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "11111111",
    "88888888",
    "66666666",
    "qwertyui",
    "qwertyuiop",
    "asdfghjk",
    "1qaz2wsx",
    "abcd1234",
    "a1234567",
    "abc12345",
    "woaini1314",
    "iloveyou",
    "5201314",
    "fieldcrm",
    "admin123",
    "11223344",
    "qq123456",
    "zxcvbnm123",
    "000000000",
    "password1",
    "123123123",
];

/// Estimates how hard `passphrase` is to guess: its length, the kinds of
/// characters in it (Chinese characters count as a large alphabet), repeats
/// and runs (`aaaa`, `1234`), and a list of the most common choices.
pub fn strength(passphrase: &str) -> PassphraseStrength {
    let chars: Vec<char> = passphrase.chars().collect();
    let verdict = |level: StrengthLevel, problem: Option<ProblemCode>| PassphraseStrength {
        level,
        score: level as u8,
        acceptable: level != StrengthLevel::TooWeak,
        problem,
    };
    if chars.len() < MIN_PASSPHRASE_CHARS || passphrase.len() > MAX_PASSPHRASE_BYTES {
        return verdict(StrengthLevel::TooWeak, Some(ProblemCode::PassphraseTooShort));
    }
    let lower = passphrase.to_lowercase();
    if COMMON.iter().any(|c| lower == *c || (lower.starts_with(c) && lower.len() <= c.len() + 2)) {
        return verdict(StrengthLevel::TooWeak, Some(ProblemCode::PassphraseTooCommon));
    }
    let mut pool = 0.0_f64;
    for (test, size) in [
        (&(|c: char| c.is_ascii_lowercase()) as &dyn Fn(char) -> bool, 26.0),
        (&|c: char| c.is_ascii_uppercase(), 26.0),
        (&|c: char| c.is_ascii_digit(), 10.0),
        (&|c: char| c.is_ascii() && !c.is_ascii_alphanumeric(), 33.0),
        (&|c: char| !c.is_ascii(), 3000.0),
    ] {
        if chars.iter().any(|&c| test(c)) {
            pool += size;
        }
    }
    // A character that repeats the one before, or continues a run (a→b, 3→4),
    // adds almost nothing.
    let mut effective = 1.0;
    for pair in chars.windows(2) {
        let step = pair[1] as i64 - pair[0] as i64;
        effective += if step == 0 || step.abs() == 1 { 0.25 } else { 1.0 };
    }
    let bits = effective * pool.log2();
    let (level, problem) = match bits {
        b if b < 30.0 => (StrengthLevel::TooWeak, Some(ProblemCode::PassphraseTooCommon)),
        b if b < 45.0 => (StrengthLevel::Weak, Some(ProblemCode::PassphraseTooCommon)),
        b if b < 60.0 => (StrengthLevel::Fair, None),
        b if b < 80.0 => (StrengthLevel::Strong, None),
        _ => (StrengthLevel::VeryStrong, None),
    };
    verdict(level, problem)
}

/// Refuses a passphrase a new key file may not be sealed with.
pub fn check_new_passphrase(passphrase: &str) -> Result<()> {
    let verdict = strength(passphrase);
    if verdict.acceptable {
        return Ok(());
    }
    Err(match verdict.problem {
        Some(ProblemCode::PassphraseTooShort) => passphrase_error(
            ProblemCode::PassphraseTooShort,
            format!("the passphrase needs at least {MIN_PASSPHRASE_CHARS} characters (and at most {MAX_PASSPHRASE_BYTES} bytes)"),
        ),
        _ => passphrase_error(
            ProblemCode::PassphraseTooCommon,
            "the passphrase is too easy to guess; use a longer one, or mix words, digits and signs",
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_opens_with_its_passphrase_only() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("book.sqlite.key");
        let key = BookKey::generate().expect("key");
        KeyFile::seal(&key, "黄河远上白云间", "id-1").expect("seal").write(&path).expect("write");
        let file = KeyFile::read(&path).expect("read").expect("a key file");
        assert_eq!(file.open("黄河远上白云间", &path).expect("open").bytes(), key.bytes());
        let wrong = file.open("黄河远上白云间 ", &path).expect_err("wrong");
        assert!(matches!(wrong, Error::Passphrase { reason: ProblemCode::WrongPassphrase, .. }), "{wrong:?}");
        // The id is bound to the sealed key: a file whose id was edited does not open.
        let edited = KeyFile { id: "id-2".into(), ..file.clone() };
        assert!(edited.open("黄河远上白云间", &path).is_err());
        // A file asking its reader for a gigabyte of memory is refused before deriving.
        let greedy = KeyFile { kdf: Kdf { memory_kib: 4 << 20, ..file.kdf.clone() }, ..file };
        let refused = greedy.open("黄河远上白云间", &path).expect_err("greedy");
        assert!(matches!(refused, Error::Passphrase { reason: ProblemCode::KeyFileDamaged, .. }), "{refused:?}");
    }

    #[test]
    fn damaged_or_absent_key_files_say_so() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("k");
        assert!(KeyFile::read(&path).expect("absent").is_none());
        std::fs::write(&path, b"{\"format\":").expect("write");
        let error = KeyFile::read(&path).expect_err("truncated");
        assert!(matches!(error, Error::Passphrase { reason: ProblemCode::KeyFileDamaged, .. }), "{error:?}");
        std::fs::write(&path, vec![b' '; (MAX_KEY_FILE_BYTES + 1) as usize]).expect("write");
        assert!(KeyFile::read(&path).is_err());
    }

    #[test]
    fn strength_grows_with_length_and_variety() {
        let level = |p: &str| strength(p).level;
        assert_eq!(level("abc"), StrengthLevel::TooWeak);
        assert_eq!(strength("abc").problem, Some(ProblemCode::PassphraseTooShort));
        assert_eq!(level("12345678"), StrengthLevel::TooWeak);
        assert_eq!(level("Password1"), StrengthLevel::TooWeak);
        assert_eq!(level("abcdefghijk"), StrengthLevel::TooWeak);
        assert_eq!(level("aaaaaaaaaaaaaaaa"), StrengthLevel::TooWeak);
        assert!(strength("zhangsan").acceptable);
        assert!(level("zhangsan") < level("Zhang-San-1987"));
        assert!(level("Zhang-San-1987") <= level("黄河远上白云间一片孤城"));
        assert_eq!(level("correct horse battery staple"), StrengthLevel::VeryStrong);
        assert!(check_new_passphrase("1234").is_err());
        assert!(check_new_passphrase("Zhang-San-1987").is_ok());
    }

    #[test]
    fn the_memory_keyring_keeps_what_it_is_given() {
        let store = MemoryKeyring::default();
        assert!(store.get("a").is_none());
        assert!(store.set("a", b"secret"));
        assert_eq!(store.get("a").as_deref().map(Vec::as_slice), Some(&b"secret"[..]));
        store.delete("a");
        assert!(store.is_empty());
    }
}
