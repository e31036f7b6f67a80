//! Helpers shared by the tests that run the `connexe` binary.

use std::process::{Command, Output};

/// Runs the built `connexe` with `args`.
pub fn connexe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connexe"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// What the run wrote to stderr, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
