//! Admitting a received file: who sent it, whether this book trusts the
//! sender's key, the signature and the body, and whether the file was imported
//! before. [`Known::load`] makes the few one-row reads this needs; [`stage`]
//! and [`admit`] decide without a database, so nothing after them is asked of
//! an untrusted file.
//!
//! The refusals come in this order: the frame and header ([`file::open`]:
//! too big, not ours, truncated, newer or older format, unreadable header),
//! `newer_schema`, `wrong_recipient`, the sender (`unknown_device`,
//! `office_not_trusted`, `office_key_mismatch`, `bad_key`), the signature and
//! body (`bad_signature`, `tampered`, `too_big`), `replayed`, then a laptop's
//! joining (`join_needs_first_file`, `join_needs_new_book`).

use ed25519_dalek::SigningKey;
use rusqlite::{params, Connection, OptionalExtension};

use super::file::{self, fingerprint, Body, Header, Unverified};
use super::office::{self, Peer};
use crate::changes::capture::is_office;
use crate::error::{Error, ProblemCode, Result};
use crate::store::{device_id, SCHEMA_VERSION};

/// What the book knows that decides whether a file is admitted. Loaded for one
/// header (its sender and number); tests build it by hand.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// This book's device id.
    pub me: String,
    /// This book is head office's.
    pub is_office: bool,
    /// Head office: the sender's enrolment; a laptop: the head office it
    /// joined (`None` before its first file).
    pub peer: Option<Peer>,
    /// The body hash of the file with the header's sender and number imported
    /// before, if any.
    pub received_hash: Option<String>,
    /// The book holds cards (read only for a laptop that has not joined yet).
    pub has_cards: bool,
    /// This book's own device key: the bodies of the files sent to it are sealed to it.
    pub secret: Option<SigningKey>,
}

impl Known {
    /// The reads [`admit`] needs for `header` (nothing in it is trusted yet:
    /// it only chooses which rows to read).
    pub fn load(conn: &Connection, header: &Header) -> Result<Self> {
        let me = device_id(conn)?;
        let is_office = is_office(conn)?;
        let peer = if is_office { office::peer(conn, &header.sender)? } else { super::office_peer(conn)? };
        let received_hash: Option<String> = conn
            .prepare_cached("SELECT body_hash FROM sync_received_file WHERE sender = ?1 AND file_no = ?2")?
            .query_row(params![header.sender, header.file_no], |r| r.get(0))
            .optional()?;
        let has_cards = !is_office
            && peer.is_none()
            && conn.query_row("SELECT EXISTS (SELECT 1 FROM customer)", [], |r| r.get(0))?;
        let secret = super::own_key(conn)?;
        Ok(Self { me, is_office, peer, received_hash, has_cards, secret })
    }
}

/// Who a staged file comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Head office receiving an enrolled laptop's file.
    Device(Peer),
    /// A laptop receiving the file of the head office it joined.
    Office(Peer),
    /// A laptop's first file from head office, whose key the user confirmed:
    /// the book joins (the key is pinned) as it imports the file.
    Joining { key: Vec<u8> },
}

/// A file whose sender, signature and body were checked.
#[derive(Debug, Clone)]
pub struct Staged {
    pub header: Header,
    pub body: Body,
    pub from: Source,
}

/// What becomes of a received file.
#[derive(Debug, Clone)]
pub enum Admitted {
    /// This very file was imported before (the sender is named); nothing to do.
    Duplicate(String),
    File(Box<Staged>),
}

/// A fingerprint as the user may type it: any case, spacing or dashes.
pub fn normalise_fingerprint(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_uppercase()
}

/// Opens and admits a file (see [`admit`]).
pub fn stage(bytes: &[u8], known: &Known, trust: Option<&str>) -> Result<Admitted> {
    admit(file::open(bytes)?, known, trust)
}

