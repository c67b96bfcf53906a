//! `fieldcrm-bench hostile --dir DIR`: lays out what docs/SECURITY.md
//! measures head office's memory on — head office's book with three enrolled
//! laptops, each laptop's file of new cards in DIR/inbox, and beside them
//! three files made to hurt, signed by the first laptop's own key (a body
//! that declares 4 GiB, a gigabyte of JSON whitespace that declares 4 MiB,
//! a gigabyte of zeros that declares 4 MiB). Then run, for example,
//! `/usr/bin/time -v fieldcrm --db DIR/office.sqlite hq merge DIR/inbox --out DIR/outbox`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use fieldcrm_core::api::NewCustomer;
use fieldcrm_core::sync::file::{self, Header, Range};
use fieldcrm_core::ApiError;
use serde::Serialize;

use crate::sync_bench::{io, laptop, office};

#[derive(Debug, Args)]
pub struct HostileBenchArgs {
    /// An empty folder for the books and the inbox.
    #[arg(long)]
    dir: PathBuf,
    /// New cards in each laptop's honest file.
    #[arg(long, default_value_t = 200)]
    cards: usize,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Layout {
    office: PathBuf,
    inbox: PathBuf,
    outbox: PathBuf,
    good_files: usize,
    hostile_files: Vec<(String, u64)>,
}

/// `head` and then a gigabyte of `fill`, packed as changeset bodies are (streamed).
fn packed(head: &[u8], fill: u8) -> Result<Vec<u8>, ApiError> {
    let mut encoder = zstd::stream::write::Encoder::new(Vec::new(), 3).map_err(io)?;
    encoder.write_all(head).map_err(io)?;
    let chunk = vec![fill; 1 << 20];
    for _ in 0..1024 {
        encoder.write_all(&chunk).map_err(io)?;
    }
    encoder.finish().map_err(io)
}

pub fn run(args: &HostileBenchArgs, json: bool) -> Result<(), ApiError> {
    std::fs::create_dir_all(&args.dir).map_err(io)?;
    let (inbox, outbox) = (args.dir.join("inbox"), args.dir.join("outbox"));
    std::fs::create_dir_all(&inbox).map_err(io)?;
    std::fs::create_dir_all(&outbox).map_err(io)?;
    let org = office(&args.dir)?;
    let mut first = None;
    for n in 0..3 {
        let (book, staff, path) = laptop(&org, &format!("业务员{n}"))?;
        for i in 0..args.cards {
            let fields = serde_json::json!({"name": format!("农资店{n}-{i}"), "phone": format!("139{n:02}{i:06}"),
                                            "territoryId": org.territory, "ownerId": staff});
            book.create_customer(&NewCustomer {
                fields: serde_json::from_value(fields).map_err(io)?,
                ..Default::default()
            })?;
        }
        book.sync_export(&inbox, None)?;
        first.get_or_insert((book.device()?, path));
    }
    let (device, path) = first.ok_or_else(|| io("no laptop"))?;
    let secret: Vec<u8> = crate::keys::raw(&path)
        .map_err(io)?
        .query_row("SELECT secret_key FROM sync_state", [], |r| r.get(0))
        .map_err(io)?;
    let key = ed25519_dalek::SigningKey::from_bytes(&secret.try_into().map_err(|_| io("a key of 32 bytes"))?);
    let office_device = org.office.device()?;
    let office_key = file::verifying_key(&file::parse_key_hex(&office_device.public_key)?)?;
    let zeros = packed(b"", 0)?;
    let spaces = packed(br#"{"changes":["#, b' ')?;
    let mut hostile = vec![];
    for (file_no, (name, body, declared)) in
        [("declares-4-GiB", &zeros, 4u64 << 30), ("whitespace", &spaces, 4 << 20), ("zeros", &zeros, 4 << 20)]
            .into_iter()
            .enumerate()
    {
        let mut header = Header {
            format_minor: 0,
            schema_version: 2,
            columns: Default::default(),
            sender: device.device_id.clone(),
            sender_key: device.public_key.clone(),
            recipient: office_device.device_id.clone(),
            recipient_staff: None,
            file_no: 100 + file_no as i64,
            ranges: vec![Range { origin: device.device_id.clone(), from: 1, to: 1 }],
            ack: 0,
            created_at: fieldcrm_core::clock::timestamp(chrono::Utc::now()),
            snapshot: false,
            clock_correction_ms: 0,
            change_count: 1,
            body_len: declared,
            body_hash: String::new(),
            ephemeral: String::new(),
        };
        let sealed = file::seal(&mut header, body, &office_key)?;
        let bytes = file::frame(&header, &sealed, &key)?;
        let at = inbox.join(format!("hostile-{name}.fcsync"));
        std::fs::write(&at, &bytes).map_err(io)?;
        hostile.push((at.display().to_string(), bytes.len() as u64));
    }
    let layout = Layout { office: org.dir.join("office.sqlite"), inbox, outbox, good_files: 3, hostile_files: hostile };
    if json {
        println!("{}", serde_json::to_string_pretty(&layout).map_err(io)?);
    } else {
        println!("head office: {}", layout.office.display());
        println!("inbox: {} ({} laptops' files)", layout.inbox.display(), layout.good_files);
        for (name, size) in &layout.hostile_files {
            println!("  {name}: {size} bytes");
        }
        println!(
            "then: /usr/bin/time -v fieldcrm --db {} hq merge {} --out {}",
            layout.office.display(),
            layout.inbox.display(),
            layout.outbox.display()
        );
    }
    Ok(())
}
