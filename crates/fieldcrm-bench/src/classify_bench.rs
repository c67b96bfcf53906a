//! `fieldcrm-bench classify`: measures the classification targets — the ABC
//! grade suggestion over a 100,000-card book, optimising 60-stop routes (and
//! how close the optimiser comes to the exact optimum on small routes), and a
//! rep's visit plan — and prints the figures (docs/BENCHMARKS.md).

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use fieldcrm_core::api::classify::SuggestQuery;
use fieldcrm_core::demo::DemoOptions;
use fieldcrm_core::routes::optimise::{self, Point};
use fieldcrm_core::routes::plan::PlanQuery;
use fieldcrm_core::ApiError;
use serde::Serialize;

use crate::measure::{invalid, median, ms, p95};

#[derive(Debug, Args)]
pub struct ClassifyBenchArgs {
    /// Customers in the generated book.
    #[arg(long, default_value_t = 100_000)]
    customers: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Repetitions of each measurement.
    #[arg(long, default_value_t = 20)]
    runs: usize,
    /// Where to build the book (a temporary file by default; kept if given).
    #[arg(long)]
    book: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Figures {
    customers: u32,
    generation_s: f64,
    suggestion_considered: u32,
    suggestion_changes: usize,
    suggestion_median_ms: f64,
    suggestion_max_ms: f64,
    first_grading_changes: usize,
    first_grading_median_ms: f64,
    first_grading_max_ms: f64,
    optimise_60_p95_ms: f64,
    optimise_60_max_ms: f64,
    optimise_60_saving_pct: f64,
    propose_route_stops: usize,
    propose_route_p95_ms: f64,
    small_routes_compared: usize,
    small_routes_worst_ratio: f64,
    small_routes_optimal_pct: f64,
    plan_rep_customers: u32,
    plan_day_p95_ms: f64,
    plan_week_p95_ms: f64,
}

/// A small deterministic generator for the random routes.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A stop within ~50 km of Weifang.
    fn point(&mut self) -> Point {
        Point { lat: 36.5 + self.next() * 0.45, lon: 118.8 + self.next() * 0.55 }
    }
}

pub fn run(args: &ClassifyBenchArgs, json: bool) -> Result<(), ApiError> {
    if args.customers < 1_000 || args.runs == 0 {
        return Err(invalid("fieldcrm-bench classify needs at least 1,000 customers and 1 run".into()));
    }
    let f = crate::measure::in_new_book(args.book.as_ref(), "classify", |path| measure(args, path))?;
    crate::terminal::show(&f, json, |f| {
        [
            format!("book: {} customers, generated in {:.1} s", f.customers, f.generation_s),
            format!(
                "grade suggestion over {} cards ({} changes proposed): median {:.0} ms, max {:.0} ms (target < 2 s)",
                f.suggestion_considered, f.suggestion_changes, f.suggestion_median_ms, f.suggestion_max_ms
            ),
            format!(
                "first grading of the book ({} changes proposed): median {:.0} ms, max {:.0} ms (target < 2 s)",
                f.first_grading_changes, f.first_grading_median_ms, f.first_grading_max_ms
            ),
            format!(
                "optimise a 60-stop route: p95 {:.2} ms, max {:.2} ms, {:.0}% shorter than a random order (target < 50 ms)",
                f.optimise_60_p95_ms, f.optimise_60_max_ms, f.optimise_60_saving_pct
            ),
            format!("propose an order for a {}-stop demo route (read + optimise): p95 {:.2} ms", f.propose_route_stops, f.propose_route_p95_ms),
            format!(
                "routes of 4–12 stops vs the exact optimum: {} compared, worst {:.4}×, optimal in {:.1}% (target ≤ 1.10×)",
                f.small_routes_compared, f.small_routes_worst_ratio, f.small_routes_optimal_pct
            ),
            format!(
                "visit plan for a rep with {} customers: day p95 {:.2} ms, week p95 {:.2} ms (target < 20 ms)",
                f.plan_rep_customers, f.plan_day_p95_ms, f.plan_week_p95_ms
            ),
        ]
        .join("\n")
    });
    Ok(())
}

