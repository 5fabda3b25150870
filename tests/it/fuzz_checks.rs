//! What each fuzz target checks (`fuzz/fuzz_targets/*.rs` include this file),
//! so that the inputs the fuzzer found are rerun by `cargo test`
//! (`fuzz_regressions.rs`) through exactly the same checks.
#![allow(dead_code)]

use abx::data::lines::{lines, LineChunker};
use abx::data::summary::{read_summary, SummaryMetric};
use abx::drift::profile::Profile;

/// The experiment loader and validator: any bytes give an experiment or
/// diagnostics that render and name the file, never a panic or a hang.
pub fn experiment(data: &[u8]) {
    match abx::experiment::parse_bytes("fuzz.yaml", data) {
        Ok(exp) => {
            // What the commands do next with a valid experiment.
            let _ = serde_json::to_string(&exp);
            let b = abx::assign::Bucketer::new(&exp);
            let _ = b.assign(b"unit-1");
        }
        Err(e) => {
            assert!(!e.diagnostics.is_empty());
            let text = e.render(abx::experiment::Style { color: false });
            assert!(text.contains("fuzz.yaml:"));
        }
    }
}

/// The id line reader: chunks keep whole lines and number them, and a line
/// past the limit is refused with its number, for any input and chunk size.
pub fn id_lines(data: &[u8]) {
    let Some((&size, input)) = data.split_first() else { return };
    let chunk = 1 + size as usize % 17;
    let max_line = 8;
    let mut c = LineChunker::with_max_line(input, chunk, max_line);
    let mut got: Vec<Vec<u8>> = Vec::new();
    let mut next_line = 1;
    let result = loop {
        match c.next_chunk() {
            Ok(Some(ch)) => {
                assert_eq!(ch.first_line, next_line);
                let ls: Vec<Vec<u8>> = lines(&ch.data).map(<[u8]>::to_vec).collect();
                next_line += ls.len() as u64;
                got.extend(ls);
            }
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    // The input's lines by definition: \n ends a line, a final \r is
    // dropped, the last line may lack its \n.
    let body = input.strip_suffix(b"\n").unwrap_or(input);
    let expect: Vec<&[u8]> = if input.is_empty() { Vec::new() } else { body.split(|&b| b == b'\n').collect() };
    let too_long = expect.iter().position(|l| l.len() > max_line);
    match (result, too_long) {
        (Ok(()), None) => {
            let expect: Vec<Vec<u8>> = expect.iter().map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec()).collect();
            assert_eq!(got, expect);
        }
        (Err(e), Some(i)) => {
            let long = abx::bounds::line_too_long(&e).expect("the error names the long line");
            assert_eq!(long.line, i as u64 + 1);
        }
        (r, t) => panic!("result {r:?} but the first long line is {t:?}"),
    }
}

/// The summary reader: any CSV gives rows that hold up (whole counts, no
/// negative variance) or an error naming the file.
pub fn summary(data: &[u8]) {
    let metrics = [
        SummaryMetric { name: "m".into(), binary: false, second: None, second_is: "", cap: None },
        SummaryMetric { name: "p".into(), binary: true, second: None, second_is: "", cap: None },
        SummaryMetric { name: "r".into(), binary: false, second: Some(false), second_is: "denominator", cap: None },
        SummaryMetric { name: "c".into(), binary: true, second: Some(true), second_is: "covariate", cap: None },
    ];
    match read_summary(data, "s.csv", &metrics, &[]) {
        Ok(read) => {
            for ((_, metric), (_, n)) in &read.overall {
                assert!(*n <= 1 << 53, "{metric}: n = {n}");
            }
        }
        Err(e) => assert!(e.to_string().contains("s.csv"), "{e}"),
    }
}

/// The drift profile reader: any bytes give a checked profile, which saves
/// and reads back the same, or an error.
pub fn drift_profile(data: &[u8]) {
    if let Ok(p) = Profile::parse(data) {
        let cols = p.reference();
        assert_eq!(cols.len(), p.columns.len());
        let again = serde_json::to_vec(&p).unwrap();
        let back = Profile::parse(&again).expect("a profile abx wrote reads back");
        assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&p).unwrap());
    }
}

/// The YAML edit of `abx verdict --write`: on any valid experiment file, the
/// edited file re-parses to the same experiment plus the promotion (or the
/// edit is refused with a message, never half done).
pub fn yaml_edit(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let Ok(exp) = abx::experiment::parse_str("e.yaml", source) else { return };
    let variant = exp.variants.last().unwrap().name.clone();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1);
    let Ok(edited) = abx::experiment::edit::set_promoted("e.yaml", source, &variant, day) else { return };
    let after = abx::experiment::parse_str("e.yaml", &edited)
        .unwrap_or_else(|e| panic!("the edited file does not parse: {:?}\n---\n{edited}", e.diagnostics));
    let mut want = exp.clone();
    want.status = Some(abx::experiment::Status::Promoted);
    want.promoted = Some(variant);
    want.promoted_at = day;
    assert_eq!(
        serde_json::to_value(&after).unwrap(),
        serde_json::to_value(&want).unwrap(),
        "the edit changed more than the promotion\n---\n{source}\n---\n{edited}"
    );
}

/// The experiment the CSV target analyzes: every metric kind, a cap and targeting.
pub const CSV_EXPERIMENT: &str = "name: fuzz
variants:
  - name: control
  - name: treatment
metrics:
  - name: revenue
  - name: converted
    kind: proportion
  - name: per_session
    kind: ratio
    numerator: revenue
    denominator: sessions
  - name: spend
    covariate: pre
    cap: { percentile: 0.9 }
targeting:
  - attribute: plan
    op: in
    values: [pro, team]
";

/// The CSV target's case: the data file's name and content, and the flags
/// after `abx analyze -e E --data FILE`, chosen by the first byte.
pub fn csv_case(data: &[u8]) -> Option<(&'static str, &[u8], Vec<&'static str>)> {
    let (&mode, body) = data.split_first()?;
    let name = if mode & 8 == 0 { "d.csv" } else { "d.tsv" };
    let mut flags = vec!["--format", "json"];
    match mode % 4 {
        1 => flags.extend(["--unit-column", "unit"]),
        2 => flags.extend(["--unit-column", "unit", "--events"]),
        3 => flags.extend(["--unit-column", "unit", "--events", "--by", "segment"]),
        _ => {}
    }
    if mode & 4 != 0 {
        flags.extend(["--variant-column", "arm"]);
    }
    Some((name, body, flags))
}
