//! What differs between SQL engines: quoting, casts, the hash, the 64-bit
//! key and its literals, NaN, regular expressions, exact percentiles. The
//! recipes are anchors-next §1.3; each was run on the engine it names, except
//! BigQuery, Snowflake and Trino (parsed by sqlglot only).

use serde::Serialize;

/// A SQL engine abx writes queries for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// DuckDB (tested)
    Duckdb,
    /// PostgreSQL 11 or later (tested)
    Postgres,
    /// Spark SQL and Databricks (tested on Spark, ANSI mode on)
    #[cfg_attr(feature = "cli", value(alias = "databricks"))]
    Spark,
    /// ClickHouse (tested on chDB)
    Clickhouse,
    /// Google BigQuery (parsed by sqlglot, not executed)
    Bigquery,
    /// Snowflake (parsed by sqlglot, not executed)
    Snowflake,
    /// Trino and Presto (parsed by sqlglot, not executed)
    Trino,
}

/// 2^63, the offset of signed keys.
const SIGN: i128 = 1 << 63;

/// The regular expression of a decimal number as Rust's f64 parser reads it
/// (no hex, no digit separators), for numeric targeting.
const DECIMAL: &str = "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$";

impl Engine {
    pub const ALL: [Engine; 7] = [
        Engine::Duckdb,
        Engine::Postgres,
        Engine::Spark,
        Engine::Clickhouse,
        Engine::Bigquery,
        Engine::Snowflake,
        Engine::Trino,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Engine::Duckdb => "duckdb",
            Engine::Postgres => "postgres",
            Engine::Spark => "spark",
            Engine::Clickhouse => "clickhouse",
            Engine::Bigquery => "bigquery",
            Engine::Snowflake => "snowflake",
            Engine::Trino => "trino",
        }
    }

    /// A column of the user's data, quoted so that any name works.
    /// Snowflake folds unquoted names to upper case, so that a column created
    /// without quotes is found only unquoted: plain names stay unquoted there.
    pub fn ident(self, name: &str) -> String {
        match self {
            Engine::Duckdb | Engine::Postgres | Engine::Trino => format!("\"{}\"", name.replace('"', "\"\"")),
            Engine::Snowflake if is_plain(name) => name.to_string(),
            Engine::Snowflake => format!("\"{}\"", name.replace('"', "\"\"")),
            Engine::Spark => format!("`{}`", name.replace('`', "``")),
            Engine::Bigquery => format!("`{}`", name.replace('\\', "\\\\").replace('`', "\\`")),
            Engine::Clickhouse => format!("`{}`", name.replace('\\', "\\\\").replace('`', "\\`")),
        }
    }

    /// An output column's name: quoted everywhere, so that it keeps its case.
    pub fn alias(self, name: &str) -> String {
        match self {
            Engine::Snowflake => format!("\"{}\"", name.replace('"', "\"\"")),
            _ => self.ident(name),
        }
    }

    /// A string literal holding exactly `s`.
    pub fn string(self, s: &str) -> String {
        match self {
            Engine::Duckdb | Engine::Trino => format!("'{}'", s.replace('\'', "''")),
            // An E'' string means the same whatever standard_conforming_strings says.
            Engine::Postgres if s.contains('\\') => {
                format!("E'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
            }
            Engine::Postgres => format!("'{}'", s.replace('\'', "''")),
            Engine::Snowflake => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''")),
            Engine::Spark | Engine::Clickhouse => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
            Engine::Bigquery => {
                let mut out = String::from("'");
                for c in s.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\'' => out.push_str("\\'"),
                        c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
                        c => out.push(c),
                    }
                }
                out.push('\'');
                out
            }
        }
    }

    /// `e` as text.
    pub fn text(self, e: &str) -> String {
        match self {
            Engine::Duckdb | Engine::Snowflake | Engine::Trino => format!("CAST({e} AS VARCHAR)"),
            Engine::Postgres => format!("CAST({e} AS text)"),
            Engine::Spark | Engine::Bigquery => format!("CAST({e} AS STRING)"),
            Engine::Clickhouse => format!("toString({e})"),
        }
    }

    /// A NULL of the text type.
    pub fn null_text(self) -> String {
        match self {
            Engine::Clickhouse => "CAST(NULL AS Nullable(String))".into(),
            _ => self.text("NULL"),
        }
    }

    /// `e` as a double.
    pub fn double(self, e: &str) -> String {
        match self {
            Engine::Duckdb | Engine::Spark | Engine::Snowflake | Engine::Trino => format!("CAST({e} AS DOUBLE)"),
            Engine::Postgres => format!("CAST({e} AS double precision)"),
            Engine::Bigquery => format!("CAST({e} AS FLOAT64)"),
            Engine::Clickhouse => format!("toFloat64({e})"),
        }
    }

    /// The double `v` exactly (its shortest decimal with an exponent is
    /// read back as the same double by every engine's cast).
    pub fn double_lit(self, v: f64) -> String {
        if v.is_finite() {
            self.double(&format!("{v:e}"))
        } else if v > 0.0 {
            self.infinity(false)
        } else {
            self.infinity(true)
        }
    }

    fn infinity(self, negative: bool) -> String {
        let sign = if negative { "-" } else { "" };
        match self {
            Engine::Duckdb | Engine::Snowflake => format!("CAST('{sign}inf' AS DOUBLE)"),
            Engine::Postgres => format!("CAST('{sign}Infinity' AS double precision)"),
            Engine::Spark => format!("CAST('{sign}Infinity' AS DOUBLE)"),
            Engine::Bigquery => format!("CAST('{sign}inf' AS FLOAT64)"),
            Engine::Clickhouse => format!("{sign}inf"),
            Engine::Trino => format!("{sign}infinity()"),
        }
    }

    /// A double expression with NaN made NULL (a missing value, as abx reads NaN).
    pub fn nan_to_null(self, e: &str) -> String {
        match self {
            // NaN equals NaN in these two.
            Engine::Postgres => format!("NULLIF({e}, CAST('NaN' AS double precision))"),
            Engine::Snowflake => format!("NULLIF({e}, CAST('NaN' AS DOUBLE))"),
            // NaN equals NaN in DuckDB and Spark too; NULLIF is the cheaper form.
            Engine::Duckdb | Engine::Spark => format!("NULLIF({e}, CAST('NaN' AS DOUBLE))"),
            Engine::Clickhouse => format!("CASE WHEN isNaN({e}) THEN NULL ELSE {e} END"),
            Engine::Bigquery => format!("CASE WHEN IS_NAN({e}) THEN NULL ELSE {e} END"),
            Engine::Trino => format!("CASE WHEN is_nan({e}) THEN NULL ELSE {e} END"),
        }
    }

    pub fn false_lit(self) -> &'static str {
        match self {
            Engine::Clickhouse => "0",
            _ => "FALSE",
        }
    }

    /// Text `e` matching the whole regular expression `re` (no backslashes in `re`).
    fn matches(self, e: &str, re: &str) -> String {
        match self {
            Engine::Duckdb => format!("regexp_full_match({e}, '{re}')"),
            Engine::Postgres => format!("({e} ~ '{re}')"),
            Engine::Spark => format!("({e} RLIKE '{re}')"),
            Engine::Clickhouse => format!("match({e}, '{re}')"),
            Engine::Bigquery => format!("REGEXP_CONTAINS({e}, '{re}')"),
            Engine::Snowflake => format!("REGEXP_LIKE({e}, '{re}')"),
            Engine::Trino => format!("regexp_like({e}, '{re}')"),
        }
    }

    fn trim(self, e: &str) -> String {
        match self {
            Engine::Clickhouse => format!("trimBoth({e})"),
            _ => format!("TRIM({e})"),
        }
    }

    /// Text `t` read as a number as abx's targeting reads it (Rust's f64
    /// parser after trimming: decimals, inf and infinity), else NULL.
    pub fn number(self, t: &str) -> String {
        let t = self.trim(t);
        let lower = format!("LOWER({t})");
        format!(
            "CASE WHEN {m} THEN {d} WHEN {lower} IN ('inf', '+inf', 'infinity', '+infinity') THEN {pos} WHEN {lower} IN ('-inf', '-infinity') THEN {neg} END",
            m = self.matches(&t, DECIMAL),
            d = self.double(&t),
            pos = self.infinity(false),
            neg = self.infinity(true),
        )
    }

    /// Text `e` for `<`-style comparisons in byte order (as Rust's `str::cmp`).
    pub fn bytewise(self, e: &str) -> String {
        match self {
            Engine::Postgres => format!("({e} COLLATE \"C\")"),
            _ => e.to_string(),
        }
    }

    /// The hash prefix of a unit (text): the first 8 bytes of
    /// SHA-256(`{unit}:{salt}`) in the engine's handiest form (hex text or
    /// bytes). DuckDB's is the whole hex digest: its first 16 digits are the
    /// prefix, and it orders against a 16-digit literal as they do (where
    /// they equal the literal, the longer text is the greater), without the
    /// cost of a substring.
    pub fn prefix(self, unit: &str, salt: &str) -> String {
        let s = self.string(&format!(":{salt}"));
        match self {
            Engine::Duckdb => format!("sha256({unit} || {s})"),
            Engine::Postgres => format!("substring(sha256(convert_to({unit} || {s}, 'UTF8')) from 1 for 8)"),
            Engine::Spark => format!("substr(sha2(concat({unit}, {s}), 256), 1, 16)"),
            Engine::Clickhouse => format!("substring(SHA256(concat({unit}, {s})), 1, 8)"),
            Engine::Bigquery => format!("SUBSTR(SHA256(CONCAT({unit}, {s})), 1, 8)"),
            Engine::Snowflake => format!("SUBSTR(SHA2({unit} || {s}, 256), 1, 16)"),
            Engine::Trino => format!("substr(sha256(to_utf8({unit} || {s})), 1, 8)"),
        }
    }

    /// The same prefix from its 16 hex digits (a column that holds them).
    pub fn prefix_from_hex(self, hex: &str) -> String {
        match self {
            Engine::Duckdb | Engine::Spark => format!("lower({hex})"),
            Engine::Snowflake => format!("LOWER({hex})"),
            Engine::Postgres => format!("decode({hex}, 'hex')"),
            Engine::Clickhouse => format!("unhex({hex})"),
            Engine::Bigquery => format!("FROM_HEX({hex})"),
            Engine::Trino => format!("from_hex({hex})"),
        }
    }

    /// The prefix as 16 lowercase hex digits.
    pub fn prefix_hex(self, p: &str) -> String {
        match self {
            Engine::Spark | Engine::Snowflake => p.to_string(),
            Engine::Duckdb => format!("substr({p}, 1, 16)"),
            Engine::Postgres => format!("encode({p}, 'hex')"),
            Engine::Clickhouse => format!("lower(hex({p}))"),
            Engine::Bigquery => format!("TO_HEX({p})"),
            Engine::Trino => format!("lower(to_hex({p}))"),
        }
    }

    /// A key that orders as the prefix's unsigned 64-bit integer does,
    /// compared with [`Engine::key_lit`] literals.
    pub fn key(self, p: &str) -> String {
        match self {
            // bytea compares byte by byte: big-endian order.
            Engine::Postgres => p.to_string(),
            // conv is unsigned; DECIMAL(20,0) holds every u64 (a BIGINT cast
            // overflows under ANSI), and no collation can reorder it.
            Engine::Spark => format!("CAST(conv({p}, 16, 10) AS DECIMAL(20,0))"),
            // reinterpret is little-endian, hence the reverse.
            Engine::Clickhouse => format!("reinterpretAsUInt64(reverse({p}))"),
            // u - 2^63 from two unsigned 32-bit halves: no INT64 overflow.
            Engine::Bigquery => {
                let h = self.prefix_hex(p);
                format!(
                    "((CAST(CONCAT('0x', SUBSTR({h}, 1, 8)) AS INT64) - 2147483648) * 4294967296 + CAST(CONCAT('0x', SUBSTR({h}, 9, 8)) AS INT64))"
                )
            }
            // Fixed-width lowercase hex compares as the integer does, by code
            // point (in DuckDB a cast to UBIGINT would add a quarter to the hashing).
            Engine::Duckdb | Engine::Snowflake => p.to_string(),
            // u - 2^63: the sign bit flipped.
            Engine::Trino => format!("bitwise_xor(from_big_endian_64({p}), -9223372036854775807 - 1)"),
        }
    }

    /// The literal of the integer threshold `t` in the key's terms.
    pub fn key_lit(self, t: u64) -> String {
        let signed = |t: u64| {
            let v = t as i128 - SIGN;
            if v == i64::MIN as i128 {
                "(-9223372036854775807 - 1)".to_string()
            } else {
                v.to_string()
            }
        };
        match self {
            Engine::Duckdb | Engine::Snowflake => format!("'{t:016x}'"),
            Engine::Postgres => format!("decode('{t:016x}', 'hex')"),
            Engine::Spark => format!("CAST('{t}' AS DECIMAL(20,0))"),
            Engine::Clickhouse => format!("toUInt64({t})"),
            Engine::Bigquery | Engine::Trino => signed(t),
        }
    }

    /// The two 32-bit halves of the prefix, each as an (exact) double.
    fn halves(self, p: &str) -> [String; 2] {
        let half = |i: usize| match self {
            Engine::Duckdb => self.double(&format!("CAST('0x' || substr({p}, {}, 8) AS UBIGINT)", 1 + 8 * i)),
            Engine::Postgres => self.double(&format!(
                "CAST(CAST('x' || encode(substring({p} from {} for 4), 'hex') AS bit(32)) AS bigint)",
                1 + 4 * i
            )),
            Engine::Spark => self.double(&format!("conv(substr({p}, {}, 8), 16, 10)", 1 + 8 * i)),
            Engine::Clickhouse => {
                self.double(&format!("reinterpretAsUInt32(reverse(substring({p}, {}, 4)))", 1 + 4 * i))
            }
            Engine::Bigquery => {
                self.double(&format!("CAST(CONCAT('0x', SUBSTR({}, {}, 8)) AS INT64)", self.prefix_hex(p), 1 + 8 * i))
            }
            Engine::Snowflake => self.double(&format!("TO_NUMBER(SUBSTR({p}, {}, 8), 'XXXXXXXX')", 1 + 8 * i)),
            Engine::Trino => self.double(&format!("from_big_endian_64(X'00000000' || substr({p}, {}, 4))", 1 + 4 * i)),
        };
        [half(0), half(1)]
    }

    /// x, the unit's point, as abx computes it: (hi * 2^32 + lo) / 2^64 in
    /// doubles. Both halves are exact and the one addition rounds as Rust's
    /// `u64 as f64` does; the division by a power of two is exact.
    pub fn point(self, p: &str) -> String {
        let [hi, lo] = self.halves(p);
        let c = self.double("4294967296");
        format!("(({hi} * {c} + {lo}) / ({c} * {c}))")
    }

    /// The exact `q`-quantile of `e` over the group, interpolated linearly
    /// as numpy's default; None where the engine has only an approximate one.
    pub fn percentile(self, e: &str, q: f64) -> Option<String> {
        // ClickHouse takes an aggregate's parameters as literals only.
        let p = if self == Engine::Clickhouse { format!("{q:e}") } else { self.double_lit(q) };
        Some(match self {
            Engine::Duckdb => format!("quantile_cont({e}, {p})"),
            Engine::Postgres | Engine::Snowflake => format!("percentile_cont({p}) WITHIN GROUP (ORDER BY {e})"),
            Engine::Spark => format!("percentile({e}, {p})"),
            Engine::Clickhouse => format!("quantileExactInclusive({p})({e})"),
            // An analytic function only: see `percentile_is_window`.
            Engine::Bigquery => format!("PERCENTILE_CONT({e}, {p}) OVER ()"),
            Engine::Trino => return None,
        })
    }

    /// Double arithmetic gives inf (or 0) where the result is out of range,
    /// as IEEE 754 does, rather than an error (tried on each).
    pub fn overflows_to_infinity(self) -> bool {
        matches!(self, Engine::Duckdb | Engine::Spark | Engine::Clickhouse)
    }

    /// BigQuery's exact percentile is a window function, not an aggregate.
    pub fn percentile_is_window(self) -> bool {
        self == Engine::Bigquery
    }
}

