//! The limits abx holds every input to, in one place (the README's "Limits"
//! table lists them), and the two tools that enforce them on text: a reader
//! that refuses a line longer than [`MAX_LINE_BYTES`], and [`quote`], which
//! shows at most a short, escaped window of any text taken from an input.

use std::io::{self, Read};

/// The longest line (one id, one CSV row) abx's own readers accept.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// The largest experiment file.
pub const MAX_EXPERIMENT_BYTES: u64 = 1 << 20;
/// YAML nodes in one experiment file, and nodes copied in by aliases.
pub const MAX_YAML_NODES: usize = 100_000;
pub const MAX_ALIAS_NODES: usize = 10_000;
/// Nesting of lists and mappings in an experiment file.
pub const MAX_YAML_DEPTH: usize = 64;
/// Variants of one experiment.
pub const MAX_VARIANTS: usize = 1_000;
/// The largest drift profile (JSON).
pub const MAX_PROFILE_BYTES: u64 = 1 << 30;
/// Columns one drift comparison takes.
pub const MAX_COLUMNS: usize = 100_000;
/// `abx drift --bins`.
pub const MAX_BINS: usize = 10_000;
/// Units per simulated experiment (`abx simulate --units`).
pub const MAX_SIM_UNITS: u64 = 100_000_000;
/// Runs of a simulation study, and looks per run.
pub const MAX_SIM_RUNS: u64 = 10_000_000;
pub const MAX_LOOKS: u64 = 10_000;
/// Characters of input text quoted in a message.
pub const QUOTE_CHARS: usize = 100;

/// The error a [`LineLimited`] reader returns past [`MAX_LINE_BYTES`].
#[derive(Debug)]
pub struct LineTooLong {
    pub line: u64,
}

impl std::fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {} is longer than {} MiB; abx reads lines of at most {} bytes (is this the right file?)",
            self.line,
            MAX_LINE_BYTES >> 20,
            MAX_LINE_BYTES
        )
    }
}

impl std::error::Error for LineTooLong {}

/// The line number when `e` came from a [`LineLimited`] reader.
pub fn line_too_long(e: &io::Error) -> Option<&LineTooLong> {
    e.get_ref().and_then(|inner| inner.downcast_ref::<LineTooLong>())
}

/// A reader that fails with [`LineTooLong`] once a line (bytes between two
/// `\n`) grows past `max` bytes, so that a file without newlines
/// (`/dev/zero`) cannot grow a buffer without bound.
pub struct LineLimited<R> {
    inner: R,
    max: usize,
    /// Bytes since the last newline.
    run: usize,
    /// 1-based number of the current line.
    line: u64,
}

impl<R: Read> LineLimited<R> {
    pub fn new(inner: R) -> Self {
        LineLimited::with_max(inner, MAX_LINE_BYTES)
    }

    pub fn with_max(inner: R, max: usize) -> Self {
        LineLimited { inner, max, run: 0, line: 1 }
    }
}

impl<R: Read> Read for LineLimited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.run > self.max {
            return Err(io::Error::new(io::ErrorKind::InvalidData, LineTooLong { line: self.line }));
        }
        let n = self.inner.read(buf)?;
        let mut start = 0;
        for p in memchr::memchr_iter(b'\n', &buf[..n]) {
            if self.run + (p - start) > self.max {
                return Err(io::Error::new(io::ErrorKind::InvalidData, LineTooLong { line: self.line }));
            }
            self.run = 0;
            self.line += 1;
            start = p + 1;
        }
        self.run += n - start;
        if self.run > self.max {
            return Err(io::Error::new(io::ErrorKind::InvalidData, LineTooLong { line: self.line }));
        }
        Ok(n)
    }
}

/// Reads at most `max` bytes of `reader` into a vector; more is an error
/// (the caller names the file).
pub fn read_at_most(mut reader: impl Read, max: u64) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    (&mut reader).take(max + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the file is larger than {}; abx reads files of at most {max} bytes here", size(max)),
        ));
    }
    Ok(buf)
}

/// The memory the process can still get (Linux: MemAvailable, and less
/// under an address-space limit, `ulimit -v`), if known.
pub fn available_memory() -> Option<u64> {
    let kib = |file: &str, key: &str| -> Option<u64> {
        let info = std::fs::read_to_string(file).ok()?;
        let line = info.lines().find(|l| l.starts_with(key))?;
        line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|k| k.saturating_mul(1024))
    };
    let system = kib("/proc/meminfo", "MemAvailable:");
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit writes the struct it is given.
    #[allow(unsafe_code)]
    let got = unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut limit) } == 0;
    let limited = got && limit.rlim_cur != libc::RLIM_INFINITY;
    let under_limit = if limited {
        let used = kib("/proc/self/status", "VmSize:").unwrap_or(0);
        Some(limit.rlim_cur.saturating_sub(used))
    } else {
        None
    };
    match (system, under_limit) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// An error message when `bytes` (an estimate made before allocating) is more
/// than the memory available, so that abx refuses instead of aborting.
pub fn check_memory(bytes: u64, what: &str) -> Result<(), String> {
    match available_memory() {
        Some(avail) if bytes > avail => Err(format!(
            "{what} needs about {} of memory and {} is available; ask for less",
            approx(bytes),
            approx(avail)
        )),
        _ => Ok(()),
    }
}

fn approx(bytes: u64) -> String {
    let gib = bytes as f64 / (1u64 << 30) as f64;
    if gib >= 1.0 {
        format!("{gib:.1} GiB")
    } else {
        format!("{:.0} MiB", bytes as f64 / (1u64 << 20) as f64)
    }
}

