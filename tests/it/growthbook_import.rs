//! `abx growthbook import` and `hashing: growthbook`: for random GrowthBook
//! experiments (inline, and as a feature's experiment rule after force
//! rules), `abx assign` on the imported file gives every unit the variation
//! that `abx growthbook run|features` (the SDKs' evaluation, checked against
//! the conformance suite and the Python SDK) gives it; analyze reads the
//! SDK's assignment; what a file cannot hold is refused.

use std::path::Path;

use serde_json::{json, Value};

use crate::common::{abx_in, root};

/// xorshift64*: a fixed-seed generator, so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const COUNTRIES: &[&str] = &["US", "FR", "CA", "DE"];

fn condition(r: &mut Rng, hash_attribute: &str) -> Value {
    let one = |r: &mut Rng| -> Value {
        match r.below(8) {
            0 => json!({"country": {"$in": [r.pick(COUNTRIES), r.pick(COUNTRIES)]}}),
            1 => json!({"country": {"$ne": r.pick(COUNTRIES)}}),
            2 => json!({"age": {"$gte": r.below(60) + 10}}),
            3 => json!({"beta": r.chance(0.5)}),
            4 => json!({"country": {"$exists": r.chance(0.5)}}),
            5 => json!({hash_attribute: {"$inGroup": "testers"}}),
            6 => json!({hash_attribute: {"$notInGroup": "testers"}}),
            _ => json!({"age": {"$lt": r.below(60) + 10}, "country": r.pick(COUNTRIES)}),
        }
    };
    match r.below(4) {
        0 => json!({"$or": [one(r), one(r)]}),
        1 => json!({"$not": one(r)}),
        _ => one(r),
    }
}

fn ranges(r: &mut Rng, n: usize) -> Vec<Value> {
    let step = 1.0 / n as f64;
    (0..n)
        .map(|i| {
            let a = i as f64 * step + r.unit() * step * 0.3;
            let b = (i + 1) as f64 * step - r.unit() * step * 0.3;
            json!([a, b])
        })
        .collect()
}

/// A random experiment, as a payload's experiment rule holds it (`id` and
/// an optional `key`) and as `run` reads it (`key` always).
fn experiment(r: &mut Rng, i: usize, hash_attribute: &str) -> serde_json::Map<String, Value> {
    let mut e = serde_json::Map::new();
    let n = 2 + r.below(3) as usize;
    e.insert("key".into(), json!(*r.pick(&["exp-a", "my test", "pr\u{e9}x", "k.1"])));
    e.insert("variations".into(), json!((0..n).map(|v| json!(format!("value-{v}"))).collect::<Vec<_>>()));
    if hash_attribute != "id" {
        e.insert("hashAttribute".into(), json!(hash_attribute));
    }
    if r.chance(0.6) {
        e.insert("hashVersion".into(), json!(1 + r.below(2)));
    }
    if r.chance(0.5) {
        e.insert("seed".into(), json!(format!("seed-{i}")));
    }
    if r.chance(0.3) {
        e.insert("ranges".into(), Value::Array(ranges(r, n)));
    } else {
        if r.chance(0.6) {
            e.insert("coverage".into(), json!(0.2 + 0.8 * r.unit()));
        }
        match r.below(3) {
            0 => {
                let raw: Vec<f64> = (0..n).map(|_| 0.2 + r.unit()).collect();
                let total: f64 = raw.iter().sum();
                e.insert("weights".into(), json!(raw.iter().map(|w| w / total).collect::<Vec<_>>()));
            }
            1 => {
                e.insert("weights".into(), json!(vec![0.9; n])); // not summing to 1: equal weights
            }
            _ => {}
        }
    }
    match r.below(4) {
        0 => {
            let a = r.unit() * 0.5;
            e.insert("namespace".into(), json!(["ns", a, a + 0.2 + r.unit() * 0.3]));
        }
        1 => {
            let a = r.unit() * 0.5;
            let mut f = json!({"seed": format!("f{i}"), "ranges": [[0, a], [a + 0.1, 1]]});
            if r.chance(0.5) {
                f["hashVersion"] = json!(1);
            }
            if hash_attribute != "id" {
                f["attribute"] = json!(hash_attribute);
            }
            e.insert("filters".into(), json!([f]));
            if r.chance(0.5) {
                e.insert("namespace".into(), json!(["ignored", 0, 0.1])); // the SDKs ignore it
            }
        }
        _ => {}
    }
    if r.chance(0.7) {
        e.insert("condition".into(), condition(r, hash_attribute));
    }
    if r.chance(0.5) {
        let names = ["control", "treatment", "other", "fourth"];
        e.insert(
            "meta".into(),
            json!((0..n).map(|v| json!({"key": names[v], "name": format!("Variation {v}")})).collect::<Vec<_>>()),
        );
    }
    if r.chance(0.05) {
        e.insert("status".into(), json!("stopped"));
    }
    e
}

