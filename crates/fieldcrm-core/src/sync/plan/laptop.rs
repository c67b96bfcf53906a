//! A laptop's import of head office's file: [`plan_from_office`] walks the
//! staged file over a [`LaptopView`] and returns the writes. Besides the
//! merge rules (`super::Merge`): the cards the file takes away leave with a
//! notice, and the changes head office refused are put back.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde_json::Value as Json;

use super::{key, BookRows, Merge, Outcome, Step, PROGRESS_EVERY};
use crate::changes::capture::{CellClock, State};
use crate::changes::manifest::{self, Anchor, Scope};
use crate::sync::file::{Body, Change, Header};
use crate::sync::merge::to_sql;
use crate::sync::{ImportReport, Progress};

/// Head office behind this laptop's clock by more than this moves our clock forward.
pub const BEHIND_TOLERANCE_MS: i64 = 5 * 60 * 1000;

/// What a laptop's import may read. `book` holds every row the file names
/// (its changes and its rejections).
#[derive(Debug, Clone)]
pub struct LaptopView {
    pub book: BookRows,
    /// Head office's `acked_upto` and `received_upto` in this book.
    pub acked_upto: i64,
    pub received_upto: i64,
    /// Every card in the book (read for a snapshot only).
    pub all_cards: Vec<String>,
    /// The names of the cards the file may take away (present = in the book).
    pub names: HashMap<String, String>,
    /// Cards created here whose `*` head office has not confirmed (`seq > ack`).
    pub unconfirmed: HashSet<String>,
}

/// What the import does.
#[derive(Debug, Clone, PartialEq)]
pub struct LaptopPlan {
    pub report: ImportReport,
    /// Head office's file range end (`received_upto` becomes at least this).
    pub to: i64,
    /// What head office confirmed: `acked_upto`, and the outbox is trimmed to it.
    pub acked: i64,
    /// Empty for a stale file.
    pub steps: Vec<Step>,
    /// Cards whose revision and search entry are refreshed at the end.
    pub touched: BTreeSet<String>,
    /// The sync state to save (`None` for a stale file: only the
    /// acknowledgement is written).
    pub state: Option<State>,
}

/// The range of head office's versions the file ends at, and the new acknowledgement.
pub fn range(header: &Header, acked_upto: i64) -> (i64, i64) {
    let to = header.ranges.iter().find(|r| r.origin == header.sender).map_or(0, |r| r.to);
    (to, acked_upto.max(header.ack))
}

/// An older file than one already imported: only its acknowledgement counts.
/// (A snapshot as new as what the book has is applied: it may be the first
/// file of a head office that has made no change under sync yet.)
pub fn is_stale(header: &Header, received_upto: i64) -> bool {
    let (to, _) = range(header, 0);
    to < received_upto || (to == received_upto && !header.snapshot)
}

/// A stale file's plan (see [`is_stale`]): its acknowledgement only.
pub fn stale_plan(header: &Header, acked_upto: i64) -> LaptopPlan {
    let (to, acked) = range(header, acked_upto);
    let report = ImportReport { snapshot: header.snapshot, stale: true, ..ImportReport::default() };
    LaptopPlan { report, to, acked, steps: vec![], touched: BTreeSet::new(), state: None }
}

struct Planner<'a> {
    merge: Merge,
    body: &'a Body,
    refused: bool,
}

