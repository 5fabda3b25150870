//! `abx init`: a valid scaffold, never an overwrite.

use serde_json::Value;

use crate::common::run;

#[test]
fn init_scaffolds_a_valid_file_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let (code, out, _) = run(&["init", d], "");
    assert_eq!(code, 0);
    let path = dir.path().join("experiments/example.yaml");
    assert_eq!(out.trim(), path.to_str().unwrap());
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, abx::cmd::init::TEMPLATE);
    let (code, _, err) = run(&["validate", path.to_str().unwrap()], "");
    assert_eq!(code, 0, "{err}");
    // Every top-level field of the model appears in the scaffold, commented.
    for field in [
        "name:",
        "description:",
        "owner:",
        "hypothesis:",
        "status:",
        "start:",
        "end:",
        "salt:",
        "allocation:",
        "targeting:",
        "variants:",
        "metrics:",
        "primary:",
        "decision:",
    ] {
        assert!(text.lines().any(|l| l.starts_with(field)), "{field} missing from the template");
    }
    let other = tempfile::tempdir().unwrap();
    let (code, out, _) = run(&["init", other.path().to_str().unwrap(), "--format", "json"], "");
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert!(doc["created"].as_str().unwrap().ends_with("experiments/example.yaml"));
    std::fs::write(&path, "mine").unwrap();
    let (code, _, err) = run(&["init", d], "");
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
}
