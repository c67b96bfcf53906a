//! Sync through the `fieldcrm` binary: the three-party scenario head office
//! runs from scripts, a refused replay, and an import killed midway.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::Value;

mod common;

use common::{fieldcrm, ok_json};

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

struct Org {
    dir: tempfile::TempDir,
    office: PathBuf,
    inbox: PathBuf,
    outbox: PathBuf,
    /// (book, staff id, device id) of rep A, rep B, the manager, the region's
    /// sales administrator.
    people: Vec<(PathBuf, String, String)>,
}

fn newest_file_for(dir: &Path, device: &str) -> PathBuf {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("outbox")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            // The recipient is named in the file's header, before the compressed
            // body; the header also lists every synced table's columns.
            let bytes = std::fs::read(p).expect("file");
            String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]).contains(device)
        })
        .collect();
    files.sort();
    files.pop().expect("a file for the device")
}

/// Head office with a region of two territories; two reps, their manager and
/// the region's sales administrator, enrolled and joined, all through the CLI.
fn org() -> Org {
    let dir = tempfile::tempdir().expect("dir");
    let office = dir.path().join("office.sqlite");
    let profile = ok_json(&office, &["init", "--name", "总部", "--role", "head_office", "--company", "华丰农业"]);
    let root = profile["profile"]["orgUnitId"].as_str().expect("root").to_string();
    let region = id(&ok_json(&office, &["org", "add", "潍坊大区", "--kind", "region", "--parent", &root]));
    let t1 = id(&ok_json(&office, &["org", "add", "寿光片区", "--kind", "territory", "--parent", &region]));
    let t2 = id(&ok_json(&office, &["org", "add", "青州片区", "--kind", "territory", "--parent", &region]));
    let staff = [
        ("王磊", "rep", &t1),
        ("李娜", "rep", &t2),
        ("赵经理", "regional_manager", &region),
        ("刘销管", "sales-admin", &root),
    ];
    let inbox = dir.path().join("inbox");
    let outbox = dir.path().join("outbox");
    std::fs::create_dir_all(&inbox).expect("inbox");
    let mut people = vec![];
    for (i, (name, role, unit)) in staff.iter().enumerate() {
        let mut add = vec!["staff", "add", name, "--role", role, "--unit", unit];
        if *role == "sales-admin" {
            add.extend(["--region", region.as_str()]);
        }
        let staff_id = id(&ok_json(&office, &add));
        let book = dir.path().join(format!("laptop{i}.sqlite"));
        ok_json(&book, &["init"]);
        let device = ok_json(&book, &["device", "show"]);
        let device_id = device["deviceId"].as_str().expect("device").to_string();
        ok_json(
            &office,
            &[
                "device",
                "enroll",
                "--staff",
                &staff_id,
                "--device",
                &device_id,
                "--key",
                device["publicKey"].as_str().expect("key"),
            ],
        );
        people.push((book, staff_id, device_id));
    }
    let fingerprint = ok_json(&office, &["device", "show"])["fingerprint"].as_str().expect("fpr").to_string();
    ok_json(&office, &["hq", "merge", inbox.to_str().expect("utf8"), "--out", outbox.to_str().expect("utf8")]);
    for (book, _, device) in &people {
        let first = newest_file_for(&outbox, device);
        // The first file needs head office's fingerprint confirmed.
        let refused = fieldcrm(book, &["sync", "import", first.to_str().expect("utf8")]);
        assert_eq!(refused.status.code(), Some(4));
        assert!(String::from_utf8_lossy(&refused.stderr).contains(&fingerprint));
        ok_json(book, &["sync", "import", first.to_str().expect("utf8"), "--trust-office", &fingerprint]);
    }
    Org { dir, office, inbox, outbox, people }
}

