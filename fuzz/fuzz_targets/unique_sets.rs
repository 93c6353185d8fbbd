//! Rosters with repeated, empty and malformed keys in two `unique` sets.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../bodies/unique_sets.rs"]
mod body;

fuzz_target!(|data: &[u8]| {
    let _ = body::run(data);
});
