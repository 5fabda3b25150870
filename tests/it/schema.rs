//! The JSON Schema of the experiment file (schema/experiment.schema.json)
//! against the model: the same fields at every level and the same choices
//! as the validator, every shipped file accepted and broken ones rejected by
//! a real JSON Schema validator (Python's jsonschema, installed on first use).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::root;
use abx::experiment::validate as v;
use abx::experiment::{Aggregate, Op};

fn schema() -> Value {
    serde_json::from_slice(&std::fs::read(root().join("schema/experiment.schema.json")).unwrap()).unwrap()
}

fn keys(node: &Value) -> BTreeSet<String> {
    node["properties"].as_object().unwrap().keys().cloned().collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn choices(node: &Value) -> BTreeSet<String> {
    node["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

#[test]
fn the_schema_has_the_models_fields_and_choices() {
    let s = schema();
    let d = &s["$defs"];
    assert_eq!(keys(&s), set(v::TOP_FIELDS), "top-level fields");
    assert_eq!(keys(&d["variant"]), set(v::VARIANT_FIELDS), "variant fields");
    assert_eq!(keys(&d["metric"]), set(v::METRIC_FIELDS), "metric fields");
    assert_eq!(keys(&d["metric"]["properties"]["cap"]), set(v::CAP_FIELDS), "cap fields");
    assert_eq!(keys(&d["decision"]), set(v::DECISION_FIELDS), "decision fields");
    assert_eq!(keys(&d["decision"]["properties"]["guardrails"]["items"]), set(v::GUARDRAIL_FIELDS), "guardrail fields");
    assert_eq!(keys(&d["condition"]), set(v::CONDITION_FIELDS), "condition fields");
    assert_eq!(keys(&s["properties"]["layer"]), set(v::LAYER_FIELDS), "layer fields");
    assert_eq!(keys(&s["properties"]["holdout"]), set(v::HOLDOUT_FIELDS), "holdout fields");
    assert_eq!(keys(&s["properties"]["gate"]), set(v::GATE_FIELDS), "gate fields");
    assert_eq!(keys(&s["properties"]["weight_history"]["items"]), set(v::WEIGHT_ENTRY_FIELDS), "weight_history fields");
    assert_eq!(choices(&s["properties"]["status"]), set(v::STATUSES));
    assert_eq!(choices(&d["metric"]["properties"]["kind"]), set(v::KINDS));
    assert_eq!(choices(&d["metric"]["properties"]["direction"]), set(v::DIRECTIONS));
    assert_eq!(choices(&d["metric"]["properties"]["aggregate"]), set(&Aggregate::NAMES));
    assert_eq!(choices(&d["decision"]["properties"]["method"]), set(v::METHODS));
    assert_eq!(choices(&d["decision"]["properties"]["correction"]), set(v::CORRECTIONS));
    assert_eq!(choices(&d["condition"]["properties"]["op"]), set(&Op::NAMES));
    let hashing = &s["properties"]["hashing"]["oneOf"];
    assert_eq!(choices(&hashing[0]), set(v::SCHEMES));
    assert_eq!(keys(&hashing[1]), set(v::HASHING_FIELDS), "hashing fields");
    assert_eq!(choices(&hashing[1]["properties"]["scheme"]), set(v::SCHEMES));
    let attribute_types = &hashing[1]["properties"]["attributes"]["additionalProperties"];
    assert_eq!(choices(attribute_types), set(&abx::experiment::AttributeType::NAMES));
}

/// Python with jsonschema and PyYAML, installed into target/tools/py on first use.
fn python_path() -> PathBuf {
    let dir = root().join("target").join("tools").join("py");
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if !dir.join("jsonschema").exists() || !dir.join("yaml").exists() {
        let ok = std::process::Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target"])
            .arg(&dir)
            .args(["jsonschema", "pyyaml"])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "could not install jsonschema and pyyaml (python3 -m pip install --target {})", dir.display());
    }
    dir
}

/// What the validator says of each file: "ok" or its first error.
fn validate(files: &[PathBuf]) -> Vec<String> {
    const SCRIPT: &str = r#"
import json, sys, yaml, jsonschema
# Dates stay strings, as abx reads them.
class Loader(yaml.SafeLoader):
    pass
Loader.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
check = jsonschema.Draft202012Validator(schema)
for path in sys.argv[2:]:
    doc = yaml.load(open(path), Loader=Loader)
    errors = sorted(check.iter_errors(doc), key=lambda e: list(e.path))
    print("ok" if not errors else "error: " + errors[0].message.replace("\n", " "))
"#;
    let out = std::process::Command::new("python3")
        .env("PYTHONPATH", python_path())
        .arg("-c")
        .arg(SCRIPT)
        .arg(root().join("schema/experiment.schema.json"))
        .args(files)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(String::from).collect()
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn the_schema_accepts_every_shipped_file_and_rejects_broken_ones() {
    let mut good = yaml_files(&root().join("experiments"));
    good.extend(yaml_files(&root().join("templates")));
    good.extend(yaml_files(&root().join("fixtures/verdict")));
    good.extend(yaml_files(&root().join("fixtures/allocation")));
    good.extend(yaml_files(&root().join("fixtures/bandit")));
    assert!(good.len() >= 10);
    for (file, verdict) in good.iter().zip(validate(&good)) {
        assert_eq!(verdict, "ok", "{} is valid for abx but not for the schema", file.display());
    }
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(root().join("experiments/followup_timing.yaml")).unwrap();
    let broken = [
        ("unknown_field.yaml", format!("{base}\ncolour: blue\n")),
        ("bad_kind.yaml", base.replacen("kind: proportion", "kind: percentage", 1)),
        ("bad_allocation.yaml", base.replacen("\nvariants:", "\nallocation: 1.5\nvariants:", 1)),
        ("no_variants.yaml", "name: x\n".to_string()),
        ("gate_and_variants.yaml", base.replacen("\nvariants:", "\ngate: {rollout: 0.5}\nvariants:", 1)),
        ("gate_allocation.yaml", "name: g\ngate: {rollout: 0.5}\nallocation: 0.5\n".to_string()),
        ("layer_range.yaml", base.replacen("\nvariants:", "\nlayer: {name: l, range: [0, 2]}\nvariants:", 1)),
        (
            "history_weight.yaml",
            format!("{base}\nweight_history:\n  - date: 2026-01-01\n    weights: {{control: -1}}\n"),
        ),
        ("history_date.yaml", format!("{base}\nweight_history:\n  - date: yesterday\n    weights: {{control: 1}}\n")),
    ];
    let mut paths = Vec::new();
    for (name, text) in &broken {
        assert_ne!(text, &base, "{name}: the edit must change the file");
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        paths.push(p);
    }
    paths.push(root().join("fixtures/broken/wrong_types.yaml"));
    for (file, verdict) in paths.iter().zip(validate(&paths)) {
        assert!(verdict.starts_with("error"), "{} should be rejected by the schema", file.display());
        // abx refuses them too.
        let (code, _, _) = crate::common::abx(&["validate", file.to_str().unwrap()]);
        assert_eq!(code, 2, "{}", file.display());
    }
}
