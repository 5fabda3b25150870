//! See `tests/it/fuzz_checks.rs`: `id_lines`.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/it/fuzz_checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::id_lines(data));
