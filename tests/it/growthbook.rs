//! GrowthBook interoperability against the SDKs' own cross-SDK conformance
//! suite (fixtures/growthbook/growthbook-cases.json, specVersion 0.8.0, a copy
//! of ../shared/conformance with its NOTICE). Every case of a kind that abx
//! evaluates runs; `SKIPPED` lists the ones that do not apply, with why.

use serde_json::{Map, Value};

use crate::common::root;

fn cases() -> Value {
    let text = std::fs::read_to_string(root().join("fixtures/growthbook/growthbook-cases.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_suite_is_spec_version_0_8_0() {
    assert_eq!(cases()["specVersion"], "0.8.0");
}

#[test]
fn every_eval_condition_case_passes() {
    let all = cases();
    let list = all["evalCondition"].as_array().unwrap();
    assert_eq!(list.len(), 248);
    let mut failed = Vec::new();
    for c in list {
        let (name, condition, attributes, expected) = (&c[0], &c[1], &c[2], c[3].as_bool().unwrap());
        let groups: Map<String, Value> = c.get(4).and_then(Value::as_object).cloned().unwrap_or_default();
        if abx::growthbook::condition::eval(attributes, condition, &groups) != expected {
            failed.push(format!("{name}: {condition} on {attributes} should be {expected}"));
        }
    }
    assert!(failed.is_empty(), "{} of {} cases fail:\n{}", failed.len(), list.len(), failed.join("\n"));
}

/// The JS suite's rounding of ranges and weights: floor at 1e-8.
fn round(x: f64) -> f64 {
    (x * 1e8).floor() / 1e8
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

#[test]
fn hashing_bucket_ranges_namespaces_and_weights_pass() {
    use abx::growthbook::hash;
    let all = cases();
    for c in all["hash"].as_array().unwrap() {
        let got = hash::hash(c[0].as_str().unwrap(), c[1].as_str().unwrap(), c[2].as_u64().unwrap() as u32);
        assert_eq!(got, c[3].as_f64(), "hash {c}");
    }
    for c in all["getBucketRange"].as_array().unwrap() {
        let args = &c[1];
        let weights = args[2].as_array().map(|_| floats(&args[2]));
        let got = hash::bucket_ranges(args[0].as_i64().unwrap(), args[1].as_f64(), weights.as_deref());
        let want: Vec<Vec<f64>> =
            c[2].as_array().unwrap().iter().map(|r| floats(r).into_iter().map(round).collect()).collect();
        let got: Vec<Vec<f64>> = got.iter().map(|r| r.iter().copied().map(round).collect()).collect();
        assert_eq!(got, want, "getBucketRange {}", c[0]);
    }
    for c in all["chooseVariation"].as_array().unwrap() {
        let ranges: Vec<[f64; 2]> = c[2]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let r = floats(r);
                [r[0], r[1]]
            })
            .collect();
        assert_eq!(
            hash::choose_variation(c[1].as_f64().unwrap(), &ranges),
            c[3].as_i64().unwrap(),
            "chooseVariation {}",
            c[0]
        );
    }
    for c in all["inNamespace"].as_array().unwrap() {
        let ns = &c[2];
        let got = hash::in_namespace(
            c[1].as_str().unwrap(),
            ns[0].as_str().unwrap(),
            ns[1].as_f64().unwrap(),
            ns[2].as_f64().unwrap(),
        );
        assert_eq!(got, c[3].as_bool().unwrap(), "inNamespace {}", c[0]);
    }
    for c in all["getEqualWeights"].as_array().unwrap() {
        let got: Vec<f64> = hash::equal_weights(c[0].as_i64().unwrap()).into_iter().map(round).collect();
        let want: Vec<f64> = floats(&c[1]).into_iter().map(round).collect();
        assert_eq!(got, want, "getEqualWeights {}", c[0]);
    }
}

/// The cases that do not apply to batch evaluation, with why: a unit in a
/// batch has no URL (the SDKs' `url` forces variations through the query
/// string and drives URL targeting).
fn skipped(ctx: &Value) -> Option<&'static str> {
    ctx.get("url").map(|_| "needs a URL (query-string overrides, URL targeting): a batch unit has none")
}