/// Snowflake's reserved words (docs.snowflake.com, "Reserved & limited keywords").
const SNOWFLAKE_RESERVED: [&str; 95] = [
    "ACCOUNT",
    "ALL",
    "ALTER",
    "AND",
    "ANY",
    "AS",
    "BETWEEN",
    "BY",
    "CASE",
    "CAST",
    "CHECK",
    "COLUMN",
    "CONNECT",
    "CONNECTION",
    "CONSTRAINT",
    "CREATE",
    "CROSS",
    "CURRENT",
    "CURRENT_DATE",
    "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
    "CURRENT_USER",
    "DATABASE",
    "DELETE",
    "DISTINCT",
    "DROP",
    "ELSE",
    "EXISTS",
    "FALSE",
    "FOLLOWING",
    "FOR",
    "FROM",
    "FULL",
    "GRANT",
    "GROUP",
    "GSCLUSTER",
    "HAVING",
    "ILIKE",
    "IN",
    "INCREMENT",
    "INNER",
    "INSERT",
    "INTERSECT",
    "INTO",
    "IS",
    "ISSUE",
    "JOIN",
    "LATERAL",
    "LEFT",
    "LIKE",
    "LOCALTIME",
    "LOCALTIMESTAMP",
    "MINUS",
    "NATURAL",
    "NOT",
    "NULL",
    "OF",
    "ON",
    "OR",
    "ORDER",
    "ORGANIZATION",
    "QUALIFY",
    "REGEXP",
    "REVOKE",
    "RIGHT",
    "RLIKE",
    "ROW",
    "ROWS",
    "SAMPLE",
    "SCHEMA",
    "SELECT",
    "SET",
    "SOME",
    "START",
    "TABLE",
    "TABLESAMPLE",
    "THEN",
    "TO",
    "TRIGGER",
    "TRUE",
    "TRY_CAST",
    "UNION",
    "UNIQUE",
    "UPDATE",
    "USING",
    "VALUES",
    "VIEW",
    "WHEN",
    "WHENEVER",
    "WHERE",
    "WITH",
    "ASOF",
    "MATCH_CONDITION",
    "POSITIONAL",
    "CONNECT_BY_ROOT",
];