impl Org {
    fn round(&self) {
        for (book, _, _) in &self.people {
            ok_json(book, &["sync", "export", "--out", self.inbox.to_str().expect("utf8")]);
        }
        ok_json(
            &self.office,
            &["hq", "merge", self.inbox.to_str().expect("utf8"), "--out", self.outbox.to_str().expect("utf8")],
        );
        for (book, _, device) in &self.people {
            let file = newest_file_for(&self.outbox, device);
            ok_json(book, &["sync", "import", file.to_str().expect("utf8")]);
        }
    }
}

#[test]
fn two_reps_and_their_manager_edit_offline_head_office_merges_and_everyone_sees_the_merged_book() {
    let org = org();
    let (rep_a, rep_b, manager) = (&org.people[0].0, &org.people[1].0, &org.people[2].0);
    let card = id(&ok_json(rep_a, &["customer", "add", "--set", "name=华星农业", "--set", "phone=13812345678"]));
    let other = id(&ok_json(rep_b, &["customer", "add", "--set", "name=青州种子站"]));
    org.round();
    // Offline: rep A and the manager change the same field and different fields.
    ok_json(rep_a, &["customer", "edit", &card, "--set", "notes=周末在店", "--set", "creditStanding=good"]);
    ok_json(manager, &["customer", "edit", &card, "--set", "notes=月底前回款", "--set", "shortName=华星"]);
    org.round();
    org.round();
    let office_card = ok_json(&org.office, &["customer", "show", &card])["card"].clone();
    for book in [rep_a, manager] {
        assert_eq!(ok_json(book, &["customer", "show", &card])["card"]["fields"], office_card["fields"]);
    }
    assert_eq!(office_card["fields"]["creditStanding"], "good");
    assert_eq!(office_card["fields"]["shortName"], "华星");
    let conflicts = ok_json(rep_a, &["conflicts", "list"]);
    assert_eq!(conflicts.as_array().expect("list").len(), 1, "{conflicts}");
    assert_eq!(ok_json(manager, &["conflicts", "list"]).as_array().expect("list").len(), 1);
    assert!(fieldcrm(rep_b, &["customer", "show", &card]).status.code() == Some(2), "rep B never sees rep A's card");
    assert_eq!(ok_json(manager, &["customer", "show", &other])["card"]["fields"]["name"], "青州种子站");
    // Rep A settles the conflict by taking the other value; it reaches everyone.
    let conflict = conflicts[0]["id"].as_str().expect("id").to_string();
    let lost = conflicts[0]["lostValue"].clone();
    ok_json(rep_a, &["conflicts", "resolve", &conflict, "--take-other"]);
    org.round();
    assert_eq!(ok_json(&org.office, &["customer", "show", &card])["card"]["fields"]["notes"], lost);
    assert!(ok_json(manager, &["conflicts", "list"]).as_array().expect("list").is_empty());
    let status = ok_json(rep_a, &["sync", "status"]);
    assert_eq!(status["pendingTotal"], 0);
}

#[test]
fn a_restored_laptop_reusing_a_file_number_with_other_contents_is_refused() {
    let org = org();
    let rep = &org.people[0].0;
    ok_json(rep, &["customer", "add", "--set", "name=华星农业"]);
    let backup = org.dir.path().join("backup.sqlite");
    std::fs::copy(rep, &backup).expect("backup");
    let first = ok_json(rep, &["sync", "export", "--out", org.inbox.to_str().expect("utf8")]);
    ok_json(&org.office, &["sync", "import", first["path"].as_str().expect("path")]);
    // The laptop's book is restored from the backup and diverges.
    std::fs::copy(&backup, rep).expect("restore");
    ok_json(rep, &["customer", "add", "--set", "name=另一家"]);
    let again = ok_json(rep, &["sync", "export", "--out", org.dir.path().to_str().expect("utf8")]);
    let out = fieldcrm(&org.office, &["--json", "sync", "import", again["path"].as_str().expect("path")]);
    assert_eq!(out.status.code(), Some(4));
    let error: Value = serde_json::from_slice(&out.stderr).expect("json error");
    assert_eq!(error["problems"][0]["code"], "replayed");
}

