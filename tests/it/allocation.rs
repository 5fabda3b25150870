//! Layers, holdouts and feature gates (the contract's "Layers, holdouts,
//! gates"), checked against the bucketing written again here from the
//! contract, with the tests' own SHA-256 (common/sha256.rs), never abx's code.

use crate::common::{self, abx_in};

const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;
const HERO: &str = "fixtures/allocation/home_hero.yaml";
const COPY: &str = "fixtures/allocation/home_copy.yaml";
const GATE: &str = "fixtures/allocation/new_checkout.yaml";

/// The contract's point: SHA-256 of `{unit}:{salt}`, first 8 bytes big-endian, / 2^64.
fn x(unit: &str, salt: &str) -> f64 {
    let d = common::sha256::digest(format!("{unit}:{salt}").as_bytes());
    u64::from_be_bytes(d[..8].try_into().unwrap()) as f64 / TWO_POW_64
}

/// Variant i covers [s_i, s_i + w_i) with weights normalised (allocation 1).
fn split(x: f64, weights: &[f64]) -> Option<usize> {
    let total: f64 = weights.iter().sum();
    let mut s = 0.0;
    for (i, w) in weights.iter().enumerate() {
        let w = w / total;
        if s <= x && x < s + w {
            return Some(i);
        }
        s += w;
    }
    None
}

/// What the contract gives a unit in the three fixtures: hero, copy, gate.
fn expected(unit: &str) -> [String; 3] {
    let held = x(unit, "holdout/global") < 0.1;
    let layer = x(unit, "layer/homepage");
    let arm = |names: &[&str], weights: &[f64], salt: &str, range: (f64, f64)| {
        if held || !(range.0 <= layer && layer < range.1) {
            return String::new();
        }
        split(x(unit, salt), weights).map_or(String::new(), |i| names[i].to_string())
    };
    let hero = arm(&["control", "big_image"], &[1.0, 1.0], "home_hero", (0.0, 0.5));
    let copy = arm(&["control", "short", "friendly"], &[1.0, 1.0, 2.0], "home_copy", (0.5, 1.0));
    let gate = if held {
        String::new()
    } else if x(unit, "new_checkout") < 0.2 {
        "on".into()
    } else {
        "off".into()
    };
    [hero, copy, gate]
}

#[test]
fn layers_holdouts_and_gates_assign_as_the_contract_says() {
    let root = common::root();
    let ids: String = (0..20_000).map(|i| format!("user_{i}\n")).collect();
    let (code, out, err) = abx_in(&root, &["assign", "-e", HERO, "-e", COPY, "-e", GATE], &ids);
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("unit,home_hero,home_copy,new_checkout"));
    let (mut held, mut both, mut on, mut hero, mut copy) = (0, 0, 0, 0, 0);
    for (i, line) in lines.enumerate() {
        let unit = format!("user_{i}");
        let got: Vec<&str> = line.split(',').collect();
        let want = expected(&unit);
        assert_eq!(got, [unit.as_str(), &want[0], &want[1], &want[2]], "{unit}");
        held += usize::from(want[2].is_empty());
        both += usize::from(!want[0].is_empty() && !want[1].is_empty());
        on += usize::from(want[2] == "on");
        hero += usize::from(!want[0].is_empty());
        copy += usize::from(!want[1].is_empty());
    }
    // No unit in both experiments of the layer; the shares within sampling error (4 sd).
    assert_eq!(both, 0);
    let near = |n: usize, p: f64| (n as f64 - 20_000.0 * p).abs() < 4.0 * (20_000.0 * p * (1.0 - p)).sqrt();
    assert!(near(held, 0.1), "held out {held}");
    assert!(near(on, 0.9 * 0.2), "on {on}");
    assert!(near(hero, 0.9 * 0.5) && near(copy, 0.9 * 0.5), "{hero} {copy}");
}

/// user_0..user_39 in home_hero (c control, b big_image), home_copy (c, s
/// short, f friendly) and new_checkout (1 on, 0 off); `-` no variant.
/// Derived once from the contract with Python's hashlib, not with abx.
const FROZEN: &str = "c-0 c-1 --- -s0 b-0 -f0 -s0 b-0 -f0 --- b-0 -f0 -f1 -c0 c-0 -s0 c-0 b-0 -s0 c-0 -c0 --- -f0 -s0 -f0 b-0 -s1 c-0 -s0 b-0 -f1 -f1 c-0 c-0 -f0 b-0 -f0 c-0 -c0 c-1";