/// A name that needs no quotes: letters, digits, underscores, not first a
/// digit, and not a reserved word.
fn is_plain(name: &str) -> bool {
    if SNOWFLAKE_RESERVED.contains(&name.to_ascii_uppercase().as_str()) {
        return false;
    }
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(Engine::Duckdb.string("it's"), "'it''s'");
        assert_eq!(Engine::Postgres.string("a\\b'c"), "E'a\\\\b''c'");
        assert_eq!(Engine::Spark.string("a\\b'c"), "'a\\\\b\\'c'");
        assert_eq!(Engine::Bigquery.string("a\nb"), "'a\\x0ab'");
        assert_eq!(Engine::Duckdb.ident("we\"ird"), "\"we\"\"ird\"");
        assert_eq!(Engine::Spark.ident("a`b"), "`a``b`");
        assert_eq!(Engine::Snowflake.ident("user_id"), "user_id");
        assert_eq!(Engine::Snowflake.ident("user id"), "\"user id\"");
        assert_eq!(Engine::Snowflake.ident("group"), "\"group\"");
    }

    #[test]
    fn signed_keys_cover_the_ends() {
        assert_eq!(Engine::Trino.key_lit(0), "(-9223372036854775807 - 1)");
        assert_eq!(Engine::Trino.key_lit(u64::MAX), "9223372036854775807");
        assert_eq!(Engine::Bigquery.key_lit(1 << 63), "0");
        assert_eq!(Engine::Postgres.key_lit(255), "decode('00000000000000ff', 'hex')");
    }
}