fn office_counts(office: &Path) -> (i64, i64, i64) {
    let conn = common::raw(office);
    let q = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).expect("count");
    (
        q("SELECT count(*) FROM customer"),
        q("SELECT count(*) FROM sync_received_file"),
        q("SELECT coalesce(sum(received_upto), 0) FROM sync_peer"),
    )
}

#[test]
fn an_import_killed_midway_leaves_head_office_as_it_was_and_the_same_file_imports_afterwards() {
    let org = org();
    let (rep, staff, _) = &org.people[0];
    // Many new cards, written straight into the laptop's book (captured like any write).
    {
        let mut conn = common::raw(rep);
        let territory: String =
            conn.query_row("SELECT org_unit_id FROM staff WHERE id = ?1", [staff], |r| r.get(0)).expect("unit");
        let tx = conn.transaction().expect("tx");
        for i in 0..12_000 {
            tx.execute(
                "INSERT INTO customer (id, name, name_pinyin, channel_level, lifecycle, owner_id, territory_id, reviewed_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'retailer', 'active', ?4, ?5, '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z')",
                rusqlite::params![uuid_like(i), format!("客户{i}"), format!("kehu{i}"), staff, territory],
            )
            .expect("insert");
        }
        fieldcrm_core::changes::capture::seal(&tx, chrono::Utc::now()).expect("seal");
        tx.commit().expect("commit");
    }
    let file = ok_json(rep, &["sync", "export", "--out", org.inbox.to_str().expect("utf8")])["path"]
        .as_str()
        .expect("path")
        .to_string();
    let before = office_counts(&org.office);
    let mut killed_midway = 0;
    for _ in 0..3 {
        let mut child = common::command(&org.office)
            .args(["sync", "import", &file])
            .env_remove("FIELDCRM_DB")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        // Wait until it reports changes applied (inside the transaction), then kill it.
        for line in lines.by_ref() {
            let line = line.expect("line");
            if line.starts_with("importing:") && !line.contains(": 0 of") {
                child.kill().expect("kill");
                killed_midway += 1;
                break;
            }
        }
        let _ = child.wait();
        assert_eq!(office_counts(&org.office), before, "a killed import leaves head office as it was");
    }
    assert!(killed_midway > 0, "the import was killed while it ran");
    assert!(fieldcrm(&org.office, &["check"]).status.success(), "the book is sound after the kills");
    let report = ok_json(&org.office, &["sync", "import", &file]);
    assert!(report["applied"].as_u64().expect("applied") >= 12_000, "{report}");
    assert_eq!(office_counts(&org.office).0, before.0 + 12_000);
}

fn uuid_like(i: usize) -> String {
    format!("01a20000-0000-7000-8000-{i:012}")
}

