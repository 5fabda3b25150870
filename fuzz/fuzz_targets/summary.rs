//! The summary reader: any CSV gives rows or an error naming the file.
#![no_main]
use abx::data::summary::{read_summary, SummaryMetric};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let metrics = [
        SummaryMetric { name: "m".into(), binary: false, second: None, second_is: "" },
        SummaryMetric { name: "p".into(), binary: true, second: None, second_is: "" },
        SummaryMetric { name: "r".into(), binary: false, second: Some(false), second_is: "denominator" },
        SummaryMetric { name: "c".into(), binary: true, second: Some(true), second_is: "covariate" },
    ];
    match read_summary(data, "s.csv", &metrics) {
        Ok(rows) => {
            for ((_, _), (m, n)) in rows {
                let _ = (m, n);
            }
        }
        Err(e) => assert!(e.to_string().contains("s.csv")),
    }
});