/// Users with the attributes the conditions read, as JSON lines and as the
/// CSV `abx assign --input` reads (an empty cell: no such attribute).
fn users(r: &mut Rng, dir: &Path, hash_attribute: &str) {
    let mut jsonl = String::new();
    let mut csv = format!("{hash_attribute},country,age,beta\n");
    for k in 0..600 {
        let id = match r.below(20) {
            0 => format!("\u{fc}ser-{k}"),
            1 => format!("\u{1F600}{k}"),
            _ => format!("u{}", r.below(1_000_000)),
        };
        let mut u = serde_json::Map::new();
        u.insert(hash_attribute.into(), json!(id));
        let country = r.chance(0.85).then(|| *r.pick(COUNTRIES));
        let age = r.chance(0.85).then(|| r.below(80));
        let beta = r.chance(0.85).then(|| r.chance(0.5));
        if let Some(c) = country {
            u.insert("country".into(), json!(c));
        }
        if let Some(a) = age {
            u.insert("age".into(), json!(a));
        }
        if let Some(b) = beta {
            u.insert("beta".into(), json!(b));
        }
        jsonl.push_str(&Value::Object(u).to_string());
        jsonl.push('\n');
        let cell = |o: Option<String>| o.unwrap_or_default();
        csv.push_str(&format!(
            "{id},{},{},{}\n",
            cell(country.map(str::to_string)),
            cell(age.map(|a| a.to_string())),
            cell(beta.map(|b| b.to_string()))
        ));
    }
    std::fs::write(dir.join("users.jsonl"), jsonl).unwrap();
    std::fs::write(dir.join("users.csv"), csv).unwrap();
}

fn run(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = abx_in(dir, args, "");
    assert_eq!(code, 0, "abx {}: {err}", args.join(" "));
    out
}

/// `abx assign` of the imported file: each unit's variant ("" outside).
fn assigned(dir: &Path, file: &str, hash_attribute: &str) -> Vec<String> {
    let out = run(dir, &["assign", "-e", file, "--input", "users.csv", "--id-column", hash_attribute]);
    out.lines().skip(1).map(|l| l.rsplit_once(',').unwrap().1.to_string()).collect()
}

