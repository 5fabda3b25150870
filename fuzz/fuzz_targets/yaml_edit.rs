//! The YAML edit of `abx verdict --write`: on any valid experiment file, the
//! edited file re-parses to the same experiment plus the promotion.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let Ok(exp) = abx::spec::parse_str("e.yaml", source) else { return };
    let variant = exp.variants.last().unwrap().name.clone();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1);
    let edited = match abx::spec::edit::set_promoted("e.yaml", source, &variant, day) {
        Ok(e) => e,
        // A refusal is a message, never a half-edited file.
        Err(_) => return,
    };
    let after = abx::spec::parse_str("e.yaml", &edited)
        .unwrap_or_else(|e| panic!("the edited file does not parse: {:?}\n---\n{edited}", e.diagnostics));
    let mut want = exp.clone();
    want.status = Some(abx::spec::Status::Promoted);
    want.promoted = Some(variant);
    want.promoted_at = day;
    assert_eq!(
        serde_json::to_value(&after).unwrap(),
        serde_json::to_value(&want).unwrap(),
        "the edit changed more than the promotion\n---\n{source}\n---\n{edited}"
    );
});