#[test]
fn frozen_vector_of_a_layer_a_holdout_and_a_gate() {
    let ids: String = (0..40).map(|i| format!("user_{i}\n")).collect();
    let (code, out, err) = abx_in(&common::root(), &["assign", "-e", HERO, "-e", COPY, "-e", GATE], &ids);
    assert_eq!(code, 0, "{err}");
    let letter = |v: &str| match v {
        "" => '-',
        "control" => 'c',
        "on" => '1',
        "off" => '0',
        other => other.chars().next().unwrap(),
    };
    let got: Vec<String> = out.lines().skip(1).map(|l| l.split(',').skip(1).map(letter).collect::<String>()).collect();
    assert_eq!(got.join(" "), FROZEN);
}

#[test]
fn raising_a_rollout_never_turns_a_unit_off() {
    let dir = tempfile::tempdir().unwrap();
    let ids: String = (0..5_000).map(|i| format!("u{i}\n")).collect();
    let mut before: Vec<String> = Vec::new();
    for rollout in ["0", "0.05", "0.2", "0.5", "1"] {
        let f = dir.path().join("g.yaml");
        std::fs::write(&f, format!("name: g\ngate: {{rollout: {rollout}}}\n")).unwrap();
        let (code, out, err) = abx_in(dir.path(), &["assign", "-e", "g.yaml", "--no-header"], &ids);
        assert_eq!(code, 0, "{err}");
        let now: Vec<String> = out.lines().map(|l| l.split(',').nth(1).unwrap().to_string()).collect();
        for (i, v) in now.iter().enumerate() {
            let want = if x(&format!("u{i}"), "g") < rollout.parse::<f64>().unwrap() { "on" } else { "off" };
            assert_eq!(v, want, "u{i} at rollout {rollout}");
            if let Some(b) = before.get(i) {
                assert!(!(b == "on" && v == "off"), "u{i} turned off at rollout {rollout}");
            }
        }
        before = now;
    }
}

#[test]
fn explain_shows_the_layer_and_holdout_points() {
    let root = common::root();
    // A unit the layer keeps out of home_hero, and one it lets in.
    let out_of_layer = (0..)
        .map(|i| format!("u{i}"))
        .find(|u| x(u, "holdout/global") >= 0.1 && x(u, "layer/homepage") >= 0.5)
        .unwrap();
    let (code, out, err) =
        abx_in(&root, &["assign", "--explain", "-e", HERO, "--id", &out_of_layer, "--format", "json"], "");
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(doc["variant"].is_null(), "{doc}");
    let f = &doc["filters"];
    assert_eq!(f[0]["filter"], "layer homepage");
    assert_eq!(f[0]["salt"], "layer/homepage");
    assert_eq!(f[0]["x"].as_f64().unwrap(), x(&out_of_layer, "layer/homepage"));
    assert_eq!(f[0]["passes"], false);
    assert_eq!(f[0]["rule"], "inside");
    assert_eq!(f[1]["rule"], "outside");
    assert_eq!(f[1]["filter"], "holdout global");
    assert_eq!(f[1]["passes"], true);
    assert!(
        doc["reason"].as_str().unwrap().contains("outside the experiment's range [0, 0.5) of layer homepage"),
        "{doc}"
    );
    let held = (0..).map(|i| format!("u{i}")).find(|u| x(u, "holdout/global") < 0.1).unwrap();
    let (_, out, _) = abx_in(&root, &["assign", "--explain", "-e", GATE, "--id", &held, "--format", "table"], "");
    assert!(out.contains("holdout global") && out.contains("held out"), "{out}");
}

