//! An ordered parallel pipeline: while rayon's pool works on batch k, the
//! output of batch k-1 is written and batch k+1 is read. Output keeps input
//! order and memory holds three batches at most, whatever the input size.

use std::io::Write;
use std::sync::Mutex;

use rayon::prelude::*;

use crate::error::AbxError;

/// A writer that holds `head` (a header row) back until the first byte of
/// data, so that a command that fails before its first row leaves its output
/// empty; [`HeadFirst::finish`] writes it when there was no data at all.
pub struct HeadFirst<'a, W: Write> {
    head: Option<&'a [u8]>,
    inner: &'a mut W,
}

impl<'a, W: Write> HeadFirst<'a, W> {
    pub fn new(head: &'a [u8], inner: &'a mut W) -> Self {
        HeadFirst { head: Some(head), inner }
    }

    pub fn finish(&mut self) -> std::io::Result<()> {
        match self.head.take() {
            Some(h) => self.inner.write_all(h),
            None => Ok(()),
        }
    }
}

impl<W: Write> Write for HeadFirst<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if let Some(h) = self.head.take() {
            self.inner.write_all(h)?;
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// What one chunk of input became.
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub rows: u64,
}

/// Runs the pipeline and returns the number of rows written.
///
/// `next_batch` is handed the batch before last, already processed, so that
/// it can reuse its buffers; `work` is handed a recycled output buffer. With
/// buffers recycled, memory is faulted in once instead of once per chunk.
/// `skip_leading` bytes are dropped from the first chunk that holds a row (a
/// separator that only rows after the first need, such as JSON's comma).
pub fn run<T, R, W, F, P>(
    mut next_batch: R,
    out: &mut W,
    work: F,
    skip_leading: usize,
    mut progress: P,
) -> Result<u64, AbxError>
where
    T: Send + Sync,
    R: FnMut(Vec<T>) -> Result<Vec<T>, AbxError> + Send,
    W: Write + Send + ?Sized,
    F: Fn(&T, Vec<u8>) -> Result<Encoded, AbxError> + Sync,
    P: FnMut(u64) + Send,
{
    let pool: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
    let take = || {
        pool.lock().ok().and_then(|mut p| p.pop()).map(|mut b| {
            b.clear();
            b
        })
    };
    let mut rows = 0u64;
    let mut pending: Vec<Result<Encoded, AbxError>> = Vec::new();
    let mut spent: Vec<T> = Vec::new();
    let mut current = next_batch(Vec::new())?;
    loop {
        let done = current.is_empty();
        let (results, (written, next)) = rayon::join(
            || current.par_iter().map(|t| work(t, take().unwrap_or_default())).collect::<Vec<_>>(),
            || {
                let written = write_ordered(std::mem::take(&mut pending), out, &mut rows, skip_leading, &pool);
                progress(rows);
                let next =
                    if done || written.is_err() { Ok(Vec::new()) } else { next_batch(std::mem::take(&mut spent)) };
                (written, next)
            },
        );
        written?;
        if done {
            break;
        }
        pending = results;
        spent = std::mem::replace(&mut current, next?);
    }
    out.flush()?;
    Ok(rows)
}

fn write_ordered<W: Write + ?Sized>(
    results: Vec<Result<Encoded, AbxError>>,
    out: &mut W,
    rows: &mut u64,
    skip: usize,
    pool: &Mutex<Vec<Vec<u8>>>,
) -> Result<(), AbxError> {
    for r in results {
        let e = r?;
        let bytes = if *rows == 0 && e.rows > 0 { &e.bytes[skip.min(e.bytes.len())..] } else { &e.bytes[..] };
        out.write_all(bytes)?;
        *rows += e.rows;
        if let Ok(mut p) = pool.lock() {
            p.push(e.bytes);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_stops_at_the_first_error() {
        let mut batches =
            (0..5).map(|b| (0..7).map(|i| b * 7 + i).collect::<Vec<u32>>()).collect::<Vec<_>>().into_iter();
        let mut out = Vec::new();
        let rows = run(
            |_| Ok(batches.next().unwrap_or_default()),
            &mut out,
            |x: &u32, mut b: Vec<u8>| {
                assert!(b.is_empty());
                b.extend_from_slice(format!(",{x}").as_bytes());
                Ok(Encoded { bytes: b, rows: 1 })
            },
            1,
            |_| {},
        )
        .unwrap();
        assert_eq!(rows, 35);
        let expect: Vec<String> = (0..35).map(|x| x.to_string()).collect();
        assert_eq!(String::from_utf8(out).unwrap(), expect.join(","));

        let mut batches = vec![vec![1u32, 2], vec![3, 4], vec![5]].into_iter();
        let mut out = Vec::new();
        let err = run(
            |_| Ok(batches.next().unwrap_or_default()),
            &mut out,
            |x: &u32, _| {
                if *x == 4 {
                    Err(AbxError::input("f", "bad"))
                } else {
                    Ok(Encoded { bytes: x.to_string().into_bytes(), rows: 1 })
                }
            },
            0,
            |_| {},
        );
        assert!(err.is_err());
        assert_eq!(out, b"123");
    }
}
