//! The core is built in layers: no module imports another that imports it back.
//! Among the crate's top-level modules, and among the submodules of each
//! module, the "uses" arrows (`crate::…`, `super::…`) form no circle. A
//! submodule may use what its parent declares; test modules (`#[cfg(test)]`,
//! at the end of a file) are left out. `cargo test -p fieldcrm-core --test layers`
//! runs the check; a failure names the circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path of a source file (`sync/office.rs` → `["sync", "office"]`).
fn module_of(src: &Path, file: &Path) -> Option<Vec<String>> {
    let relative = file.strip_prefix(src).ok()?.with_extension("");
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    (parts != ["lib"]).then_some(parts)
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn ident(text: &str) -> (&str, &str) {
    let end = text.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(text.len());
    text.split_at(end)
}

/// The paths a `use`-like text names after `prefix::`: `a::b`, or each of `{a, b::c}`.
fn paths_after(rest: &str) -> Vec<Vec<String>> {
    if let Some(group) = rest.strip_prefix('{') {
        let mut depth = 0;
        let mut end = group.len();
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    end = i;
                    break;
                }
                '}' => depth -= 1,
                _ => {}
            }
        }
        let mut out = vec![];
        let mut depth = 0;
        let mut start = 0;
        let inner = &group[..end];
        for (i, c) in inner.char_indices().chain(std::iter::once((inner.len(), ','))) {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    let item = inner[start..i].trim();
                    if !item.is_empty() {
                        out.extend(paths_after(item));
                    }
                    start = i + 1;
                }
                _ => {}
            }
        }
        return out;
    }
    let mut path = vec![];
    let mut text = rest;
    loop {
        let (name, after) = ident(text);
        if name.is_empty() {
            break;
        }
        path.push(name.to_string());
        match after.strip_prefix("::") {
            Some(next) if next.starts_with('{') => {
                return paths_after(next).into_iter().map(|tail| path.iter().cloned().chain(tail).collect()).collect();
            }
            Some(next) => text = next,
            None => break,
        }
    }
    vec![path]
}

/// Every module path a file's code (before its tests) refers to.
fn references(module: &[String], code: &str) -> Vec<Vec<String>> {
    let code = code.split("#[cfg(test)]").next().unwrap_or_default();
    let mut out = vec![];
    for (prefix, base) in [("crate::", vec![]), ("super::", module[..module.len().saturating_sub(1)].to_vec())] {
        let mut rest = code;
        while let Some(at) = rest.find(prefix) {
            let before = rest[..at].chars().last();
            rest = &rest[at + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            for path in paths_after(rest) {
                out.push(base.iter().cloned().chain(path).collect());
            }
        }
    }
    out
}

/// Where the crate root's re-exports (`pub use api::{Book, …}`) come from.
fn root_exports(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in lib.lines() {
        if let Some(rest) = line.trim().strip_prefix("pub use ") {
            for path in paths_after(rest.trim_end_matches(';')) {
                if let (Some(first), Some(last)) = (path.first(), path.last()) {
                    out.insert(last.clone(), first.clone());
                }
            }
        }
    }
    out
}

fn find_circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let from = stack.iter().position(|n| n == next).unwrap_or(0);
                    let mut circle = stack[from..].to_vec();
                    circle.push(next.clone());
                    return Some(circle);
                }
                Some(_) => {}
                None => {
                    if let Some(circle) = visit(next, graph, state, stack) {
                        return Some(circle);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if !state.contains_key(node) {
            if let Some(circle) = visit(node, graph, &mut state, &mut vec![]) {
                return Some(circle);
            }
        }
    }
    None
}

/// The arrows between the modules directly under `parent` (the crate when empty).
fn arrows(modules: &BTreeMap<Vec<String>, Vec<Vec<String>>>, parent: &[String]) -> BTreeMap<String, BTreeSet<String>> {
    let children: BTreeSet<&String> =
        modules.keys().filter(|m| m.len() > parent.len() && m.starts_with(parent)).map(|m| &m[parent.len()]).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, refs) in modules {
        if module.len() <= parent.len() || !module.starts_with(parent) {
            continue;
        }
        let from = &module[parent.len()];
        for target in refs {
            if target.len() <= parent.len() || !target.starts_with(parent) {
                continue;
            }
            let to = &target[parent.len()];
            if to != from && children.contains(to) {
                graph.entry(from.clone()).or_default().insert(to.clone());
            }
        }
    }
    graph
}

#[test]
fn no_module_of_the_core_imports_one_that_imports_it_back() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let exports = root_exports(&lib);
    let mut sources = vec![];
    files(&src, &mut sources);
    let mut modules: BTreeMap<Vec<String>, Vec<Vec<String>>> = BTreeMap::new();
    for file in &sources {
        let Some(module) = module_of(&src, file) else { continue };
        let code = std::fs::read_to_string(file).expect("source");
        let refs = references(&module, &code)
            .into_iter()
            .map(|mut path| {
                // `crate::Book` is the root's re-export of `api::Book`.
                if path.len() == 1 {
                    if let Some(home) = exports.get(&path[0]) {
                        path.insert(0, home.clone());
                    }
                }
                path
            })
            .collect();
        modules.insert(module, refs);
    }
    assert!(modules.len() > 40, "the check found only {} modules under {}", modules.len(), src.display());
    let parents: BTreeSet<Vec<String>> =
        std::iter::once(vec![]).chain(modules.keys().filter(|m| !m.is_empty()).cloned()).collect();
    let mut checked = 0;
    for parent in &parents {
        let graph = arrows(&modules, parent);
        checked += graph.values().map(BTreeSet::len).sum::<usize>();
        if let Some(circle) = find_circle(&graph) {
            let place = if parent.is_empty() { "the crate".to_string() } else { parent.join("::") };
            panic!("a circle among the modules of {place}: {}", circle.join(" → "));
        }
    }
    assert!(checked > 50, "only {checked} arrows were found: the source scan is broken");
}

#[test]
fn the_check_sees_a_circle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.entry("card".into()).or_default().insert("org".into());
    graph.entry("org".into()).or_default().insert("sync".into());
    assert_eq!(find_circle(&graph), None);
    graph.entry("sync".into()).or_default().insert("card".into());
    assert_eq!(find_circle(&graph), Some(vec!["card".into(), "org".into(), "sync".into(), "card".into()]));
    let paths = references(
        &["sync".into(), "office".into()],
        "use super::{file::Body, hlc};\nuse crate::{org, search::sort_key};",
    );
    assert!(paths.contains(&vec!["sync".to_string(), "file".into(), "Body".into()]), "{paths:?}");
    assert!(paths.contains(&vec!["search".to_string(), "sort_key".into()]), "{paths:?}");
}
