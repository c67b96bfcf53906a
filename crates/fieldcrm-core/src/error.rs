//! Errors. Inside the core each module reports through [`Error`]; callers of the
//! facade (the desktop shell, the CLI) get an [`ApiError`] with a stable
//! [`ErrorCode`] to branch on and a message meant for the user. [`ApiError::from`]
//! is the one place internal errors are mapped to public ones.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Every problem the core reports, by its stable code. The UI shows each in
/// Chinese or English by its code (every code has a label in both locale
/// files; a test checks it) and never reads the message to decide anything.
macro_rules! problem_codes {
    ($($variant:ident => $code:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        pub enum ProblemCode {
            $(#[serde(rename = $code)] $variant,)*
        }

        impl ProblemCode {
            /// Every code, in the order declared.
            pub const ALL: &[ProblemCode] = &[$(ProblemCode::$variant),*];

            /// The code as it travels (`too_long` …).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ProblemCode::$variant => $code,)*
                }
            }
        }
    };
}

problem_codes! {
    AddressNeeded => "address_needed",
    BadStatusChange => "bad_status_change",
    BeforeToday => "before_today",
    BelowFloor => "below_floor",
    MoreThanOrdered => "more_than_ordered",
    NoPrice => "no_price",
    NotApproved => "not_approved",
    NothingToShip => "nothing_to_ship",
    NotOnHold => "not_on_hold",
    OnHold => "on_hold",
    OrderClosed => "order_closed",
    OrderUnderReview => "order_under_review",
    OtherCustomersAddress => "other_customers_address",
    ReasonNeeded => "reason_needed",
    ReleaseByManager => "release_by_manager",
    ReviewByOffice => "review_by_office",
    FieldsData => "fields_data",
    BelowSold => "below_sold",
    NotAChild => "not_a_child",
    NotAUnit => "not_a_unit",
    NotAddingUp => "not_adding_up",
    OverAllocated => "over_allocated",
    SelfApproval => "self_approval",
    ProposalChanged => "proposal_changed",
    NeedsApproval => "needs_approval",
    NotYourStep => "not_your_step",
    NotPending => "not_pending",
    AlreadyDecided => "already_decided",
    TargetApproved => "target_approved",
    NoTarget => "no_target",
    AlreadyResolved => "already_resolved",
    AlreadySubmitted => "already_submitted",
    PassphraseNeeded => "passphrase_needed",
    NewPassphraseNeeded => "new_passphrase_needed",
    WrongPassphrase => "wrong_passphrase",
    PassphraseTooShort => "passphrase_too_short",
    PassphraseTooCommon => "passphrase_too_common",
    KeyFileMissing => "key_file_missing",
    KeyFileDamaged => "key_file_damaged",
    PassphrasesDiffer => "passphrases_differ",
    AmbiguousCustomer => "ambiguous_customer",
    AmbiguousDecimal => "ambiguous_decimal",
    BadCode => "bad_code",
    BadContent => "bad_content",
    BadCsv => "bad_csv",
    BadDate => "bad_date",
    BadEncoding => "bad_encoding",
    BadId => "bad_id",
    BadKey => "bad_key",
    BadMonth => "bad_month",
    BadRequest => "bad_request",
    BadRole => "bad_role",
    BadSignature => "bad_signature",
    BadTime => "bad_time",
    BadValue => "bad_value",
    BeyondSheet => "beyond_sheet",
    BeforeCheckIn => "before_check_in",
    BeforeFounding => "before_founding",
    BeforeFrom => "before_from",
    BeforeRecord => "before_record",
    BookNotEmpty => "book_not_empty",
    Both => "both",
    Builtin => "builtin",
    BuiltinList => "builtin_list",
    Cancelled => "cancelled",
    CannotWrite => "cannot_write",
    CellTooLong => "cell_too_long",
    CardsAreKept => "cards_are_kept",
    ChangedElsewhere => "changed_elsewhere",
    ControlCharacters => "control_characters",
    ControlChars => "control_chars",
    DamagedWorkbook => "damaged_workbook",
    DeviceKeyMismatch => "device_key_mismatch",
    DeviceRetired => "device_retired",
    Duplicate => "duplicate",
    DuplicateField => "duplicate_field",
    DivisionMismatch => "division_mismatch",
    Empty => "empty",
    EmptyFile => "empty_file",
    EmptySheet => "empty_sheet",
    EmptyWorkbook => "empty_workbook",
    Encode => "encode",
    FolderMissing => "folder_missing",
    FolderNotWritable => "folder_not_writable",
    FolderUnreadable => "folder_unreadable",
    FutureDate => "future_date",
    FutureMonth => "future_month",
    FutureTime => "future_time",
    GradeByManager => "grade_by_manager",
    HalfCoordinates => "half_coordinates",
    HasStops => "has_stops",
    InFuture => "in_future",
    InRule => "in_rule",
    Incomplete => "incomplete",
    JoinNeedsFirstFile => "join_needs_first_file",
    JoinNeedsNewBook => "join_needs_new_book",
    MappedTwice => "mapped_twice",
    MixedEncoding => "mixed_encoding",
    Negative => "negative",
    NewerFormat => "newer_format",
    NewerSchema => "newer_schema",
    NoCard => "no_card",
    NoRows => "no_rows",
    NoSyncFolder => "no_sync_folder",
    NoFolder => "no_folder",
    NoHeader => "no_header",
    Not100 => "not_100",
    NotACandidate => "not_a_candidate",
    NotAFile => "not_a_file",
    NotAFolder => "not_a_folder",
    NotARep => "not_a_rep",
    NotASpreadsheet => "not_a_spreadsheet",
    NotASyncFile => "not_a_sync_file",
    NotAWorkbook => "not_a_workbook",
    NotAuthor => "not_author",
    NotBool => "not_bool",
    NotChoice => "not_choice",
    NotCode => "not_code",
    NotCodes => "not_codes",
    NotDemoBook => "not_demo_book",
    NotDate => "not_date",
    NotEditable => "not_editable",
    NotEnrolled => "not_enrolled",
    NotInteger => "not_integer",
    NotNumber => "not_number",
    NotOffice => "not_office",
    NotOnRoute => "not_on_route",
    NotRef => "not_ref",
    NotSpotCheck => "not_spot_check",
    NotSubmitted => "not_submitted",
    NotTags => "not_tags",
    NotText => "not_text",
    NotTheStops => "not_the_stops",
    NotUsed => "not_used",
    NothingMapped => "nothing_mapped",
    OfficeKeyMismatch => "office_key_mismatch",
    OfficeNotTrusted => "office_not_trusted",
    OfficeOnly => "office_only",
    OlderFormat => "older_format",
    Order => "order",
    OtherRep => "other_rep",
    OwnerNeeded => "owner_needed",
    OwnsCustomers => "owns_customers",
    OutOfRange => "out_of_range",
    OutOfScope => "out_of_scope",
    PasswordProtected => "password_protected",
    PeriodNotStarted => "period_not_started",
    PhoneFormat => "phone_format",
    ReadOnly => "read_only",
    ReassignByManager => "reassign_by_manager",
    RecipientNeeded => "recipient_needed",
    RecordList => "record_list",
    Repeated => "repeated",
    Replayed => "replayed",
    Required => "required",
    Retired => "retired",
    RetiredCode => "retired_code",
    RetiredList => "retired_list",
    SelfReference => "self",
    SupplierCycle => "supplier_cycle",
    Tampered => "tampered",
    TooBig => "too_big",
    TooLong => "too_long",
    TooMany => "too_many",
    TooManyColumns => "too_many_columns",
    TooManyCells => "too_many_cells",
    TooManyRows => "too_many_rows",
    Truncated => "truncated",
    UnclosedQuote => "unclosed_quote",
    UnknownCard => "unknown_card",
    UnknownChoice => "unknown_choice",
    UnknownCode => "unknown_code",
    UnknownCustomer => "unknown_customer",
    UnknownDevice => "unknown_device",
    UnknownDivision => "unknown_division",
    UnknownField => "unknown_field",
    UnknownGrade => "unknown_grade",
    UnknownGroup => "unknown_group",
    UnknownList => "unknown_list",
    UnknownPerson => "unknown_person",
    UnknownProduct => "unknown_product",
    UnknownRef => "unknown_ref",
    UnknownRow => "unknown_row",
    UnknownSheet => "unknown_sheet",
    UnknownTable => "unknown_table",
    UnknownUnit => "unknown_unit",
    UnitWithoutHead => "unit_without_head",
    UnlikelyAge => "unlikely_age",
    Unmapped => "unmapped",
    Unreadable => "unreadable",
    UnzipsTooBig => "unzips_too_big",
    Urgent => "urgent",
    WrongRecipient => "wrong_recipient",
    WrongScale => "wrong_scale",
}

