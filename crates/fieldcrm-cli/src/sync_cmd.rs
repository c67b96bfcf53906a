//! `fieldcrm device|sync|hq|conflicts`: sync from the command line.

use std::path::PathBuf;

use clap::Subcommand;
use fieldcrm_core::api::sync::{
    ConflictChoice, ConflictResolution, ConflictView, EnrollDevice, RetireDevice, SyncStatus,
};
use fieldcrm_core::sync::{ImportReport, Progress};
use fieldcrm_core::{ApiError, Book};

use crate::output;

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Show this device's id and public key (what head office needs to enrol it).
    Show,
    /// Head office: enrol a laptop for a staff member.
    Enroll {
        #[arg(long)]
        staff: String,
        /// The laptop's device id (from `fieldcrm device show` on the laptop).
        #[arg(long)]
        device: String,
        /// The laptop's public key (64 hex digits).
        #[arg(long)]
        key: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// List the devices this book exchanges files with.
    List,
    /// Head office: retire a lost or replaced laptop. Its files are refused
    /// from then on; its user enrols their new laptop.
    Retire {
        /// The device id (`fieldcrm device list`).
        #[arg(long)]
        device: String,
        /// Why: lost, stolen, replaced …
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Write the next changeset file into a folder (a laptop: for head office;
    /// head office: for the device given with --to).
    Export {
        #[arg(long, default_value = ".")]
        out: PathBuf,
        #[arg(long)]
        to: Option<String>,
    },
    /// Import a changeset file (all of it or nothing).
    Import {
        file: PathBuf,
        /// Head office's key fingerprint, confirmed with head office (first file only).
        #[arg(long)]
        trust_office: Option<String>,
    },
    /// Pending changes, peers, conflicts, refusals.
    Status,
    /// Changes head office refused.
    Rejections,
    /// Cards that left this book because they moved to someone else.
    Notices,
    /// The sync folder files go through (a USB stick, a shared folder): show
    /// it, save DIR, or forget it with --clear.
    Folder {
        dir: Option<String>,
        #[arg(long, conflicts_with = "dir")]
        clear: bool,
    },
    /// Check that DIR (or the saved sync folder) exists, is a folder and takes
    /// a file; exits 2 naming the problem when it does not.
    CheckFolder { dir: Option<String> },
}

#[derive(Debug, Subcommand)]
pub enum HqCommand {
    /// Import every .fcsync file in INBOX, then write one file per enrolled device into OUT.
    Merge {
        inbox: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Merge whatever arrives in INBOX and write the files that changed into OUT,
    /// every so often, until stopped (safe to stop at any point).
    Watch {
        inbox: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// How often to look: 60s, 5m, 1h (seconds when no unit).
        #[arg(long, default_value = "60s", value_parser = parse_every)]
        every: std::time::Duration,
        /// Stop after this many rounds (default: until stopped).
        #[arg(long)]
        rounds: Option<u32>,
    },
    /// Write a key file for a laptop whose user forgot the passphrase, sealed
    /// with a new one (from the recovery copy its last file brought). The rep
    /// puts it beside the book as book.sqlite.key and opens it with the new passphrase.
    RecoveryKey {
        /// The laptop's device id (`fieldcrm device list`).
        #[arg(long)]
        device: String,
        /// Where to write the key file.
        #[arg(long)]
        out: PathBuf,
        /// A file holding the rep's new passphrase; without it, it is typed twice at a prompt.
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
    },
}

/// `60s`, `5m`, `1h` or plain seconds, from one second to a day.
fn parse_every(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => text.split_at(i),
        None => (text, "s"),
    };
    let n: u64 = number.parse().map_err(|_| format!("'{text}' is not a duration: write 60s, 5m or 1h"))?;
    let seconds = match unit.trim() {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        other => return Err(format!("'{other}' is not a unit: use s, m or h")),
    };
    if !(1..=86_400).contains(&seconds) {
        return Err("look at least every second and at most once a day".into());
    }
    Ok(std::time::Duration::from_secs(seconds))
}

#[derive(Debug, Subcommand)]
pub enum ConflictsCommand {
    /// Open conflicts (with --all also resolved ones).
    List {
        #[arg(long)]
        all: bool,
    },
    /// Resolve a conflict: keep the kept value, take the other, or write a new one.
    Resolve {
        id: String,
        #[arg(long, conflicts_with_all = ["take_other", "value"])]
        keep: bool,
        #[arg(long, conflicts_with = "value")]
        take_other: bool,
        /// A new value (JSON, or plain text).
        #[arg(long)]
        value: Option<String>,
    },
}

fn progress_printer(json: bool) -> impl FnMut(Progress) {
    let mut last = usize::MAX;
    move |p: Progress| {
        if json || p.total == 0 {
            return;
        }
        let percent = p.done * 100 / p.total;
        if percent / 10 != last / 10 || last == usize::MAX {
            last = percent;
            eprintln!("importing: {} of {} changes ({percent}%)", p.done, p.total);
        }
    }
}

pub fn report_text(r: &ImportReport) -> String {
    if r.duplicate_file {
        return "this file was already imported; nothing changed".into();
    }
    if r.stale {
        return "this file is older than one already imported; its data was already superseded".into();
    }
    let mut lines = vec![format!(
        "applied {} changes ({} already here, {} superseded by later edits)",
        r.applied, r.already_had, r.superseded
    )];
    if r.snapshot {
        lines.push("the file held your whole scope".into());
    }
    if r.rejected > 0 {
        lines.push(format!("{} changes refused by head office (see `fieldcrm sync rejections`)", r.rejected));
    }
    if r.conflicts > 0 {
        lines.push(format!("{} new conflicts (see `fieldcrm conflicts list`)", r.conflicts));
    }
    if r.removed_cards > 0 {
        lines.push(format!(
            "{} cards moved to someone else and left this book (see `fieldcrm sync notices`)",
            r.removed_cards
        ));
    }
    if r.gap {
        lines.push("an earlier file from this laptop is missing; its changes will come with the next file".into());
    }
    lines.join("\n")
}

fn status_text(s: &SyncStatus) -> String {
    let mut lines = vec![
        format!("device       {}", s.device.device_id),
        format!("fingerprint  {}", s.device.fingerprint),
        format!(
            "role         {}",
            if s.device.is_office {
                "head office".to_string()
            } else if s.device.joined {
                format!("laptop, joined (head office {})", s.device.office_fingerprint.clone().unwrap_or_default())
            } else {
                "laptop, not joined yet".to_string()
            }
        ),
        format!("pending      {} changes", s.pending_total),
    ];
    for p in &s.pending {
        lines.push(format!("  {:<16} {}", p.label_en, p.changes));
    }
    for p in &s.peers {
        lines.push(format!(
            "peer         {} {}  last export {}  last import {}",
            p.staff_name.clone().or_else(|| p.name.clone()).unwrap_or_default(),
            p.device_id,
            p.last_export_at.clone().unwrap_or_else(|| "-".into()),
            p.last_import_at.clone().unwrap_or_else(|| "-".into()),
        ));
    }
    lines.push(format!("conflicts    {} open", s.open_conflicts));
    lines.push(format!("refused      {}", s.rejections));
    lines.push(format!("moved away   {}", s.notices));
    lines.join("\n")
}

fn conflicts_text(list: &[ConflictView]) -> String {
    if list.is_empty() {
        return "no conflicts".into();
    }
    list.iter()
        .map(|c| {
            format!(
                "{}  {}  {}.{}\n  kept: {} ({} {})\n  lost: {} ({} {}){}",
                c.id,
                c.customer_name,
                c.entity,
                c.field_key.clone().unwrap_or_else(|| c.field.clone()),
                c.kept_value,
                c.kept_by.clone().unwrap_or_default(),
                c.kept_at,
                c.lost_value,
                c.lost_by.clone().unwrap_or_default(),
                c.lost_at,
                c.resolution.as_ref().map(|r| format!("\n  resolved: {r}")).unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn device(book: &Book, command: &DeviceCommand, json: bool) -> Result<(), ApiError> {
    match command {
        DeviceCommand::Show => output::show(&book.device()?, json, |d| {
            format!("device       {}\npublic key   {}\nfingerprint  {}", d.device_id, d.public_key, d.fingerprint)
        }),
        DeviceCommand::Enroll { staff, device, key, name } => {
            let peer = book.enroll_device(&EnrollDevice {
                staff_id: staff.clone(),
                device_id: device.clone(),
                public_key: key.clone(),
                name: name.clone(),
            })?;
            let office = book.device()?;
            output::show(&(peer, office), json, |(p, o)| {
                format!(
                    "enrolled {} for {}\ntell the laptop's user head office's fingerprint: {}",
                    p.device_id,
                    p.staff_name.clone().unwrap_or_default(),
                    o.fingerprint
                )
            });
        }
        DeviceCommand::List => output::show(&book.sync_status()?.peers, json, |peers| {
            peers
                .iter()
                .map(|p| {
                    let retired = p
                        .retired_at
                        .as_deref()
                        .map(|at| {
                            format!(
                                "  retired {} ({})",
                                at.get(..10).unwrap_or(at),
                                p.retired_reason.clone().unwrap_or_default()
                            )
                        })
                        .unwrap_or_default();
                    format!(
                        "{}  {}  {}{retired}",
                        p.device_id,
                        p.staff_name.clone().unwrap_or_default(),
                        p.name.clone().unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        }),
        DeviceCommand::Retire { device, reason } => {
            let peer = book.retire_device(&RetireDevice { device_id: device.clone(), reason: reason.clone() })?;
            output::show(&peer, json, |p| {
                format!(
                    "retired {} ({}); its files are refused from now on. Enrol {}'s new laptop with `fieldcrm device enroll`",
                    p.device_id,
                    p.name.clone().unwrap_or_default(),
                    p.staff_name.clone().unwrap_or_default()
                )
            });
        }
    }
    Ok(())
}

pub fn sync(book: &Book, command: &SyncCommand, json: bool) -> Result<(), ApiError> {
    match command {
        SyncCommand::Export { out, to } => output::show(&book.sync_export(out, to.as_deref())?, json, |r| {
            format!("wrote {} ({} changes, {} bytes)", r.path, r.changes, r.bytes)
        }),
        SyncCommand::Import { file, trust_office } => {
            let report = book.sync_import(file, trust_office.as_deref(), &mut progress_printer(json))?;
            output::show(&report, json, report_text);
        }
        SyncCommand::Status => output::show(&book.sync_status()?, json, status_text),
        SyncCommand::Rejections => output::show(&book.rejections()?, json, |list| {
            if list.is_empty() {
                return "no refused changes".into();
            }
            list.iter()
                .map(|r| {
                    format!(
                        "{}  {} {} {}: {} — {}",
                        r.rejected_at,
                        r.label_en,
                        r.record_label.clone().unwrap_or_default(),
                        r.column,
                        r.value,
                        r.message
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        }),
        SyncCommand::Notices => output::show(&book.notices()?, json, |list| {
            if list.is_empty() {
                return "no cards left this book".into();
            }
            list.iter().map(|n| format!("{}  {}: {}", n.at, n.customer_name, n.message)).collect::<Vec<_>>().join("\n")
        }),
        SyncCommand::Folder { dir, clear } => {
            let saved = match (dir, clear) {
                (Some(dir), _) => book.save_sync_folder(Some(dir))?,
                (None, true) => book.save_sync_folder(None)?,
                (None, false) => book.saved_sync_folder()?,
            };
            output::show(&saved, json, |s| match s {
                Some(dir) => format!("sync folder: {dir}"),
                None => "no sync folder is saved".into(),
            });
        }
        SyncCommand::CheckFolder { dir } => {
            let check = book.check_sync_folder(dir.as_deref())?;
            if let Some(problem) = &check.problem {
                return Err(ApiError {
                    problems: vec![problem.clone()],
                    ..ApiError::new(fieldcrm_core::ErrorCode::Invalid, problem.message.clone())
                });
            }
            output::show(&check, json, |c| {
                format!(
                    "{} can be used: a file was written and removed; {} changeset files in it",
                    c.path, c.changeset_files
                )
            });
        }
    }
    Ok(())
}

fn merge_text(r: &fieldcrm_core::api::sync::HqMergeReport) -> String {
    let mut lines = vec![];
    for f in &r.imported {
        match (&f.report, &f.error) {
            (Some(rep), _) => lines.push(format!("{}: {}", f.file, report_text(rep).replace('\n', "; "))),
            (_, Some(e)) => lines.push(format!("{}: REFUSED: {}", f.file, e.message)),
            _ => {}
        }
    }
    for w in &r.written {
        lines.push(format!("wrote {} ({} changes)", w.path, w.changes));
    }
    lines.join("\n")
}

pub fn hq(book: &Book, command: &HqCommand, json: bool) -> Result<(), ApiError> {
    match command {
        HqCommand::Watch { inbox, out, every, rounds } => {
            let mut since = None;
            let mut refused = std::collections::HashSet::new();
            let mut round = 0u32;
            loop {
                round += 1;
                let (report, version) = book.hq_watch_round(inbox, out, since, &mut refused)?;
                since = Some(version);
                // One line of JSON per round that did something (or the text).
                if !report.imported.is_empty() || !report.written.is_empty() {
                    if json {
                        println!("{}", serde_json::to_string(&report).unwrap_or_default());
                    } else {
                        println!("{}", merge_text(&report));
                    }
                }
                if rounds.is_some_and(|n| round >= n) {
                    break;
                }
                std::thread::sleep(*every);
            }
        }
        HqCommand::RecoveryKey { device, out, new_passphrase_file } => {
            let passphrase = match new_passphrase_file {
                Some(file) => crate::unlock::read_passphrase_file(file)?,
                None => crate::unlock::prompt_new()?,
            };
            book.write_recovery_key(device, &passphrase, out)?;
            output::show(&serde_json::json!({"path": out.display().to_string()}), json, |_| {
                format!(
                    "wrote {}: give it to the laptop's user with the new passphrase; it goes beside the book as book.sqlite.key",
                    out.display()
                )
            });
        }
        HqCommand::Merge { inbox, out } => {
            let report = book.hq_merge(inbox, out)?;
            output::show(&report, json, merge_text);
            if report.imported.iter().any(|f| f.error.is_some()) {
                return Err(ApiError::new(
                    fieldcrm_core::ErrorCode::SyncRefused,
                    "some files were refused (listed above); the others were merged",
                ));
            }
        }
    }
    Ok(())
}

pub fn conflicts(book: &Book, command: &ConflictsCommand, json: bool) -> Result<(), ApiError> {
    match command {
        ConflictsCommand::List { all } => output::show(&book.conflicts(*all)?, json, |l| conflicts_text(l)),
        ConflictsCommand::Resolve { id, keep, take_other, value } => {
            let (choice, value) = match (keep, take_other, value) {
                (_, true, _) => (ConflictChoice::TakeOther, None),
                (_, _, Some(v)) => (
                    ConflictChoice::Edit,
                    Some(serde_json::from_str(v).unwrap_or_else(|_| serde_json::Value::from(v.clone()))),
                ),
                _ => (ConflictChoice::Keep, None),
            };
            let resolved = book.resolve_conflict(&ConflictResolution { id: id.clone(), choice, value })?;
            output::show(&resolved, json, |c| conflicts_text(std::slice::from_ref(c)));
        }
    }
    Ok(())
}
