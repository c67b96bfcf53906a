//! Who may change a target, a breakdown or a reallocation: the one rule. The
//! write paths of [`super`] ask it on the laptop, and head office's merge asks
//! it for every change in a laptop's file, so a laptop refuses what head
//! office would refuse, with the same code.
//!
//! - A node's amounts are written by whoever manages its parent (the
//!   company's by head office), while the parent's breakdown is open or
//!   returned; once it is submitted they wait, once approved they change
//!   only by a reallocation.
//! - A node's breakdown (its children's amounts) is submitted by whoever
//!   manages the node, and approved or returned one level up, by whoever
//!   manages its parent (the company's by head office), never by the person
//!   who submitted it (head office excepted).
//! - A reallocation is proposed by whoever manages the breakdown's node and
//!   decided like the breakdown; its author withdraws it while it waits.

use crate::error::ProblemCode;
use crate::model::{StaffRole, TargetStatus};
use crate::org::PeerScope;

use super::{MoveStatus, Node, NodeKind};

/// A refusal: its code and what to tell the person.
pub type Refused = (ProblemCode, String);

/// What the rule needs to know of the organisation: a unit's parent, a
/// person's unit, a card's owner. `None`: not known (then nothing is allowed).
pub trait OrgFacts {
    /// `Some(None)`: the unit is the root (head office).
    fn unit_parent(&self, unit: &str) -> Option<Option<String>>;
    fn staff_unit(&self, staff: &str) -> Option<String>;
    fn card_owner(&self, customer: &str) -> Option<String>;
}

/// Who writes.
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    pub staff: &'a str,
    pub role: StaffRole,
    pub scope: &'a PeerScope,
}

impl Who<'_> {
    fn holds_unit(&self, unit: &str) -> bool {
        match self.scope {
            PeerScope::All => true,
            PeerScope::Units(units) => self.role != StaffRole::SalesAdmin && units.contains(unit),
            PeerScope::Owner(_) => false,
        }
    }

    /// Does this person break the node down (write its children's amounts,
    /// submit its breakdown)? A unit: its manager or anyone above; a person:
    /// themselves or a manager of their unit; a card: nobody (it is a leaf).
    pub fn manages(&self, org: &impl OrgFacts, node: &Node) -> bool {
        match node.kind {
            NodeKind::Unit => self.holds_unit(&node.id),
            NodeKind::Staff => {
                self.staff == node.id || org.staff_unit(&node.id).is_some_and(|unit| self.holds_unit(&unit))
            }
            NodeKind::Customer => false,
        }
    }

    /// Does this person approve the node's breakdown (one level up)?
    pub fn approves(&self, org: &impl OrgFacts, node: &Node) -> bool {
        match parent(org, node) {
            Some(Some(parent)) => self.manages(org, &parent),
            Some(None) => self.role == StaffRole::HeadOffice,
            None => false,
        }
    }

    /// Does this person write the node's own amounts (its parent's breakdown)?
    pub fn sets(&self, org: &impl OrgFacts, node: &Node) -> bool {
        match parent(org, node) {
            Some(Some(parent)) => self.manages(org, &parent),
            Some(None) => self.role == StaffRole::HeadOffice,
            None => false,
        }
    }
}

/// The node one level up: `Some(None)` for the company, `None` when the book
/// does not know the node.
pub fn parent(org: &impl OrgFacts, node: &Node) -> Option<Option<Node>> {
    match node.kind {
        NodeKind::Unit => org.unit_parent(&node.id).map(|p| p.map(Node::unit)),
        NodeKind::Staff => org.staff_unit(&node.id).map(|u| Some(Node::unit(u))),
        NodeKind::Customer => org.card_owner(&node.id).map(|s| Some(Node::staff(s))),
    }
}

fn refused(code: ProblemCode, message: impl Into<String>) -> Refused {
    (code, message.into())
}

/// May a breakdown in `state` (none: not started) be written? Open or
/// returned: yes; submitted: after a withdrawal; approved: only by reallocation.
pub fn open_for_change(state: Option<TargetStatus>) -> Result<(), Refused> {
    match state {
        Some(TargetStatus::Submitted) => Err(refused(
            ProblemCode::AlreadySubmitted,
            "the breakdown is submitted for approval; withdraw it to change it",
        )),
        Some(TargetStatus::Approved) => Err(refused(
            ProblemCode::TargetApproved,
            "the breakdown is approved: it changes only by a reallocation, which keeps its total",
        )),
        _ => Ok(()),
    }
}