/// Plans a laptop's import of head office's file.
pub fn plan_from_office(header: &Header, body: &Body, view: LaptopView, now: DateTime<Utc>) -> LaptopPlan {
    if is_stale(header, view.received_upto) {
        return stale_plan(header, view.acked_upto);
    }
    let mut report = ImportReport { snapshot: header.snapshot, ..ImportReport::default() };
    let (to, acked) = range(header, view.acked_upto);
    let LaptopView { book, all_cards, mut names, unconfirmed, .. } = view;
    let mut p = Planner { merge: Merge::new(book), body, refused: false };
    p.merge.steps.reserve(2 * body.changes.len() + 16);
    let state = &mut p.merge.book.state;
    // Head office corrects a clock that ran ahead; a clock that runs behind
    // head office's is moved forward here.
    if header.ack > 0 {
        state.clock_offset_ms = header.clock_correction_ms;
    }
    if let Ok(created) = header.created_at.parse::<DateTime<Utc>>() {
        let ours = now + chrono::Duration::milliseconds(state.clock_offset_ms);
        let behind = (created - ours).num_milliseconds();
        if behind > BEHIND_TOLERANCE_MS {
            state.clock_offset_ms += behind;
        }
    }
    let mut leaving: Vec<String> = body.removals.clone();
    if header.snapshot {
        let keep: HashSet<&String> = body.keep.iter().collect();
        leaving.extend(all_cards.iter().filter(|id| !keep.contains(id)).cloned());
    }
    let mut gone = HashSet::new();
    for customer in &leaving {
        // A card created here that head office has not seen yet is not
        // missing from its file: it is on its way there.
        if unconfirmed.contains(customer) {
            continue;
        }
        if let Some(name) = names.remove(customer) {
            p.merge.steps.push(Step::Notice { customer: customer.clone(), name });
            p.merge.steps.push(Step::DropCustomer(customer.clone()));
            gone.insert(customer.clone());
            report.removed_cards += 1;
        }
    }
    p.merge.forget_cards(&gone);
    let total = body.changes.len();
    for (i, change) in body.changes.iter().enumerate() {
        if i % PROGRESS_EVERY == 0 {
            p.merge.steps.push(Step::Progress(Progress { done: i, total }));
        }
        match p.apply(change) {
            Some(Outcome::Applied { .. }) => report.applied += 1,
            Some(Outcome::Duplicate) => report.already_had += 1,
            Some(_) => report.superseded += 1,
            None => return p.finish(report, to, acked),
        }
    }
    p.merge.steps.push(Step::Progress(Progress { done: total, total }));
    let mut rejections: Vec<usize> = (0..body.rejections.len()).collect();
    rejections.sort_by_key(|&i| std::cmp::Reverse(manifest::rank(&body.rejections[i].table)));
    for i in rejections {
        p.merge.steps.push(Step::StoreRejection(i));
        p.revert(i);
        if p.refused {
            return p.finish(report, to, acked);
        }
        report.rejected += 1;
    }
    p.finish(report, to, acked)
}

fn clock_of(current: &Option<(u64, String)>) -> CellClock {
    CellClock {
        hlc: current.as_ref().map_or(0, |c| c.0),
        origin: current.as_ref().map_or_else(String::new, |c| c.1.clone()),
        base_hlc: 0,
        base_origin: None,
        deleted: false,
    }
}