fn measure(args: &ClassifyBenchArgs, path: &std::path::Path) -> Result<Figures, ApiError> {
    let book = crate::keys::open(path)?;
    let started = Instant::now();
    book.load_demo(&DemoOptions { customers: args.customers, seed: args.seed, as_of: None })?;
    let generation = started.elapsed();

    // The ABC suggestion over the whole book (head office's view).
    let mut samples = vec![];
    let mut suggestion = None;
    for _ in 0..args.runs.min(10) {
        let t = Instant::now();
        suggestion = Some(book.suggest_grades(&SuggestQuery::default())?);
        samples.push(t.elapsed());
    }
    let suggestion = suggestion.ok_or_else(|| invalid("no run".into()))?;
    let suggestion_max = samples.iter().max().copied().unwrap_or_default();
    let suggestion_median = median(samples);
    // The first grading of a book: no card graded yet, so every card is a proposed change.
    {
        let conn = crate::keys::raw(path).map_err(|e| invalid(e.to_string()))?;
        conn.execute("UPDATE customer SET grade = NULL, grade_manual = 0", []).map_err(|e| invalid(e.to_string()))?;
    }
    let mut samples = vec![];
    let mut first = None;
    for _ in 0..args.runs.min(10) {
        let t = Instant::now();
        first = Some(book.suggest_grades(&SuggestQuery::default())?);
        samples.push(t.elapsed());
    }
    let first_changes = first.map_or(0, |s| s.changes.len());
    let first_max = samples.iter().max().copied().unwrap_or_default();
    let first_median = median(samples);

    // 60-stop routes, from the rep's base.
    let mut rng = SplitMix(args.seed);
    let mut samples = vec![];
    let mut saving = 0.0;
    let rounds = args.runs * 25;
    for _ in 0..rounds {
        let start = Some(rng.point());
        let stops: Vec<Option<Point>> = (0..60).map(|_| Some(rng.point())).collect();
        let t = Instant::now();
        let tour = optimise::optimise(start, &stops);
        samples.push(t.elapsed());
        saving += 1.0 - tour.after_km / tour.before_km;
    }
    let optimise_max = samples.iter().max().copied().unwrap_or_default();
    let optimise_p95 = p95(samples);

    // A real route of the demo book, end to end.
    let routes = book.routes(None)?;
    let route = routes.iter().max_by_key(|r| r.stops).ok_or_else(|| invalid("the demo made no routes".into()))?;
    let mut samples = vec![];
    for _ in 0..args.runs {
        let t = Instant::now();
        book.propose_route_order(route.id)?;
        samples.push(t.elapsed());
    }
    let propose_p95 = p95(samples);

    // Quality on small routes against Held–Karp.
    let mut worst: f64 = 1.0;
    let mut optimal = 0;
    let compared = 500;
    for i in 0..compared {
        let n = 4 + i % 9;
        let start = (i % 2 == 0).then(|| rng.point());
        let stops: Vec<Option<Point>> = (0..n).map(|_| Some(rng.point())).collect();
        let found = optimise::optimise(start, &stops);
        let best = optimise::exact(start, &stops).ok_or_else(|| invalid("exact solver refused".into()))?;
        let ratio = if best.after_km > 0.0 { found.after_km / best.after_km } else { 1.0 };
        worst = worst.max(ratio);
        if ratio < 1.0 + 1e-9 {
            optimal += 1;
        }
    }

    // The plan of a demo rep (about 400 customers each).
    let rep = routes.iter().map(|r| r.owner_id).next().ok_or_else(|| invalid("no rep".into()))?;
    let day = book.visit_plan(&PlanQuery { staff_id: Some(rep), date: None, days: 1 })?;
    let mut days = vec![];
    let mut weeks = vec![];
    for _ in 0..args.runs * 5 {
        let t = Instant::now();
        book.visit_plan(&PlanQuery { staff_id: Some(rep), date: None, days: 1 })?;
        days.push(t.elapsed());
        let t = Instant::now();
        book.visit_plan(&PlanQuery { staff_id: Some(rep), date: None, days: 7 })?;
        weeks.push(t.elapsed());
    }

    Ok(Figures {
        customers: args.customers,
        generation_s: generation.as_secs_f64(),
        suggestion_considered: suggestion.considered,
        suggestion_changes: suggestion.changes.len(),
        suggestion_median_ms: ms(suggestion_median),
        suggestion_max_ms: ms(suggestion_max),
        first_grading_changes: first_changes,
        first_grading_median_ms: ms(first_median),
        first_grading_max_ms: ms(first_max),
        optimise_60_p95_ms: ms(optimise_p95),
        optimise_60_max_ms: ms(optimise_max),
        optimise_60_saving_pct: 100.0 * saving / rounds as f64,
        propose_route_stops: route.stops as usize,
        propose_route_p95_ms: ms(propose_p95),
        small_routes_compared: compared,
        small_routes_worst_ratio: worst,
        small_routes_optimal_pct: 100.0 * f64::from(optimal) / compared as f64,
        plan_rep_customers: day.customers,
        plan_day_p95_ms: ms(p95(days)),
        plan_week_p95_ms: ms(p95(weeks)),
    })
}
