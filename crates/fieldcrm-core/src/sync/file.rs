//! The changeset file: what travels between a laptop and head office.
//!
//! ```text
//! "FCRMSYNC"            8 bytes
//! format major, minor   2 × u16 little-endian
//! header length         u32 little-endian
//! header                JSON (Header)
//! signature             64 bytes, Ed25519 over everything above
//! body                  zstd-compressed JSON (Body); its length and SHA-256 are in the header
//! ```
//!
//! A reader checks, in this order: magic, major version, header, sender's key,
//! signature, recipient, body length and hash, then unpacks the body as a
//! stream into the changeset, never past the length the header declares nor
//! a small multiple of the packed size ([`body_cap`]). See docs/SYNC.md.

use crate::error::ProblemCode;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use crate::changes::manifest::Columns;
use crate::error::{Error, Result};

pub const MAGIC: &[u8; 8] = b"FCRMSYNC";
pub const FORMAT_MAJOR: u16 = 1;
pub const FORMAT_MINOR: u16 = 0;
/// Larger files are refused before reading them, whoever sent them (a year
/// of a big region is far below); [`Limits`] bounds each sender's further.
pub const MAX_FILE_BYTES: u64 = 512 << 20;
const MAX_HEADER_BYTES: usize = 16 << 20;
/// What a file may cost its reader, by who sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The file on disk (read whole: it is signed as a whole).
    pub file: u64,
    /// What its body may unpack to at most.
    pub body: u64,
}

impl Limits {
    /// A laptop's file to head office: its own writes since its last file.
    /// A rep's busiest month is a few MiB of JSON; these are far above.
    pub const FROM_DEVICE: Limits = Limits { file: 32 << 20, body: 256 << 20 };
    /// Head office's file to a laptop: a first file carries the whole of the
    /// person's part of the organisation (a region's 100,000 cards with their
    /// records is about 600 MiB of JSON).
    pub const FROM_OFFICE: Limits = Limits { file: MAX_FILE_BYTES, body: 1 << 30 };
}
/// How many times its packed size a body may unpack to. Changeset JSON packs
/// 5 to 15 times at the level files are written with, and up to about 175
/// times when its rows are nearly alike (12,000 cards written by a script);
/// a gigabyte of zeros packs 30,000 times.
pub const MAX_RATIO: u64 = 1024;
/// What any body may unpack to regardless of its packed size (a small file's
/// ratio says little).
pub const MIN_BODY_CAP: u64 = 8 << 20;
/// The largest zstd window a body may ask for (2^22 = 4 MiB; files are
/// written with 2 MiB or less): a frame asking more is refused before the
/// decoder allocates it.
const WINDOW_LOG_MAX: u32 = 22;
const PREFIX: usize = 8 + 2 + 2 + 4;
const SIGNATURE_BYTES: usize = 64;

/// A range of one origin's stream: laptop files carry the sender's sequence
/// numbers `from..=to`; head office's files its versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Range {
    pub origin: String,
    pub from: i64,
    pub to: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Header {
    pub format_minor: u16,
    pub schema_version: i64,
    /// Synced columns of each table as the sender's schema has them.
    pub columns: Columns,
    pub sender: String,
    /// Hex of the sender's public key (pinned from head office's first file).
    pub sender_key: String,
    pub recipient: String,
    /// Head office's files: the staff member the recipient device is enrolled for.
    #[serde(default)]
    pub recipient_staff: Option<String>,
    /// Counts the sender's files to this recipient; a second, different file
    /// with the same number is refused.
    pub file_no: i64,
    pub ranges: Vec<Range>,
    /// What the sender holds of the recipient's stream (acknowledgement).
    pub ack: i64,
    pub created_at: String,
    /// Head office's files: the whole scope, and cards not in it leave the book.
    pub snapshot: bool,
    /// A laptop's file: the offset (ms) it adds to its wall clock. Head
    /// office's file: the offset the laptop should use (its clock ran ahead).
    pub clock_correction_ms: i64,
    pub change_count: u64,
    pub body_len: u64,
    pub body_hash: String,
}

/// One change of one cell (`c` = column), one new row (`c = "*"`, `v` = all
/// columns) or one removed row (`c = "-"`). `h`/`o`: clock and origin device;
/// `s`: the origin's sequence number; `bh`/`bo`: the clock the author had
/// seen for this cell; `n`: head-office version the author had imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub t: String,
    pub k: String,
    pub c: String,
    #[serde(default)]
    pub v: Json,
    pub h: u64,
    pub o: String,
    pub s: i64,
    #[serde(default)]
    pub bh: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bo: Option<String>,
    #[serde(default)]
    pub n: i64,
}

impl Change {
    /// The clock this change carries, as the receiving book stores it.
    pub fn clock(&self) -> crate::changes::capture::CellClock {
        crate::changes::capture::CellClock {
            hlc: self.h,
            origin: self.o.clone(),
            base_hlc: self.bh,
            base_origin: self.bo.clone(),
            deleted: self.c == "-",
        }
    }
}

