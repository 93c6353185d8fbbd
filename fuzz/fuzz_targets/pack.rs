//! The rule-pack loader on arbitrary YAML: errors, never panics or hangs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = reformcheck::pack::Pack::parse(text, "fuzz.yaml");
});