#[test]
fn validate_refuses_what_would_share_units_or_points() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    let exp = |name: &str, extra: &str| {
        format!("name: {name}\n{extra}variants:\n  - name: a\n  - name: b\nmetrics:\n  - {{name: m, kind: mean}}\n")
    };
    std::fs::write(w.join("a.yaml"), exp("a", "layer: {name: home, range: [0, 0.6]}\n")).unwrap();
    std::fs::write(w.join("b.yaml"), exp("b", "layer: {name: home, range: [0.5, 1]}\n")).unwrap();
    std::fs::write(w.join("c.yaml"), exp("c", "layer: {name: home, range: [0.6, 1]}\n")).unwrap();
    std::fs::write(w.join("a2.yaml"), exp("a", "layer: {name: checkout, range: [0, 1]}\n")).unwrap();
    std::fs::write(w.join("s.yaml"), exp("s", "salt: layer/home\n")).unwrap();
    // Adjacent ranges do not overlap.
    let (code, _, err) = abx_in(w, &["validate", "a.yaml", "c.yaml"], "");
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = abx_in(w, &["validate", "a.yaml", "b.yaml", "--format", "json"], "");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("a.yaml: layer `home`: this experiment's range [0, 0.6) overlaps [0.5, 1) of `b` in b.yaml"),
        "{err}"
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["files"][0]["valid"], false);
    assert_eq!(doc["files"][1]["valid"], false);
    let (code, _, err) = abx_in(w, &["validate", "a.yaml", "a2.yaml"], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("experiment `a` is also in layer `checkout`"), "{err}");
    let (code, _, err) = abx_in(w, &["validate", "s.yaml"], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("s.yaml:2:7: error: the salt `layer/home` is of the form of a layer's"), "{err}");
    // A file given twice is one file; its table row says its problem.
    let (code, _, err) = abx_in(w, &["validate", "a.yaml", "a.yaml", "./a.yaml"], "");
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = abx_in(w, &["validate", "a.yaml", "b.yaml", "--format", "csv"], "");
    assert_eq!(code, 2);
    assert!(out.contains("a.yaml,a,2,1,1 problem") && !out.contains(",ok"), "{out}");
    // One holdout, two shares: no longer one set of units.
    std::fs::write(w.join("h1.yaml"), exp("h1", "holdout: {name: global, share: 0.1}\n")).unwrap();
    std::fs::write(w.join("h2.yaml"), exp("h2", "holdout: {name: global, share: 0.2}\n")).unwrap();
    let (code, _, err) = abx_in(w, &["validate", "h1.yaml", "h2.yaml"], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("holdout `global` has share 0.1 here but 0.2 in h2.yaml"), "{err}");
    // In one file: problems at line:column.
    for (text, want) in [
        (
            "name: g\ngate: {rollout: 0.2}\nvariants:\n  - name: a\n  - name: b\n",
            "g.yaml:3:1: error: a feature gate has no `variants`",
        ),
        ("name: g\ngate: {rollout: 1.5}\n", "`gate.rollout` must be between 0 and 1, got 1.5"),
        ("name: g\ngate: {rollout: 0.2}\nallocation: 0.5\n", "g.yaml:3:1: error: a feature gate has no `allocation`"),
        (
            "name: g\nlayer: {name: h, range: [0.7, 0.2]}\nvariants: [{name: a}, {name: b}]\n",
            "`layer.range` starts after it ends",
        ),
        ("name: g\nlayer: {name: 'h/x', range: [0, 1]}\nvariants: [{name: a}, {name: b}]\n", "layer name `h/x`"),
        (
            "name: g\nholdout: {share: 0.1}\nvariants: [{name: a}, {name: b}]\n",
            "missing required field `name` in `holdout`",
        ),
    ] {
        std::fs::write(w.join("g.yaml"), text).unwrap();
        let (code, _, err) = abx_in(w, &["validate", "g.yaml"], "");
        assert_eq!(code, 2, "{text}: {err}");
        assert!(err.contains(want), "{text}: {err}");
    }
}

