//! `abx test` beyond the oracle: extra options, several treatments, and
//! malformed input (of `abx power` too).

use crate::common::{close, run_json as run};

#[test]
fn malformed_numbers_exit_2_with_a_clear_message() {
    for (args, message) in [
        (
            vec!["test", "proportions", "--control", "12/0", "--treatment", "5/10"],
            "--control 12/0: there are no trials",
        ),
        (vec!["test", "proportions", "--control", "5/3", "--treatment", "5/10"], "5 successes out of 3 trials"),
        (vec!["test", "proportions", "--control", "1.5/3", "--treatment", "5/10"], "successes must be a whole number"),
        (vec!["test", "proportions", "--control", "abc", "--treatment", "5/10"], "expected SUCCESSES/TRIALS"),
        (vec!["test", "means", "--control", "10,1,-2", "--treatment", "10,1,1"], "the sd cannot be negative"),
        (vec!["test", "means", "--control", "1,1,1", "--treatment", "10,1,1"], "a t-test needs n >= 2"),
        (vec!["test", "means", "--control", "10,1", "--treatment", "10,1,1"], "expected N,MEAN,SD"),
        (
            vec!["test", "srm", "--observed", "10,20,30", "--weights", "1,1"],
            "has 2 values but --observed 10,20,30 has 3",
        ),
        (vec!["test", "srm", "--observed", "10,20", "--weights", "1,-1"], "weights must be positive"),
        (vec!["test", "srm", "--observed", "10,x", "--weights", "1,1"], "`x` is not a number"),
        (
            vec!["test", "proportions", "--control", "5/10", "--treatment", "5/10", "--alpha", "1.5"],
            "--alpha must be between 0 and 1",
        ),
        (vec!["power", "mean", "--sd", "1"], "give --mde"),
        (vec!["power", "mean", "--sd", "-1", "--mde", "1"], "--sd must be positive"),
        (vec!["power", "proportion", "--baseline", "1.2", "--mde", "0.1"], "--baseline must be a rate"),
        (vec!["power", "proportion", "--baseline", "0.95", "--mde", "0.1"], "stay between 0 and 1"),
        (vec!["power", "proportion", "--baseline", "0.1", "--mde", "0.01", "--variants", "1"], "at least 2"),
    ] {
        let (code, doc, err) = run(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(doc.is_null(), "{args:?}: nothing on stdout");
        assert!(err.starts_with("error: ") && err.contains(message), "{args:?}: {err}");
    }
}

#[test]
fn several_treatments_get_holm_and_the_k_arm_chi_square() {
    let (code, doc, _) =
        run(&["test", "proportions", "--control", "480/10000", "--treatment", "552/10000", "--treatment", "501/9800"]);
    assert_eq!(code, 0);
    assert_eq!(doc["dof"], 2);
    assert!(doc["chi2"].as_f64().unwrap() > 0.0 && doc["chi2_p_value"].as_f64().unwrap() < 1.0);
    let c = doc["comparisons"].as_array().unwrap();
    assert_eq!(c.len(), 2);
    let (p1, p2) = (c[0]["p_value"].as_f64().unwrap(), c[1]["p_value"].as_f64().unwrap());
    // Holm with two tests: the smaller p doubles, the larger is max(itself, that).
    assert!(
        close(&c[0]["p_value_holm"], (2.0 * p1.min(p2)).max(0.0), 1e-12)
            || close(&c[1]["p_value_holm"], 2.0 * p1.min(p2), 1e-12)
    );
    assert!(close(&c[1]["p_value_holm"], p2.max(2.0 * p1.min(p2)), 1e-12));
    // The top level repeats the first comparison (the contract's fields).
    assert_eq!(doc["p_value"], c[0]["p_value"]);
    let (_, means, _) =
        run(&["test", "means", "--control", "100,5,1", "--treatment", "100,5.3,1", "--treatment", "100,5.1,1"]);
    assert_eq!(means["comparisons"].as_array().unwrap().len(), 2);
}

#[test]
fn one_sided_alternatives_leave_an_open_end_as_null() {
    let (_, two, _) = run(&["test", "proportions", "--control", "480/10000", "--treatment", "552/10000"]);
    let (_, greater, _) =
        run(&["test", "proportions", "--control", "480/10000", "--treatment", "552/10000", "--alternative", "greater"]);
    assert!(close(&greater["p_value"], two["p_value"].as_f64().unwrap() / 2.0, 1e-12));
    assert!(greater["ci_high"].is_null() && greater["lift_ci_high"].is_null());
    assert!(greater["ci_low"].as_f64().unwrap() > two["ci_low"].as_f64().unwrap());
    let (_, less, _) =
        run(&["test", "means", "--control", "40,3.1,1.2", "--treatment", "38,3.6,1.1", "--alternative", "less"]);
    assert!(less["ci_low"].is_null() && less["p_value"].as_f64().unwrap() > 0.5);
}

#[test]
fn fieller_changes_only_the_lift_interval() {
    let args = ["test", "means", "--control", "200,10,4", "--treatment", "210,11,4"];
    let (_, delta, _) = run(&args);
    let mut with = args.to_vec();
    with.extend(["--relative-ci", "fieller"]);
    let (_, fieller, _) = run(&with);
    assert_eq!(delta["p_value"], fieller["p_value"]);
    assert_eq!(delta["ci_low"], fieller["ci_low"]);
    assert_ne!(delta["lift_ci_low"], fieller["lift_ci_low"]);
    assert_eq!(fieller["relative_ci"], "fieller");
}
