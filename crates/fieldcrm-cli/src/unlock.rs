//! Opening the book: its key from the operating system's secret store, else
//! from the passphrase — given by `--passphrase-file`, by
//! `FIELDCRM_PASSPHRASE` (scripts), or typed at a prompt when the program
//! runs in a terminal. A new or plain book asks for a new passphrase twice
//! and says how strong it is; a wrong passphrase may be typed three times.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fieldcrm_core::api::Access;
use fieldcrm_core::error::ProblemCode;
use fieldcrm_core::store::UpgradeStep;
use fieldcrm_core::vault::{self, NoKeyring, OsKeyring, SecretStore, StrengthLevel};
use fieldcrm_core::{ApiError, Book, ErrorCode, SystemClock};
use zeroize::Zeroizing;

/// How many times a passphrase may be typed.
const TRIES: usize = 3;

/// Where the passphrase and the key come from, as the command line says.
pub struct KeySource {
    pub passphrase_file: Option<PathBuf>,
    pub passphrase_env: Option<String>,
    /// Use the operating system's secret store (off for tests and shared accounts).
    pub keyring: bool,
}

impl KeySource {
    pub fn secrets(&self) -> Arc<dyn SecretStore> {
        if self.keyring {
            Arc::new(OsKeyring)
        } else {
            Arc::new(NoKeyring)
        }
    }

    /// The passphrase given without a prompt, if any.
    pub fn given(&self) -> Result<Option<Zeroizing<String>>, ApiError> {
        if let Some(file) = &self.passphrase_file {
            return read_passphrase_file(file).map(Some);
        }
        Ok(self.passphrase_env.clone().filter(|p| !p.is_empty()).map(Zeroizing::new))
    }
}

/// The passphrase in `file`: its first line (a final line break is not part of it).
pub fn read_passphrase_file(file: &Path) -> Result<Zeroizing<String>, ApiError> {
    use std::io::Read;
    let shown = file.display();
    let mut bytes = Zeroizing::new(Vec::new());
    std::fs::File::open(file)
        .and_then(|f| f.take(vault::MAX_PASSPHRASE_BYTES as u64 + 3).read_to_end(&mut bytes))
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("cannot read the passphrase file {shown}: {e}")))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ApiError::new(ErrorCode::Invalid, format!("the passphrase file {shown} is not UTF-8 text")))?;
    let line = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(text);
    if line.len() > vault::MAX_PASSPHRASE_BYTES || line.contains('\n') {
        return Err(ApiError::new(
            ErrorCode::Invalid,
            format!("the passphrase file {shown} must hold the passphrase alone, on one line"),
        ));
    }
    Ok(Zeroizing::new(line.to_string()))
}

fn problem(error: &ApiError) -> Option<ProblemCode> {
    (error.code == ErrorCode::Passphrase).then(|| error.problems.first().map(|p| p.code)).flatten()
}

/// Prints each step of an upgrade to encryption. `FIELDCRM_UPGRADE_HOLD=<step>`
/// stops the program after that step until it is killed: the crash test
/// kills a real process at each step this way.
fn report_step(step: UpgradeStep) {
    eprintln!("encrypting the book: {}", step.name());
    if std::env::var("FIELDCRM_UPGRADE_HOLD").is_ok_and(|hold| hold == step.name()) {
        eprintln!("holding after {}", step.name());
        loop {
            std::thread::park();
        }
    }
}

fn open_with(path: &Path, access: &Access) -> Result<Book, ApiError> {
    Book::open_reporting(path, access, Arc::new(SystemClock), &mut report_step)
}

/// Opens the book at `path`, asking for what it needs.
pub fn open(path: &Path, source: &KeySource) -> Result<Book, ApiError> {
    let secrets = source.secrets();
    let given = source.given()?;
    let access = match &given {
        Some(passphrase) => Access::passphrase(passphrase, secrets.clone()),
        None => Access::secrets(secrets.clone()),
    };
    let (error, asked) = match open_with(path, &access) {
        Err(e) if given.is_none() => match problem(&e) {
            Some(code @ (ProblemCode::PassphraseNeeded | ProblemCode::NewPassphraseNeeded)) => (e, code),
            _ => return Err(e),
        },
        other => return other,
    };
    if !std::io::stdin().is_terminal() {
        return Err(ApiError {
            message: format!(
                "{}; pass --passphrase-file FILE or set FIELDCRM_PASSPHRASE when no one can type it",
                error.message
            ),
            ..error
        });
    }
    eprintln!("{}", error.message);
    if asked == ProblemCode::NewPassphraseNeeded {
        let passphrase = prompt_new()?;
        return open_with(path, &Access::passphrase(&passphrase, secrets));
    }
    let mut last = error;
    for _ in 0..TRIES {
        let passphrase = prompt("Passphrase: ")?;
        match open_with(path, &Access::passphrase(&passphrase, secrets.clone())) {
            Err(e) if problem(&e) == Some(ProblemCode::WrongPassphrase) => {
                eprintln!("{}", e.message);
                last = e;
            }
            other => return other,
        }
    }
    Err(last)
}

fn prompt(text: &str) -> Result<Zeroizing<String>, ApiError> {
    rpassword::prompt_password(text)
        .map(Zeroizing::new)
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("cannot read the passphrase: {e}")))
}

/// Asks for a new passphrase and its confirmation until they are good and agree.
pub fn prompt_new() -> Result<Zeroizing<String>, ApiError> {
    for _ in 0..TRIES {
        let first = prompt(&format!("New passphrase (at least {} characters): ", vault::MIN_PASSPHRASE_CHARS))?;
        let strength = vault::strength(&first);
        let label = match strength.level {
            StrengthLevel::TooWeak => "too weak",
            StrengthLevel::Weak => "weak",
            StrengthLevel::Fair => "fair",
            StrengthLevel::Strong => "strong",
            StrengthLevel::VeryStrong => "very strong",
        };
        eprintln!("strength: {label}");
        if let Err(e) = vault::check_new_passphrase(&first) {
            eprintln!("{}", ApiError::from(e).message);
            continue;
        }
        let again = prompt("Type it again: ")?;
        if *again != *first {
            eprintln!("the two passphrases differ; start again");
            continue;
        }
        return Ok(first);
    }
    Err(ApiError::new(ErrorCode::Invalid, "no passphrase was chosen"))
}