/// A whole file of one kind (an experiment file, a drift profile) read with
/// a bound: a directory, or a file larger than `max` (known by its size,
/// else found while reading), is an error naming the file.
pub fn read_file_at_most(path: &std::path::Path, max: u64, kind: &str) -> Result<Vec<u8>, FileReadError> {
    let shown = path.display().to_string();
    let read_err = |source| FileReadError::Io { path: shown.clone(), source };
    if path.is_dir() {
        return Err(FileReadError::Refused { path: shown, message: format!("is a directory; give {kind}") });
    }
    let file = std::fs::File::open(path).map_err(read_err)?;
    if file.metadata().is_ok_and(|m| m.is_file() && m.len() > max) {
        let message = format!("the file is larger than {}, the most abx reads for {kind}", size(max));
        return Err(FileReadError::Refused { path: shown, message });
    }
    read_at_most(file, max).map_err(read_err)
}

/// Why [`read_file_at_most`] gave no bytes: the system's error, or abx's
/// refusal before reading (a directory, a file over the limit).
#[derive(Debug)]
pub enum FileReadError {
    Io { path: String, source: io::Error },
    Refused { path: String, message: String },
}

/// A byte count in words ("1 MiB").
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b => format!("{b} bytes"),
    }
}

/// Text from an input, made safe to show: control characters escaped
/// (`\u{1b}`), and at most [`QUOTE_CHARS`] characters, with the length of
/// what was left out.
pub fn quote(text: &str) -> String {
    quote_n(text, QUOTE_CHARS)
}

/// [`quote`] with room for `max` characters (a message from a library).
pub fn quote_n(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    for (shown, c) in chars.by_ref().enumerate() {
        if shown == max {
            let rest = 1 + chars.count();
            out.push_str(&format!("… ({rest} more characters)"));
            return out;
        }
        push_escaped(&mut out, c);
    }
    out
}

/// Names from an input as a list for a message: each [`quote`]d, at most 20
/// of them, then how many more there are.
pub fn list<S: AsRef<str>>(names: &[S]) -> String {
    const MAX: usize = 20;
    let mut out: Vec<String> = names.iter().take(MAX).map(|n| quote(n.as_ref())).collect();
    if names.len() > MAX {
        out.push(format!("… and {} more", names.len() - MAX));
    }
    out.join(", ")
}

/// [`quote`] of bytes that may not be UTF-8.
pub fn quote_bytes(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(4 * QUOTE_CHARS + 4)];
    let text = String::from_utf8_lossy(cut);
    let q = quote(&text);
    if cut.len() < bytes.len() && !q.ends_with("characters)") {
        format!("{q}… ({} more bytes)", bytes.len() - cut.len())
    } else {
        q
    }
}

/// Text with every control character escaped (a path holding a newline or
/// an escape sequence), kept whole.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    out
}

/// [`escape`] that keeps line breaks (a report's title or notes, which abx
/// lays out on several lines).
pub fn escape_lines(text: &str) -> String {
    text.split('\n').map(escape).collect::<Vec<_>>().join("\n")
}

fn push_escaped(out: &mut String, c: char) {
    if c.is_control() {
        out.push_str(&format!("\\u{{{:x}}}", c as u32));
    } else {
        out.push(c);
    }
}

/// A whole message made safe for the terminal, whatever built it: one
/// paragraph, control characters (newlines too) escaped, every run of more than
/// [`MAX_WORD`] characters without a space cut to that many, and the
/// message cut after 8,000 characters. The safety net behind
/// [`quote`]: a path may be longer than a quote, but not endless.
pub fn clean_message(message: &str) -> String {
    const MAX_WORD: usize = 300;
    const MAX_CHARS: usize = 8_000;
    let mut out = String::with_capacity(message.len().min(MAX_CHARS + 64));
    let mut word = 0usize;
    let mut skipped = 0usize;
    let mut total = 0usize;
    let flush_skipped = |out: &mut String, skipped: &mut usize| {
        if *skipped > 0 {
            out.push_str(&format!("… ({skipped} more characters)"));
            *skipped = 0;
        }
    };
    for c in message.chars() {
        if c == ' ' {
            flush_skipped(&mut out, &mut skipped);
            word = 0;
            out.push(c);
            total += 1;
        } else if word >= MAX_WORD {
            skipped += 1;
            continue;
        } else {
            push_escaped(&mut out, c);
            word += 1;
            total += 1;
        }
        if total >= MAX_CHARS {
            out.push_str("… (the rest of the message is cut)");
            return out;
        }
    }
    flush_skipped(&mut out, &mut skipped);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_past_the_limit_fail_with_their_number() {
        let mut input = b"ab\ncd\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 50));
        let mut r = LineLimited::with_max(&input[..], 10);
        let mut out = Vec::new();
        let e = r.read_to_end(&mut out).unwrap_err();
        assert_eq!(line_too_long(&e).unwrap().line, 3);
        let mut ok = LineLimited::with_max(&b"0123456789\n0123456789"[..], 10);
        let mut out = Vec::new();
        ok.read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), 21);
    }

    #[test]
    fn quotes_are_short_and_escaped() {
        assert_eq!(quote("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escape("a\nb"), "a\\u{a}b");
        let long = "x".repeat(1000);
        let q = quote(&long);
        assert!(q.len() < 140 && q.ends_with("(900 more characters)"), "{q}");
        let m = clean_message(&format!("error: f: `{}` bad\x07", "y".repeat(5000)));
        assert!(m.len() < 400 && m.contains("more characters") && m.ends_with("bad\\u{7}"), "{m}");
        assert_eq!(clean_message("a\nb\tc"), "a\\u{a}b\\u{9}c");
        let names: Vec<String> = (0..25).map(|i| format!("c{i}")).collect();
        assert!(list(&names).ends_with("c19, … and 5 more"), "{}", list(&names));
    }
}