fn context(ctx: &Value) -> abx::growthbook::eval::Context {
    let obj = |k: &str| ctx.get(k).and_then(Value::as_object).cloned().unwrap_or_default();
    abx::growthbook::eval::Context {
        features: obj("features"),
        saved_groups: obj("savedGroups"),
        forced_variations: obj("forcedVariations"),
        contextual_bandits: obj("contextualBandits"),
        qa_mode: ctx.get("qaMode").is_some_and(|v| v == &Value::Bool(true)),
        disabled: ctx.get("enabled") == Some(&Value::Bool(false)),
        ..Default::default()
    }
}

/// Deep equality as Jest's toEqual sees JSON: numbers by value, keys in any order.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn every_feature_and_run_case_that_applies_passes() {
    let all = cases();
    let mut failed = Vec::new();
    let (mut ran, mut skips) = (0, Vec::new());
    for kind in ["feature", "contextualBandit"] {
        for c in all[kind].as_array().unwrap() {
            let (name, ctx, key, want) = (&c[0], &c[1], c[2].as_str().unwrap(), &c[3]);
            if let Some(why) = skipped(ctx) {
                skips.push(format!("{kind} {name}: {why}"));
                continue;
            }
            ran += 1;
            let attrs = ctx.get("attributes").cloned().unwrap_or_else(|| serde_json::json!({}));
            let got = Value::Object(
                context(ctx).eval_feature(key, &abx::growthbook::eval::Unit { attributes: &attrs }).unwrap(),
            );
            if !same(&got, want) {
                failed.push(format!("{kind} {name}:\n  got  {got}\n  want {want}"));
            }
        }
    }
    for c in all["run"].as_array().unwrap() {
        let (name, ctx, exp) = (&c[0], &c[1], &c[2]);
        if let Some(why) = skipped(ctx) {
            skips.push(format!("run {name}: {why}"));
            continue;
        }
        ran += 1;
        let attrs = ctx.get("attributes").cloned().unwrap_or_else(|| serde_json::json!({}));
        let r =
            context(ctx).run(exp.as_object().unwrap(), &abx::growthbook::eval::Unit { attributes: &attrs }).unwrap();
        let got = (r["value"].clone(), r["inExperiment"].clone(), r["hashUsed"].clone());
        if !(same(&got.0, &c[3]) && got.1 == c[4] && got.2 == c[5]) {
            failed.push(format!("run {name}: got {got:?}, want ({}, {}, {})", c[3], c[4], c[5]));
        }
    }
    assert!(failed.is_empty(), "{} of {ran} cases fail:\n{}", failed.len(), failed.join("\n"));
    // The skipped cases, in one place: the three that force a variation through a URL.
    assert_eq!(skips.len(), 3, "skipped:\n{}", skips.join("\n"));
    assert_eq!(ran, 160);
}

/// Random payloads and users from a fixed seed, evaluated by GrowthBook's
/// Python SDK: the generator writes them to the directory given, and prints
/// the SDK's results. It keeps to where the Python SDK means what the JS SDK
/// (which abx follows, as the conformance suite does) means:
/// - ids are ASCII: Python hashes code points, JavaScript UTF-16 units;
/// - no `force: null`: Python reads it as no force, JavaScript as forcing null;
/// - conditions compare values of one type: the Python SDK (4.0.0) never
///   matches values of different types, where JavaScript coerces them (a
///   prerequisite `{"value": true}` passes any truthy value in JavaScript,
///   and a missing attribute is 0 to `$lte`), so `age`, `plan` and
///   `version` are always set and prerequisites test `$eq` and `$exists`;
/// - a rollout's coverage is never a hash value: at n = coverage the JS SDK
///   includes the unit (`n <= coverage`), the Python SDK does not.
const PYTHON_SDK: &str = r#"
import json, random, sys, os
from growthbook import GrowthBook
rnd = random.Random(int(sys.argv[2]))
out_dir = sys.argv[1]
COUNTRIES = ["US", "CA", "FR", "DE"]
PLANS = ["free", "pro", "team"]
def value():
    return rnd.choice([True, False, "a", "b", 1, 2.5, 0, "", {"x": 1}, [1, 2]])
