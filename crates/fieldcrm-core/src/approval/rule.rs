//! Who decides a proposal, and when: the one rule. The laptop's write paths
//! ask it, and head office's merge asks it of every decision in a laptop's
//! file, so a laptop refuses what head office would refuse, with the same code.
//!
//! - A chain is a list of levels. `manager` is the nearest unit above the
//!   proposer (their own included) with a manager other than the proposer;
//!   `next` the nearest such unit above the previous step's; `office` head
//!   office. A level with nobody to decide it goes to head office; two steps
//!   with the same decider are one.
//! - Steps are decided in order, each by a manager of its unit (or by head
//!   office, which may decide any step), never by the proposer (head office
//!   excepted), and only for the proposal's current revision: a decision of
//!   an older one is refused as `proposal_changed`.
//! - A rejection or a return ends the round; the proposer may change a
//!   returned proposal and submit it again (a new revision, from step 1).

use std::collections::{BTreeMap, HashMap};

use rusqlite::Connection;

use crate::error::{ProblemCode, Result};
use crate::model::{ApprovalLevel, ProposalKind, ProposalStatus, StaffRole, Verdict};

/// A refusal: its code and what to tell the person.
pub type Refused = (ProblemCode, String);

fn refused(code: ProblemCode, message: impl Into<String>) -> Refused {
    (code, message.into())
}

/// The organisation as the rule needs it: each unit's parent, each person's
/// unit and role, each unit's managers.
#[derive(Debug, Clone, Default)]
pub struct OrgTree {
    parent: HashMap<String, Option<String>>,
    people: HashMap<String, (String, StaffRole)>,
    managers: HashMap<String, Vec<String>>,
}

impl OrgTree {
    pub fn load(conn: &Connection) -> Result<Self> {
        let mut tree = OrgTree::default();
        let mut stmt = conn.prepare_cached("SELECT id, parent_id FROM org_unit")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))? {
            let (id, parent) = row?;
            tree.parent.insert(id, parent);
        }
        let mut stmt = conn.prepare_cached("SELECT id, org_unit_id, role, active FROM staff")?;
        for row in stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, bool>(3)?))
        })? {
            let (id, unit, role, active) = row?;
            let Ok(role) = role.parse::<StaffRole>() else { continue };
            if active && matches!(role, StaffRole::RegionalManager | StaffRole::ProvincialManager) {
                tree.managers.entry(unit.clone()).or_default().push(id.clone());
            }
            tree.people.insert(id, (unit, role));
        }
        Ok(tree)
    }

    /// The active managers of a unit.
    pub fn managers_of(&self, unit: &str) -> &[String] {
        self.managers.get(unit).map_or(&[], Vec::as_slice)
    }

    pub fn unit_of(&self, staff: &str) -> Option<&str> {
        self.people.get(staff).map(|(unit, _)| unit.as_str())
    }

    /// The nearest unit from `unit` up (itself included) with a manager other than `except`.
    fn managed_from(&self, unit: Option<&str>, except: &str) -> Option<String> {
        let mut at = unit.map(str::to_string);
        let mut hops = 0;
        while let Some(u) = at {
            if self.managers.get(&u).is_some_and(|m| m.iter().any(|s| s != except)) {
                return Some(u);
            }
            at = self.parent.get(&u).cloned().flatten();
            hops += 1;
            if hops > 64 {
                return None; // a loop in the tree: nobody
            }
        }
        None
    }
}

/// Who decides a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decider {
    /// A manager of this unit.
    Unit(String),
    Office,
}

