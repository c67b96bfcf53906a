//! The changeset file: what travels between a laptop and head office.
//!
//! ```text
//! "FCRMSYNC"            8 bytes
//! format major, minor   2 × u16 little-endian
//! header length         u32 little-endian
//! header                JSON (Header)
//! signature             64 bytes, Ed25519 over everything above
//! body                  zstd-compressed JSON (Body), sealed to the recipient (below);
//!                       its unpacked length and the sealed bytes' SHA-256 are in the header
//! ```
//!
//! The body is **sealed to its recipient** (format 2): an X25519 key made for
//! this file alone (its public half is the header's `ephemeral`, so the
//! sender's signature covers it) meets the recipient's key — the Ed25519
//! device key it enrolled with, as its X25519 form — and the SHA-256 of the
//! shared secret, both public keys and a context string is the key of
//! ChaCha20-Poly1305 over 64 KiB chunks (nonce: the chunk's number and a
//! last-chunk flag, so a body cut at a chunk boundary fails too). A file on a
//! USB stick shows its header (who, to whom, how many changes) and nothing
//! of the cards.
//!
//! A reader checks, in this order: magic, major version, header, sender's key,
//! signature, recipient, body length and hash, then opens and unpacks the
//! body as a stream into the changeset, never past the length the header
//! declares nor a small multiple of the packed size ([`body_cap`]). See docs/SYNC.md.

use crate::error::ProblemCode;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use curve25519_dalek::montgomery::MontgomeryPoint;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::changes::manifest::Columns;
use crate::error::{Error, Result};

pub const MAGIC: &[u8; 8] = b"FCRMSYNC";
/// 2: the body is sealed to its recipient (1 carried it packed only).
pub const FORMAT_MAJOR: u16 = 2;
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
    /// Hex of the X25519 public key made for this file alone; the body is sealed with it ([`seal`]).
    pub ephemeral: String,
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
    /// A laptop's file: hex of the key its book is encrypted with, for head
    /// office's recovery copy (the body is sealed to head office).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery: Option<String>,
}

pub fn fingerprint(key: &[u8]) -> String {
    let digest = Sha256::digest(key);
    let hex = hex::encode(&digest[..8]).to_uppercase();
    hex.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// Writes a signed file whose body only `recipient` can open.
/// `header.body_len`, `body_hash` and `ephemeral` are filled in here.
pub fn encode(mut header: Header, body: &Body, key: &SigningKey, recipient: &VerifyingKey) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(body).map_err(|e| Error::refused(ProblemCode::Encode, e.to_string()))?;
    let compressed = zstd::bulk::compress(&json, 3)?;
    header.body_len = json.len() as u64;
    let sealed = seal(&mut header, &compressed, recipient)?;
    frame(&header, &sealed, key)
}

/// Plaintext bytes per sealed chunk.
const CHUNK: usize = 64 << 10;
const TAG: usize = 16;
const SEAL_CONTEXT: &[u8] = b"fieldcrm changeset body v2";

fn body_cipher(
    shared: &MontgomeryPoint,
    ephemeral: &MontgomeryPoint,
    recipient: &MontgomeryPoint,
) -> Result<ChaCha20Poly1305> {
    // A recipient key of small order gives a secret anyone knows.
    if shared.as_bytes().iter().all(|&b| b == 0) {
        return Err(Error::refused(ProblemCode::BadKey, "the recipient's device key cannot receive sealed files"));
    }
    let mut hash = Sha256::new();
    hash.update(SEAL_CONTEXT);
    hash.update(shared.as_bytes());
    hash.update(ephemeral.as_bytes());
    hash.update(recipient.as_bytes());
    let key = Zeroizing::new(<[u8; 32]>::from(hash.finalize()));
    Ok(ChaCha20Poly1305::new(key.as_ref().into()))
}

fn chunk_nonce(index: u64, last: bool) -> Nonce {
    let mut nonce = [0u8; 12];
    nonce[..8].copy_from_slice(&index.to_be_bytes());
    nonce[11] = u8::from(last);
    Nonce::from(nonce)
}

