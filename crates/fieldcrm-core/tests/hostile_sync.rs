//! Changeset files made to hurt head office, signed by an enrolled laptop (so
//! the signature and the body's hash hold): a body that declares 4 GiB, one
//! that declares 4 MiB and is a gigabyte of JSON whitespace, one that
//! declares 4 MiB and unpacks to a gigabyte of zeros. Each is refused (the
//! first two `too_big`, the zeros as no changeset at their first byte) while
//! the merge takes the good files beside it, and what the merge holds stays
//! a small multiple of the cap. Then the decoder against random frames and
//! bodies: no panic, never more memory than the cap allows.
//!
//! The peak of what the allocator holds is measured, so the tests of this
//! file run one at a time (`--test-threads=1` is not needed: each test takes
//! the lock below).

#[path = "sync/world.rs"]
mod world;

use std::io::Write;
use std::sync::Mutex;

use fieldcrm_alloc::{Metered, MiMalloc};
use fieldcrm_core::sync::file::{self, Header, Limits};
use proptest::prelude::*;
use serde_json::json;
use world::{customer, HandWritten, World};

#[global_allocator]
static ALLOCATOR: Metered<MiMalloc> = Metered(MiMalloc);

/// One measuring test at a time.
static ALONE: Mutex<()> = Mutex::new(());

const MIB: u64 = 1 << 20;

/// Runs `f`, returning its result and the most memory it held at once beyond
/// what was held before.
fn measured<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = Metered::<MiMalloc>::held();
    Metered::<MiMalloc>::reset_peak();
    let out = f();
    (out, Metered::<MiMalloc>::peak().saturating_sub(before) as u64)
}

/// `head`, then `size` bytes of `fill`, packed as the files are (streamed:
/// the gigabyte is never in memory).
fn packed(head: &[u8], fill: u8, size: u64) -> Vec<u8> {
    let mut encoder = zstd::stream::write::Encoder::new(Vec::new(), 3).expect("encoder");
    encoder.write_all(head).expect("head");
    let chunk = vec![fill; MIB as usize];
    for _ in 0..size / MIB {
        encoder.write_all(&chunk).expect("chunk");
    }
    encoder.finish().expect("finish")
}

/// A signed file of `packed` declaring `declared` bytes, its hash true.
fn signed(w: &World, laptop: &HandWritten, header: Header, packed: &[u8], declared: u64) -> Vec<u8> {
    let mut header = Header { body_len: declared, ..header };
    let sealed = file::seal(&mut header, packed, &world::office_key(w)).expect("seal");
    file::frame(&header, &sealed, &laptop.key).expect("frame")
}

fn code(e: &fieldcrm_core::ApiError) -> String {
    e.problems.first().map(|p| p.code.to_string()).unwrap_or_else(|| format!("{:?}", e.code))
}