impl std::fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ProblemCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for ProblemCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

/// One problem with one field of a form or an import row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FieldProblem {
    /// Field key as in the field registry (`name`, `phone`, `keyPerson.birthYear` …).
    pub field: String,
    /// Stable code of the problem (`required`, `too_long`, `future_date` …).
    pub code: ProblemCode,
    /// What is wrong and what to do, in English; the UI translates by `code`.
    pub message: String,
    /// The value at fault as the user gave it (an import's cell), which the
    /// UI shows beside the translated text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub value: Option<String>,
}

impl FieldProblem {
    pub fn new(field: impl Into<String>, code: ProblemCode, message: impl Into<String>) -> Self {
        Self { field: field.into(), code, message: message.into(), value: None }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what} {id} does not exist in this book")]
    NotFound { what: &'static str, id: String },
    #[error("{}", summarize(.0))]
    Invalid(Vec<FieldProblem>),
    #[error(
        "someone else changed {} since you opened this card; reload it to see their values, then apply your change again",
        .fields.join(", ")
    )]
    EditConflict { fields: Vec<String> },
    /// The person using this laptop may not do this (a rep editing code lists …).
    #[error("{0}")]
    Forbidden(String),
    #[error("this book has no profile yet: create your profile (or open the demo book) first")]
    NoProfile,
    #[error("this book already has a profile; a laptop belongs to one person")]
    ProfileExists,
    #[error(
        "this book was written by a newer fieldcrm (schema version {found}; this program knows up to {supported}): install the newer fieldcrm to open it"
    )]
    BookTooNew { found: i64, supported: i64 },
    #[error("{path} is not a fieldcrm book ({reason}); choose another file or a new path")]
    NotABook { path: String, reason: String },
    #[error(
        "the book {path} is damaged ({detail}); restore it from a backup or from head office's next file, and keep this copy for support"
    )]
    Corrupt { path: String, detail: String },
    #[error("the book {path} is already open in another fieldcrm window; switch to that window or close it first")]
    Locked { path: String },
    /// A changeset file or sync step was refused; `reason` is a stable code
    /// (`bad_signature`, `wrong_recipient` …), the message says what to do.
    /// `fingerprint`: head office's key fingerprint, on the first file from head
    /// office (`office_not_trusted`), for the user to confirm.
    #[error("{message}")]
    SyncRefused { reason: ProblemCode, message: String, fingerprint: Option<String> },
    /// The book's key could not be had: no passphrase given, a wrong one, a
    /// missing or damaged key file; `reason` says which.
    #[error("{message}")]
    Passphrase { reason: ProblemCode, message: String },
    #[error("the book cannot be used: {0}")]
    Io(#[from] std::io::Error),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

fn summarize(problems: &[FieldProblem]) -> String {
    let parts: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.field, p.message)).collect();
    parts.join("; ")
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What the UI and the CLI branch on. Never branch on message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    Invalid,
    EditConflict,
    Forbidden,
    NoProfile,
    ProfileExists,
    BookTooNew,
    NotABook,
    Corrupt,
    Locked,
    /// The book is encrypted and its key could not be had (see the problem's code).
    Passphrase,
    SyncRefused,
    Io,
    Internal,
}