/// Seals a packed body to `recipient`: a new X25519 key for this file (its
/// public half goes into `header.ephemeral`), then 64 KiB chunks of
/// ChaCha20-Poly1305. Sets `header.body_hash` to the sealed bytes' hash.
pub fn seal(header: &mut Header, packed: &[u8], recipient: &VerifyingKey) -> Result<Vec<u8>> {
    let mut secret = Zeroizing::new([0u8; 32]);
    getrandom::fill(secret.as_mut())
        .map_err(|e| Error::Io(std::io::Error::other(format!("no random numbers: {e}"))))?;
    let ephemeral = MontgomeryPoint::mul_base_clamped(*secret);
    let theirs = recipient.to_montgomery();
    let cipher = body_cipher(&theirs.mul_clamped(*secret), &ephemeral, &theirs)?;
    let chunks = packed.len().div_ceil(CHUNK).max(1);
    let mut sealed = Vec::with_capacity(packed.len() + chunks * TAG);
    for index in 0..chunks {
        let part = &packed[(index * CHUNK).min(packed.len())..((index + 1) * CHUNK).min(packed.len())];
        let nonce = chunk_nonce(index as u64, index + 1 == chunks);
        let out = cipher
            .encrypt(&nonce, part)
            .map_err(|_| Error::refused(ProblemCode::Encode, "the changeset could not be sealed"))?;
        sealed.extend_from_slice(&out);
    }
    header.ephemeral = hex::encode(ephemeral.as_bytes());
    header.body_hash = hex::encode(Sha256::digest(&sealed));
    Ok(sealed)
}

/// Reads a sealed body as its packed bytes, a chunk at a time (never the
/// whole body): a chunk that does not open — altered, reordered, cut — ends it.
struct Opened<'a> {
    cipher: ChaCha20Poly1305,
    sealed: &'a [u8],
    index: u64,
    plain: Zeroizing<Vec<u8>>,
    at: usize,
}

impl<'a> Opened<'a> {
    fn new(sealed: &'a [u8], ephemeral_hex: &str, recipient: &SigningKey) -> Result<Self> {
        let ephemeral: [u8; 32] = hex::decode(ephemeral_hex).ok().and_then(|b| b.try_into().ok()).ok_or_else(|| {
            Error::refused(ProblemCode::Tampered, "the file's sealing key is unreadable; ask the sender for a new file")
        })?;
        let ephemeral = MontgomeryPoint(ephemeral);
        let mine = recipient.verifying_key().to_montgomery();
        let shared = ephemeral.mul_clamped(recipient.to_scalar_bytes());
        let cipher = body_cipher(&shared, &ephemeral, &mine)?;
        Ok(Self { cipher, sealed, index: 0, plain: Zeroizing::new(Vec::new()), at: 0 })
    }
}