#[test]
fn assign_on_an_imported_experiment_gives_every_unit_the_sdks_variation() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let mut entered = 0;
    for i in 0..24 {
        let hash_attribute = if r.chance(0.2) { "uid" } else { "id" };
        users(&mut r, d, hash_attribute);
        let members: Vec<String> = std::fs::read_to_string(d.join("users.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .step_by(3)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect();
        let exp = experiment(&mut r, i, hash_attribute);
        let payload = json!({"features": {}, "savedGroups": {"testers": members}});
        std::fs::write(d.join("payload.json"), payload.to_string()).unwrap();
        std::fs::write(d.join("exp.json"), Value::Object(exp.clone()).to_string()).unwrap();

        // Inline: import --experiment, then assign vs run.
        let (code, yaml, err) =
            abx_in(d, &["growthbook", "import", "--experiment", "exp.json", "--payload", "payload.json"], "");
        assert_eq!(code, 0, "import {exp:?}: {err}");
        std::fs::write(d.join("e.yaml"), &yaml).unwrap();
        let ours = assigned(d, "e.yaml", hash_attribute);
        let sdk = run(
            d,
            &["growthbook", "run", "--experiment", "exp.json", "--payload", "payload.json", "--input", "users.jsonl"],
        );
        let theirs: Vec<String> = sdk
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                if v["inExperiment"] == json!(true) {
                    v["key"].as_str().unwrap().to_string()
                } else {
                    String::new()
                }
            })
            .collect();
        assert_eq!(ours.len(), theirs.len());
        let differ: Vec<usize> = (0..ours.len()).filter(|&k| ours[k] != theirs[k]).collect();
        assert!(
            differ.is_empty(),
            "experiment {exp:?}\n{yaml}\n{} units differ, e.g. line {}: abx {:?}, SDK {:?}",
            differ.len(),
            differ[0] + 1,
            ours[differ[0]],
            theirs[differ[0]]
        );
        entered += theirs.iter().filter(|v| !v.is_empty()).count();

        // As a feature's experiment rule, after force rules with conditions.
        let mut rule = exp.clone();
        let key = rule.remove("key").unwrap();
        rule.insert("id".into(), json!("fr_exp"));
        if r.chance(0.7) {
            rule.insert("key".into(), key);
        }
        let mut rules = Vec::new();
        for f in 0..r.below(3) {
            rules.push(
                json!({"id": format!("force{f}"), "condition": condition(&mut r, hash_attribute), "force": "forced"}),
            );
        }
        rules.push(Value::Object(rule));
        let payload = json!({"features": {"feat": {"defaultValue": "default", "rules": rules}}, "savedGroups": payload["savedGroups"]});
        std::fs::write(d.join("payload.json"), payload.to_string()).unwrap();
        let (code, yaml, err) =
            abx_in(d, &["growthbook", "import", "--payload", "payload.json", "--feature", "feat"], "");
        assert_eq!(code, 0, "import {payload}: {err}");
        std::fs::write(d.join("f.yaml"), &yaml).unwrap();
        let ours = assigned(d, "f.yaml", hash_attribute);
        let sdk = run(d, &["growthbook", "features", "--payload", "payload.json", "--input", "users.jsonl"]);
        let theirs: Vec<String> = sdk
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                if v["source"] == json!("experiment") {
                    v["experimentResult"]["key"].as_str().unwrap().to_string()
                } else {
                    String::new()
                }
            })
            .collect();
        let differ: Vec<usize> = (0..ours.len()).filter(|&k| ours[k] != theirs[k]).collect();
        assert!(
            differ.is_empty(),
            "payload {payload}\n{yaml}\n{} units differ, e.g. line {}: abx {:?}, SDK {:?}",
            differ.len(),
            differ[0] + 1,
            ours[differ[0]],
            theirs[differ[0]]
        );
    }
    // The cases are not vacuous: many units are in the experiments.
    assert!(entered > 24 * 600 / 5, "only {entered} units entered");
}