/// The deciders of a proposal by `proposer` along `levels`, step by step.
pub fn deciders(tree: &OrgTree, proposer: &str, levels: &[ApprovalLevel]) -> Vec<Decider> {
    let mut out: Vec<Decider> = vec![];
    let mut cursor = tree.unit_of(proposer).map(str::to_string);
    for level in levels {
        let decider = match level {
            ApprovalLevel::Office => Decider::Office,
            ApprovalLevel::Manager | ApprovalLevel::Next => {
                let start = match (level, out.last()) {
                    (ApprovalLevel::Manager, _) | (_, None) => cursor.clone(),
                    (_, Some(_)) => cursor.as_deref().and_then(|c| tree.parent.get(c).cloned().flatten()),
                };
                match tree.managed_from(start.as_deref(), proposer) {
                    Some(unit) => {
                        cursor = Some(unit.clone());
                        Decider::Unit(unit)
                    }
                    None => Decider::Office,
                }
            }
        };
        // Nothing follows head office, and a decider is asked once.
        if out.last() == Some(&Decider::Office) || out.contains(&decider) {
            continue;
        }
        out.push(decider);
    }
    if out.is_empty() {
        out.push(Decider::Office);
    }
    out
}

/// The levels of a chain as stored (a JSON array).
pub fn parse_levels(text: &str) -> Option<Vec<ApprovalLevel>> {
    let keys: Vec<String> = serde_json::from_str(text).ok()?;
    keys.iter().map(|k| k.parse().ok()).collect()
}

pub fn levels_text(levels: &[ApprovalLevel]) -> String {
    serde_json::to_string(&levels.iter().map(|l| l.as_str()).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

/// A proposal as the rule sees it.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub proposer: &'a str,
    pub revision: i64,
    pub submitted: bool,
    pub withdrawn: bool,
    pub levels: &'a [ApprovalLevel],
    /// The decisions of the current revision, by step.
    pub decisions: &'a BTreeMap<u32, Verdict>,
}

/// Where the proposal stands, and the step that waits (when pending).
pub fn status(tree: &OrgTree, facts: &Facts<'_>) -> (ProposalStatus, Option<(u32, Decider)>) {
    if facts.withdrawn {
        return (ProposalStatus::Withdrawn, None);
    }
    if !facts.submitted {
        return (ProposalStatus::Draft, None);
    }
    for (i, decider) in deciders(tree, facts.proposer, facts.levels).into_iter().enumerate() {
        let step = i as u32 + 1;
        match facts.decisions.get(&step) {
            Some(Verdict::Approve) => continue,
            Some(Verdict::Reject) => return (ProposalStatus::Rejected, None),
            Some(Verdict::Return) => return (ProposalStatus::Returned, None),
            None => return (ProposalStatus::Pending, Some((step, decider))),
        }
    }
    (ProposalStatus::Approved, None)
}

/// Who decides.
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    pub staff: &'a str,
    pub role: StaffRole,
}

impl Who<'_> {
    /// Is this step this person's to decide (their inbox)? A manager of its
    /// unit; head office its own steps.
    pub fn is_decider(&self, tree: &OrgTree, decider: &Decider) -> bool {
        match decider {
            Decider::Office => self.role == StaffRole::HeadOffice,
            Decider::Unit(_) => self.role != StaffRole::HeadOffice && self.decides(tree, decider),
        }
    }

    /// May this person decide for `decider`? A manager of its unit; head
    /// office any step (it may decide for an absent manager).
    pub fn decides(&self, tree: &OrgTree, decider: &Decider) -> bool {
        match decider {
            _ if self.role == StaffRole::HeadOffice => true,
            Decider::Office => false,
            Decider::Unit(unit) => {
                matches!(self.role, StaffRole::RegionalManager | StaffRole::ProvincialManager)
                    && tree.unit_of(self.staff) == Some(unit.as_str())
            }
        }
    }
}