impl std::io::Read for Opened<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.plain.len() {
            if self.sealed.is_empty() {
                return Ok(0);
            }
            let take = self.sealed.len().min(CHUNK + TAG);
            let last = take == self.sealed.len();
            let (chunk, rest) = self.sealed.split_at(take);
            let plain = self
                .cipher
                .decrypt(&chunk_nonce(self.index, last), chunk)
                .map_err(|_| std::io::Error::other("a sealed chunk does not open"))?;
            self.plain = Zeroizing::new(plain);
            self.at = 0;
            self.sealed = rest;
            self.index += 1;
        }
        let n = buf.len().min(self.plain.len() - self.at);
        buf[..n].copy_from_slice(&self.plain[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
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
    /// header, and opens (with `recipient`, this book's own key) and decodes it.
    pub fn verify(self, key: &VerifyingKey, recipient: &SigningKey, limits: Limits) -> Result<(Header, Body)> {
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
        let opened = Opened::new(self.body, &self.header.ephemeral, recipient)?;
        let body = unpack(opened, self.header.body_len)?;
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
fn unpack(packed: impl std::io::Read, declared: u64) -> Result<Body> {
    let damaged = || {
        Error::refused(
            ProblemCode::Tampered,
            "the file's contents cannot be unpacked; ask the sender for the file again",
        )
    };
    let mut decoder = zstd::stream::read::Decoder::with_buffer(std::io::BufReader::with_capacity(CHUNK, packed))
        .map_err(|_| damaged())?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn header(sender: &SigningKey) -> Header {
        serde_json::from_value(serde_json::json!({
            "formatMinor": 0, "schemaVersion": 2, "columns": {}, "sender": "laptop",
            "senderKey": hex::encode(sender.verifying_key().to_bytes()), "recipient": "office",
            "fileNo": 1, "ranges": [], "ack": 0, "createdAt": "2026-11-02T08:00:00.000Z",
            "snapshot": false, "clockCorrectionMs": 0, "changeCount": 0, "bodyLen": 0, "bodyHash": "",
            "ephemeral": ""
        }))
        .expect("header")
    }

    /// A body of many chunks opens only with the recipient's key, whole and in order.
    #[test]
    fn a_sealed_body_opens_only_for_its_recipient() {
        let sender = SigningKey::from_bytes(&[1; 32]);
        let office = SigningKey::from_bytes(&[2; 32]);
        let someone = SigningKey::from_bytes(&[3; 32]);
        let change = |i: usize| Change {
            t: "customer".into(),
            k: format!("c{i}"),
            c: "name".into(),
            v: serde_json::json!(format!("农资店{i}-{}", i * 7919 % 104729)),
            h: i as u64,
            o: "laptop".into(),
            s: i as i64,
            bh: 0,
            bo: None,
            n: 0,
        };
        // Enough changes that the packed body spans several 64 KiB chunks.
        let body = Body { changes: (0..40_000).map(change).collect(), ..Body::default() };
        let bytes = encode(header(&sender), &body, &sender, &office.verifying_key()).expect("encode");
        let opened = open(&bytes).expect("frame").header;
        assert_eq!(opened.ephemeral.len(), 64);
        let packed_len = bytes.len() - PREFIX - SIGNATURE_BYTES;
        assert!(packed_len > 3 * CHUNK, "{packed_len} bytes: one chunk only");

        let (_, got) =
            open(&bytes).expect("frame").verify(&sender.verifying_key(), &office, Limits::FROM_DEVICE).expect("opens");
        assert_eq!(got, body);
        let refused = open(&bytes).expect("frame").verify(&sender.verifying_key(), &someone, Limits::FROM_DEVICE);
        assert!(matches!(refused, Err(Error::SyncRefused { reason: ProblemCode::Tampered, .. })), "{refused:?}");

        // Two chunks swapped (and the hash and signature made to match) do not open.
        let mut h = header(&sender);
        let json = serde_json::to_vec(&body).expect("json");
        let packed = zstd::bulk::compress(&json, 3).expect("pack");
        h.body_len = json.len() as u64;
        let mut sealed = seal(&mut h, &packed, &office.verifying_key()).expect("seal");
        let n = CHUNK + TAG;
        let (first, rest) = sealed.split_at_mut(n);
        first.swap_with_slice(&mut rest[..n]);
        h.body_hash = hex::encode(Sha256::digest(&sealed));
        let swapped = frame(&h, &sealed, &sender).expect("frame");
        let refused = open(&swapped).expect("frame").verify(&sender.verifying_key(), &office, Limits::FROM_DEVICE);
        assert!(matches!(refused, Err(Error::SyncRefused { reason: ProblemCode::Tampered, .. })), "{refused:?}");
        // Nor does one whose last chunks were cut off at a chunk boundary.
        let mut h2 = h.clone();
        let cut = &sealed[..2 * n];
        h2.body_hash = hex::encode(Sha256::digest(cut));
        let cut = frame(&h2, cut, &sender).expect("frame");
        let refused = open(&cut).expect("frame").verify(&sender.verifying_key(), &office, Limits::FROM_DEVICE);
        assert!(refused.is_err());
    }
}
