//! `fieldcrm-bench`: measures the speed targets of docs/BENCHMARKS.md on
//! freshly generated books and prints the figures (as text, or as JSON with
//! `--json`). A binary of its own, so that the benchmarks do not ship in the
//! `fieldcrm` command line; `make bench` runs them all on release builds.

/// The CLI's printing, one source for both programs.
#[macro_use]
#[path = "../../fieldcrm-cli/src/terminal.rs"]
mod terminal;
mod bench;
mod classify_bench;
mod fieldwork_bench;
mod hostile_bench;
mod keys;
mod measure;
mod orders_bench;
mod people_bench;
mod sales_bench;
mod sync_bench;
mod targets_bench;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use fieldcrm_core::ApiError;

#[derive(Debug, Parser)]
#[command(
    name = "fieldcrm-bench",
    version,
    about = "fieldcrm-bench: measures fieldcrm's speed targets on generated books"
)]
struct Cli {
    /// Print results as JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Measure the foundation's speed targets on a generated book.
    Bench(bench::BenchArgs),
    /// Measure the sync targets (export, import, head-office merge, file size).
    Sync(sync_bench::SyncBenchArgs),
    /// Measure the classification targets (grade suggestion, route optimisation, visit plans).
    Classify(classify_bench::ClassifyBenchArgs),
    /// Measure the field-work targets (logging a visit, the daily report, the compliance view).
    Fieldwork(fieldwork_bench::FieldworkBenchArgs),
    /// Measure the sales targets (each analysis, the list export, a 100,000-row import).
    Sales(sales_bench::SalesBenchArgs),
    /// Measure the money side's targets (order capture, statements, the review queue, a 100,000-payment import).
    Orders(orders_bench::OrdersBenchArgs),
    /// Measure the targets' speed targets (company progress, a team's grid, breakdown proposals).
    Targets(targets_bench::TargetsBenchArgs),
    /// Measure handing over a rep's 1,000 customers and the file it causes.
    People(people_bench::PeopleBenchArgs),
    /// Lay out head office's inbox with laptops' files and files made to hurt (measure `hq merge` on it).
    Hostile(hostile_bench::HostileBenchArgs),
}

/// Rust's allocations from mimalloc; SQLite's too, from the start of `main`:
/// as in the `fieldcrm` binary and the app, so that the figures hold for them.
#[global_allocator]
static ALLOCATOR: fieldcrm_alloc::MiMalloc = fieldcrm_alloc::MiMalloc;

fn main() -> ExitCode {
    // Before anything opens a book (SQLite keeps its allocator once started).
    fieldcrm_alloc::sqlite_uses_mimalloc();
    fieldcrm_alloc::sqlite_counts_no_memory();
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => terminal::fail(&error, cli.json),
    }
}

fn run(cli: &Cli) -> Result<(), ApiError> {
    match &cli.command {
        Command::Bench(args) => bench::run(args, cli.json),
        Command::Sync(args) => sync_bench::run(args, cli.json),
        Command::Classify(args) => classify_bench::run(args, cli.json),
        Command::Fieldwork(args) => fieldwork_bench::run(args, cli.json),
        Command::Sales(args) => sales_bench::run(args, cli.json),
        Command::Orders(args) => orders_bench::run(args, cli.json),
        Command::Targets(args) => targets_bench::run(args, cli.json),
        Command::People(args) => people_bench::run(args, cli.json),
        Command::Hostile(args) => hostile_bench::run(args, cli.json),
    }
}