/// May `who` decide step `step` of revision `revision` of the proposal?
pub fn may_decide(
    who: Who<'_>,
    tree: &OrgTree,
    facts: &Facts<'_>,
    revision: i64,
    step: u32,
    decision: Verdict,
    reason: Option<&str>,
) -> std::result::Result<(), Refused> {
    if revision != facts.revision {
        return Err(refused(
            ProblemCode::ProposalChanged,
            "the proposal was changed after you opened it; read the new version and decide again",
        ));
    }
    if decision != Verdict::Approve && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(refused(ProblemCode::ReasonNeeded, "say why, so the proposer knows what to change"));
    }
    if who.staff == facts.proposer && who.role != StaffRole::HeadOffice {
        return Err(refused(ProblemCode::SelfApproval, "a proposal is decided by someone other than its proposer"));
    }
    if facts.decisions.contains_key(&step) {
        return Err(refused(ProblemCode::AlreadyDecided, "this step is decided already"));
    }
    match status(tree, facts) {
        (ProposalStatus::Pending, Some((waiting, decider))) => {
            if waiting != step {
                Err(refused(ProblemCode::NotYourStep, "an earlier step of the chain is not decided yet"))
            } else if who.decides(tree, &decider) {
                Ok(())
            } else {
                Err(refused(ProblemCode::NotYourStep, "this step is decided by someone else in the chain"))
            }
        }
        (status, _) => {
            Err(refused(ProblemCode::NotPending, format!("the proposal is {status}, not waiting for a decision")))
        }
    }
}

