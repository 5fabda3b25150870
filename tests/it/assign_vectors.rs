//! Frozen assignment vectors: a future version of abx must never move a unit.
//!
//! `fixtures/assign_vectors.json` was computed by a second route (the SHA-256
//! in tests/it/common/sha256.rs, written from FIPS 180-4, and the contract's
//! range rule written out below), then frozen. Each case is checked three
//! ways: the second route, the library, and the `abx` binary.
//! Regenerate only on purpose: `ABX_WRITE_VECTORS=1 cargo test --test it assign_vectors`.

use crate::common;

use std::collections::BTreeMap;

use assert_cmd::Command;
use serde_json::{json, Value};

const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

/// The cases' inputs: (unit, salt, weights, allocation).
fn inputs() -> Vec<(String, &'static str, Vec<f64>, f64)> {
    let long = "x".repeat(100);
    let units: Vec<String> = vec![
        "user_0",
        "user_1",
        "user_42",
        "user_4999999",
        "0",
        "-1",
        "alice@example.com",
        "ünïcødé-ユーザー",
        "emoji 😀 id",
        "with,comma",
        "say \"hi\"",
        "  padded  ",
        &long,
        "550e8400-e29b-41d4-a716-446655440000",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let designs: [(&str, Vec<f64>, f64); 8] = [
        ("exp", vec![1.0, 1.0], 1.0),
        ("followup_timing", vec![1.0, 1.0], 1.0),
        ("prompt_engineering_test", vec![1.0, 1.0, 1.0, 1.0], 1.0),
        ("backtest_window", vec![1.0, 2.0, 7.0], 1.0),
        ("llm_version_rollout", vec![1.0, 1.0], 0.1),
        ("split.v2", vec![0.3, 0.7], 0.5),
        ("tiny", vec![5.0, 95.0], 0.999),
        ("closed", vec![1.0, 1.0], 0.0),
    ];
    let mut out = Vec::new();
    for (d, (salt, weights, allocation)) in designs.iter().enumerate() {
        // Each design sees a different handful of units, 40+ cases in all.
        for (k, unit) in units.iter().enumerate() {
            if (k + d) % 3 == 0 || d < 2 {
                out.push((unit.clone(), *salt, weights.clone(), *allocation));
            }
        }
    }
    out
}

/// The contract's rule: variant i covers [s_i, s_i + allocation * w_i).
fn contract_variant(x: f64, weights: &[f64], allocation: f64) -> Option<usize> {
    let total: f64 = weights.iter().sum();
    let mut s = 0.0;
    for (i, w) in weights.iter().enumerate() {
        let w = w / total;
        if s <= x && x < s + allocation * w {
            return Some(i);
        }
        s += w;
    }
    None
}

fn second_route(unit: &str, salt: &str) -> (u64, f64) {
    let d = common::sha256::digest(format!("{unit}:{salt}").as_bytes());
    let prefix = u64::from_be_bytes(d[..8].try_into().unwrap());
    (prefix, prefix as f64 / TWO_POW_64)
}

fn load() -> Vec<Value> {
    let path = common::fixture("assign_vectors.json");
    if std::env::var_os("ABX_WRITE_VECTORS").is_some() {
        let cases: Vec<Value> = inputs()
            .into_iter()
            .map(|(unit, salt, weights, allocation)| {
                let (prefix, x) = second_route(&unit, salt);
                let v = contract_variant(x, &weights, allocation);
                json!({"unit": unit, "salt": salt, "weights": weights, "allocation": allocation,
                       "prefix_hex": format!("{prefix:016x}"), "x": x,
                       "variant": v.map(|i| format!("v{i}"))})
            })
            .collect();
        std::fs::write(&path, serde_json::to_string_pretty(&cases).unwrap() + "\n").unwrap();
    }
    let text = std::fs::read_to_string(&path).expect("fixtures/assign_vectors.json is missing");
    serde_json::from_str(&text).unwrap()
}

fn weights_of(c: &Value) -> Vec<f64> {
    c["weights"].as_array().unwrap().iter().map(|w| w.as_f64().unwrap()).collect()
}

#[test]
fn vectors_cover_enough_cases() {
    let cases = load();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let exposed = cases.iter().filter(|c| !c["variant"].is_null()).count();
    assert!(exposed >= 20 && exposed < cases.len(), "both exposed and unexposed units are covered");
}

#[test]
fn frozen_vectors_match_the_second_route() {
    for c in load() {
        let (unit, salt) = (c["unit"].as_str().unwrap(), c["salt"].as_str().unwrap());
        let (prefix, x) = second_route(unit, salt);
        assert_eq!(format!("{prefix:016x}"), c["prefix_hex"].as_str().unwrap(), "{unit}:{salt}");
        assert_eq!(x.to_bits(), c["x"].as_f64().unwrap().to_bits(), "{unit}:{salt}");
        let v = contract_variant(x, &weights_of(&c), c["allocation"].as_f64().unwrap());
        assert_eq!(v.map(|i| format!("v{i}")), c["variant"].as_str().map(String::from), "{unit}:{salt}");
    }
}

#[test]
fn library_matches_frozen_vectors() {
    for c in load() {
        let (unit, salt) = (c["unit"].as_str().unwrap(), c["salt"].as_str().unwrap());
        let yaml = common::experiment_yaml("vec", salt, &weights_of(&c), c["allocation"].as_f64().unwrap());
        let exp = abx::experiment::parse_str("vec.yaml", &yaml).unwrap();
        let b = abx::assign::Bucketer::new(&exp);
        let (v, x) = b.assign(unit.as_bytes());
        assert_eq!(x.to_bits(), c["x"].as_f64().unwrap().to_bits(), "{unit}:{salt}");
        assert_eq!(v.map(|i| exp.variants[i].name.clone()), c["variant"].as_str().map(String::from), "{unit}:{salt}");
        assert_eq!(
            format!("{:016x}", abx::assign::hash_prefix(unit.as_bytes(), salt.as_bytes())),
            c["prefix_hex"].as_str().unwrap()
        );
    }
}

#[test]
fn binary_matches_frozen_vectors() {
    let mut designs: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for c in load() {
        let key = format!("{}|{}|{}", c["salt"], c["weights"], c["allocation"]);
        designs.entry(key).or_default().push(c);
    }
    let dir = tempfile::tempdir().unwrap();
    for (k, cases) in designs.values().enumerate() {
        let c0 = &cases[0];
        let path = dir.path().join(format!("d{k}.yaml"));
        let yaml = common::experiment_yaml(
            &format!("d{k}"),
            c0["salt"].as_str().unwrap(),
            &weights_of(c0),
            c0["allocation"].as_f64().unwrap(),
        );
        std::fs::write(&path, yaml).unwrap();
        let mut cmd = Command::cargo_bin("abx").unwrap();
        cmd.args(["assign", "-e"]).arg(&path).args(["--format", "jsonl"]);
        for c in cases {
            cmd.args(["--id", c["unit"].as_str().unwrap()]);
        }
        let out = cmd.assert().success().get_output().stdout.clone();
        let rows: Vec<Value> =
            String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(rows.len(), cases.len());
        for (row, c) in rows.iter().zip(cases) {
            assert_eq!(row["unit"], c["unit"]);
            assert_eq!(row["variant"], c["variant"], "{}", c["unit"]);
            let bucket = (c["x"].as_f64().unwrap() * 10000.0).floor() as u64;
            assert_eq!(row["bucket"].as_u64().unwrap(), bucket);
        }
    }
}