def cond(depth=0):
    c = rnd.randrange(14 if depth < 2 else 11)
    if c == 0: return {"country": rnd.choice(COUNTRIES)}
    if c == 1: return {"country": {"$in": rnd.sample(COUNTRIES, 2)}}
    if c == 2: return {"age": {"$gt": rnd.randrange(80)}}
    if c == 3: return {"age": {"$lte": rnd.randrange(80)}}
    if c == 4: return {"plan": {"$ne": rnd.choice(PLANS)}}
    if c == 5: return {"tags": {"$elemMatch": {"$eq": rnd.choice("abc")}}}
    if c == 6: return {"version": {rnd.choice(["$vgte", "$vlt", "$veq"]): rnd.choice(["1.2.0", "1.10.0", "2.0.0-beta"])}}
    if c == 7: return {"email": {"$exists": rnd.random() < 0.5}}
    if c == 8: return {"plan": {"$regex": rnd.choice(["^p", "m$", "e"])}}
    if c == 9: return {"id": {"$inGroup": "g1"}}
    if c == 10: return {"tags": {"$size": rnd.randrange(3)}}
    if c == 11: return {"$or": [cond(depth + 1), cond(depth + 1)]}
    if c == 12: return {"$not": cond(depth + 1)}
    return {"$and": [cond(depth + 1), cond(depth + 1)]}
def weights(k):
    w = [rnd.randrange(1, 10) for _ in range(k)]
    s = sum(w)
    w = [round(x / s, 4) for x in w]
    w[-1] = round(1 - sum(w[:-1]), 4)
    return w
def rule(fid, earlier, i):
    r = {"id": f"r{i}"}
    if rnd.random() < 0.4: r["condition"] = cond()
    if earlier and rnd.random() < 0.2:
        r["parentConditions"] = [{"id": rnd.choice(earlier), "condition": rnd.choice([{"value": {"$eq": True}}, {"value": {"$exists": True}}, {"value": {"$eq": "a"}}]), "gate": rnd.random() < 0.5}]
    if rnd.random() < 0.5:
        r["force"] = rnd.choice([True, False, "a", "b", 1, 7])
        if rnd.random() < 0.5: r["coverage"] = round(rnd.random() * 0.999, 3) + 0.00005
        if rnd.random() < 0.2: r["range"] = sorted([round(rnd.random(), 3), round(rnd.random(), 3)])
    else:
        k = rnd.randrange(2, 5)
        r["key"] = f"{fid}-exp{i}"
        r["variations"] = [value() for _ in range(k)]
        if rnd.random() < 0.6: r["weights"] = weights(k)
        if rnd.random() < 0.5: r["coverage"] = round(rnd.random(), 3)
        if rnd.random() < 0.2: r["namespace"] = ["ns", round(rnd.random() * 0.5, 3), round(0.5 + rnd.random() * 0.5, 3)]
        if rnd.random() < 0.2: r["filters"] = [{"seed": "flt", "ranges": [[0, round(rnd.random(), 3)]], "hashVersion": 2}]
        if rnd.random() < 0.3: r["meta"] = [{"key": f"v{j}", "name": f"V{j}"} for j in range(k)]
        if rnd.random() < 0.2: r["ranges"] = [[round(j / k, 4), round((j + 0.5) / k, 4)] for j in range(k)]
    if rnd.random() < 0.5: r["hashVersion"] = rnd.choice([1, 2])
    if rnd.random() < 0.3: r["seed"] = rnd.choice(["s1", "s2", ""])
    if rnd.random() < 0.2: r["hashAttribute"] = rnd.choice(["company", "id"])
    return r
cases = []
for p in range(int(sys.argv[3])):
    features, earlier = {}, []
    for f in range(rnd.randrange(2, 6)):
        fid = f"f{f}"
        features[fid] = {"defaultValue": value(), "rules": [rule(fid, earlier, i) for i in range(rnd.randrange(0, 4))]}
        earlier.append(fid)
    payload = {"features": features, "savedGroups": {"g1": [f"u{i}" for i in range(0, 200, 7)]}}
    users = []
    for u in range(200):
        a = {"id": f"u{u}"}
        if rnd.random() < 0.8: a["country"] = rnd.choice(COUNTRIES)
        a["age"] = rnd.randrange(90)
        a["plan"] = rnd.choice(PLANS)
        if rnd.random() < 0.5: a["tags"] = rnd.sample("abc", rnd.randrange(3))
        a["version"] = rnd.choice(["1.2.3", "1.10.0", "2.0.0", "2.0.0-beta.1", "v1.2.0"])
        if rnd.random() < 0.3: a["email"] = f"u{u}@x.com"
        if rnd.random() < 0.5: a["company"] = rnd.choice(["c1", "c2", "c3"])
        users.append(a)
    with open(os.path.join(out_dir, f"p{p}.json"), "w") as fh: json.dump(payload, fh)
    with open(os.path.join(out_dir, f"p{p}.jsonl"), "w") as fh:
        for a in users: fh.write(json.dumps(a) + "\n")
    results = []
    for a in users:
        gb = GrowthBook(attributes=a, features=payload["features"], saved_groups=payload["savedGroups"])
        for fid in features:
            results.append(gb.eval_feature(fid).to_dict())
        gb.destroy()
    cases.append(results)