#[test]
fn import_refuses_what_a_file_cannot_hold_and_names_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let exp = json!({"key": "e", "variations": [0, 1]});
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"features": {"f": {"rules": [{"id": "r", "force": 1, "coverage": 0.5}, {"id": "x", "variations": [0, 1]}]}}}),
            "is a rollout",
        ),
        (json!({"features": {"f": {"rules": [{"force": 1}, {"id": "x", "variations": [0, 1]}]}}}), "serves every unit"),
        (
            json!({"features": {"f": {"rules": [{"id": "a", "variations": [0, 1]}, {"id": "x", "variations": [0, 1]}]}}}),
            "pick one with --rule",
        ),
        (
            json!({"features": {"f": {"rules": [{"id": "x", "variations": [0, 1], "parentConditions": [{"id": "g", "condition": {"value": true}}]}]}}}),
            "prerequisites",
        ),
        (json!({"features": {"f": {"rules": [{"id": "x", "variations": [0, 1], "weights": [1, 0]}]}}}), "weight 0"),
        (json!({"features": {"f": {"rules": [{"id": "x", "variations": [0, 1], "coverage": 0}]}}}), "coverage 0"),
        (
            json!({"features": {"f": {"rules": [{"id": "x", "variations": [0, 1], "filters": [{"attribute": "device", "seed": "s", "ranges": [[0, 1]]}]}]}}}),
            "abx hashes the unit only",
        ),
        (json!({"features": {"f": {"rules": [{"force": 1, "condition": {"a": 1}}]}}}), "no experiment rule"),
        (json!({"features": {"g": {}}}), "no feature `f`"),
    ];
    for (payload, why) in cases {
        std::fs::write(d.join("p.json"), payload.to_string()).unwrap();
        let (code, out, err) = abx_in(d, &["growthbook", "import", "--payload", "p.json", "--feature", "f"], "");
        assert_eq!((code, out.as_str()), (2, ""), "{payload}: {err}");
        assert!(err.contains("p.json") && err.contains(why), "{payload}: {err}");
    }
    for (extra, why) in [
        (json!({"force": 1}), "forces one variation"),
        (json!({"urlPatterns": [{"include": true, "pattern": "/"}]}), "targets URLs"),
        (json!({"ranges": [[0, 0.6], [0.5, 1]]}), "overlapping ranges"),
        (json!({"hashVersion": 3}), "hashVersion"),
        (json!({"variations": [0]}), "fewer than 2"),
        (json!({"force": null}), "forces one variation"),
        (json!({"condition": {"id": {"$in": [1, 2]}}}), "abx's units are text"),
    ] {
        let mut e = exp.clone();
        e.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        std::fs::write(d.join("e.json"), e.to_string()).unwrap();
        let (code, out, err) = abx_in(d, &["growthbook", "import", "--experiment", "e.json"], "");
        assert_eq!((code, out.as_str()), (2, ""), "{e}: {err}");
        assert!(err.contains("e.json") && err.contains(why), "{e}: {err}");
    }
    // --rule picks by id or by the experiment's key.
    let two = json!({"features": {"f": {"rules": [
        {"id": "a", "key": "first", "variations": [0, 1]}, {"id": "b", "key": "second", "variations": [0, 1]}
    ]}}});
    std::fs::write(d.join("p.json"), two.to_string()).unwrap();
    let out = run(d, &["growthbook", "import", "--payload", "p.json", "--feature", "f", "--rule", "first"]);
    assert!(out.contains("\nname: first\n"), "{out}");
    let out = run(d, &["growthbook", "import", "--payload", "p.json", "--feature", "f", "--rule", "a"]);
    assert!(out.contains("\nname: first\n"), "{out}");
    // The second: the units the first takes never reach it.
    let (code, _, err) =
        abx_in(d, &["growthbook", "import", "--payload", "p.json", "--feature", "f", "--rule", "second"], "");
    assert_eq!(code, 2);
    assert!(err.contains("is an experiment too"), "{err}");
}

