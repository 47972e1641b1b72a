//! Links the `seedfold` executable at a fixed address on Linux with glibc. A position-independent
//! executable has the loader write some 73,000 addresses into 1.7 MB of its tables at every
//! start, each page written then copied: 1.4 ms of a 30 ms small run (BENCHMARKS.md, "The start-up and comparisons round").
//! The price: the executable's own code is not placed at a random address (its libraries,
//! stack and heap still are).

fn main() {
    let target = |key: &str| std::env::var(key).unwrap_or_default();
    if target("CARGO_CFG_TARGET_OS") == "linux" && target("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
