//! The id line reader: chunks keep whole lines, number them, and refuse a
//! line past the limit, for any input and chunk size.
#![no_main]
use abx::data::lines::{lines, LineChunker};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
    // What the input's lines are, by the definition (\n ends a line, a final
    // \r is dropped, a last line may lack its \n).
    let body = input.strip_suffix(b"\n").unwrap_or(input);
    let expect: Vec<&[u8]> =
        if input.is_empty() { Vec::new() } else { body.split(|&b| b == b'\n').collect() };
    let too_long = expect.iter().position(|l| l.len() > max_line);
    match (result, too_long) {
        (Ok(()), None) => {
            let expect: Vec<Vec<u8>> =
                expect.iter().map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec()).collect();
            assert_eq!(got, expect);
        }
        (Err(e), Some(i)) => {
            let long = abx::bounds::line_too_long(&e).expect("the error names the long line");
            assert_eq!(long.line, i as u64 + 1);
        }
        (r, t) => panic!("result {r:?} but the first long line is {t:?}"),
    }
});