/// May a person of `role` set a card's lifecycle from `old` (none: a new
/// card) to `new` directly? Opening a customer and eliminating one go
/// through approval when head office set a chain for them (`chained`).
pub fn lifecycle_change(
    role: StaffRole,
    old: Option<&str>,
    new: &str,
    chained: impl Fn(ProposalKind) -> bool,
) -> std::result::Result<(), Refused> {
    if role == StaffRole::HeadOffice || old == Some(new) {
        return Ok(());
    }
    let kind = match (old, new) {
        (_, "eliminated") => ProposalKind::Eliminate,
        (None | Some("prospect"), "active") => ProposalKind::OpenCustomer,
        _ => return Ok(()),
    };
    if !chained(kind) {
        return Ok(());
    }
    Err(refused(
        ProblemCode::NeedsApproval,
        match kind {
            ProposalKind::Eliminate => "eliminating a customer needs approval: propose it (审批)",
            _ => "opening a customer needs approval: keep the card a prospect and propose to open it (审批)",
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApprovalLevel::*;

    /// Head office → province → region → territory; a provincial manager, a
    /// regional manager, a rep in the territory.
    fn tree() -> OrgTree {
        let mut t = OrgTree::default();
        for (unit, parent) in [("hq", None), ("prov", Some("hq")), ("region", Some("prov")), ("terr", Some("region"))] {
            t.parent.insert(unit.into(), parent.map(str::to_string));
        }
        for (who, unit, role) in [
            ("office", "hq", StaffRole::HeadOffice),
            ("pm", "prov", StaffRole::ProvincialManager),
            ("rm", "region", StaffRole::RegionalManager),
            ("rep", "terr", StaffRole::Rep),
        ] {
            t.people.insert(who.into(), (unit.into(), role));
            if matches!(role, StaffRole::RegionalManager | StaffRole::ProvincialManager) {
                t.managers.entry(unit.into()).or_default().push(who.into());
            }
        }
        t
    }

    #[test]
    fn the_chain_climbs_from_the_proposer_and_collapses_repeats() {
        let t = tree();
        let unit = |u: &str| Decider::Unit(u.into());
        assert_eq!(deciders(&t, "rep", &[Manager, Office]), vec![unit("region"), Decider::Office]);
        assert_eq!(deciders(&t, "rep", &[Manager, Next, Office]), vec![unit("region"), unit("prov"), Decider::Office]);
        // The regional manager's own proposal starts above them.
        assert_eq!(deciders(&t, "rm", &[Manager, Office]), vec![unit("prov"), Decider::Office]);
        // Nobody above the provincial manager but head office.
        assert_eq!(deciders(&t, "pm", &[Manager, Next, Office]), vec![Decider::Office]);
        assert_eq!(deciders(&t, "rep", &[]), vec![Decider::Office]);
    }

    #[test]
    fn steps_are_decided_in_order_by_their_decider_for_the_current_revision() {
        let t = tree();
        let levels = [Manager, Office];
        let mut decisions = BTreeMap::new();
        fn facts<'a>(levels: &'a [ApprovalLevel], d: &'a BTreeMap<u32, Verdict>) -> Facts<'a> {
            Facts { proposer: "rep", revision: 2, submitted: true, withdrawn: false, levels, decisions: d }
        }
        let who = |staff, role| Who { staff, role };
        let rm = who("rm", StaffRole::RegionalManager);
        let code = |r: std::result::Result<(), Refused>| r.expect_err("refused").0;
        let f = facts(&levels, &decisions);
        assert_eq!(code(may_decide(rm, &t, &f, 1, 1, Verdict::Approve, None)), ProblemCode::ProposalChanged);
        assert_eq!(code(may_decide(rm, &t, &f, 2, 2, Verdict::Approve, None)), ProblemCode::NotYourStep);
        let pm = who("pm", StaffRole::ProvincialManager);
        assert_eq!(code(may_decide(pm, &t, &f, 2, 1, Verdict::Approve, None)), ProblemCode::NotYourStep);
        let rep = who("rep", StaffRole::Rep);
        assert_eq!(code(may_decide(rep, &t, &f, 2, 1, Verdict::Approve, None)), ProblemCode::SelfApproval);
        assert_eq!(code(may_decide(rm, &t, &f, 2, 1, Verdict::Return, Some(" "))), ProblemCode::ReasonNeeded);
        assert!(may_decide(rm, &t, &f, 2, 1, Verdict::Approve, None).is_ok());

        decisions.insert(1, Verdict::Approve);
        let f = facts(&levels, &decisions);
        assert_eq!(status(&t, &f), (ProposalStatus::Pending, Some((2, Decider::Office))));
        assert_eq!(code(may_decide(rm, &t, &f, 2, 1, Verdict::Approve, None)), ProblemCode::AlreadyDecided);
        assert_eq!(code(may_decide(rm, &t, &f, 2, 2, Verdict::Approve, None)), ProblemCode::NotYourStep);
        assert!(may_decide(who("office", StaffRole::HeadOffice), &t, &f, 2, 2, Verdict::Approve, None).is_ok());

        decisions.insert(2, Verdict::Approve);
        let f = facts(&levels, &decisions);
        assert_eq!(status(&t, &f), (ProposalStatus::Approved, None));
        let office = who("office", StaffRole::HeadOffice);
        assert_eq!(code(may_decide(office, &t, &f, 2, 3, Verdict::Approve, None)), ProblemCode::NotPending);

        let mut returned = BTreeMap::new();
        returned.insert(1, Verdict::Return);
        assert_eq!(status(&t, &facts(&levels, &returned)).0, ProposalStatus::Returned);
    }

    #[test]
    fn opening_and_eliminating_need_approval_only_where_head_office_set_a_chain() {
        let all = |_: ProposalKind| true;
        let none = |_: ProposalKind| false;
        let code = |r: std::result::Result<(), Refused>| r.map_err(|e| e.0);
        assert_eq!(
            code(lifecycle_change(StaffRole::Rep, Some("prospect"), "active", all)),
            Err(ProblemCode::NeedsApproval)
        );
        assert_eq!(code(lifecycle_change(StaffRole::Rep, None, "active", all)), Err(ProblemCode::NeedsApproval));
        assert_eq!(
            code(lifecycle_change(StaffRole::RegionalManager, Some("active"), "eliminated", all)),
            Err(ProblemCode::NeedsApproval)
        );
        assert_eq!(code(lifecycle_change(StaffRole::Rep, Some("active"), "dormant", all)), Ok(()));
        assert_eq!(code(lifecycle_change(StaffRole::Rep, Some("prospect"), "active", none)), Ok(()));
        assert_eq!(code(lifecycle_change(StaffRole::HeadOffice, Some("active"), "eliminated", all)), Ok(()));
    }
}
