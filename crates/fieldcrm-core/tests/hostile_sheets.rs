//! The spreadsheet readers against random input: a small honest csv and xlsx
//! cut and altered anywhere, and random bytes, read as csv, xlsx, xls and
//! ods. No panic, an answer or a refusal with a message, and never more than
//! a small multiple of what the file could hold in memory at once.
//! `FIELDCRM_SHEET_CASES` sets how many (100,000 by default; docs/SECURITY.md says
//! how to run a long campaign).

use fieldcrm_alloc::{Metered, MiMalloc};
use fieldcrm_core::import::read;
use proptest::prelude::*;

#[global_allocator]
static ALLOCATOR: Metered<MiMalloc> = Metered(MiMalloc);

const MIB: u64 = 1 << 20;

fn measured<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = Metered::<MiMalloc>::held();
    Metered::<MiMalloc>::reset_peak();
    let out = f();
    (out, Metered::<MiMalloc>::peak().saturating_sub(before) as u64)
}

const CSV: &str =
    "客户名称,联系电话,业务员,金额\n华星农业,13800000001,王强,1200.50\n\"绿丰,农资\",13900000002,赵刚,\"3,000\"\n";

/// A small honest workbook, as Excel would write it.
static XLSX: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in [["客户名称", "联系电话", "金额"], ["华星农业", "13800000001", "1200.5"]].iter().enumerate()
    {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).expect("cell");
        }
    }
    sheet.write_number(2, 2, 3000.0).expect("number");
    book.save_to_buffer().expect("xlsx")
});

fn cases() -> u32 {
    std::env::var("FIELDCRM_SHEET_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(100_000)
}

/// A seed file, cut and altered, or random bytes.
fn inputs() -> impl Strategy<Value = Vec<u8>> {
    let mutated = |seed: fn() -> Vec<u8>| {
        (any::<Option<usize>>(), proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8)).prop_map(
            move |(cut, flips)| {
                let mut bytes = seed();
                if let Some(cut) = cut {
                    bytes.truncate(cut % (bytes.len() + 1));
                }
                for (at, xor) in flips {
                    if !bytes.is_empty() {
                        let at = at % bytes.len();
                        bytes[at] ^= xor;
                    }
                }
                bytes
            },
        )
    };
    prop_oneof![
        mutated(|| CSV.as_bytes().to_vec()),
        mutated(|| XLSX.clone()),
        proptest::collection::vec(any::<u8>(), 0..4096),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_readers_never_panic_nor_hold_more_than_the_file_could(
        bytes in inputs(),
        kind in prop::sample::select(vec!["csv", "xlsx", "xls", "ods"]),
    ) {
        let name = format!("客户.{kind}");
        let (outcome, peak) = measured(|| read::read_bytes(&bytes, &name, None));
        // A deflated member unpacks to at most about a thousand times its size.
        prop_assert!(peak < 64 * MIB, "held {} MiB reading {} bytes as {kind}", peak / MIB, bytes.len());
        if let Err(e) = outcome {
            prop_assert!(!e.to_string().trim().is_empty(), "a refusal says why");
        }
    }
}