/// A change head office refused, told back to its author with the value the
/// cell has at head office (so the author's book returns to it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rejection {
    pub id: String,
    pub seq: i64,
    pub table: String,
    pub pk: String,
    pub column: String,
    pub value: Json,
    pub reason: String,
    pub message: String,
    pub customer_id: Option<String>,
    pub label: Option<String>,
    pub rejected_at: String,
    /// The rejected change's clock; the author reverts only if it still holds it.
    pub hlc: u64,
    /// Head office's current row (`*`) or cell, with its clock; `None` when
    /// head office has no such row.
    pub current: Option<Json>,
    pub current_clock: Option<(u64, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Body {
    pub changes: Vec<Change>,
    /// Customers that left the recipient's scope.
    pub removals: Vec<String>,
    pub rejections: Vec<Rejection>,
    /// Snapshot files: every customer in the recipient's scope.
    pub keep: Vec<String>,
}

pub fn fingerprint(key: &[u8]) -> String {
    let digest = Sha256::digest(key);
    let hex = hex::encode(&digest[..8]).to_uppercase();
    hex.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// Writes a signed file. `header.body_len`/`body_hash` are filled in here.
pub fn encode(mut header: Header, body: &Body, key: &SigningKey) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(body).map_err(|e| Error::refused(ProblemCode::Encode, e.to_string()))?;
    let compressed = zstd::bulk::compress(&json, 3)?;
    header.body_len = json.len() as u64;
    header.body_hash = hex::encode(Sha256::digest(&compressed));
    frame(&header, &compressed, key)
}

/// Frames and signs a header and a packed body as they are: the header's
/// `body_len` and `body_hash` are taken as given ([`encode`] fills them in;
/// the tests write files that lie).
pub fn frame(header: &Header, packed: &[u8], key: &SigningKey) -> Result<Vec<u8>> {
    let header_json = serde_json::to_vec(header).map_err(|e| Error::refused(ProblemCode::Encode, e.to_string()))?;
    let mut out = Vec::with_capacity(PREFIX + header_json.len() + SIGNATURE_BYTES + packed.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_MAJOR.to_le_bytes());
    out.extend_from_slice(&FORMAT_MINOR.to_le_bytes());
    out.extend_from_slice(&u32::try_from(header_json.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(&header_json);
    let signature = key.sign(&out);
    out.extend_from_slice(&signature.to_bytes());
    out.extend_from_slice(packed);
    Ok(out)
}

/// A file whose header has been read but not yet trusted.
pub struct Unverified<'a> {
    pub header: Header,
    signed: &'a [u8],
    signature: [u8; SIGNATURE_BYTES],
    body: &'a [u8],
}

fn not_ours() -> Error {
    Error::refused(
        ProblemCode::NotASyncFile,
        "this is not a fieldcrm changeset file; choose a file exported by fieldcrm (*.fcsync)",
    )
}

fn truncated() -> Error {
    Error::refused(
        ProblemCode::Truncated,
        "the file is incomplete (it was cut off while copying); ask the sender for the file again",
    )
}

/// Reads only the frame and the header of a file on disk (to list a folder
/// without reading whole files). Nothing in it is trusted.
pub fn peek(path: &std::path::Path) -> Result<Header> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(PREFIX);
    (&mut file).take(PREFIX as u64).read_to_end(&mut bytes)?;
    if bytes.len() == PREFIX {
        let header_len = u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]) as usize;
        let rest = header_len.min(MAX_HEADER_BYTES + 1) + SIGNATURE_BYTES;
        file.take(rest as u64).read_to_end(&mut bytes)?;
    }
    Ok(open(&bytes)?.header)
}

/// Reads the frame and the header. Nothing in it is trusted yet.
pub fn open(bytes: &[u8]) -> Result<Unverified<'_>> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::refused(
            ProblemCode::TooBig,
            format!(
                "the file is {} MiB, more than the {} MiB a changeset may have",
                bytes.len() >> 20,
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(not_ours());
    }
    if bytes.len() < PREFIX {
        return Err(truncated());
    }
    let major = u16::from_le_bytes([bytes[8], bytes[9]]);
    if major > FORMAT_MAJOR {
        return Err(Error::refused(
            ProblemCode::NewerFormat,
            format!(
                "the file was written by a newer fieldcrm (format {major}, this program reads format {FORMAT_MAJOR}); update fieldcrm and import it again"
            ),
        ));
    }
    if major < FORMAT_MAJOR {
        return Err(Error::refused(
            ProblemCode::OlderFormat,
            format!(
                "the file uses format {major}, which this fieldcrm no longer reads; ask the sender to update fieldcrm"
            ),
        ));
    }
    let header_len = u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]) as usize;
    if header_len > MAX_HEADER_BYTES {
        return Err(not_ours());
    }
    let signed_end = PREFIX + header_len;
    if bytes.len() < signed_end + SIGNATURE_BYTES {
        return Err(truncated());
    }
    let header: Header = serde_json::from_slice(&bytes[PREFIX..signed_end]).map_err(|_| {
        Error::refused(
            ProblemCode::Tampered,
            "the file's header is unreadable; it was damaged or altered. Ask the sender for a new file",
        )
    })?;
    let mut signature = [0u8; SIGNATURE_BYTES];
    signature.copy_from_slice(&bytes[signed_end..signed_end + SIGNATURE_BYTES]);
    Ok(Unverified { header, signed: &bytes[..signed_end], signature, body: &bytes[signed_end + SIGNATURE_BYTES..] })
}

