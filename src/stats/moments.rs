//! Sufficient statistics of a metric in one variant, accumulated and merged
//! with shifted values so that variances keep their precision.

/// Sufficient statistics of one metric in one variant: of its value x and,
/// for ratio and CUPED metrics, of a second column y (the denominator or the
/// covariate). Sums are of shifted values, x - `shift` and y - `shift_y`, so
/// that variances keep their precision when the mean is far from 0 (the
/// shifts are 0 for summaries, which give raw sums).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Moments {
    /// Units with a value (both values for ratios).
    pub n: f64,
    /// Σ (x - shift).
    pub sum: f64,
    /// Σ (x - shift)².
    pub sum_sq: f64,
    /// Missing values (null, NaN, empty), counted and shown, never silently dropped.
    pub missing: f64,
    pub shift: f64,
    pub sum_y: f64,
    pub sum_y_sq: f64,
    /// Σ (x - shift)(y - shift_y).
    pub sum_xy: f64,
    pub shift_y: f64,
}

impl Moments {
    /// Raw sums (no shift), as a summary gives them.
    pub fn raw(n: f64, sum: f64, sum_sq: f64) -> Moments {
        Moments { n, sum, sum_sq, ..Moments::default() }
    }

    /// Σx.
    pub fn total(&self) -> f64 {
        self.sum + self.n * self.shift
    }

    /// Σx².
    pub fn total_sq(&self) -> f64 {
        self.sum_sq + 2.0 * self.shift * self.sum + self.n * self.shift * self.shift
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0.0 {
            0.0
        } else {
            self.shift + self.sum / self.n
        }
    }

    /// Sample variance (n - 1), (Σx² - (Σx)²/n)/(n - 1) on the shifted sums
    /// (gbstats' SampleMeanStatistic.variance).
    pub fn var(&self) -> f64 {
        if self.n <= 1.0 {
            0.0
        } else {
            (self.sum_sq - self.sum * self.sum / self.n) / (self.n - 1.0)
        }
    }

    pub fn mean_y(&self) -> f64 {
        if self.n == 0.0 {
            0.0
        } else {
            self.shift_y + self.sum_y / self.n
        }
    }

    pub fn total_y(&self) -> f64 {
        self.sum_y + self.n * self.shift_y
    }

    pub fn var_y(&self) -> f64 {
        if self.n <= 1.0 {
            0.0
        } else {
            (self.sum_y_sq - self.sum_y * self.sum_y / self.n) / (self.n - 1.0)
        }
    }

    /// Sample covariance of x and y (gbstats' compute_covariance).
    pub fn cov(&self) -> f64 {
        if self.n <= 1.0 {
            0.0
        } else {
            (self.sum_xy - self.sum * self.sum_y / self.n) / (self.n - 1.0)
        }
    }

    /// Adds one unit's x (and y, for ratio and CUPED metrics) at the current shifts.
    pub fn push(&mut self, x: f64, y: f64) {
        let (dx, dy) = (x - self.shift, y - self.shift_y);
        self.n += 1.0;
        self.sum += dx;
        self.sum_sq += dx * dx;
        self.sum_y += dy;
        self.sum_y_sq += dy * dy;
        self.sum_xy += dx * dy;
    }

    /// The union of two groups measured with the same shifts.
    pub fn merge(&self, o: &Moments) -> Moments {
        debug_assert!(self.n == 0.0 || o.n == 0.0 || (self.shift == o.shift && self.shift_y == o.shift_y));
        let (shift, shift_y) = if self.n == 0.0 { (o.shift, o.shift_y) } else { (self.shift, self.shift_y) };
        Moments {
            n: self.n + o.n,
            sum: self.sum + o.sum,
            sum_sq: self.sum_sq + o.sum_sq,
            missing: self.missing + o.missing,
            shift,
            sum_y: self.sum_y + o.sum_y,
            sum_y_sq: self.sum_y_sq + o.sum_y_sq,
            sum_xy: self.sum_xy + o.sum_xy,
            shift_y,
        }
    }
}
