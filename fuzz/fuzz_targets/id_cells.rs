//! ID cells: parsed, masked and shown without a panic or a leak.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../bodies/id_cells.rs"]
mod body;

fuzz_target!(|text: &str| body::run(text));
