//! Handing a rep's customers over (移交): all or some of their cards, with the
//! routes they ride on, the open follow-up tasks and the orders not yet sent
//! for review, to one or several reps in one step.
//!
//! [`plan`] decides who gets what without writing (the preview); [`apply`]
//! writes it. Every card changes through the card write path, so each card
//! gets one change and history rows naming the handover (`source` =
//! `handover`), and the laptops of the new reps receive the whole card with
//! its history the next time head office writes them a file.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use crate::card::fields::CUSTOMER_ENTITY;
use crate::card::write::{self, FieldChange};
use crate::clock::timestamp;
use crate::error::{Error, FieldProblem, ProblemCode, Result};
use crate::ids::{CustomerId, RouteId, StaffId};
use crate::model::StaffRole;
use crate::org::{self, Actor};
use crate::search;

/// What to hand over, from whom, to whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Handover {
    /// The rep whose customers are handed over (leaving, or moving on).
    pub from: StaffId,
    /// Parts given to named reps: whole routes (with every card on them) and single cards.
    #[serde(default)]
    pub parts: Vec<HandoverPart>,
    /// Every other card of `from` goes to this rep; none: they stay with `from`.
    #[serde(default)]
    #[ts(optional)]
    pub rest_to: Option<StaffId>,
    /// Mark `from` as left once their customers are handed over (refused
    /// when cards would stay with them).
    #[serde(default)]
    pub leaves: bool,
}

/// One recipient's part of a handover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HandoverPart {
    pub to: StaffId,
    /// Routes of `from` given whole: the route and every card on it.
    #[serde(default)]
    pub routes: Vec<RouteId>,
    /// Cards of `from` given one by one.
    #[serde(default)]
    pub customers: Vec<CustomerId>,
}

/// What one rep receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HandoverShare {
    pub to: StaffId,
    pub name: String,
    pub unit_name: String,
    pub customers: u32,
    pub routes: u32,
    pub tasks: u32,
    pub orders: u32,
}

/// Who gets what: the preview of a handover, and what it did once applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HandoverPlan {
    pub from: StaffId,
    pub from_name: String,
    pub shares: Vec<HandoverShare>,
    /// Cards that stay with `from`.
    pub staying: u32,
    /// Cards that leave a route because the route went to someone else.
    pub leave_routes: u32,
    /// Whether `from` is marked as left.
    pub leaves: bool,
}

/// The plan with everything it moves, row by row.
struct Moves {
    plan: HandoverPlan,
    /// Card → (new rep, new territory when it changes).
    cards: BTreeMap<String, (String, Option<String>)>,
    /// Route → (new rep, new territory when it changes).
    routes: BTreeMap<String, (String, Option<String>)>,
    /// Open task → new assignee.
    tasks: Vec<(String, String)>,
    /// Draft or returned order → new author.
    orders: Vec<(String, String)>,
}

struct Recipient {
    name: String,
    unit: String,
    unit_name: String,
    /// The units under the rep's own: a card already in one keeps its territory.
    units: HashSet<String>,
}

fn problem(field: &str, code: ProblemCode, message: impl Into<String>) -> Error {
    Error::Invalid(vec![FieldProblem::new(field, code, message)])
}

fn recipient(conn: &Connection, from: StaffId, to: StaffId) -> Result<Recipient> {
    let member = org::staff_member(conn, to).map_err(|_| {
        problem("to", ProblemCode::UnknownPerson, format!("{to} is not in the book; choose a rep of the organisation"))
    })?;
    if to == from {
        return Err(problem("to", ProblemCode::SelfReference, "hand the customers to someone else"));
    }
    if member.role != StaffRole::Rep {
        return Err(problem("to", ProblemCode::NotARep, format!("{} is not a rep; customers go to reps", member.name)));
    }
    if !member.active {
        return Err(problem(
            "to",
            ProblemCode::Retired,
            format!("{} has left; choose a rep who works here", member.name),
        ));
    }
    let unit = member.org_unit_id.to_string();
    Ok(Recipient { name: member.name, units: org::subtree(conn, &unit)?, unit, unit_name: member.org_unit_name })
}

/// The territory a card (or route) moves to with its new rep: it stays where
/// it is when that is within the rep's unit, else it moves to the rep's unit.
fn territory_for(current: &str, to: &Recipient) -> Option<String> {
    (!to.units.contains(current)).then(|| to.unit.clone())
}

/// Decides who gets what, without writing. Refuses (nothing written) a
/// recipient who is not an active rep, a route or card that is not `from`'s,
/// a card named twice, and a handover that moves nothing.
pub fn plan(conn: &Connection, handover: &Handover) -> Result<HandoverPlan> {
    Ok(moves(conn, handover)?.plan)
}