#[test]
fn an_order_goes_from_a_reps_cli_to_head_office_and_back_with_its_review_and_shipment() {
    let org = org();
    let rep = &org.people[0].0;
    let catalogue = org.dir.path().join("products.csv");
    std::fs::write(&catalogue, "产品编码,产品名称,单位,箱规,出厂价\nA01,金装奶粉 900g,罐,12,90\n").expect("file");
    let imported =
        ok_json(&org.office, &["import", catalogue.to_str().expect("utf8"), "--kind", "products", "--commit"]);
    assert_eq!(imported["created"], 1);
    let card = id(&ok_json(rep, &["customer", "add", "--set", "name=寿光惠民母婴店"]));
    org.round();
    // No credit grade: an order on credit is held (no credit terms); in cash it is not.
    let held = ok_json(
        rep,
        &[
            "order",
            "new",
            &card,
            "--line",
            "A01,1,5",
            "--deliver",
            "寿光市农圣街 18 号",
            "--kind",
            "credit",
            "--submit",
        ],
    );
    assert_eq!((held["status"].as_str(), held["creditHold"].as_bool()), (Some("submitted"), Some(true)));
    assert_eq!(held["holdReasons"][0]["kind"], "no_credit_terms");
    assert_eq!(held["lines"][0]["flags"][0], "not_whole_cases");
    let order = id(&held);
    // The laptop refuses what head office would, with its code.
    let refused = fieldcrm(rep, &["--json", "order", "approve", &order]);
    assert_eq!(refused.status.code(), Some(2));
    let said = format!("{}{}", String::from_utf8_lossy(&refused.stdout), String::from_utf8_lossy(&refused.stderr));
    assert!(said.contains("review_by_office"), "{said}");
    org.round();

    // The region's sales administrator reviews it on their own book.
    let admin = &org.people[3].0;
    let queue = ok_json(admin, &["order", "list", "--view", "review"]);
    assert_eq!(queue[0]["number"], "SO00000001");
    ok_json(admin, &["order", "release", &order, "--reason", "现款现货"]);
    let line = ok_json(admin, &["order", "show", &order])["lines"][0]["id"].as_str().expect("line").to_string();
    ok_json(admin, &["order", "correct", &order, &line, "--quantity", "24", "--reason", "按整箱"]);
    ok_json(admin, &["order", "approve", &order]);
    let shipped = ok_json(admin, &["ship", "order", &order, "--line", &format!("{line}=12"), "--number", "FH-1"]);
    assert_eq!(shipped["lines"][0]["backorder"], 12);
    let pending = ok_json(admin, &["ship", "pending"]);
    assert_eq!((pending[0]["id"].as_str(), pending[0]["shipping"].as_str()), (Some(order.as_str()), Some("partly")));
    let shipments = ok_json(admin, &["ship", "list"]);
    assert_eq!((shipments[0]["number"].as_str(), shipments[0]["units"].as_u64()), (Some("FH-1"), Some(12)));
    let sheet = org.dir.path().join("发货清单.xlsx");
    ok_json(admin, &["ship", "sheet", &order, "--out", sheet.to_str().expect("utf8")]);
    assert!(std::fs::metadata(&sheet).expect("sheet").len() > 1000);
    // What is not sales administration's is refused on its laptop, as head office would.
    let refused = fieldcrm(admin, &["--json", "customer", "edit", &card, "--set", "notes=改档案"]);
    assert_eq!(refused.status.code(), Some(2));
    let said = format!("{}{}", String::from_utf8_lossy(&refused.stdout), String::from_utf8_lossy(&refused.stderr));
    assert!(said.contains("fields_data"), "{said}");
    org.round();
    let at_office = ok_json(&org.office, &["order", "show", &order]);
    assert_eq!((at_office["status"].as_str(), at_office["lines"][0]["shipped"].as_u64()), (Some("approved"), Some(12)));

    let seen = ok_json(rep, &["order", "show", &order]);
    assert_eq!((seen["status"].as_str(), seen["number"].as_str()), (Some("approved"), Some("SO00000001")));
    assert_eq!((seen["lines"][0]["quantity"].as_u64(), seen["lines"][0]["backorder"].as_u64()), (Some(24), Some(12)));
    let notes: Vec<&str> =
        seen["history"].as_array().expect("history").iter().filter_map(|n| n["reason"].as_str()).collect();
    assert!(notes.contains(&"按整箱") && notes.contains(&"现款现货"), "{notes:?}");
    let backorders = ok_json(rep, &["order", "list", "--view", "backorders"]);
    assert_eq!(backorders.as_array().expect("list").len(), 1);
}

/// The JSON lines `hq watch --json` printed, one per round that did something.
fn watch_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

