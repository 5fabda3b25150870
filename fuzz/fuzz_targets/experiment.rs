//! The experiment loader and validator: any bytes give an experiment or
//! diagnostics that render, never a panic or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match abx::spec::parse_bytes("fuzz.yaml", data) {
        Ok(exp) => {
            // What the commands do next with a valid experiment.
            let _ = serde_json::to_string(&exp);
            let b = abx::assign::Bucketer::new(&exp);
            let _ = b.assign(b"unit-1");
        }
        Err(e) => {
            assert!(!e.diagnostics.is_empty());
            let text = e.render(abx::spec::Style { color: false });
            assert!(text.contains("fuzz.yaml:"));
        }
    }
});