/// Columns of a target row that name it: written once, with the row.
pub const NAMING_COLUMNS: &[&str] = &["year", "measure", "node_kind", "node_id", "staff_id", "customer_id"];
/// Columns of the node's own amounts.
pub const AMOUNT_COLUMNS: &[&str] = &["amounts", "set_by"];
/// Columns of the breakdown's submission (its manager's).
pub const SUBMIT_COLUMNS: &[&str] = &["leave_unallocated", "submitted_by", "submitted_at"];
/// Columns of the breakdown's decision (one level up).
pub const DECIDE_COLUMNS: &[&str] = &["decided_by", "decided_at"];

/// A change to a target row: the row's node, the state of its own breakdown
/// (`state`, none: a new row) and of its parent's (`parent_state`, none: the
/// parent has no target yet, or the node is the company).
#[derive(Debug, Clone, Copy)]
pub struct TargetChange<'a> {
    pub node: &'a Node,
    pub state: Option<TargetStatus>,
    pub parent_state: Option<TargetStatus>,
    /// Who submitted the node's breakdown (for a decision on it).
    pub submitted_by: Option<&'a str>,
    /// `*` a new row, `-` a removed one, else a column.
    pub column: &'a str,
    /// The status a `status` change sets.
    pub new_status: Option<TargetStatus>,
}

/// May `who` make this change to a target row?
pub fn may_change_target(who: Who<'_>, org: &impl OrgFacts, change: TargetChange<'_>) -> Result<(), Refused> {
    use TargetStatus::*;
    let node = change.node;
    if change.column == "updated_at" || change.column == "created_at" {
        return Ok(());
    }
    if NAMING_COLUMNS.contains(&change.column) || change.column == "id" {
        return Err(refused(ProblemCode::ReadOnly, "a target keeps its year, measure and node"));
    }
    let amounts = change.column == "*" || change.column == "-" || AMOUNT_COLUMNS.contains(&change.column);
    if amounts {
        if !who.sets(org, node) {
            return Err(refused(
                ProblemCode::OutOfScope,
                "a target is set by the manager of the level above it (the company's by head office)",
            ));
        }
        // The company's own amounts wait with its own breakdown, every other
        // node's with its parent's.
        let governing = if parent(org, node) == Some(None) { change.state } else { change.parent_state };
        return open_for_change(governing);
    }
    let state = change.state.unwrap_or(Open);
    if change.column == "status" {
        return match (state, change.new_status) {
            (Open | Returned, Some(Submitted)) if who.manages(org, node) => Ok(()),
            (Open | Returned, Some(Submitted)) => {
                Err(refused(ProblemCode::OutOfScope, "a breakdown is submitted by the manager of its level"))
            }
            (Submitted, Some(Open)) if who.manages(org, node) => Ok(()),
            (Submitted, Some(Approved | Returned)) if !who.approves(org, node) => {
                Err(refused(ProblemCode::OutOfScope, "a breakdown is approved or returned one level up"))
            }
            (Submitted, Some(Approved | Returned))
                if who.role != StaffRole::HeadOffice && change.submitted_by == Some(who.staff) =>
            {
                Err(refused(
                    ProblemCode::SelfApproval,
                    "the level above approves a breakdown, not the person who submitted it",
                ))
            }
            (Submitted, Some(Approved | Returned)) => Ok(()),
            (Approved, _) => Err(refused(
                ProblemCode::TargetApproved,
                "the breakdown is approved: it changes only by a reallocation, which keeps its total",
            )),
            (Open | Returned, Some(Approved | Returned)) => {
                Err(refused(ProblemCode::NotSubmitted, "only a submitted breakdown is approved or returned"))
            }
            (from, to) => Err(refused(
                ProblemCode::BadStatusChange,
                format!("a breakdown does not go from {from} to {}", to.map_or("nothing", TargetStatus::as_str)),
            )),
        };
    }
    if SUBMIT_COLUMNS.contains(&change.column) {
        return if who.manages(org, node) {
            Ok(())
        } else {
            Err(refused(ProblemCode::OutOfScope, "a breakdown is submitted by the manager of its level"))
        };
    }
    if DECIDE_COLUMNS.contains(&change.column) {
        return if who.approves(org, node) {
            Ok(())
        } else {
            Err(refused(ProblemCode::OutOfScope, "a breakdown is approved or returned one level up"))
        };
    }
    if change.column == "note" {
        return if who.manages(org, node) || who.approves(org, node) {
            Ok(())
        } else {
            Err(refused(ProblemCode::OutOfScope, "only the breakdown's manager and the level above write its note"))
        };
    }
    Err(refused(ProblemCode::ReadOnly, format!("targets have no column '{}'", change.column)))
}

