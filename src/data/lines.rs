//! Newline-aligned chunks of a byte stream, so that lines can be processed in
//! parallel while memory stays bounded by the chunk size.

use std::io::{self, Read};

use crate::bounds::{LineTooLong, MAX_LINE_BYTES};

/// A run of whole lines and the 1-based number of its first line.
#[derive(Debug)]
pub struct Chunk {
    pub data: Vec<u8>,
    pub first_line: u64,
}

pub struct LineChunker<R> {
    reader: R,
    carry: Vec<u8>,
    /// Buffers of chunks already processed, for reuse.
    free: Vec<Vec<u8>>,
    next_line: u64,
    eof: bool,
    chunk_size: usize,
    max_line: usize,
}

fn too_long(line: u64) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, LineTooLong { line })
}

impl<R: Read> LineChunker<R> {
    pub fn new(reader: R, chunk_size: usize) -> Self {
        LineChunker {
            reader,
            carry: Vec::new(),
            free: Vec::new(),
            next_line: 1,
            eof: false,
            chunk_size: chunk_size.max(1),
            max_line: MAX_LINE_BYTES,
        }
    }

    /// The same with another longest line (tests).
    pub fn with_max_line(reader: R, chunk_size: usize, max_line: usize) -> Self {
        LineChunker { max_line, ..LineChunker::new(reader, chunk_size) }
    }

    /// The next chunk of whole lines (the last may lack its newline), or None
    /// at the end. A line longer than [`MAX_LINE_BYTES`] is an error naming it.
    pub fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        let mut buf = self.free.pop().unwrap_or_default();
        buf.clear();
        buf.extend_from_slice(&self.carry);
        self.carry.clear();
        let mut target = self.chunk_size;
        // The carried bytes hold no newline; only new bytes are searched, so a
        // line longer than a chunk costs linear time.
        let mut searched = buf.len();
        loop {
            self.fill(&mut buf, target)?;
            if buf.is_empty() {
                return Ok(None);
            }
            if let Some(p) = memchr::memrchr(b'\n', &buf[searched..]) {
                let p = searched + p;
                self.carry.extend_from_slice(&buf[p + 1..]);
                buf.truncate(p + 1);
                break;
            }
            searched = buf.len();
            if self.eof {
                break;
            }
            if buf.len() > self.max_line {
                return Err(too_long(self.next_line));
            }
            // A line longer than the chunk: read on until it ends.
            target = buf.len() + self.chunk_size;
        }
        let mut lines = 0u64;
        let mut start = 0usize;
        for p in memchr::memchr_iter(b'\n', &buf) {
            if p - start > self.max_line {
                return Err(too_long(self.next_line + lines));
            }
            lines += 1;
            start = p + 1;
        }
        if buf.len() - start > self.max_line {
            return Err(too_long(self.next_line + lines));
        }
        lines += u64::from(buf.last() != Some(&b'\n'));
        let chunk = Chunk { data: buf, first_line: self.next_line };
        self.next_line += lines;
        Ok(Some(chunk))
    }

    /// Reads until `buf` holds `target` bytes or the input ends.
    fn fill(&mut self, buf: &mut Vec<u8>, target: usize) -> io::Result<()> {
        while buf.len() < target && !self.eof {
            let old = buf.len();
            buf.resize(target, 0);
            match self.reader.read(&mut buf[old..]) {
                Ok(0) => {
                    buf.truncate(old);
                    self.eof = true;
                }
                Ok(n) => buf.truncate(old + n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => buf.truncate(old),
                Err(e) => {
                    buf.truncate(old);
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// Up to `n` chunks, reusing the buffers of `spent` chunks.
    pub fn next_batch(&mut self, n: usize, spent: Vec<Chunk>) -> io::Result<Vec<Chunk>> {
        self.free.extend(spent.into_iter().map(|c| c.data));
        let mut batch = Vec::with_capacity(n);
        while batch.len() < n {
            match self.next_chunk()? {
                Some(c) => batch.push(c),
                None => break,
            }
        }
        Ok(batch)
    }
}

/// The lines of a chunk without their `\n` or a trailing `\r`.
pub fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let body = data.strip_suffix(b"\n").unwrap_or(data);
    let mut rest = (!data.is_empty()).then_some(body);
    std::iter::from_fn(move || {
        let r = rest?;
        let line = match memchr::memchr(b'\n', r) {
            Some(p) => {
                rest = Some(&r[p + 1..]);
                &r[..p]
            }
            None => {
                rest = None;
                r
            }
        };
        Some(line.strip_suffix(b"\r").unwrap_or(line))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8], size: usize) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut c = LineChunker::new(input, size);
        let mut out = Vec::new();
        while let Some(ch) = c.next_chunk().unwrap() {
            out.push((ch.first_line, lines(&ch.data).map(<[u8]>::to_vec).collect()));
        }
        out
    }

    #[test]
    fn chunks_keep_whole_lines_and_numbers() {
        let input = b"a\nbb\r\nccc\ndddd\ne";
        for size in 1..20 {
            let chunks = collect(input, size);
            let all: Vec<Vec<u8>> = chunks.iter().flat_map(|(_, l)| l.clone()).collect();
            assert_eq!(
                all,
                vec![b"a".to_vec(), b"bb".to_vec(), b"ccc".to_vec(), b"dddd".to_vec(), b"e".to_vec()],
                "size {size}"
            );
            let mut expect = 1;
            for (first, l) in &chunks {
                assert_eq!(*first, expect, "size {size}");
                expect += l.len() as u64;
            }
        }
    }

    #[test]
    fn long_lines_are_refused_with_their_number() {
        let input = b"a\nbb\n0123456789ab\nc\n";
        for size in 1..30 {
            let mut c = LineChunker::with_max_line(&input[..], size, 10);
            let e = loop {
                match c.next_chunk() {
                    Ok(Some(_)) => continue,
                    Ok(None) => panic!("size {size}: no error"),
                    Err(e) => break e,
                }
            };
            assert_eq!(crate::bounds::line_too_long(&e).unwrap().line, 3, "size {size}");
        }
        let mut c = LineChunker::with_max_line(&b"0123456789\n0123456789"[..], 4, 10);
        while c.next_chunk().unwrap().is_some() {}
    }

    #[test]
    fn empty_lines_are_kept() {
        let chunks = collect(b"a\n\nb\n", 100);
        assert_eq!(chunks[0].1, vec![b"a".to_vec(), b"".to_vec(), b"b".to_vec()]);
        assert!(collect(b"", 10).is_empty());
    }
}