print(json.dumps(cases))
"#;

#[test]
fn the_python_sdk_agrees_on_random_payloads() {
    let dir = tempfile::tempdir().unwrap();
    let n = 40;
    let d = dir.path().to_str().unwrap();
    let theirs: Vec<Vec<Value>> =
        serde_json::from_str(&crate::common::engines::growthbook_python(PYTHON_SDK, &[d, "20261202", &n.to_string()]))
            .unwrap();
    let (mut compared, mut experiments) = (0, 0);
    for (p, want) in theirs.iter().enumerate() {
        let payload = dir.path().join(format!("p{p}.json"));
        let input = dir.path().join(format!("p{p}.jsonl"));
        let (code, out, err) = crate::common::abx_in(
            dir.path(),
            &["growthbook", "features", "--payload", payload.to_str().unwrap(), "--input", input.to_str().unwrap()],
            "",
        );
        assert_eq!(code, 0, "payload {p}: {err}");
        let ours: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(ours.len(), want.len(), "payload {p}: lines");
        for (o, t) in ours.iter().zip(want) {
            let at = format!("payload {p}, unit {}, feature {}", o["unit"], o["feature"]);
            for k in ["value", "on", "off", "source", "ruleId"] {
                assert!(same(&o[k], &t[k]), "{at}: {k} {} vs the Python SDK's {}\n{o}\n{t}", o[k], t[k]);
            }
            assert_eq!(o.get("experimentResult").is_some(), t.get("experimentResult").is_some(), "{at}\n{o}\n{t}");
            if let (Some(a), Some(b)) = (o.get("experimentResult"), t.get("experimentResult")) {
                experiments += 1;
                for k in [
                    "variationId",
                    "inExperiment",
                    "hashUsed",
                    "hashAttribute",
                    "hashValue",
                    "key",
                    "bucket",
                    "value",
                    "featureId",
                    "name",
                ] {
                    assert!(same(&a[k], &b[k]), "{at}: experimentResult.{k} {} vs {}\n{o}\n{t}", a[k], b[k]);
                }
                assert!(same(&o["experiment"]["key"], &t["experiment"]["key"]), "{at}: experiment key");
            }
            compared += 1;
        }
    }
    assert!(compared > 20_000 && experiments > 1_000, "{compared} results, {experiments} from experiments");
}

#[test]
fn every_decrypt_case_passes() {
    let all = cases();
    let list = all["decrypt"].as_array().unwrap();
    assert_eq!(list.len(), 10);
    for c in list {
        let got = abx::growthbook::decrypt::decrypt(c[1].as_str().unwrap(), c[2].as_str().unwrap());
        assert_eq!(got.as_deref(), c[3].as_str(), "decrypt {}", c[0]);
    }
}