impl Planner<'_> {
    /// The plan; after a refusal its writes stop there and the state is never saved.
    fn finish(self, report: ImportReport, to: i64, acked: i64) -> LaptopPlan {
        let Merge { book, steps, touched, .. } = self.merge;
        LaptopPlan { report, to, acked, steps, touched, state: Some(book.state) }
    }

    fn apply(&mut self, change: &Change) -> Option<Outcome> {
        match self.merge.apply(change) {
            Ok(outcome) => Some(outcome),
            Err((reason, message)) => {
                self.merge.steps.push(Step::Refuse(reason, message));
                self.refused = true;
                None
            }
        }
    }

    /// Puts back head office's value of a cell (or removes a row head office
    /// refused) — unless this laptop changed it again since.
    fn revert(&mut self, i: usize) {
        let body = self.body;
        let r = &body.rejections[i];
        let Some(table) = manifest::table(&r.table) else { return };
        let cell_name = if r.column == "-" { "*" } else { r.column.as_str() };
        let m = &mut self.merge;
        let me = &m.book.state.device_id;
        let still_mine = m.cell_clock(table.name, &r.pk, cell_name).is_some_and(|c| c.hlc == r.hlc && c.origin == *me);
        if !still_mine {
            return;
        }
        let anchor = match table.scope {
            Scope::Global => None,
            Scope::Customer(_) => r.customer_id.clone(),
            scope => m.row(table.name, &r.pk).and_then(|row| row.anchor(scope)),
        };
        match r.column.as_str() {
            "*" => {
                if let (Some(row), false) = (&r.current, table.name == "customer") {
                    // A row head office holds already (a step decided first
                    // by another device): the row becomes head office's.
                    m.steps.push(Step::DeleteRow { table: table.name, pk: r.pk.clone() });
                    m.steps.push(Step::DeleteRowClocks { table: table.name, pk: r.pk.clone() });
                    m.book.rows.remove(&key(table.name, &r.pk));
                    m.book.clocks.remove(&key(table.name, &r.pk));
                    let clock = clock_of(&r.current_clock);
                    let change = Change {
                        t: r.table.clone(),
                        k: r.pk.clone(),
                        c: "*".into(),
                        v: row.clone(),
                        h: clock.hlc,
                        o: clock.origin,
                        s: 0,
                        bh: 0,
                        bo: None,
                        n: 0,
                    };
                    self.apply(&change);
                } else if r.current.is_none() {
                    if table.name == "customer" {
                        m.steps.push(Step::DropCustomer(r.pk.clone()));
                        m.forget_cards(&HashSet::from([r.pk.clone()]));
                    } else {
                        m.steps.push(Step::DeleteRow { table: table.name, pk: r.pk.clone() });
                        m.steps.push(Step::DeleteRowClocks { table: table.name, pk: r.pk.clone() });
                        m.book.rows.remove(&key(table.name, &r.pk));
                        m.book.clocks.remove(&key(table.name, &r.pk));
                    }
                }
            }
            "-" => {
                // A removal head office refused: the row comes back as head office has it.
                if let Some(row) = &r.current {
                    m.steps.push(Step::DeleteRowClocks { table: table.name, pk: r.pk.clone() });
                    m.book.clocks.remove(&key(table.name, &r.pk));
                    let clock = clock_of(&r.current_clock);
                    let change = Change {
                        t: r.table.clone(),
                        k: r.pk.clone(),
                        c: "*".into(),
                        v: row.clone(),
                        h: clock.hlc,
                        o: clock.origin,
                        s: 0,
                        bh: 0,
                        bo: None,
                        n: 0,
                    };
                    self.apply(&change);
                }
            }
            column => {
                let value = to_sql(&r.current.clone().unwrap_or(Json::Null));
                if let Some(row) = m.book.rows.get_mut(&key(table.name, &r.pk)) {
                    row.set(table.scope, column, &value, false);
                }
                let name = r.current.as_ref().and_then(Json::as_str).unwrap_or_default().to_string();
                let (pk, current_clock) = (r.pk.clone(), r.current_clock.clone());
                m.steps.push(Step::Update { table: table.name, pk: pk.clone(), column: column.into(), value });
                if table.name == "customer" && column == "name" {
                    m.steps.push(Step::Pinyin { pk: pk.clone(), key: crate::search::sort_key(&name) });
                }
                match &current_clock {
                    Some(_) => m.put_clock(table.name, &pk, column, clock_of(&current_clock), anchor.clone()),
                    None => {
                        if let Some(clocks) = m.book.clocks.get_mut(&key(table.name, &pk)) {
                            clocks.remove(column);
                        }
                        m.steps.push(Step::DeleteClock { table: table.name, pk, column: column.into() });
                    }
                }
                if let Some(Anchor::Customer(customer)) = anchor.as_deref().map(Anchor::parse) {
                    m.touched.insert(customer.to_string());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Map, RowView, Stamp};
    use super::*;
    use crate::changes::manifest::Columns;
    use crate::error::ProblemCode;
    use crate::sync::file::Rejection;
    use rusqlite::types::Value as SqlValue;
    use serde_json::json;
    use std::collections::BTreeMap;

    const OFFICE: &str = "office";
    const ME: &str = "me";
    use super::super::tests::CREATED;

    fn now() -> DateTime<Utc> {
        CREATED.parse().expect("time")
    }

    fn header(to: i64, snapshot: bool) -> Header {
        super::super::tests::header(OFFICE, ME, 1, to, snapshot)
    }

    fn view() -> LaptopView {
        let cols = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut columns = BTreeMap::new();
        columns.insert("customer".to_string(), cols(&["id", "name", "phone", "owner_id", "notes"]));
        columns.insert("key_person".to_string(), cols(&["id", "customer_id", "name", "phone"]));
        columns.insert("visit".to_string(), cols(&["id", "customer_id", "staff_id", "note"]));
        LaptopView {
            book: BookRows {
                state: State { device_id: ME.into(), hlc: 100, version: 10, clock_offset_ms: 0 },
                columns: Columns(columns),
                rows: Map::new(),
                clocks: Map::new(),
                keep_values: false,
            },
            acked_upto: 0,
            received_upto: 5,
            all_cards: vec![],
            names: HashMap::new(),
            unconfirmed: HashSet::new(),
        }
    }

    fn row(v: &mut LaptopView, table: &str, pk: &str, customer: &str) {
        v.book.rows.insert(key(table, pk), RowView { customer: Some(customer.into()), ..RowView::default() });
    }

    fn clock(h: u64, o: &str) -> CellClock {
        CellClock { hlc: h, origin: o.into(), base_hlc: 0, base_origin: None, deleted: false }
    }

    fn stamp(v: &mut LaptopView, table: &str, pk: &str, col: &str, c: CellClock, anchor: &str) {
        v.book
            .clocks
            .entry(key(table, pk))
            .or_default()
            .insert(col.into(), Stamp { clock: c, anchor: Some(anchor.into()) });
    }

    fn change(t: &str, k: &str, c: &str, v: Json, h: u64, o: &str) -> Change {
        Change { t: t.into(), k: k.into(), c: c.into(), v, h, o: o.into(), s: 0, bh: 0, bo: None, n: 0 }
    }

    fn plan(v: LaptopView, changes: Vec<Change>) -> LaptopPlan {
        plan_from_office(&header(6, false), &Body { changes, ..Body::default() }, v, now())
    }

    /// The steps without progress markers.
    fn writes(p: &LaptopPlan) -> Vec<Step> {
        p.steps.iter().filter(|s| !matches!(s, Step::Progress(_))).cloned().collect()
    }

    fn put(table: &'static str, pk: &str, column: &str, c: CellClock, version: i64, anchor: Option<&str>) -> Step {
        Step::PutClock {
            table,
            pk: pk.into(),
            column: column.into(),
            clock: c,
            version,
            anchor: anchor.map(str::to_string),
        }
    }

    fn update(table: &'static str, pk: &str, column: &str, value: &str) -> Step {
        Step::Update { table, pk: pk.into(), column: column.into(), value: SqlValue::Text(value.into()) }
    }

    /// A book holding card c1 whose phone was written at (50, "b").
    fn card_with_phone() -> LaptopView {
        let mut v = view();
        row(&mut v, "customer", "c1", "c1");
        stamp(&mut v, "customer", "c1", "phone", clock(50, "b"), "c1");
        v
    }

    #[test]
    fn a_file_older_than_the_last_only_acknowledges() {
        let mut v = view();
        v.acked_upto = 3;
        let mut h = header(4, false);
        h.ack = 7;
        let p = plan_from_office(&h, &Body::default(), v.clone(), now());
        assert!(p.report.stale);
        assert_eq!((p.steps.len(), p.state.is_none(), p.acked), (0, true, 7));
        assert!(plan_from_office(&header(5, false), &Body::default(), v.clone(), now()).report.stale);
        let snapshot = plan_from_office(&header(5, true), &Body::default(), v, now());
        assert!(!snapshot.report.stale, "a snapshot as new as the book is applied");
        assert!(snapshot.report.snapshot);
    }

    #[test]
    fn the_later_clock_wins_and_an_equal_clock_goes_to_the_higher_device() {
        let p = plan(card_with_phone(), vec![change("customer", "c1", "phone", json!("139"), 60, OFFICE)]);
        assert_eq!(p.report.applied, 1);
        assert_eq!(
            writes(&p),
            vec![
                update("customer", "c1", "phone", "139"),
                put("customer", "c1", "phone", clock(60, OFFICE), 11, Some("c1"))
            ]
        );
        assert!(p.touched.contains("c1"));

        let lower = plan(card_with_phone(), vec![change("customer", "c1", "phone", json!("139"), 50, "a")]);
        assert_eq!((lower.report.superseded, writes(&lower).len()), (1, 0), "the older write changes nothing");
        let higher = plan(card_with_phone(), vec![change("customer", "c1", "phone", json!("139"), 50, "c")]);
        assert_eq!(higher.report.applied, 1);
    }

    #[test]
    fn the_same_write_is_a_duplicate_and_a_cell_without_a_clock_is_judged_by_its_row() {
        let mut v = view();
        row(&mut v, "customer", "c1", "c1");
        stamp(&mut v, "customer", "c1", "*", clock(70, "x"), "c1");
        let p = plan(
            v,
            vec![
                change("customer", "c1", "notes", json!("a"), 60, OFFICE),
                change("customer", "c1", "notes", json!("a"), 70, "x"),
            ],
        );
        assert_eq!((p.report.superseded, p.report.already_had, p.report.applied), (1, 1, 0));
        assert!(writes(&p).is_empty());
    }

    #[test]
    fn a_removed_row_stays_removed() {
        let mut v = view();
        stamp(&mut v, "key_person", "k1", "*", CellClock { deleted: true, ..clock(40, "b") }, "c1");
        let p = plan(
            v,
            vec![
                change("key_person", "k1", "phone", json!("1"), 90, OFFICE),
                change("key_person", "k1", "*", json!({"id": "k1", "customer_id": "c1"}), 91, OFFICE),
                change("key_person", "k1", "-", Json::Null, 92, OFFICE),
            ],
        );
        assert_eq!((p.report.superseded, p.report.already_had, p.report.applied), (2, 1, 0));
        assert!(writes(&p).is_empty());
    }

    #[test]
    fn a_new_row_the_book_has_is_a_duplicate_with_a_row_clock_if_it_had_none() {
        let mut v = view();
        row(&mut v, "key_person", "k1", "c1");
        let new_row = change("key_person", "k1", "*", json!({"id": "k1", "customer_id": "c1"}), 90, OFFICE);
        let p = plan(v.clone(), vec![new_row.clone()]);
        assert_eq!(p.report.already_had, 1);
        assert_eq!(writes(&p), vec![put("key_person", "k1", "*", clock(90, OFFICE), 11, Some("c1"))]);
        stamp(&mut v, "key_person", "k1", "*", clock(80, "b"), "c1");
        let p = plan(v, vec![new_row]);
        assert_eq!((p.report.already_had, writes(&p).len()), (1, 0));
    }

    #[test]
    fn an_unknown_column_the_id_or_a_missing_row_change_nothing() {
        let p = plan(
            card_with_phone(),
            vec![
                change("customer", "c1", "colour", json!("red"), 90, OFFICE),
                change("customer", "c1", "id", json!("c2"), 90, OFFICE),
                change("customer", "c9", "phone", json!("1"), 90, OFFICE),
            ],
        );
        assert_eq!((p.report.superseded, writes(&p).len()), (3, 0));
        assert_eq!(p.state.expect("state").hlc, 100, "the clock is still observed");
    }

    #[test]
    fn a_new_row_is_inserted_with_the_books_columns_and_later_edits_are_judged_against_it() {
        let values = json!({"id": "c9", "name": "华星", "colour": "red", "owner_id": "s1"});
        let p = plan(
            view(),
            vec![
                change("customer", "c9", "*", values, 80, OFFICE),
                change("customer", "c9", "phone", json!("1"), 70, OFFICE),
                change("customer", "c9", "phone", json!("2"), 90, OFFICE),
            ],
        );
        assert_eq!((p.report.applied, p.report.superseded), (2, 1));
        let steps = writes(&p);
        let Step::Insert { table: "customer", columns, values } = &steps[0] else {
            panic!("an insert first: {steps:?}")
        };
        let mut sorted = columns.clone();
        sorted.sort();
        assert_eq!(sorted, ["id", "name", "name_pinyin", "owner_id"], "unknown columns are left out");
        assert_eq!(values.len(), 4);
        assert_eq!(steps[1], put("customer", "c9", "*", clock(80, OFFICE), 11, Some("c9")));
        assert_eq!(steps[2], update("customer", "c9", "phone", "2"));
        assert_eq!(steps[3], put("customer", "c9", "phone", clock(90, OFFICE), 12, Some("c9")));
        assert_eq!(p.touched.iter().collect::<Vec<_>>(), ["c9"]);
    }

    #[test]
    fn a_card_renamed_gets_its_sort_key() {
        let p = plan(card_with_phone(), vec![change("customer", "c1", "name", json!("华星"), 90, OFFICE)]);
        assert!(writes(&p).contains(&Step::Pinyin { pk: "c1".into(), key: crate::search::sort_key("华星") }));
    }

    #[test]
    fn a_removal_drops_the_row_and_its_cell_clocks_and_later_edits_find_it_removed() {
        let mut v = view();
        row(&mut v, "key_person", "k1", "c1");
        stamp(&mut v, "key_person", "k1", "phone", clock(30, "b"), "c1");
        let p = plan(
            v,
            vec![
                change("key_person", "k1", "-", Json::Null, 90, OFFICE),
                change("key_person", "k1", "phone", json!("1"), 95, OFFICE),
            ],
        );
        assert_eq!((p.report.applied, p.report.superseded), (1, 1));
        assert_eq!(
            writes(&p),
            vec![
                Step::DeleteRow { table: "key_person", pk: "k1".into() },
                Step::DeleteCellClocks { table: "key_person", pk: "k1".into() },
                put("key_person", "k1", "*", CellClock { deleted: true, ..clock(90, OFFICE) }, 11, Some("c1")),
            ]
        );
        assert!(p.touched.contains("c1"));
    }

    #[test]
    fn versions_follow_the_book_and_the_clock_is_the_highest_seen() {
        let p = plan(
            card_with_phone(),
            vec![
                change("customer", "c1", "phone", json!("1"), 300, OFFICE),
                change("customer", "c1", "notes", json!("n"), 200, OFFICE),
            ],
        );
        let versions: Vec<i64> = writes(&p)
            .iter()
            .filter_map(|s| if let Step::PutClock { version, .. } = s { Some(*version) } else { None })
            .collect();
        assert_eq!(versions, [11, 12]);
        let state = p.state.expect("state");
        assert_eq!((state.version, state.hlc), (12, 300));
    }

    #[test]
    fn a_visit_does_not_refresh_its_card() {
        let mut v = view();
        row(&mut v, "visit", "v1", "c1");
        let p = plan(v, vec![change("visit", "v1", "note", json!("ok"), 90, OFFICE)]);
        assert_eq!(p.report.applied, 1);
        assert!(p.touched.is_empty());
    }

    #[test]
    fn head_office_corrects_a_clock_ahead_and_a_clock_behind_moves_forward() {
        let mut h = header(6, false);
        h.ack = 3;
        h.clock_correction_ms = -1234;
        let p = plan_from_office(&h, &Body::default(), view(), now());
        assert_eq!(p.state.expect("state").clock_offset_ms, -1234);
        let mut h = header(6, false);
        h.clock_correction_ms = -1234;
        let p = plan_from_office(&h, &Body::default(), view(), now());
        assert_eq!(p.state.expect("state").clock_offset_ms, 0, "no acknowledgement, no correction");
        let behind = now() - chrono::Duration::minutes(10);
        let p = plan_from_office(&header(6, false), &Body::default(), view(), behind);
        assert_eq!(p.state.expect("state").clock_offset_ms, 10 * 60 * 1000);
        let a_little = now() - chrono::Duration::minutes(4);
        let p = plan_from_office(&header(6, false), &Body::default(), view(), a_little);
        assert_eq!(p.state.expect("state").clock_offset_ms, 0);
    }

    #[test]
    fn cards_that_left_go_with_a_notice_unless_still_on_their_way() {
        let mut v = view();
        for (id, name) in [("a", "甲"), ("b", "乙"), ("x", "戊")] {
            v.names.insert(id.into(), name.into());
        }
        v.unconfirmed.insert("b".into());
        v.all_cards = vec!["a".into(), "b".into(), "k".into(), "x".into()];
        row(&mut v, "key_person", "p1", "a");
        stamp(&mut v, "key_person", "p1", "*", clock(10, "b"), "a");
        let body = Body {
            removals: vec!["a".into(), "b".into(), "c".into()],
            keep: vec!["k".into()],
            changes: vec![change("key_person", "p1", "phone", json!("1"), 90, OFFICE)],
            ..Body::default()
        };
        let p = plan_from_office(&header(6, true), &body, v, now());
        assert_eq!(p.report.removed_cards, 2);
        assert_eq!(
            writes(&p),
            vec![
                Step::Notice { customer: "a".into(), name: "甲".into() },
                Step::DropCustomer("a".into()),
                Step::Notice { customer: "x".into(), name: "戊".into() },
                Step::DropCustomer("x".into()),
            ],
            "a listed twice leaves once; b is on its way; c is not here"
        );
        assert_eq!(p.report.superseded, 1, "the dropped card's rows are gone");
    }

    fn rejection(table: &str, pk: &str, column: &str, hlc: u64) -> Rejection {
        Rejection {
            id: "r1".into(),
            seq: 4,
            table: table.into(),
            pk: pk.into(),
            column: column.into(),
            value: Json::Null,
            reason: "out_of_scope".into(),
            message: String::new(),
            customer_id: Some("c1".into()),
            label: None,
            rejected_at: CREATED.into(),
            hlc,
            current: None,
            current_clock: None,
        }
    }

    fn refused(v: LaptopView, r: Rejection) -> LaptopPlan {
        plan_from_office(&header(6, false), &Body { rejections: vec![r], ..Body::default() }, v, now())
    }

    #[test]
    fn a_refused_edit_still_mine_is_put_back_and_one_changed_since_is_left() {
        let mut v = card_with_phone();
        stamp(&mut v, "customer", "c1", "phone", clock(40, ME), "c1");
        let r = Rejection {
            current: Some(json!("138")),
            current_clock: Some((20, OFFICE.into())),
            ..rejection("customer", "c1", "phone", 40)
        };
        let p = refused(v.clone(), r.clone());
        assert_eq!(p.report.rejected, 1);
        assert_eq!(
            writes(&p),
            vec![
                Step::StoreRejection(0),
                update("customer", "c1", "phone", "138"),
                put("customer", "c1", "phone", clock(20, OFFICE), 11, Some("c1")),
            ]
        );
        assert!(p.touched.contains("c1"));

        let no_clock = refused(v.clone(), Rejection { current_clock: None, ..r.clone() });
        assert_eq!(
            writes(&no_clock)[2],
            Step::DeleteClock { table: "customer", pk: "c1".into(), column: "phone".into() }
        );
        let changed_since = refused(v, Rejection { hlc: 39, ..r });
        assert_eq!(writes(&changed_since), vec![Step::StoreRejection(0)]);
        assert_eq!(changed_since.report.rejected, 1);
    }

    #[test]
    fn a_refused_new_card_leaves_and_a_refused_removal_comes_back() {
        let mut v = view();
        row(&mut v, "customer", "c1", "c1");
        stamp(&mut v, "customer", "c1", "*", clock(40, ME), "c1");
        let p = refused(v, rejection("customer", "c1", "*", 40));
        assert_eq!(writes(&p), vec![Step::StoreRejection(0), Step::DropCustomer("c1".into())]);

        let mut v = view();
        stamp(&mut v, "key_person", "k1", "*", CellClock { deleted: true, ..clock(40, ME) }, "c1");
        let r = Rejection {
            current: Some(json!({"id": "k1", "customer_id": "c1", "name": "王"})),
            current_clock: Some((20, OFFICE.into())),
            ..rejection("key_person", "k1", "-", 40)
        };
        let p = refused(v, r);
        let steps = writes(&p);
        assert_eq!(steps[1], Step::DeleteRowClocks { table: "key_person", pk: "k1".into() });
        assert!(matches!(&steps[2], Step::Insert { table: "key_person", .. }));
        assert_eq!(steps[3], put("key_person", "k1", "*", clock(20, OFFICE), 11, Some("c1")));
        assert!(p.touched.contains("c1"));
    }

    #[test]
    fn a_bad_change_refuses_the_file_where_it_stands() {
        let p = plan(
            card_with_phone(),
            vec![
                change("customer", "c1", "phone", json!("1"), 90, OFFICE),
                change("customer", "c9", "*", Json::Null, 91, OFFICE),
                change("customer", "c1", "notes", json!("n"), 92, OFFICE),
            ],
        );
        let steps = writes(&p);
        assert_eq!(steps.len(), 3);
        assert!(matches!(steps[2], Step::Refuse(ProblemCode::Tampered, _)));
        let p = plan(view(), vec![change("nowhere", "x", "a", Json::Null, 1, OFFICE)]);
        assert!(matches!(writes(&p)[..], [Step::Refuse(ProblemCode::UnknownTable, _)]));
    }
}
