//! How the CLI prints: JSON with `--json`, otherwise plain aligned text.

use fieldcrm_core::api::{BookStatus, CardSchema, HandoverPlan};
use fieldcrm_core::card::{ArchiveCard, HistoryEntry};
use fieldcrm_core::error::FieldProblem;
use fieldcrm_core::org::{OrgUnit, Staff};
use fieldcrm_core::search::CustomerPage;
use serde_json::Value as Json;

pub use crate::terminal::{print_json, show};

pub fn warnings(warnings: &[FieldProblem]) {
    for w in warnings {
        eprintln!("warning: {}: {}", w.field, w.message);
    }
}

pub fn status(s: &BookStatus) -> String {
    let profile = match &s.profile {
        Some(p) => format!("{} ({}), {}", p.name, p.role, p.org_unit_name),
        None => "none yet: run `fieldcrm init --name …` or `fieldcrm demo`".into(),
    };
    format!(
        "book:      {}\nschema:    version {}\nprofile:   {profile}\ncustomers: {}\nstale after {} days without review\ntime zone: {} (today {})",
        s.path,
        s.schema_version,
        s.customer_count,
        s.stale_after_days,
        s.business_time.time_zone,
        s.business_time.today
    )
}

pub fn org_units(units: &[OrgUnit]) -> String {
    units
        .iter()
        .map(|u| format!("{}{}  [{}]  {}", "  ".repeat(u.depth as usize), u.name, u.kind, u.id))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn staff(staff: &[Staff]) -> String {
    staff
        .iter()
        .map(|s| {
            let mut line = format!("{}  {}  {}  {}", s.id, s.name, s.role, s.org_unit_name);
            if !s.regions.is_empty() {
                let names: Vec<&str> = s.regions.iter().map(|r| r.name.as_str()).collect();
                line.push_str(&format!("  regions: {}", names.join(", ")));
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn handover(plan: &HandoverPlan, preview: bool) -> String {
    let mut out =
        vec![format!("{} {}'s customers:", if preview { "would hand over" } else { "handed over" }, plan.from_name)];
    for s in &plan.shares {
        out.push(format!(
            "  → {} ({}): {} customers, {} routes, {} open tasks, {} unfinished orders",
            s.name, s.unit_name, s.customers, s.routes, s.tasks, s.orders
        ));
    }
    if plan.leave_routes > 0 {
        out.push(format!("  {} cards leave a route that went to another rep", plan.leave_routes));
    }
    if plan.staying > 0 {
        out.push(format!("  {} customers stay with {}", plan.staying, plan.from_name));
    }
    if plan.leaves {
        out.push(format!("  {} {} as left", plan.from_name, if preview { "would be marked" } else { "is marked" }));
    }
    out.join("\n")
}

pub fn page(page: &CustomerPage) -> String {
    let mut out = vec![];
    for row in &page.rows {
        let mut flags = vec![];
        if row.stale {
            flags.push("stale");
        }
        if row.needs_verification {
            flags.push("unverified");
        }
        out.push(format!(
            "{}  {}  {}  {}  {}  {}  {}{}",
            row.id,
            row.name,
            row.channel_level,
            row.lifecycle,
            row.phone.as_deref().unwrap_or("-"),
            row.owner_name,
            row.address.as_deref().unwrap_or("-"),
            if flags.is_empty() { String::new() } else { format!("  [{}]", flags.join(", ")) }
        ));
    }
    let end = page.offset as usize + page.rows.len();
    out.push(format!("{}–{} of {} customers", if page.rows.is_empty() { 0 } else { page.offset + 1 }, end, page.total));
    out.join("\n")
}

fn value(v: &Json) -> String {
    match v {
        Json::Null => "—".into(),
        Json::String(s) => s.clone(),
        Json::Array(items) => items.iter().map(value).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

pub fn card(card: &ArchiveCard, schema: &CardSchema) -> String {
    let mut out = vec![format!(
        "{}  (revision {}, owner {}, {}{})",
        value(&card.fields["name"]),
        card.revision,
        card.owner_name,
        card.territory_name,
        if card.stale { ", STALE: review it" } else { "" }
    )];
    out.push(format!("id {}", card.id));
    if let Some(supplier) = &card.supplier_name {
        out.push(format!("supplied by {supplier}"));
    }
    for state in &card.blocks {
        out.push(format!(
            "\n[{}]  source: {}{}",
            state.block,
            state.source,
            if state.needs_verification { "  — NEEDS VERIFICATION" } else { "" }
        ));
        for spec in schema.customer.iter().filter(|s| s.block == Some(state.block)) {
            if let Some(v) = card.fields.get(&spec.key).filter(|v| !v.is_null()) {
                out.push(format!("  {:<24}{}", spec.key, value(v)));
            }
        }
    }
    for (title, records) in
        [("key people", &card.key_people), ("addresses", &card.addresses), ("credit incidents", &card.credit_incidents)]
    {
        if records.is_empty() {
            continue;
        }
        out.push(format!("\n[{title}]"));
        for record in records {
            let parts: Vec<String> =
                record.fields.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| format!("{k}={}", value(v))).collect();
            out.push(format!("  {}  {}", record.id, parts.join("  ")));
        }
    }
    for key in ["notes", "tags"] {
        if let Some(v) = card.fields.get(key).filter(|v| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty())) {
            out.push(format!("\n{key}: {}", value(v)));
        }
    }
    out.join("\n")
}

pub fn history(entries: &[HistoryEntry]) -> String {
    let mut out = vec!["history:".to_string()];
    for e in entries {
        let what = match (e.field.as_str(), &e.old_value, &e.new_value) {
            ("*", Json::Null, new) => format!("created {} {}", e.entity, value(new)),
            ("*", old, Json::Null) => format!("removed {} {}", e.entity, value(old)),
            (field, old, new) => {
                let target = e.entity_label.as_ref().map(|l| format!("{l}: ")).unwrap_or_default();
                format!("{target}{field}: {} → {}", value(old), value(new))
            }
        };
        out.push(format!("  {}  {}  {}  ({})", e.changed_at, e.changed_by.as_deref().unwrap_or("?"), what, e.source));
    }
    out.join("\n")
}

pub fn schema(schema: &CardSchema) -> String {
    let mut out = vec![];
    for (title, specs) in [
        ("card", &schema.customer),
        ("key person (--person)", &schema.key_person),
        ("address (--address)", &schema.address),
    ] {
        out.push(format!("{title}:"));
        for s in specs {
            let detail = if s.options.is_empty() { s.kind.clone() } else { s.options.join("|") };
            out.push(format!("  {:<26}{}{}", s.key, detail, if s.required { "  (required)" } else { "" }));
        }
    }
    out.join("\n")
}
