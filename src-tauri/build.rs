use std::path::Path;

fn main() {
    // The app embeds ui/dist when `generate_context!` expands. A change of the
    // UI alone would not recompile this crate, and the app would keep an old
    // index.html naming assets it no longer has (a blank window): the stamp of
    // the built index.html goes into the build's environment, so a new UI build
    // recompiles the crate and embeds it.
    let index = Path::new("../ui/dist/index.html");
    println!("cargo:rerun-if-changed={}", index.display());
    let stamp = std::fs::read(index).map(|bytes| format!("{:x}", fnv1a(&bytes))).unwrap_or_default();
    println!("cargo:rustc-env=FIELDCRM_UI_STAMP={stamp}");
    tauri_build::build();
}

/// A stable hash of the built index.html (it names every asset by its hash).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}