#[test]
fn the_command_line_reads_encrypted_payloads_and_refuses_what_it_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    let all = cases();
    let valid = &all["decrypt"][0];
    std::fs::write(w.join("enc.json"), serde_json::json!({"encryptedFeatures": valid[1]}).to_string()).unwrap();
    std::fs::write(w.join("u.jsonl"), "{\"id\": \"a\"}\n\n{\"id\": \"b\"}\n").unwrap();
    let run = |args: &[&str]| crate::common::abx_in(w, args, "");
    let base = ["growthbook", "features", "--payload", "enc.json", "--input", "u.jsonl"];
    let key = valid[2].as_str().unwrap();
    let (code, out, err) = run(&[&base[..], &["--decryption-key", key]].concat());
    assert_eq!(code, 0, "{err}");
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // The blank line is skipped; units are named by their line index from 0.
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["unit"], 2);
    assert_eq!(
        (lines[0]["feature"].as_str(), lines[0]["value"].as_bool(), lines[0]["source"].as_str()),
        (Some("feature"), Some(true), Some("defaultValue"))
    );
    for (args, want) in [
        (vec![], "pass its key with --decryption-key"),
        (vec!["--decryption-key", "Zvwv/+uhpFDznZ6SX39Yjg=="], "does not decrypt"),
        (vec!["--decryption-key", key, "--feature", "nope"], "no such feature"),
    ] {
        let (code, out, err) = run(&[&base[..], &args].concat());
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
    // A line that is not a JSON object names its line.
    std::fs::write(w.join("bad.jsonl"), "{\"id\": \"a\"}\n[1, 2]\n").unwrap();
    let (code, _, err) =
        run(&["growthbook", "features", "--payload", "enc.json", "--decryption-key", key, "--input", "bad.jsonl"]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.jsonl") && err.contains("line 2"), "{err}");
    std::fs::write(w.join("bad2.jsonl"), "{\"id\": \"a\"\n").unwrap();
    let (code, _, err) =
        run(&["growthbook", "features", "--payload", "enc.json", "--decryption-key", key, "--input", "bad2.jsonl"]);
    assert_eq!(code, 2);
    assert!(err.contains("line 1") && err.contains("not valid JSON"), "{err}");
}

#[test]
fn run_forces_variations_and_writes_csv() {
    let root = root();
    let base = [
        "growthbook",
        "run",
        "--experiment",
        "fixtures/growthbook/experiment.json",
        "--input",
        "fixtures/growthbook/users.jsonl",
    ];
    let (code, out, err) =
        crate::common::abx_in(&root, &[&base[..], &["--format", "csv", "--id-attribute", "id"]].concat(), "");
    assert_eq!(code, 0, "{err}");
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows[0], "unit,value,variation,in_experiment");
    assert_eq!(rows.len(), 9);
    // u2 is in FR, which the condition leaves out: the first variation, not in the experiment.
    assert_eq!(rows[2], "u2,control,,false");
    // Each row equals the JSON line of the same unit.
    let (_, json, _) = crate::common::abx_in(&root, &base, "");
    for (csv, line) in rows[1..].iter().zip(json.lines()) {
        let v: Value = serde_json::from_str(line).unwrap();
        let inside = v["inExperiment"].as_bool().unwrap();
        let want = format!(
            "{},{},{},{inside}",
            rows[1..].iter().position(|r| r == csv).map(|i| format!("u{}", i + 1)).unwrap(),
            v["value"].as_str().unwrap(),
            if inside { v["variationId"].to_string() } else { String::new() }
        );
        assert_eq!(*csv, want);
    }
    // --forced-variations and --qa-mode, as the SDKs' forcedVariations and qaMode.
    let dir = tempfile::tempdir().unwrap();
    let forced = dir.path().join("forced.json");
    std::fs::write(&forced, r#"{"pricing-page": 2}"#).unwrap();
    let (code, out, err) =
        crate::common::abx_in(&root, &[&base[..], &["--forced-variations", forced.to_str().unwrap()]].concat(), "");
    assert_eq!(code, 0, "{err}");
    for line in out.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!((v["variationId"].as_i64(), v["hashUsed"].as_bool()), (Some(2), Some(false)), "{line}");
    }
    let (code, out, _) = crate::common::abx_in(&root, &[&base[..], &["--qa-mode"]].concat(), "");
    assert_eq!(code, 0);
    assert!(out.lines().all(|l| l.contains("\"inExperiment\":false")), "{out}");
}

#[test]
fn a_hash_version_written_as_text_hashes_nobody_as_in_the_js_sdk() {
    // hash(seed, value, "2"): `version === 2` fails, so there is no hash and the rollout takes nobody.
    let ctx = abx::growthbook::eval::Context::from_payload(
        &serde_json::json!({"features": {"f": {"defaultValue": 0, "rules": [
            {"force": 1, "coverage": 1, "hashVersion": "2"},
            {"force": 2, "coverage": 1, "hashVersion": 2}
        ]}}}),
        None,
    )
    .unwrap();
    let attrs = serde_json::json!({"id": "u1"});
    let r = ctx.eval_feature("f", &abx::growthbook::eval::Unit { attributes: &attrs }).unwrap();
    assert_eq!(r["value"], 2);
}