#[test]
fn head_office_watches_a_shared_folder_answers_whoever_sent_and_may_be_killed_at_any_time() {
    let org = org();
    let inbox = org.inbox.to_str().expect("utf8");
    let outbox = org.outbox.to_str().expect("utf8");
    let (rep, _, device) = &org.people[0];
    ok_json(rep, &["customer", "add", "--set", "name=寿光惠民母婴店"]);
    ok_json(rep, &["sync", "export", "--out", inbox]);
    let before: std::collections::BTreeSet<PathBuf> =
        std::fs::read_dir(&org.outbox).expect("outbox").map(|e| e.expect("entry").path()).collect();

    // Two rounds: the first imports the rep's file and answers every device
    // (head office's book changed); the second finds nothing new and writes nothing.
    let out =
        fieldcrm(&org.office, &["--json", "hq", "watch", inbox, "--out", outbox, "--every", "1s", "--rounds", "2"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rounds = watch_lines(&out.stdout);
    assert_eq!(rounds.len(), 1, "only the first round did something: {rounds:?}");
    let imported = rounds[0]["imported"].as_array().expect("imported");
    assert_eq!(imported.len(), 1);
    assert!(imported[0]["report"]["applied"].as_u64().expect("applied") > 0, "{imported:?}");
    let written: Vec<&str> = rounds[0]["written"]
        .as_array()
        .expect("written")
        .iter()
        .map(|w| w["recipient"].as_str().expect("to"))
        .collect();
    assert!(written.contains(&device.as_str()), "the sender gets its acknowledgement: {written:?}");
    let card_for_rep = newest_file_for(&org.outbox, device);
    assert!(!before.contains(&card_for_rep), "a new file for the rep");
    ok_json(rep, &["sync", "import", card_for_rep.to_str().expect("utf8")]);

    // A watch with nothing to do stays quiet, and killing it leaves the book sound.
    let mut child = common::command(&org.office)
        .args(["--json", "hq", "watch", inbox, "--out", outbox, "--every", "1s"])
        .env_remove("FIELDCRM_DB")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // The manager's file arrives while it watches: it is merged within a round or two.
    let (manager, _, manager_device) = &org.people[2];
    ok_json(manager, &["sync", "export", "--out", inbox]);
    // The rounds it reports, as they come (its first round answers everyone, as a merge does).
    let (sent, rounds) = std::sync::mpsc::channel::<Value>();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sent.send(serde_json::from_str(&line).expect("json")).is_err() {
                break;
            }
        }
    });
    let merged = loop {
        let round = rounds.recv_timeout(std::time::Duration::from_secs(60)).expect("a round within a minute");
        if !round["imported"].as_array().expect("imported").is_empty() {
            break round;
        }
    };
    assert_eq!(merged["imported"].as_array().expect("imported").len(), 1, "{merged}");
    assert!(merged["imported"][0]["report"]["applied"].is_u64(), "{merged}");
    assert!(merged["written"].as_array().expect("written").iter().any(|w| w["recipient"] == *manager_device));
    child.kill().expect("kill");
    let _ = child.wait();
    assert!(fieldcrm(&org.office, &["check"]).status.success(), "the book is sound after the kill");
    // A bad duration is refused before anything runs.
    let bad = fieldcrm(&org.office, &["hq", "watch", inbox, "--out", outbox, "--every", "soon"]);
    assert_eq!(bad.status.code(), Some(2), "{}", String::from_utf8_lossy(&bad.stderr));
}