#[test]
fn assign_layers_names_the_experiment_each_unit_fell_to() {
    // `--layers`: the member whose layer range holds the unit's layer point,
    // held out or not; the gate is in no layer and gets no column.
    let root = common::root();
    let ids: String = (0..20_000).map(|i| format!("user_{i}\n")).collect();
    let (code, out, err) = abx_in(&root, &["assign", "-e", HERO, "-e", GATE, "-e", COPY, "--layers"], &ids);
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("unit,home_hero,new_checkout,home_copy,layer:homepage"));
    let mut counts = [0usize; 2];
    for (i, line) in lines.enumerate() {
        let unit = format!("user_{i}");
        let got: Vec<&str> = line.split(',').collect();
        let want = expected(&unit);
        let member = if x(&unit, "layer/homepage") < 0.5 { 0 } else { 1 };
        counts[member] += 1;
        assert_eq!(got, [unit.as_str(), &want[0], &want[2], &want[1], ["home_hero", "home_copy"][member]], "{unit}");
    }
    let near = |n: usize| (n as f64 - 10_000.0).abs() < 4.0 * 5_000f64.sqrt();
    assert!(near(counts[0]) && near(counts[1]), "{counts:?}");
    // JSON: a `layers` object, null where no experiment given has the point.
    let (code, out, err) =
        abx_in(&root, &["assign", "-e", HERO, "--layers", "-f", "jsonl"], &ids[..ids.find("user_1000\n").unwrap()]);
    assert_eq!(code, 0, "{err}");
    for (i, line) in out.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let unit = format!("user_{i}");
        let want =
            if x(&unit, "layer/homepage") < 0.5 { serde_json::json!("home_hero") } else { serde_json::Value::Null };
        assert_eq!(v["layers"], serde_json::json!({ "homepage": want }), "{unit}");
    }
    // Without a layer, --layers is refused before any output.
    let (code, out, err) = abx_in(&root, &["assign", "-e", "experiments/followup_timing.yaml", "--layers"], "u1\n");
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("none of the experiments"), "{err}");
}

#[test]
fn filters_that_place_nobody_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    let base = "variants: [{name: a}, {name: b}]\nmetrics:\n  - {name: m, kind: proportion}\n";
    for (text, want) in [
        (format!("name: e\nlayer: {{name: l, range: [0.3, 0.3]}}\n{base}"), "the range [0.3, 0.3) is empty"),
        (format!("name: e\nholdout: {{name: h, share: 1}}\n{base}"), "every unit is held out"),
        (format!("name: e\nholdout: {{name: h, share: 0.6}}\n{base}"), "needs a share of at most 0.5"),
        (format!("name: e\nholdout: {{name: h, share: 0}}\n{base}"), "it holds out no unit"),
        (
            "name: e\ngate: {rollout: 0}\nmetrics:\n  - {name: m, kind: proportion}\n".to_string(),
            "every eligible unit is `off`",
        ),
    ] {
        std::fs::write(w.join("e.yaml"), &text).unwrap();
        // Valid (exit 0), with a warning on stderr; assign warns the same way.
        let (code, _, err) = abx_in(w, &["validate", "e.yaml"], "");
        assert_eq!(code, 0, "{text}: {err}");
        assert!(err.contains("warning: e.yaml: ") && err.contains(want), "{text}: {err}");
        let (code, _, err) = abx_in(w, &["assign", "-e", "e.yaml", "--id", "u1"], "");
        assert_eq!(code, 0, "{text}: {err}");
        assert!(err.contains(want), "{text}: {err}");
    }
    // A sensible file gets none.
    let (code, _, err) = abx_in(&common::root(), &["validate", HERO], "");
    assert_eq!(code, 0);
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn sql_writes_the_filters() {
    // Each filter is its own hash of the unit, with the salt the contract gives it.
    let root = common::root();
    let (code, sql, err) = abx_in(&root, &["sql", "assign", "-e", HERO, "--engine", "duckdb", "--from", "units"], "");
    assert_eq!(code, 0, "{err}");
    assert!(sql.contains("':layer/homepage'") && sql.contains("':holdout/global'"), "{sql}");
    // A logged variant needs no bucketing; a bucketed summary hashes too.
    for extra in [&["--variant-column", "variant"][..], &["--bucketing"][..]] {
        let mut a = vec!["sql", "summary", "-e", GATE, "--engine", "duckdb", "--from", "t", "--unit-column", "u"];
        a.extend(extra);
        let (code, _, err) = abx_in(&root, &a, "");
        assert_eq!(code, 0, "{a:?}: {err}");
    }
}

#[test]
fn a_gate_rolled_out_to_all_or_none_has_nothing_to_compare() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    std::fs::write(w.join("d.csv"), "variant,m\non,1\noff,0\non,1\noff,1\n").unwrap();
    for (rollout, side) in [("0", "off"), ("1", "on")] {
        std::fs::write(
            w.join("g.yaml"),
            format!("name: g\ngate: {{rollout: {rollout}}}\nmetrics:\n  - {{name: m, kind: proportion}}\n"),
        )
        .unwrap();
        for args in [
            vec!["analyze", "-e", "g.yaml", "--data", "d.csv"],
            vec!["verdict", "-e", "g.yaml", "--data", "d.csv"],
            vec!["simulate", "-e", "g.yaml", "--units", "100", "--runs", "2"],
        ] {
            let (code, _, err) = abx_in(w, &args, "");
            assert_eq!(code, 2, "{args:?}: {err}");
            assert!(err.contains(&format!("every unit is `{side}`")), "{args:?}: {err}");
        }
    }
}