/// Checks an opened file against what the book knows. `trust` is head
/// office's key fingerprint as the user confirmed it, needed only for a
/// laptop's first file.
pub fn admit(unverified: Unverified<'_>, known: &Known, trust: Option<&str>) -> Result<Admitted> {
    let h = &unverified.header;
    if h.schema_version > SCHEMA_VERSION {
        return Err(Error::refused(
            ProblemCode::NewerSchema,
            format!(
                "the file comes from a newer fieldcrm (book version {}, this program has {SCHEMA_VERSION}); update fieldcrm, then import it again",
                h.schema_version
            ),
        ));
    }
    if h.recipient != known.me {
        return Err(Error::refused(
            ProblemCode::WrongRecipient,
            "this file was written for another device; import it on the laptop it is addressed to (its name says who it is for)",
        ));
    }
    let (from, key) = if known.is_office {
        let peer = known.peer.clone().filter(|p| !p.is_office).ok_or_else(|| {
            Error::refused(
                ProblemCode::UnknownDevice,
                format!("the file comes from device {}, which is not enrolled here; enroll the device first", h.sender),
            )
        })?;
        super::office::refuse_retired(&peer)?;
        let key = file::verifying_key(&peer.public_key)?;
        (Source::Device(peer), key)
    } else {
        match &known.peer {
            Some(office) => {
                if h.sender != office.device_id {
                    return Err(Error::refused(
                        ProblemCode::UnknownDevice,
                        "this file does not come from your head office; laptops exchange files only with head office",
                    ));
                }
                let key = file::verifying_key(&office.public_key)?;
                (Source::Office(office.clone()), key)
            }
            None => {
                let key_bytes = file::parse_key_hex(&h.sender_key)?;
                let expected = fingerprint(&key_bytes);
                match trust {
                    Some(t) if normalise_fingerprint(t) == normalise_fingerprint(&expected) => {}
                    Some(_) => {
                        return Err(Error::refused(
                            ProblemCode::OfficeKeyMismatch,
                            format!("head office's key in this file has fingerprint {expected}, not the one you confirmed; do not import it and call head office"),
                        ))
                    }
                    None => {
                        return Err(Error::SyncRefused {
                            reason: ProblemCode::OfficeNotTrusted,
                            message: format!("this is the first file from head office. Check with head office that their key fingerprint is {expected}, then import it again confirming it"),
                            fingerprint: Some(expected),
                        })
                    }
                }
                let key = file::verifying_key(&key_bytes)?;
                (Source::Joining { key: key_bytes }, key)
            }
        }
    };
    // A laptop's file costs head office what a laptop's honest file could.
    let limits = if known.is_office { file::Limits::FROM_DEVICE } else { file::Limits::FROM_OFFICE };
    let secret = known.secret.as_ref().ok_or_else(|| {
        Error::refused(
            ProblemCode::WrongRecipient,
            "this book has no device key yet, so no file can have been written for it; show your device key to head office first",
        )
    })?;
    let (header, body) = unverified.verify(&key, secret, limits)?;
    match &known.received_hash {
        Some(hash) if *hash == header.body_hash => return Ok(Admitted::Duplicate(header.sender)),
        Some(_) => {
            return Err(Error::refused(
                ProblemCode::Replayed,
                format!(
                    "a different file numbered {} from this sender was already imported; this one was altered or comes from a restored copy of the sender's book. Ask the sender to export again",
                    header.file_no
                ),
            ))
        }
        None => {}
    }
    if let Source::Joining { .. } = from {
        if !header.snapshot {
            return Err(Error::refused(
                ProblemCode::JoinNeedsFirstFile,
                "this laptop has not joined head office yet, and this is not a first file; ask head office to write your first file again",
            ));
        }
        if known.has_cards {
            return Err(Error::refused(
                ProblemCode::JoinNeedsNewBook,
                "this book already holds cards of its own; join head office with a new, empty book (start fieldcrm with another book file)",
            ));
        }
    }
    Ok(Admitted::File(Box::new(Staged { header, body, from })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::manifest::Columns;
    use crate::sync::file::{Change, Range};
    use ed25519_dalek::SigningKey;
    use serde_json::json;

    const OFFICE: &str = "office-device";
    const LAPTOP: &str = "laptop-device";

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn header(sender: &str, recipient: &str, signer: &SigningKey) -> Header {
        Header {
            format_minor: file::FORMAT_MINOR,
            schema_version: SCHEMA_VERSION,
            columns: Columns::default(),
            sender: sender.into(),
            sender_key: hex::encode(signer.verifying_key().to_bytes()),
            recipient: recipient.into(),
            recipient_staff: None,
            file_no: 3,
            ranges: vec![Range { origin: sender.into(), from: 1, to: 1 }],
            ack: 0,
            created_at: "2026-03-01T08:00:00.000Z".into(),
            snapshot: false,
            clock_correction_ms: 0,
            change_count: 1,
            body_len: 0,
            body_hash: String::new(),
            ephemeral: String::new(),
        }
    }

    fn body(origin: &str) -> Body {
        Body {
            changes: vec![Change {
                t: "customer".into(),
                k: "c1".into(),
                c: "phone".into(),
                v: json!("13800000001"),
                h: 1,
                o: origin.into(),
                s: 1,
                bh: 0,
                bo: None,
                n: 0,
            }],
            ..Body::default()
        }
    }

    fn encode(h: Header, signer: &SigningKey) -> Vec<u8> {
        let from = h.sender.clone();
        // Every test book holds the one key here (`secret` below), so bodies are sealed to it too.
        file::encode(h, &body(&from), signer, &signer.verifying_key()).expect("encode")
    }

    fn peer(device: &str, signer: &SigningKey, is_office: bool) -> Peer {
        Peer {
            device_id: device.into(),
            staff_id: Some("staff-1".into()),
            name: None,
            public_key: signer.verifying_key().to_bytes().to_vec(),
            acked_upto: 0,
            received_upto: 0,
            files_out: 0,
            skew_ms: 0,
            scope_sig: None,
            is_office,
            enrolled_at: "2026-01-01T00:00:00.000Z".into(),
            last_export_at: None,
            last_import_at: None,
            retired_at: None,
            retired_reason: None,
        }
    }

    /// Head office with the laptop enrolled under `signer`'s key.
    fn at_office(signer: &SigningKey) -> Known {
        Known {
            me: OFFICE.into(),
            is_office: true,
            peer: Some(peer(LAPTOP, signer, false)),
            secret: Some(signer.clone()),
            ..Known::default()
        }
    }

    /// A laptop that joined the head office holding `signer`'s key.
    fn on_laptop(signer: &SigningKey) -> Known {
        Known {
            me: LAPTOP.into(),
            is_office: false,
            peer: Some(peer(OFFICE, signer, true)),
            secret: Some(signer.clone()),
            ..Known::default()
        }
    }

    /// A laptop that has not joined yet.
    fn new_laptop(signer: &SigningKey) -> Known {
        Known { me: LAPTOP.into(), secret: Some(signer.clone()), ..Known::default() }
    }

    fn code(result: Result<Admitted>) -> &'static str {
        match result {
            Err(Error::SyncRefused { reason, .. }) => reason.as_str(),
            Err(other) => panic!("not a refusal: {other}"),
            Ok(Admitted::Duplicate(_)) => panic!("admitted as a duplicate"),
            Ok(Admitted::File(_)) => panic!("admitted"),
        }
    }

    fn staged(result: Result<Admitted>) -> Staged {
        match result {
            Ok(Admitted::File(s)) => *s,
            Ok(Admitted::Duplicate(_)) => panic!("a duplicate"),
            Err(e) => panic!("refused: {e}"),
        }
    }

    #[test]
    fn a_laptop_file_signed_by_its_enrolled_key_is_admitted_with_its_body() {
        let k = key(1);
        let bytes = encode(header(LAPTOP, OFFICE, &k), &k);
        let s = staged(stage(&bytes, &at_office(&k), None));
        assert!(matches!(&s.from, Source::Device(p) if p.device_id == LAPTOP));
        assert_eq!(s.body, body(LAPTOP));
        assert_eq!(s.header.file_no, 3);
        assert!(!s.header.body_hash.is_empty());
    }

    #[test]
    fn head_offices_file_is_admitted_on_the_laptop_that_joined_it() {
        let k = key(2);
        let bytes = encode(header(OFFICE, LAPTOP, &k), &k);
        let s = staged(stage(&bytes, &on_laptop(&k), None));
        assert!(matches!(&s.from, Source::Office(p) if p.device_id == OFFICE));
    }

    #[test]
    fn a_newer_schema_is_refused_first_then_a_file_for_another_device() {
        let k = key(1);
        let mut h = header(LAPTOP, "someone-else", &k);
        h.schema_version = SCHEMA_VERSION + 1;
        assert_eq!(code(stage(&encode(h, &k), &at_office(&k), None)), "newer_schema");
        let bytes = encode(header(LAPTOP, "someone-else", &k), &k);
        assert_eq!(code(stage(&bytes, &at_office(&k), None)), "wrong_recipient");
        // Wrong recipient comes before the sender and the signature.
        assert_eq!(code(stage(&bytes, &at_office(&key(9)), None)), "wrong_recipient");
    }

    #[test]
    fn head_office_refuses_a_sender_not_enrolled_or_another_office() {
        let k = key(1);
        let bytes = encode(header(LAPTOP, OFFICE, &k), &k);
        let stranger = Known { peer: None, ..at_office(&k) };
        assert_eq!(code(stage(&bytes, &stranger, None)), "unknown_device");
        let an_office = Known { peer: Some(peer(LAPTOP, &k, true)), ..at_office(&k) };
        assert_eq!(code(stage(&bytes, &an_office, None)), "unknown_device");
    }

    #[test]
    fn a_laptop_refuses_a_file_not_from_its_head_office() {
        let k = key(2);
        let bytes = encode(header("another-office", LAPTOP, &k), &k);
        assert_eq!(code(stage(&bytes, &on_laptop(&k), None)), "unknown_device");
    }

    #[test]
    fn head_office_refuses_a_file_from_a_retired_device_even_when_it_is_signed_right() {
        let k = key(1);
        let retired = Known {
            peer: Some(Peer {
                retired_at: Some("2026-11-20T02:00:00.000Z".into()),
                retired_reason: Some("丢失".into()),
                ..peer(LAPTOP, &k, false)
            }),
            ..at_office(&k)
        };
        let bytes = encode(header(LAPTOP, OFFICE, &k), &k);
        assert!(stage(&bytes, &at_office(&k), None).is_ok());
        let refused = stage(&bytes, &retired, None);
        let message = refused.as_ref().err().map(ToString::to_string).unwrap_or_default();
        assert_eq!(code(refused), "device_retired");
        assert!(message.contains("2026-11-20") && message.contains("丢失"), "{message}");
    }

    #[test]
    fn a_file_signed_by_another_key_is_refused() {
        let enrolled = key(1);
        let other = key(5);
        let bytes = encode(header(LAPTOP, OFFICE, &enrolled), &other);
        assert_eq!(code(stage(&bytes, &at_office(&enrolled), None)), "bad_signature");
        let damaged = Known {
            peer: Some(Peer { public_key: vec![1, 2, 3], ..peer(LAPTOP, &enrolled, false) }),
            ..at_office(&enrolled)
        };
        assert_eq!(code(stage(&encode(header(LAPTOP, OFFICE, &enrolled), &enrolled), &damaged, None)), "bad_key");
    }

    #[test]
    fn a_tampered_or_truncated_file_is_refused() {
        let k = key(1);
        let known = at_office(&k);
        let good = encode(header(LAPTOP, OFFICE, &k), &k);
        let header_len = u32::from_le_bytes([good[12], good[13], good[14], good[15]]) as usize;

        let mut body_flipped = good.clone();
        let last = body_flipped.len() - 1;
        body_flipped[last] ^= 0x55;
        assert_eq!(code(stage(&body_flipped, &known, None)), "tampered");

        let text = String::from_utf8_lossy(&good[16..16 + header_len]).into_owned();
        let forged = text.replacen("\"fileNo\":3", "\"fileNo\":7", 1);
        assert_ne!(forged, text, "the header names its file number");
        let mut header_changed = good[..16].to_vec();
        header_changed.extend_from_slice(forged.as_bytes());
        header_changed.extend_from_slice(&good[16 + header_len..]);
        assert_eq!(code(stage(&header_changed, &known, None)), "bad_signature");

        let mut unsigned = good.clone();
        unsigned[16 + header_len..16 + header_len + 64].fill(0);
        assert_eq!(code(stage(&unsigned, &known, None)), "bad_signature");

        assert_eq!(code(stage(&good[..good.len() - 10], &known, None)), "tampered", "cut inside the body");
        assert_eq!(code(stage(&good[..16 + header_len / 2], &known, None)), "truncated", "cut inside the header");
        assert_eq!(code(stage(&good[..20], &known, None)), "truncated");
        assert_eq!(code(stage(b"PK\x03\x04 a zip file", &known, None)), "not_a_sync_file");
        let mut newer = good.clone();
        newer[8] = 3;
        assert_eq!(code(stage(&newer, &known, None)), "newer_format");
        // Format 1 carried bodies in the clear: its files are no longer read.
        let mut older = good.clone();
        older[8] = 1;
        assert_eq!(code(stage(&older, &known, None)), "older_format");
    }

    #[test]
    fn the_same_file_again_is_a_duplicate_and_another_with_its_number_is_replayed() {
        let k = key(1);
        let bytes = encode(header(LAPTOP, OFFICE, &k), &k);
        let hash = staged(stage(&bytes, &at_office(&k), None)).header.body_hash;
        let seen = Known { received_hash: Some(hash), ..at_office(&k) };
        assert!(matches!(stage(&bytes, &seen, None), Ok(Admitted::Duplicate(sender)) if sender == LAPTOP));
        let replayed = Known { received_hash: Some("0".repeat(64)), ..at_office(&k) };
        assert_eq!(code(stage(&bytes, &replayed, None)), "replayed");
        // The signature is checked before the number.
        let forged = encode(header(LAPTOP, OFFICE, &k), &key(5));
        assert_eq!(code(stage(&forged, &replayed, None)), "bad_signature");
    }

    #[test]
    fn a_first_file_needs_head_offices_fingerprint_confirmed() {
        let k = key(2);
        let mut h = header(OFFICE, LAPTOP, &k);
        h.snapshot = true;
        let bytes = encode(h, &k);
        let expected = fingerprint(&k.verifying_key().to_bytes());
        match stage(&bytes, &new_laptop(&k), None) {
            Err(Error::SyncRefused { reason, fingerprint, .. }) => {
                assert_eq!(reason.as_str(), "office_not_trusted");
                assert_eq!(fingerprint.as_deref(), Some(expected.as_str()));
            }
            _ => panic!("a first file without trust is refused"),
        }
        assert_eq!(code(stage(&bytes, &new_laptop(&k), Some("0000-0000-0000-0000"))), "office_key_mismatch");
        let typed = expected.to_lowercase().replace('-', " ");
        let s = staged(stage(&bytes, &new_laptop(&k), Some(&typed)));
        assert!(matches!(&s.from, Source::Joining { key } if *key == k.verifying_key().to_bytes().to_vec()));
        // Trust is asked for before the signature is checked.
        let mut h = header(OFFICE, LAPTOP, &k);
        h.snapshot = true;
        let forged = encode(h, &key(5));
        assert_eq!(code(stage(&forged, &new_laptop(&k), None)), "office_not_trusted");
        assert_eq!(code(stage(&forged, &new_laptop(&k), Some(&expected))), "bad_signature");
    }

    #[test]
    fn joining_needs_a_first_file_and_a_book_without_cards() {
        let k = key(2);
        let trust = fingerprint(&k.verifying_key().to_bytes());
        let not_first = encode(header(OFFICE, LAPTOP, &k), &k);
        assert_eq!(code(stage(&not_first, &new_laptop(&k), Some(&trust))), "join_needs_first_file");
        let mut h = header(OFFICE, LAPTOP, &k);
        h.snapshot = true;
        let first = encode(h, &k);
        let with_cards = Known { has_cards: true, ..new_laptop(&k) };
        assert_eq!(code(stage(&first, &with_cards, Some(&trust))), "join_needs_new_book");
        // A file imported before is a duplicate, whatever the book holds.
        let hash = staged(stage(&first, &new_laptop(&k), Some(&trust))).header.body_hash;
        let seen = Known { received_hash: Some(hash), ..with_cards };
        assert!(matches!(stage(&first, &seen, Some(&trust)), Ok(Admitted::Duplicate(_))));
    }
}