#[test]
fn import_writes_a_file_once_and_analyze_reads_the_sdks_assignment() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fixture = root().join("fixtures/growthbook/payload.json");
    std::fs::copy(&fixture, d.join("payload.json")).unwrap();
    let args =
        ["growthbook", "import", "--payload", "payload.json", "--feature", "checkout-flow", "-o", "checkout.yaml"];
    let (code, out, err) = abx_in(d, &args, "");
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(err.contains("wrote checkout.yaml") && err.contains("$nor"), "{err}");
    let text = std::fs::read_to_string(d.join("checkout.yaml")).unwrap();
    // An existing file is kept unless --force.
    let (code, _, err) = abx_in(d, &args, "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("checkout.yaml"), "{err}");
    let yaml = format!("{text}metrics:\n  - {{name: converted, kind: proportion}}\n");
    std::fs::write(d.join("checkout.yaml"), &yaml).unwrap();
    let (code, _, err) = abx_in(d, &[&args[..], &["--force"]].concat(), "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(d.join("checkout.yaml")).unwrap(), text);
    std::fs::write(d.join("checkout.yaml"), &yaml).unwrap();

    // Outcomes of units the SDK assigned: analyze with --bucketing checks the
    // hashing agrees with the variant column, and reads it.
    let mut users = String::new();
    let mut csv = String::from("unit,country,email\n");
    for k in 0..4000 {
        let country = ["US", "CA", "FR"][k % 3];
        let email = if k % 10 == 0 { "x@example.com" } else { "y@mail.org" };
        users.push_str(&json!({"id": format!("user{k}"), "country": country, "email": email}).to_string());
        users.push('\n');
        csv.push_str(&format!("user{k},{country},{email}\n"));
    }
    std::fs::write(d.join("users.jsonl"), users).unwrap();
    std::fs::write(d.join("users.csv"), csv).unwrap();
    let sdk = run(
        d,
        &[
            "growthbook",
            "features",
            "--payload",
            "payload.json",
            "--feature",
            "checkout-flow",
            "--input",
            "users.jsonl",
            "--id-attribute",
            "id",
        ],
    );
    let mut outcomes = String::from("unit,variant,converted,country,email\n");
    let mut n = 0;
    for (k, line) in sdk.lines().enumerate() {
        let v: Value = serde_json::from_str(line).unwrap();
        if v["source"] == "experiment" {
            let key = v["experimentResult"]["key"].as_str().unwrap();
            let converted = u8::from(k % 7 < 2 + usize::from(key == "one-page"));
            let (country, email) =
                (["US", "CA", "FR"][k % 3], if k % 10 == 0 { "x@example.com" } else { "y@mail.org" });
            outcomes.push_str(&format!("{},{key},{converted},{country},{email}\n", v["unit"].as_str().unwrap()));
            n += 1;
        }
    }
    assert!(n > 1000, "{n}");
    std::fs::write(d.join("outcomes.csv"), &outcomes).unwrap();
    let ours = assigned(d, "checkout.yaml", "unit");
    let theirs: Vec<String> = sdk
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["experimentResult"]["key"].as_str().filter(|_| v["source"] == "experiment").unwrap_or("").to_string()
        })
        .collect();
    assert_eq!(ours, theirs);
    let analyze = |data: &str, bucketing: bool| {
        let mut args =
            vec!["analyze", "-e", "checkout.yaml", "--data", data, "--unit-column", "unit", "--format", "json"];
        if bucketing {
            args.push("--bucketing");
        }
        let (code, out, err) = abx_in(d, &args, "");
        assert_eq!(code, 0, "{err}");
        assert!(!err.contains("warning"), "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        (v["srm"].clone(), v["metrics"].clone())
    };
    // The variant column (the SDK's) and abx's own bucketing of the units
    // read the same analysis.
    let by_sdk = analyze("outcomes.csv", false);
    assert_eq!(by_sdk.0["observed"].as_array().map(Vec::len), Some(2), "{by_sdk:?}");
    assert_eq!(analyze("outcomes.csv", true), by_sdk);
    // A unit the SDK keeps out (user0's email is served by the force rule),
    // written in as if it were in: --bucketing leaves it out, as the SDK does.
    std::fs::write(d.join("bad.csv"), format!("{outcomes}user0,control,1,US,x@example.com\n")).unwrap();
    assert_ne!(analyze("bad.csv", false), by_sdk);
    assert_eq!(analyze("bad.csv", true), by_sdk);
}