fn moves(conn: &Connection, handover: &Handover) -> Result<Moves> {
    let from = org::staff_member(conn, handover.from)
        .map_err(|_| problem("from", ProblemCode::UnknownPerson, format!("{} is not in the book", handover.from)))?;
    let from_id = handover.from.to_string();
    let mut recipients: Vec<(String, Recipient)> = vec![];
    let mut recipient_of = |conn: &Connection, to: StaffId| -> Result<usize> {
        let id = to.to_string();
        if let Some(at) = recipients.iter().position(|(r, _)| *r == id) {
            return Ok(at);
        }
        recipients.push((id, recipient(conn, handover.from, to)?));
        Ok(recipients.len() - 1)
    };

    // The cards of `from`: id → (territory, route).
    let mut owned: HashMap<String, (String, Option<String>)> = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT id, territory_id, route_id FROM customer WHERE owner_id = ?1")?;
    for row in stmt.query_map([&from_id], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))? {
        let (id, territory, route) = row?;
        owned.insert(id, (territory, route));
    }
    let mut routes_of_from: BTreeMap<String, String> = BTreeMap::new();
    let mut stmt = conn.prepare_cached("SELECT id, territory_id FROM route WHERE owner_id = ?1")?;
    for row in stmt.query_map([&from_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (id, territory) = row?;
        routes_of_from.insert(id, territory);
    }

    // Card → recipient index; route → recipient index (named routes).
    let mut card_to: HashMap<String, usize> = HashMap::new();
    let mut route_to: BTreeMap<String, usize> = BTreeMap::new();
    for part in &handover.parts {
        let to = recipient_of(conn, part.to)?;
        for route in &part.routes {
            let id = route.to_string();
            if !routes_of_from.contains_key(&id) {
                return Err(problem(
                    "routes",
                    ProblemCode::OtherRep,
                    format!("a route named is not one of {}'s routes; choose among theirs", from.name),
                ));
            }
            if route_to.insert(id, to).is_some() {
                return Err(problem("routes", ProblemCode::Duplicate, "a route is named twice; give it to one rep"));
            }
        }
    }
    // Cards on named routes go with the route …
    for (card, (_, route)) in &owned {
        if let Some(to) = route.as_ref().and_then(|r| route_to.get(r)) {
            card_to.insert(card.clone(), *to);
        }
    }
    // … cards named one by one where they are named …
    let mut named: HashSet<String> = HashSet::new();
    for part in &handover.parts {
        let to = recipient_of(conn, part.to)?;
        for customer in &part.customers {
            let id = customer.to_string();
            if !owned.contains_key(&id) {
                let name: Option<String> = conn
                    .prepare_cached("SELECT name FROM customer WHERE id = ?1")?
                    .query_row([&id], |r| r.get(0))
                    .optional()?;
                return Err(match name {
                    Some(name) => problem(
                        "customers",
                        ProblemCode::OtherRep,
                        format!("{name} is not looked after by {}; only their cards are handed over", from.name),
                    ),
                    None => problem("customers", ProblemCode::UnknownCustomer, format!("{id} is not in the book")),
                });
            }
            if !named.insert(id.clone()) {
                return Err(problem(
                    "customers",
                    ProblemCode::Duplicate,
                    "a card is named twice; give each card to one rep",
                ));
            }
            card_to.insert(id, to);
        }
    }
    // … and the rest to `rest_to`.
    if let Some(rest) = handover.rest_to {
        let to = recipient_of(conn, rest)?;
        for card in owned.keys() {
            card_to.entry(card.clone()).or_insert(to);
        }
    }
    if card_to.is_empty() && route_to.is_empty() {
        return Err(problem(
            "parts",
            ProblemCode::Required,
            format!("nothing to hand over: {} looks after no cards or routes named here", from.name),
        ));
    }

    // Routes not named go to whoever receives most of their cards (the
    // earliest named recipient on a tie); an empty one goes with the rest.
    let mut stops: BTreeMap<&str, BTreeMap<usize, u32>> = BTreeMap::new();
    for (card, (_, route)) in &owned {
        if let (Some(route), Some(to)) = (route, card_to.get(card)) {
            *stops.entry(route.as_str()).or_default().entry(*to).or_default() += 1;
        }
    }
    let rest_index = match handover.rest_to {
        Some(rest) => Some(recipient_of(conn, rest)?),
        None => None,
    };
    for route in routes_of_from.keys() {
        if route_to.contains_key(route) {
            continue;
        }
        let most = stops
            .get(route.as_str())
            .and_then(|counts| counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map(|(to, _)| *to));
        let has_stops = owned.values().any(|(_, r)| r.as_deref() == Some(route.as_str()));
        match (most, has_stops) {
            (Some(to), _) => {
                route_to.insert(route.clone(), to);
            }
            (None, false) => {
                if let Some(to) = rest_index {
                    route_to.insert(route.clone(), to);
                }
            }
            (None, true) => {} // every stop stays with `from`: so does the route
        }
    }

    let mut shares: Vec<HandoverShare> = recipients
        .iter()
        .map(|(id, r)| HandoverShare {
            to: id.parse().unwrap_or(handover.from),
            name: r.name.clone(),
            unit_name: r.unit_name.clone(),
            customers: 0,
            routes: 0,
            tasks: 0,
            orders: 0,
        })
        .collect();
    let mut cards = BTreeMap::new();
    let mut leave_routes = 0;
    for (card, to) in &card_to {
        let (territory, route) = &owned[card];
        let (id, r) = &recipients[*to];
        cards.insert(card.clone(), (id.clone(), territory_for(territory, r)));
        shares[*to].customers += 1;
        if route.as_ref().is_some_and(|route| route_to.get(route) != Some(to)) {
            leave_routes += 1;
        }
    }
    let mut routes = BTreeMap::new();
    for (route, to) in &route_to {
        let (id, r) = &recipients[*to];
        routes.insert(route.clone(), (id.clone(), territory_for(&routes_of_from[route], r)));
        shares[*to].routes += 1;
    }

    // Open tasks about a card that moves follow it; open tasks about no
    // card go with the rest.
    let mut tasks = vec![];
    let mut stmt =
        conn.prepare_cached("SELECT id, customer_id FROM task WHERE assignee_id = ?1 AND done_at IS NULL ORDER BY id")?;
    for row in stmt.query_map([&from_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))? {
        let (task, customer) = row?;
        let to = match customer {
            Some(customer) => card_to.get(&customer).copied(),
            None => rest_index,
        };
        if let Some(to) = to {
            tasks.push((task, recipients[to].0.clone()));
            shares[to].tasks += 1;
        }
    }
    // Orders still being written (draft, or returned for changes) go to the
    // card's new rep, who finishes them; orders under review or approved
    // follow their card as they are.
    let mut orders = vec![];
    let mut stmt = conn.prepare_cached(
        "SELECT id, customer_id FROM sales_order WHERE author_id = ?1 AND status IN ('draft', 'returned') ORDER BY id",
    )?;
    for row in stmt.query_map([&from_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (order, customer) = row?;
        if let Some(to) = card_to.get(&customer) {
            orders.push((order, recipients[*to].0.clone()));
            shares[*to].orders += 1;
        }
    }
    let staying = (owned.len() - card_to.len()) as u32;
    if handover.leaves && staying > 0 {
        return Err(problem(
            "leaves",
            ProblemCode::OwnsCustomers,
            format!("{} would still look after {staying} customers; hand them all over before they leave", from.name),
        ));
    }
    shares.retain(|s| s.customers + s.routes + s.tasks + s.orders > 0);
    Ok(Moves {
        plan: HandoverPlan {
            from: handover.from,
            from_name: from.name,
            shares,
            staying,
            leave_routes,
            leaves: handover.leaves,
        },
        cards,
        routes,
        tasks,
        orders,
    })
}

/// Hands over (see [`plan`]) in the caller's transaction. `actor` is the
/// person doing it, with `source` `handover` and the handover's id as
/// `source_id`: each card's history names it. Returns what was done.
pub fn apply(tx: &Transaction<'_>, handover: &Handover, actor: Actor) -> Result<HandoverPlan> {
    let moves = moves(tx, handover)?;
    let ts = timestamp(actor.at);
    // Routes first: a card whose route went to another rep then leaves it
    // when its own new rep is written (the card write path does that).
    let mut route_stmt = tx.prepare_cached(
        "UPDATE route SET owner_id = ?2, territory_id = coalesce(?3, territory_id), updated_at = ?4 WHERE id = ?1",
    )?;
    for (route, (to, territory)) in &moves.routes {
        route_stmt.execute(params![route, to, territory, ts])?;
    }
    let from = Json::from(handover.from.to_string());
    let mut refreshed = Vec::with_capacity(moves.cards.len());
    for (card, (to, territory)) in &moves.cards {
        let mut changes =
            vec![FieldChange { field: "ownerId".into(), expected: Some(from.clone()), value: Json::from(to.as_str()) }];
        if let Some(territory) = territory {
            changes.push(FieldChange {
                field: "territoryId".into(),
                expected: None,
                value: Json::from(territory.as_str()),
            });
        }
        write::patch_unindexed(tx, CUSTOMER_ENTITY, card, &changes, actor)?;
        refreshed.push(card.clone());
    }
    let mut task_stmt = tx.prepare_cached("UPDATE task SET assignee_id = ?2, updated_at = ?3 WHERE id = ?1")?;
    for (task, to) in &moves.tasks {
        task_stmt.execute(params![task, to, ts])?;
    }
    let mut order_stmt = tx.prepare_cached("UPDATE sales_order SET author_id = ?2, updated_at = ?3 WHERE id = ?1")?;
    for (order, to) in &moves.orders {
        order_stmt.execute(params![order, to, ts])?;
    }
    search::refresh_many(tx, &refreshed)?;
    Ok(moves.plan)
}
