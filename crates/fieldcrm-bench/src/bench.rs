//! `fieldcrm-bench bench`: measures the foundation's speed targets on a freshly
//! generated book of the stated size and prints the figures (the numbers in
//! docs/BENCHMARKS.md come from here).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use fieldcrm_core::demo::DemoOptions;
use fieldcrm_core::ids::CustomerId;
use fieldcrm_core::model::{ChannelLevel, Lifecycle};
use fieldcrm_core::search::{CustomerQuery, SortKey};
use fieldcrm_core::{ApiError, ErrorCode};

use crate::measure::{ms, p95};

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Customers in the generated book.
    #[arg(long, default_value_t = 100_000)]
    customers: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Repetitions of each query.
    #[arg(long, default_value_t = 200)]
    runs: usize,
    /// Where to build the book (a temporary file by default; kept if given).
    #[arg(long)]
    book: Option<PathBuf>,
}

pub fn run(args: &BenchArgs, json: bool) -> Result<(), ApiError> {
    let io = |e: std::io::Error| ApiError::new(ErrorCode::Io, e.to_string());
    let dir = std::env::temp_dir().join(format!("fieldcrm-bench-{}", std::process::id()));
    let path = args.book.clone().unwrap_or_else(|| dir.join("bench.sqlite"));
    if args.customers < 100 {
        return Err(ApiError::new(ErrorCode::Invalid, "bench needs a book of at least 100 customers (--customers)"));
    }
    if path.exists() {
        return Err(ApiError::new(
            ErrorCode::Invalid,
            format!("{} exists; bench builds a new book, give another --book path", path.display()),
        ));
    }
    let book = crate::keys::open(&path)?;
    let started = Instant::now();
    let summary = book.load_demo(&DemoOptions { customers: args.customers, seed: args.seed, as_of: None })?;
    let generation = started.elapsed();
    let size = std::fs::metadata(&path).map(|m| m.len()).map_err(io)?;

    // Each category mixes very common and rare words, plus words taken from a
    // card of the book itself, so every category has hits.
    let offset = args.customers / 2;
    let sample = book.search_customers(&CustomerQuery { limit: 500, offset, ..Default::default() })?;
    let first = &sample.rows[0];
    let name: Vec<char> = first.name.chars().collect();
    let piece = |from: usize, len: usize| -> String { name.iter().skip(from).take(len).collect() };
    let initials = fieldcrm_core::search::pinyin(&first.name).1;
    let phone: String = first.phone.clone().unwrap_or_default();
    let categories: Vec<(&str, Vec<String>)> = vec![
        (
            "1-char Chinese",
            ["镇", "农", "王", "店", "华", "张", "鑫", "营"]
                .map(String::from)
                .into_iter()
                .chain([piece(2, 1)])
                .collect(),
        ),
        (
            "2-char Chinese",
            ["农资", "华星", "王建", "人民", "金丰", "东镇"]
                .map(String::from)
                .into_iter()
                .chain([piece(2, 2)])
                .collect(),
        ),
        (
            "3+-char Chinese",
            ["农资店", "华星农", "人民路", "寿光市", "经营部", "庄稼医院"]
                .map(String::from)
                .into_iter()
                .chain([piece(0, 4)])
                .collect(),
        ),
        (
            "pinyin initials",
            ["hxny", "jf", "nzd", "wjg", "zqny", "hx"].map(String::from).into_iter().chain([initials]).collect(),
        ),
        ("full pinyin", ["huaxing", "nongzi", "jinfeng", "zhangwei"].map(String::from).into_iter().collect()),
        (
            "phone fragment",
            ["1380", "5678", "0536", "139"]
                .map(String::from)
                .into_iter()
                .chain([phone.chars().skip(4).take(5).collect()])
                .collect(),
        ),
    ];
    let text_query = |text: &String| (text.clone(), CustomerQuery { text: text.clone(), ..Default::default() });
    let mut categories: Vec<(&str, Vec<(String, CustomerQuery)>)> =
        categories.into_iter().map(|(label, words)| (label, words.iter().map(text_query).collect())).collect();
    // Words combined with filters: the total can no longer be read off the index.
    categories.push((
        "with filters",
        vec![
            (
                "镇 + active".into(),
                CustomerQuery { text: "镇".into(), lifecycle: vec![Lifecycle::Active], ..Default::default() },
            ),
            (
                "农资 + retailer".into(),
                CustomerQuery {
                    text: "农资".into(),
                    channel_level: vec![ChannelLevel::Retailer],
                    ..Default::default()
                },
            ),
            ("华 + stale".into(), CustomerQuery { text: "华".into(), stale_only: true, ..Default::default() }),
            (
                "active + reviewed".into(),
                CustomerQuery { lifecycle: vec![Lifecycle::Active], sort: SortKey::Reviewed, ..Default::default() },
            ),
            ("tag 重点客户".into(), CustomerQuery { tag: Some("重点客户".into()), ..Default::default() }),
        ],
    ));
    let mut results = vec![];
    for (label, queries) in &categories {
        let mut samples = vec![];
        let mut matches = vec![];
        for (name, query) in queries {
            let query = CustomerQuery { limit: 100, ..query.clone() };
            let total = book.search_customers(&query)?.total;
            let mut mine = vec![];
            for _ in 0..args.runs {
                let t = Instant::now();
                book.search_customers(&query)?;
                mine.push(t.elapsed());
            }
            matches.push(format!("{name}:{total} ({:.1} ms)", ms(p95(mine.clone()))));
            samples.extend(mine);
        }
        results.push(serde_json::json!({"query": label, "matches": matches.join(" "), "p95_ms": ms(p95(samples))}));
    }
    let ids: Vec<CustomerId> = sample.rows.iter().map(|r| r.id).collect();
    let samples: Vec<Duration> = (0..args.runs)
        .map(|i| {
            let id = ids[i % ids.len()];
            let t = Instant::now();
            let _ = book.customer(id).and_then(|_| book.history(id, 50));
            t.elapsed()
        })
        .collect();
    let open_card = p95(samples);
    let report = serde_json::json!({
        "customers": summary.customers,
        "key_people": summary.key_people,
        "history_rows": summary.history,
        "book_bytes": size,
        "demo_generation_s": generation.as_secs_f64(),
        "search": results,
        "open_card_with_people_and_history_p95_ms": ms(open_card),
    });
    if json {
        crate::terminal::print_json(&report);
    } else {
        outln!(
            "book: {} customers, {} key people, {} history rows, {:.1} MiB",
            summary.customers,
            summary.key_people,
            summary.history,
            size as f64 / 1048576.0
        );
        outln!("demo generation: {:.2} s", generation.as_secs_f64());
        for r in &results {
            outln!(
                "search {:<16} first page p95 {:>6.2} ms   matches (p95): {}",
                r["query"].as_str().unwrap_or_default(),
                r["p95_ms"].as_f64().unwrap_or_default(),
                r["matches"].as_str().unwrap_or_default()
            );
        }
        outln!("open card + people + history p95: {:.2} ms", ms(open_card));
    }
    drop(book);
    if args.book.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