#[test]
fn head_office_retires_a_lost_laptop_from_the_cli_and_refuses_its_files_from_then_on() {
    let org = org();
    let (rep, _, device) = &org.people[0];
    ok_json(rep, &["customer", "add", "--set", "name=华星农业"]);
    let unsent = ok_json(rep, &["sync", "export", "--out", org.dir.path().to_str().expect("utf8")]);
    // Without a reason: refused, nothing retired.
    let out = fieldcrm(&org.office, &["--json", "device", "retire", "--device", device, "--reason", " "]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let retired = ok_json(&org.office, &["device", "retire", "--device", device, "--reason", "出租车上丢失"]);
    assert_eq!(retired["retiredReason"], "出租车上丢失");
    let listed = ok_json(&org.office, &["device", "list"]);
    let row = listed.as_array().expect("list").iter().find(|p| p["deviceId"] == device.as_str()).expect("listed");
    assert!(row["retiredAt"].is_string(), "{row}");
    // Its file is refused with the reason, and the merge writes it nothing.
    let out = fieldcrm(&org.office, &["--json", "sync", "import", unsent["path"].as_str().expect("path")]);
    assert_eq!(out.status.code(), Some(4));
    let error: Value = serde_json::from_slice(&out.stderr).expect("json error");
    assert_eq!(error["problems"][0]["code"], "device_retired");
    assert!(error["message"].as_str().expect("message").contains("出租车上丢失"), "{error}");
    let fresh = org.dir.path().join("fresh-outbox");
    let merged = ok_json(
        &org.office,
        &["hq", "merge", org.inbox.to_str().expect("utf8"), "--out", fresh.to_str().expect("utf8")],
    );
    let written = merged["written"].as_array().expect("written");
    assert_eq!(written.len(), org.people.len() - 1, "{merged}");
    for file in std::fs::read_dir(&fresh).expect("outbox") {
        let bytes = std::fs::read(file.expect("entry").path()).expect("file");
        let header = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]).into_owned();
        assert!(!header.contains(device.as_str()), "a file was written for the retired laptop");
    }
}