/// A change to a reallocation: the node of the breakdown it changes and that
/// breakdown's state, the move's state and author (none: a new move).
#[derive(Debug, Clone, Copy)]
pub struct MoveChange<'a> {
    pub node: &'a Node,
    pub breakdown: Option<TargetStatus>,
    pub state: Option<(MoveStatus, &'a str)>,
    /// The author a new move names.
    pub author: Option<&'a str>,
    pub column: &'a str,
    pub new_status: Option<MoveStatus>,
}

/// May `who` make this change to a reallocation?
pub fn may_change_move(who: Who<'_>, org: &impl OrgFacts, change: MoveChange<'_>) -> Result<(), Refused> {
    let node = change.node;
    if change.column == "updated_at" || change.column == "created_at" {
        return Ok(());
    }
    let Some((state, author)) = change.state else {
        if change.column != "*" {
            return Err(refused(ProblemCode::UnknownRow, "this reallocation is not in the book"));
        }
        if change.author != Some(who.staff) {
            return Err(refused(ProblemCode::NotAuthor, "a reallocation is proposed in its author's own name"));
        }
        if !who.manages(org, node) {
            return Err(refused(
                ProblemCode::OutOfScope,
                "a reallocation is proposed by the manager of the breakdown it changes",
            ));
        }
        if change.breakdown != Some(TargetStatus::Approved) {
            return Err(refused(
                ProblemCode::NotApproved,
                "only an approved breakdown is reallocated; until then change it directly",
            ));
        }
        return match change.new_status {
            Some(MoveStatus::Submitted) => Ok(()),
            Some(MoveStatus::Approved) if who.role == StaffRole::HeadOffice => Ok(()),
            _ => Err(refused(ProblemCode::BadStatusChange, "a new reallocation waits for approval one level up")),
        };
    };
    match change.column {
        "status" => match (state, change.new_status) {
            (MoveStatus::Submitted, Some(MoveStatus::Withdrawn)) if author == who.staff => Ok(()),
            (MoveStatus::Submitted, Some(MoveStatus::Withdrawn)) => {
                Err(refused(ProblemCode::NotAuthor, "only its author withdraws a reallocation"))
            }
            (MoveStatus::Submitted, Some(MoveStatus::Approved | MoveStatus::Rejected)) => {
                if !who.approves(org, node) {
                    Err(refused(ProblemCode::OutOfScope, "a reallocation is approved or rejected one level up"))
                } else if who.role != StaffRole::HeadOffice && author == who.staff {
                    Err(refused(ProblemCode::SelfApproval, "the level above approves a reallocation, not its author"))
                } else {
                    Ok(())
                }
            }
            (MoveStatus::Submitted, _) => {
                Err(refused(ProblemCode::BadStatusChange, "a reallocation is approved, rejected or withdrawn"))
            }
            _ => Err(refused(ProblemCode::AlreadyResolved, "this reallocation is decided already")),
        },
        "decided_by" | "decided_at" | "decision" if who.approves(org, node) => Ok(()),
        "decided_by" | "decided_at" | "decision" => {
            Err(refused(ProblemCode::OutOfScope, "a reallocation is approved or rejected one level up"))
        }
        "-" => Err(refused(ProblemCode::ReadOnly, "a reallocation is kept; withdraw it instead")),
        _ => Err(refused(ProblemCode::ReadOnly, "a reallocation is never changed after it is proposed")),
    }
}