#[test]
fn sql_refuses_growthbook_hashing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let yaml = run(
        d,
        &["growthbook", "import", "--experiment", root().join("fixtures/growthbook/experiment.json").to_str().unwrap()],
    );
    std::fs::write(d.join("e.yaml"), yaml).unwrap();
    let (code, _, err) = abx_in(d, &["sql", "assign", "-e", "e.yaml", "--engine", "duckdb", "--from", "units"], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("growthbook"), "{err}");
}

#[test]
fn validate_names_each_wrong_hashing_field_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cases: &[(&str, &str)] = &[
        ("hashing: {scheme: growthbook, version: 3}\n", "1:40: error: `hashing.version` must be 1 or 2"),
        ("hashing: sha1\n", "1:10: error:"),
        ("hashing: {version: 2}\n", "missing required field `scheme`"),
        ("hashing: {scheme: abx, seed: s}\n", "`hashing.seed` is GrowthBook's"),
        (
            "hashing:\n  scheme: growthbook\n  attributes: {country: text}\n",
            "3:25: error: `hashing.attributes.country` must be one of string, number, boolean, json",
        ),
        (
            "hashing:\n  scheme: growthbook\n  condition: {\"country\": {\"$inn\": [\"US\"]}}\n  attributes: {country: string}\n",
            "3:27: error: `$inn` is not an operator of GrowthBook's conditions",
        ),
        (
            "hashing:\n  scheme: growthbook\n  condition: {\"plan\": \"pro\"}\n",
            "3:15: error: the condition reads attribute `plan`, which `hashing.attributes` does not declare",
        ),
        (
            "hashing:\n  scheme: growthbook\n  condition: {\"id\": {\"$inGroup\": \"beta\"}}\n",
            "3:22: error: `$inGroup` needs the payload's saved groups",
        ),
        (
            "hashing:\n  scheme: growthbook\n  namespace: {name: n, range: [0, 0.5]}\n  filters: [{seed: s, ranges: [[0, 1]]}]\n",
            "3:3: error: give `namespace` or `filters`, not both",
        ),
        ("hashing:\n  scheme: growthbook\n  ranges: [[0, 0.5]]\n", "3:3: error: `hashing.ranges` has 1 ranges for 2 variants"),
        ("hashing: growthbook\nsalt: a\nhashing_seed: b\n", "unknown field `hashing_seed`"),
        ("hashing: {scheme: growthbook, seed: b}\nsalt: a\n", "salt"),
        ("hashing: growthbook\ntargeting: [{attribute: c, op: eq, value: x}]\n", "`targeting` cannot be combined with `hashing: growthbook`"),
        ("hashing: growthbook\nlayer: {name: l, range: [0, 0.5]}\n", "`layer` cannot be combined with `hashing: growthbook`"),
    ];
    for (i, (hashing, want)) in cases.iter().enumerate() {
        let file = format!("e{i}.yaml");
        let weights = if hashing.contains("growthbook") { "0.5" } else { "1" };
        let text = format!(
            "{hashing}name: e\nvariants:\n  - {{name: a, weight: {weights}}}\n  - {{name: b, weight: {weights}}}\n"
        );
        std::fs::write(d.join(&file), &text).unwrap();
        let (code, _, err) = abx_in(d, &["validate", &file], "");
        assert_eq!(code, 2, "{text}\n{err}");
        assert!(err.contains(&format!("{file}:{want}")) || err.contains(want), "{text}\nwant {want}\n{err}");
    }
    // Weights must be GrowthBook's: summing to 1, or the widths of the ranges.
    let text = "name: e\nhashing: growthbook\nvariants:\n  - {name: a, weight: 2}\n  - {name: b, weight: 1}\n";
    std::fs::write(d.join("w.yaml"), text).unwrap();
    let (code, _, err) = abx_in(d, &["validate", "w.yaml"], "");
    assert_eq!(code, 2);
    assert!(err.contains("GrowthBook splits units equally unless the weights sum to 1"), "{err}");
}
