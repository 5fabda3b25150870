//! The drift profile reader: any bytes give a checked profile (whose
//! reference columns can be compared) or an error.
#![no_main]
use abx::drift::profile::Profile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = Profile::parse(data) {
        let cols = p.reference();
        assert_eq!(cols.len(), p.columns.len());
        // A saved profile reads back the same.
        let again = serde_json::to_vec(&p).unwrap();
        let back = Profile::parse(&again).expect("a profile abx wrote reads back");
        assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&p).unwrap());
    }
});