impl Unverified<'_> {
    /// Checks the signature with the sender's key, then the body against the
    /// header, and decodes it.
    pub fn verify(self, key: &VerifyingKey, limits: Limits) -> Result<(Header, Body)> {
        let signature = Signature::from_bytes(&self.signature);
        key.verify_strict(self.signed, &signature).map_err(|_| {
            Error::refused(
                ProblemCode::BadSignature,
                "the file's signature does not match its sender; it was altered or not written by the device it names. Do not use it; ask the sender for a new file",
            )
        })?;
        if hex::encode(Sha256::digest(self.body)) != self.header.body_hash {
            return Err(Error::refused(
                ProblemCode::Tampered,
                "the file's contents do not match its signed header; it was cut off or altered. Ask the sender for the file again",
            ));
        }
        let cap = body_cap(self.body.len(), limits);
        if self.header.body_len > cap {
            return Err(too_big(self.header.body_len, self.body.len()));
        }
        let body = unpack(self.body, self.header.body_len)?;
        Ok((self.header, body))
    }
}

/// What a body packed in `packed` bytes may unpack to: [`MAX_RATIO`] times
/// its size, at least [`MIN_BODY_CAP`], never more than its sender's limit.
pub fn body_cap(packed: usize, limits: Limits) -> u64 {
    (packed as u64).saturating_mul(MAX_RATIO).max(MIN_BODY_CAP).min(limits.body)
}

fn too_big(declared: u64, packed: usize) -> Error {
    Error::refused(
        ProblemCode::TooBig,
        format!(
            "the file claims {} MiB of changes packed into {} KiB, more than any changeset holds; it was made to hurt or damaged. Do not use it; ask the sender for a new file",
            declared >> 20,
            packed >> 10
        ),
    )
}

/// A reader that gives at most `left` bytes and then fails, so a body never
/// unpacks to more than its signed header declares.
struct Bounded<R> {
    inner: R,
    left: u64,
    over: bool,
}

impl<R: std::io::Read> std::io::Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // One byte more than declared is enough to know.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => {
                    self.over = true;
                    Err(std::io::Error::other("the body unpacks to more than its header declares"))
                }
            };
        }
        let want = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Unpacks and reads a body as a stream: the JSON is never held whole, the
/// decoder's window is bounded, and it stops at `declared` bytes.
fn unpack(packed: &[u8], declared: u64) -> Result<Body> {
    let damaged = || {
        Error::refused(
            ProblemCode::Tampered,
            "the file's contents cannot be unpacked; ask the sender for the file again",
        )
    };
    let mut decoder = zstd::stream::read::Decoder::with_buffer(packed).map_err(|_| damaged())?;
    decoder.window_log_max(WINDOW_LOG_MAX).map_err(|_| damaged())?;
    let mut reader =
        std::io::BufReader::with_capacity(64 << 10, Bounded { inner: decoder, left: declared, over: false });
    let body: std::result::Result<Body, _> = serde_json::from_reader(&mut reader);
    let bounded = reader.get_ref();
    if bounded.over {
        return Err(Error::refused(
            ProblemCode::TooBig,
            format!(
                "the file's contents unpack to more than the {} KiB its signed header declares; it was made to hurt or damaged. Do not use it; ask the sender for a new file",
                declared >> 10
            ),
        ));
    }
    let body = body.map_err(|e| {
        if e.is_io() {
            damaged()
        } else {
            Error::refused(
                ProblemCode::Tampered,
                format!("the file's contents are not a changeset ({e}); ask the sender for a new file"),
            )
        }
    })?;
    if bounded.left != 0 {
        return Err(Error::refused(
            ProblemCode::Tampered,
            "the file's contents are shorter than its signed header says; it was cut off or altered. Ask the sender for the file again",
        ));
    }
    Ok(body)
}

pub fn verifying_key(bytes: &[u8]) -> Result<VerifyingKey> {
    let array: [u8; 32] = bytes
        .try_into()
        .map_err(|_| Error::refused(ProblemCode::BadKey, "a device key has 32 bytes (64 hex digits)"))?;
    VerifyingKey::from_bytes(&array).map_err(|_| Error::refused(ProblemCode::BadKey, "this is not a valid device key"))
}

pub fn parse_key_hex(text: &str) -> Result<Vec<u8>> {
    let bytes = hex::decode(text.trim()).map_err(|_| {
        Error::refused(
            ProblemCode::BadKey,
            "a device key is 64 hexadecimal digits, as `fieldcrm device show` prints it",
        )
    })?;
    verifying_key(&bytes)?;
    Ok(bytes)
}