#[test]
fn a_holdout_is_read_against_a_measurement_group_of_its_size() {
    let dir = tempfile::tempdir().unwrap();
    // clicked: 1 for every third unit, whatever its group, so the groups' means are known.
    let mut csv = String::from("user,clicked\n");
    for i in 0..20_000 {
        csv += &format!("user_{i},{}\n", u8::from(i % 3 == 0));
    }
    std::fs::write(dir.path().join("d.csv"), &csv).unwrap();
    let hero = common::root().join(HERO);
    let hero = hero.to_str().unwrap();
    let args = ["analyze", "-e", hero, "--holdout", "global", "--data", "d.csv", "--unit-column", "user", "-f", "json"];
    let (code, out, err) = abx_in(dir.path(), &args, "");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("held_out = units with x < 0.1 on salt `holdout/global`"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // By the contract's point, written again here: [0, 0.1) held out, [0.1, 0.2) measured.
    let (mut held, mut measured) = ((0u64, 0u64), (0u64, 0u64));
    for i in 0..20_000u64 {
        let p = x(&format!("user_{i}"), "holdout/global");
        let c = u64::from(i % 3 == 0);
        if p < 0.1 {
            held = (held.0 + 1, held.1 + c);
        } else if p < 0.2 {
            measured = (measured.0 + 1, measured.1 + c);
        }
    }
    let m = &v["metrics"][0];
    assert_eq!(v["experiment"], "holdout/global");
    for (i, (name, (n, clicks))) in [("held_out", held), ("measured", measured)].into_iter().enumerate() {
        assert_eq!(m["variants"][i]["variant"], name);
        assert_eq!(m["variants"][i]["n"], n, "{name}");
        assert!(common::close(&m["variants"][i]["mean"], clicks as f64 / n as f64, 1e-12), "{name}");
    }
    assert_eq!(v["srm"]["observed"], serde_json::json!([held.0, measured.0]));
    assert_eq!(v["input"]["units_not_exposed"], 20_000 - held.0 - measured.0);
    // Refused: a holdout the file does not name, no unit column, a share above one half.
    let (code, _, err) = abx_in(
        dir.path(),
        &["analyze", "-e", hero, "--holdout", "other", "--data", "d.csv", "--unit-column", "user"],
        "",
    );
    assert_eq!(code, 2);
    assert!(err.contains("names holdout `global`, not `other`"), "{err}");
    let (code, _, err) = abx_in(dir.path(), &["analyze", "-e", hero, "--holdout", "global", "--data", "d.csv"], "");
    assert_eq!(code, 2);
    assert!(err.contains("--holdout needs --unit-column"), "{err}");
    let wide = std::fs::read_to_string(common::root().join(HERO)).unwrap().replace("share: 0.1", "share: 0.6");
    std::fs::write(dir.path().join("wide.yaml"), wide).unwrap();
    let (code, _, err) = abx_in(
        dir.path(),
        &["analyze", "-e", "wide.yaml", "--holdout", "global", "--data", "d.csv", "--unit-column", "user"],
        "",
    );
    assert_eq!(code, 2);
    assert!(err.contains("at most 0.5"), "{err}");
}

#[test]
fn assign_refuses_layer_ranges_that_overlap() {
    let dir = tempfile::tempdir().unwrap();
    let hero = std::fs::read_to_string(common::root().join(HERO)).unwrap();
    let wide = hero.replace("name: home_hero", "name: home_wide").replace("range: [0, 0.5]", "range: [0.4, 1]");
    std::fs::write(dir.path().join("hero.yaml"), &hero).unwrap();
    std::fs::write(dir.path().join("wide.yaml"), &wide).unwrap();
    let (code, out, err) = abx_in(dir.path(), &["assign", "-e", "hero.yaml", "-e", "wide.yaml", "--id", "user_1"], "");
    assert_eq!(code, 2, "{out}");
    assert!(out.is_empty());
    assert!(err.contains("hero.yaml") && err.contains("overlaps [0.4, 1)"), "{err}");
}