#[test]
fn head_office_edits_a_person_from_the_cli_and_refuses_to_let_a_rep_with_customers_leave() {
    let org = org();
    let (rep, rep_id, _) = &org.people[0];
    ok_json(rep, &["customer", "add", "--set", "name=华星农业"]);
    org.round();
    let out = fieldcrm(&org.office, &["--json", "staff", "edit", rep_id, "--left"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let error: Value = serde_json::from_slice(&out.stderr).expect("json error");
    assert_eq!(error["problems"][0]["code"], "owns_customers", "{error}");
    let edited = ok_json(&org.office, &["staff", "edit", rep_id, "--phone", "13900001111", "--name", "王磊（寿光）"]);
    assert_eq!(edited["phone"], "13900001111");
    assert_eq!(edited["name"], "王磊（寿光）");
    assert_eq!(edited["active"], true);
    org.round();
    let seen = ok_json(rep, &["staff", "list"]);
    let me = seen.as_array().expect("list").iter().find(|s| s["id"] == rep_id.as_str()).expect("on the laptop");
    assert_eq!(me["name"], "王磊（寿光）");
}

#[test]
fn head_office_hands_a_leaving_reps_customers_over_from_the_cli() {
    let org = org();
    let (rep, rep_id, _) = &org.people[0];
    let (next, next_id, _) = &org.people[1];
    for name in ["华星农业", "丰收农资"] {
        ok_json(rep, &["customer", "add", "--set", &format!("name={name}")]);
    }
    org.round();

    let preview = ok_json(&org.office, &["staff", "handover", rep_id, "--to", next_id, "--leaves", "--dry-run"]);
    assert_eq!(preview["shares"][0]["customers"], 2, "{preview}");
    assert_eq!(preview["leaves"], true);
    let still = ok_json(&org.office, &["staff", "list"]);
    let mine = |list: &Value| list.as_array().expect("list").iter().find(|s| s["id"] == rep_id.as_str()).cloned();
    assert_eq!(mine(&still).expect("on record")["active"], true, "a preview changes nothing");

    // A card named for a manager is refused with the code, and nothing changes.
    let manager = &org.people[2].1;
    let out = fieldcrm(&org.office, &["--json", "staff", "handover", rep_id, "--to", manager]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let error: Value = serde_json::from_slice(&out.stderr).expect("json error");
    assert_eq!(error["problems"][0]["code"], "not_a_rep", "{error}");

    let text = fieldcrm(&org.office, &["staff", "handover", rep_id, "--to", next_id, "--leaves"]);
    assert!(text.status.success(), "{}", String::from_utf8_lossy(&text.stderr));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("李娜") && text.contains("2 customers"), "{text}");
    org.round();
    let theirs = ok_json(next, &["customer", "list"]);
    let names: Vec<&str> = theirs["rows"].as_array().expect("rows").iter().filter_map(|r| r["name"].as_str()).collect();
    assert_eq!(names.len(), 2, "{theirs}");
    assert!(names.contains(&"华星农业") && names.contains(&"丰收农资"));
    assert_eq!(mine(&ok_json(next, &["staff", "list"])).expect("on record")["active"], false);
}

#[test]
fn a_proposal_goes_from_a_reps_cli_through_the_manager_to_head_office_and_takes_effect() {
    let org = org();
    let (rep, _, _) = &org.people[0];
    let (manager, _, _) = &org.people[2];
    ok_json(&org.office, &["approval", "chain", "--kind", "open_customer", "--levels", "manager,office"]);
    let card = id(&ok_json(rep, &["customer", "add", "--set", "name=华星农业"]));
    org.round();

    // Opening directly is refused on the laptop with the code head office uses.
    let out = fieldcrm(rep, &["--json", "customer", "edit", &card, "--set", "lifecycle=active"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let error: Value = serde_json::from_slice(&out.stderr).expect("json error");
    assert_eq!(error["problems"][0]["code"], "needs_approval", "{error}");

    let proposed = ok_json(
        rep,
        &[
            "approval",
            "propose",
            "--kind",
            "open_customer",
            "--customer",
            &card,
            "--title",
            "开设经销商",
            "--reason",
            "年销量可达 300 吨",
        ],
    );
    assert_eq!(proposed["row"]["status"], "pending", "{proposed}");
    let proposal = proposed["row"]["id"].as_str().expect("id").to_string();
    org.round();
    let inbox = ok_json(manager, &["approval", "list", "--to-decide"]);
    assert_eq!(inbox.as_array().map(Vec::len), Some(1), "{inbox}");
    let text = fieldcrm(manager, &["approval", "show", &proposal]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("华星农业") && text.contains("step 2 (head office): waiting"), "{text}");
    ok_json(manager, &["approval", "approve", &proposal]);
    org.round();
    let last = ok_json(&org.office, &["approval", "approve", &proposal]);
    assert_eq!(last["row"]["status"], "approved", "{last}");
    assert!(last["row"]["effectedAt"].is_string(), "{last}");
    org.round();
    let opened = ok_json(rep, &["customer", "show", &card]);
    assert_eq!(opened["card"]["fields"]["lifecycle"], "active", "{opened}");
}

#[test]
fn a_complaint_is_logged_on_a_reps_cli_handled_at_head_office_and_closed() {
    let org = org();
    let (rep, _, _) = &org.people[0];
    let card = id(&ok_json(rep, &["customer", "add", "--set", "name=华星农业"]));
    let logged = ok_json(
        rep,
        &["complaint", "log", &card, "--kind", "quality", "--words", "复合肥结块", "--attachment", "照片.jpg"],
    );
    let complaint = logged["id"].as_str().expect("id").to_string();
    assert_eq!(logged["clock"]["next"], "passed_on", "{logged}");
    let out = fieldcrm(rep, &["--json", "complaint", "handle", &complaint, "--note", "自己处理"]);
    assert_eq!(out.status.code(), Some(2));
    let error: Value = serde_json::from_slice(&out.stderr).expect("json error");
    assert_eq!(error["problems"][0]["code"], "office_only", "{error}");
    org.round();
    let open = ok_json(&org.office, &["complaint", "list"]);
    assert_eq!(open[0]["clock"]["stage"], "passed_on", "{open}");
    ok_json(&org.office, &["complaint", "handle", &complaint, "--note", "换货 20 袋"]);
    org.round();
    ok_json(rep, &["complaint", "reply", &complaint, "--note", "已告知客户"]);
    let closed = ok_json(rep, &["complaint", "close", &complaint, "--satisfaction", "5"]);
    assert_eq!(closed["clock"]["stage"], "closed", "{closed}");
    org.round();
    let text = fieldcrm(&org.office, &["complaint", "list", "--all"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("华星农业") && text.contains("satisfaction 5/5"), "{text}");
}