/// The public error of every facade call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Field-level problems for `invalid`; the fields in conflict for `edit_conflict`.
    pub problems: Vec<FieldProblem>,
    /// Head office's key fingerprint (XXXX-XXXX-XXXX-XXXX) when the first file
    /// from head office is refused as `office_not_trusted`: what the user confirms.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_fingerprint: Option<String>,
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        let message = error.to_string();
        let office_fingerprint = match &error {
            Error::SyncRefused { fingerprint, .. } => fingerprint.clone(),
            _ => None,
        };
        let (code, problems) = match error {
            Error::NotFound { .. } => (ErrorCode::NotFound, vec![]),
            Error::Invalid(problems) => (ErrorCode::Invalid, problems),
            Error::EditConflict { fields } => (
                ErrorCode::EditConflict,
                fields
                    .into_iter()
                    .map(|f| {
                        FieldProblem::new(
                            f,
                            ProblemCode::ChangedElsewhere,
                            "changed by someone else since you opened the card",
                        )
                    })
                    .collect(),
            ),
            Error::Forbidden(_) => (ErrorCode::Forbidden, vec![]),
            Error::NoProfile => (ErrorCode::NoProfile, vec![]),
            Error::ProfileExists => (ErrorCode::ProfileExists, vec![]),
            Error::BookTooNew { .. } => (ErrorCode::BookTooNew, vec![]),
            Error::NotABook { .. } => (ErrorCode::NotABook, vec![]),
            Error::Corrupt { .. } => (ErrorCode::Corrupt, vec![]),
            Error::Locked { .. } => (ErrorCode::Locked, vec![]),
            Error::SyncRefused { reason, .. } => {
                (ErrorCode::SyncRefused, vec![FieldProblem::new("file", reason, message.clone())])
            }
            Error::Passphrase { reason, .. } => {
                (ErrorCode::Passphrase, vec![FieldProblem::new("passphrase", reason, message.clone())])
            }
            Error::Io(_) => (ErrorCode::Io, vec![]),
            Error::Sqlite(ref e) => match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DatabaseCorrupt) => (ErrorCode::Corrupt, vec![]),
                Some(rusqlite::ErrorCode::NotADatabase) => (ErrorCode::NotABook, vec![]),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                    return ApiError::new(
                        ErrorCode::Locked,
                        "the book is busy with another program's write; try again in a moment",
                    )
                }
                _ => (ErrorCode::Internal, vec![]),
            },
        };
        ApiError { code, message, problems, office_fingerprint }
    }
}

impl ApiError {
    /// An error with no field problems.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into(), problems: vec![], office_fingerprint: None }
    }

    /// A failure of the program itself (a bug or a broken transport), not of the user's input.
    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::Internal, message)
    }
}

impl Error {
    pub fn refused(reason: ProblemCode, message: impl Into<String>) -> Self {
        Error::SyncRefused { reason, message: message.into(), fingerprint: None }
    }

    pub fn invalid(field: &str, code: ProblemCode, message: impl Into<String>) -> Self {
        Error::Invalid(vec![FieldProblem::new(field, code, message)])
    }
}
