//! The `fieldcrm-bench` binary on small books.

use std::process::{Command, Output};

use serde_json::Value;

fn fieldcrm_bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fieldcrm-bench")).args(args).output().expect("run fieldcrm-bench")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_benchmark_runs_on_a_small_book_and_refuses_a_tiny_one() {
    let dir = tempfile::tempdir().expect("dir");
    let book = dir.path().join("bench.sqlite");
    let out = fieldcrm_bench(&[
        "--json",
        "bench",
        "--customers",
        "200",
        "--runs",
        "1",
        "--book",
        book.to_str().expect("path"),
    ]);
    assert!(out.status.success(), "bench failed: {}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let categories: Vec<&str> =
        report["search"].as_array().expect("search").iter().map(|r| r["query"].as_str().expect("label")).collect();
    assert_eq!(categories.len(), 7, "every search category is measured: {categories:?}");
    assert_eq!(report["customers"], 200);
    let out = fieldcrm_bench(&["bench", "--customers", "5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("at least 100"), "{}", stderr(&out));
}
