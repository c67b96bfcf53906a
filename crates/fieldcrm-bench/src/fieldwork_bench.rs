//! `fieldcrm-bench fieldwork`: measures the field-work targets on a demo book
//! of 100,000 customers with about two million visit and call records —
//! logging a visit, assembling a rep's daily report, and the compliance view
//! of a region for a month — and prints the figures (docs/BENCHMARKS.md).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::Datelike;
use clap::Args;
use fieldcrm_core::card::FieldChange;
use fieldcrm_core::demo::DemoOptions;
use fieldcrm_core::fieldwork::duties::ComplianceQuery;
use fieldcrm_core::fieldwork::records::NewVisit;
use fieldcrm_core::fieldwork::reports::ReportQuery;
use fieldcrm_core::ids::{CustomerId, OrgUnitId, StaffId};
use fieldcrm_core::model::ReportKind;
use fieldcrm_core::ApiError;
use serde::Serialize;

use crate::measure::{invalid, median, ms, p95};

#[derive(Debug, Args)]
pub struct FieldworkBenchArgs {
    /// Customers in the generated book.
    #[arg(long, default_value_t = 100_000)]
    customers: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Repetitions of each measurement.
    #[arg(long, default_value_t = 50)]
    runs: usize,
    /// Where to build the book (a temporary file by default; kept if given).
    #[arg(long)]
    book: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Figures {
    customers: u32,
    records: i64,
    generation_s: f64,
    book_mib: f64,
    log_visit_median_ms: f64,
    log_visit_p95_ms: f64,
    log_visit_max_ms: f64,
    daily_report_records: u32,
    daily_report_median_ms: f64,
    daily_report_p95_ms: f64,
    monthly_report_p95_ms: f64,
    region_reps: usize,
    region_customers: i64,
    compliance_people: usize,
    compliance_median_ms: f64,
    compliance_p95_ms: f64,
    compliance_max_ms: f64,
}

#[allow(clippy::needless_pass_by_value)] // used as `map_err(sql)`
fn sql(e: rusqlite::Error) -> ApiError {
    invalid(e.to_string())
}

pub fn run(args: &FieldworkBenchArgs, json: bool) -> Result<(), ApiError> {
    if args.customers < 1_000 || args.runs == 0 {
        return Err(invalid("fieldcrm-bench fieldwork needs at least 1,000 customers and 1 run".into()));
    }
    let f = crate::measure::in_new_book(args.book.as_ref(), "fieldwork", |path| measure(args, path))?;
    crate::terminal::show(&f, json, |f| {
        [
            format!(
                "book: {} customers, {} visit and call records, {:.0} MiB, generated in {:.1} s",
                f.customers, f.records, f.book_mib, f.generation_s
            ),
            format!(
                "log a visit (with its task, a card change and the last visit): median {:.2} ms, p95 {:.2} ms, max {:.2} ms (target < 10 ms)",
                f.log_visit_median_ms, f.log_visit_p95_ms, f.log_visit_max_ms
            ),
            format!(
                "a rep's daily report ({} records that day): median {:.2} ms, p95 {:.2} ms (target < 50 ms); monthly report p95 {:.1} ms",
                f.daily_report_records, f.daily_report_median_ms, f.daily_report_p95_ms, f.monthly_report_p95_ms
            ),
            format!(
                "compliance view of a region ({} reps, {} customers, {} people judged) for last month: median {:.0} ms, p95 {:.0} ms, max {:.0} ms (target < 200 ms)",
                f.region_reps, f.region_customers, f.compliance_people, f.compliance_median_ms, f.compliance_p95_ms, f.compliance_max_ms
            ),
        ]
        .join("\n")
    });
    Ok(())
}

fn measure(args: &FieldworkBenchArgs, path: &std::path::Path) -> Result<Figures, ApiError> {
    let book = crate::keys::open(path)?;
    let started = Instant::now();
    book.load_demo(&DemoOptions { customers: args.customers, seed: args.seed, as_of: None })?;
    let generation = started.elapsed();
    let raw = crate::keys::raw(path)?;
    let records: i64 = raw
        .query_row("SELECT (SELECT count(*) FROM visit) + (SELECT count(*) FROM call_log)", [], |r| r.get(0))
        .map_err(sql)?;
    let book_mib = std::fs::metadata(path).map(|m| m.len() as f64 / 1_048_576.0).unwrap_or(0.0);
    // A region of 20 reps: the demo's regions are smaller, so the territories
    // of the largest region's neighbours (its province's first) are moved
    // under it until it has 20 — about 8,000 customers, with their records.
    let region: String = raw
        .query_row(
            "SELECT t.parent_id FROM staff s JOIN org_unit t ON t.id = s.org_unit_id
              WHERE s.role = 'rep' GROUP BY t.parent_id ORDER BY count(*) DESC, t.parent_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .map_err(sql)?;
    raw.execute(
        "UPDATE org_unit SET parent_id = ?1 WHERE id IN (
             SELECT t.id FROM org_unit t JOIN org_unit r ON r.id = t.parent_id
              WHERE t.kind = 'territory' AND t.parent_id <> ?1
              ORDER BY r.parent_id = (SELECT parent_id FROM org_unit WHERE id = ?1) DESC, r.id, t.id
              LIMIT max(0, 20 - (SELECT count(*) FROM org_unit WHERE parent_id = ?1 AND kind = 'territory')))",
        [&region],
    )
    .map_err(sql)?;
    let region_reps: usize = raw
        .query_row(
            "SELECT count(*) FROM staff WHERE role = 'rep' AND org_unit_id IN (SELECT id FROM org_unit WHERE parent_id = ?1)",
            [&region],
            |r| r.get::<_, i64>(0),
        )
        .map_err(sql)? as usize;
    let region_customers: i64 = raw
        .query_row(
            "SELECT count(*) FROM customer WHERE territory_id IN (SELECT id FROM org_unit WHERE parent_id = ?1)",
            [&region],
            |r| r.get(0),
        )
        .map_err(sql)?;
    let (rep, busy_day, day_records): (StaffId, String, u32) = raw
        .query_row(
            "SELECT staff_id, date(checked_in_at, '+8 hours'), count(*) FROM visit
              WHERE staff_id IN (SELECT id FROM staff WHERE role = 'rep')
              GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 1",
            [],
            |r| Ok((r.get::<_, String>(0)?.parse().map_err(|_| rusqlite::Error::InvalidQuery)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(sql)?;
    let customers: Vec<CustomerId> = raw
        .prepare("SELECT id FROM customer WHERE owner_id = ?1 AND lifecycle <> 'eliminated' LIMIT 400")
        .and_then(|mut s| {
            s.query_map([rep.to_string()], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(sql)?
        .into_iter()
        .filter_map(|id| id.parse().ok())
        .collect();
    drop(raw);
    if customers.is_empty() {
        return Err(invalid("the demo rep has no customers".into()));
    }

    // Logging visits (head office's book may record on any card; the path is a rep's).
    let mut samples: Vec<Duration> = vec![];
    for i in 0..args.runs * 4 {
        let customer = customers[i % customers.len()];
        let visit = NewVisit {
            customer_id: customer,
            visit_type: "routine".into(),
            checked_in_at: (chrono::Utc::now() - chrono::Duration::minutes(40)).to_rfc3339(),
            checked_out_at: Some((chrono::Utc::now() - chrono::Duration::minutes(5)).to_rfc3339()),
            latitude: Some(36.7),
            longitude: Some(119.1),
            purpose: Some("例行拜访".into()),
            stock_notes: Some("主销品种库存偏低".into()),
            competitor_notes: None,
            prices_seen: None,
            problems: None,
            requests: None,
            next_step: Some("补货 50 箱".into()),
            next_step_due: Some((chrono::Utc::now() + chrono::Duration::days(7)).format("%Y-%m-%d").to_string()),
            planned: true,
            report_confirmed: None,
            card_changes: if i % 2 == 0 {
                vec![FieldChange {
                    field: "problems".into(), expected: None, value: format!("拜访记录 {i}").into()
                }]
            } else {
                vec![]
            },
        };
        let t = Instant::now();
        book.log_visit(&visit)?;
        samples.push(t.elapsed());
    }
    let log_max = samples.iter().max().copied().unwrap_or_default();
    let (log_median, log_p95) = (median(samples.clone()), p95(samples));

    // The busiest rep's busiest day, assembled.
    let query = ReportQuery { kind: ReportKind::Daily, day: Some(busy_day), staff_id: Some(rep) };
    let mut samples = vec![];
    for _ in 0..args.runs {
        let t = Instant::now();
        book.report(&query)?;
        samples.push(t.elapsed());
    }
    let (daily_median, daily_p95) = (median(samples.clone()), p95(samples));
    let monthly = ReportQuery { kind: ReportKind::Monthly, day: None, staff_id: Some(rep) };
    let mut samples = vec![];
    for _ in 0..args.runs.min(20) {
        let t = Instant::now();
        book.report(&monthly)?;
        samples.push(t.elapsed());
    }
    let monthly_p95 = p95(samples);

    // The region's compliance for last month.
    let last_month = chrono::Utc::now().date_naive().with_day0(0).and_then(|d| d.pred_opt()).unwrap_or_default();
    let query = ComplianceQuery {
        org_unit_id: Some(region.parse::<OrgUnitId>().map_err(|_| invalid("bad region id".into()))?),
        staff_id: None,
        month: Some(last_month.format("%Y-%m").to_string()),
        no_contact_days: None,
    };
    let mut samples = vec![];
    let mut people = 0;
    for _ in 0..args.runs.min(20) {
        let t = Instant::now();
        let view = book.compliance(&query)?;
        samples.push(t.elapsed());
        people = view.people.len();
    }
    let compliance_max = samples.iter().max().copied().unwrap_or_default();
    let (compliance_median, compliance_p95) = (median(samples.clone()), p95(samples));
    Ok(Figures {
        customers: args.customers,
        records,
        generation_s: generation.as_secs_f64(),
        book_mib,
        log_visit_median_ms: ms(log_median),
        log_visit_p95_ms: ms(log_p95),
        log_visit_max_ms: ms(log_max),
        daily_report_records: day_records,
        daily_report_median_ms: ms(daily_median),
        daily_report_p95_ms: ms(daily_p95),
        monthly_report_p95_ms: ms(monthly_p95),
        region_reps,
        region_customers,
        compliance_people: people,
        compliance_median_ms: ms(compliance_median),
        compliance_p95_ms: ms(compliance_p95),
        compliance_max_ms: ms(compliance_max),
    })
}