#[test]
fn bombs_among_good_files_are_refused_alone_and_the_merge_stays_small() {
    let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
    let w = World::new(2);
    let dir = tempfile::tempdir().expect("dir");
    let (inbox, outbox) = (dir.path().join("inbox"), dir.path().join("outbox"));
    std::fs::create_dir_all(&inbox).expect("inbox");
    std::fs::create_dir_all(&outbox).expect("outbox");
    let mut ids = vec![];
    for (i, name) in ["华星农业", "绿丰农资"].iter().enumerate() {
        ids.push(w.people[i].book.create_customer(&customer(name, json!({}))).expect("card").card.id);
        w.people[i].book.sync_export(&inbox, None).expect("export");
    }
    let laptop = HandWritten::enrolled(&w);
    let zeros = packed(b"", 0, 1 << 30);
    let spaces = packed(br#"{"changes":["#, b' ', 1 << 30);
    assert!(zeros.len() < 64 << 10 && spaces.len() < 64 << 10, "{} and {} bytes", zeros.len(), spaces.len());
    for (name, bytes) in [
        ("declares-4-GiB", signed(&w, &laptop, laptop.header(&w, 1, 1), &zeros, 4 << 30)),
        ("zeros-past-what-it-declares", signed(&w, &laptop, laptop.header(&w, 2, 1), &zeros, 4 * MIB)),
        ("a-gigabyte-of-whitespace", signed(&w, &laptop, laptop.header(&w, 3, 1), &spaces, 4 * MIB)),
    ] {
        std::fs::write(inbox.join(format!("{name}.fcsync")), bytes).expect("bomb");
    }

    let (merged, peak) = measured(|| w.office.book.hq_merge(&inbox, &outbox).expect("merge"));
    let refused: Vec<(String, String)> =
        merged.imported.iter().filter_map(|m| m.error.as_ref().map(|e| (m.file.clone(), code(e)))).collect();
    let expected = [
        ("a-gigabyte-of-whitespace.fcsync", "too_big"),
        ("declares-4-GiB.fcsync", "too_big"),
        // Zeros are no JSON: refused at the first byte, as not a changeset.
        ("zeros-past-what-it-declares.fcsync", "tampered"),
    ];
    let mut refused = refused;
    refused.sort();
    assert_eq!(refused, expected.map(|(f, c)| (f.to_string(), c.to_string())), "{merged:?}");
    let applied: u32 = merged.imported.iter().filter_map(|m| m.report.as_ref()).map(|r| r.applied).sum();
    assert!(applied >= 2, "the two reps' files merged: {merged:?}");
    for id in ids {
        assert!(w.office.book.customer(id).is_ok());
    }
    // Each bomb may cost at most the cap of a file its size (8 MiB of JSON)
    // and the decoder's window; the good files and the export come beside.
    // (Measured here: about 240 KiB.)
    assert!(peak < 16 * MIB, "the merge held {} MiB at once", peak / MIB);
}

/// Bodies for the decoder: random bytes, random text packed, a packed
/// gigabyte-sized run cut anywhere, and a little honest JSON.
fn bodies() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        proptest::collection::vec(any::<u8>(), 0..512).prop_map(|raw| zstd::bulk::compress(&raw, 1).expect("pack")),
        "[\\[\\]{}\",: 0-9a-z]{0,200}".prop_map(|text| zstd::bulk::compress(text.as_bytes(), 1).expect("pack")),
        (0usize..200).prop_map(|cut| {
            let mut run = RUN.clone();
            run.truncate(run.len() * cut / 200 + 1);
            run
        }),
        Just(zstd::bulk::compress(br#"{"changes":[],"removals":[],"rejections":[],"keep":[]}"#, 3).expect("pack")),
    ]
}

/// The start of a changeset and 64 MiB of JSON whitespace, packed (a few KiB).
static RUN: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| packed(br#"{"changes":["#, b' ', 64 * MIB));

fn cases() -> u32 {
    std::env::var("FIELDCRM_DECODER_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(100_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// No panic, and never more than its cap and the decoder's window held at
    /// once, whatever a signed file declares and carries; a frame cut or
    /// altered anywhere is refused as such.
    #[test]
    fn the_decoder_never_panics_nor_holds_more_than_its_cap(
        body in bodies(),
        declared in prop_oneof![0u64..64, 0u64..(16 << 20), any::<u64>()],
        cut in any::<Option<usize>>(),
        flip in any::<Option<(usize, u8)>>(),
    ) {
        let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
        let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let office = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
        let mut header = Header {
            body_len: declared,
            ..serde_json::from_value(json!({
                "formatMinor": 0, "schemaVersion": 2, "columns": {}, "sender": "laptop",
                "senderKey": hex::encode(key.verifying_key().to_bytes()), "recipient": "office",
                "fileNo": 1, "ranges": [], "ack": 0, "createdAt": "2026-11-02T08:00:00.000Z",
                "snapshot": false, "clockCorrectionMs": 0, "changeCount": 0, "bodyLen": 0, "bodyHash": "",
                "ephemeral": ""
            })).expect("header")
        };
        let sealed = file::seal(&mut header, &body, &office.verifying_key()).expect("seal");
        let mut bytes = file::frame(&header, &sealed, &key).expect("frame");
        let whole = bytes.len();
        if let Some(cut) = cut {
            bytes.truncate(cut % (whole + 1));
        }
        if let Some((at, xor)) = flip {
            if !bytes.is_empty() && xor != 0 {
                let at = at % bytes.len();
                bytes[at] ^= xor;
            }
        }
        let (outcome, peak) = measured(|| {
            file::open(&bytes).and_then(|opened| opened.verify(&key.verifying_key(), &office, Limits::FROM_DEVICE))
        });
        let cap = file::body_cap(body.len(), Limits::FROM_DEVICE);
        prop_assert!(peak < 3 * cap + 16 * MIB, "held {} MiB for a cap of {} MiB", peak / MIB, cap / MIB);
        let altered = bytes.len() < whole || flip.is_some_and(|(_, x)| x != 0);
        match outcome {
            // Any byte of a signed file changed or cut away is caught.
            Ok(_) => prop_assert!(!altered, "an altered frame was taken"),
            Err(e) => {
                let refused = matches!(e, fieldcrm_core::error::Error::SyncRefused { .. });
                prop_assert!(refused, "refused as a changeset, not as a failure: {e:?}");
                if !altered && declared > cap {
                    prop_assert!(e.to_string().contains("more than any changeset holds"), "{e}");
                }
            }
        }
    }
}
