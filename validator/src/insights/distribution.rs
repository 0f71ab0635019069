//! A distribution of values with bounded memory: exact while small, log-bucketed after.

use std::collections::BTreeMap;

/// Values kept exactly before switching to buckets.
const EXACT: usize = 4096;
/// Bucket growth factor: quantiles of a large distribution are within 1% of the true value.
const GROWTH: f64 = 1.01;

/// Count, sum, min, max and nearest-rank quantiles of non-negative values.
///
/// Exact for up to 4096 values; beyond, values go into logarithmic buckets (1% wide), so
/// memory stays bounded whatever the stream's length.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Distribution {
    count: u64,
    sum: f64,
    min: f64,
    max: f64,
    exact: Vec<f64>,
    buckets: BTreeMap<i32, u64>,
}

impl Distribution {
    /// An empty distribution.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a value (negative and non-finite values are ignored).
    #[inline]
    pub fn add(&mut self, v: f64) {
        // Not contained: NaN too.
        if !(0.0..f64::INFINITY).contains(&v) {
            return;
        }
        if self.count == 0 {
            self.min = v;
            self.max = v;
        } else {
            self.min = self.min.min(v);
            self.max = self.max.max(v);
        }
        self.count += 1;
        self.sum += v;
        if self.exact.len() < EXACT && self.buckets.is_empty() {
            self.exact.push(v);
        } else {
            self.add_to_buckets(v);
        }
    }

    /// Past [`EXACT`] values: moves the exact values into buckets (once), then counts `v`.
    #[cold]
    fn add_to_buckets(&mut self, v: f64) {
        for x in std::mem::take(&mut self.exact) {
            *self.buckets.entry(bucket(x)).or_default() += 1;
        }
        *self.buckets.entry(bucket(v)).or_default() += 1;
    }

    /// Number of values.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Sum of the values.
    pub fn sum(&self) -> f64 {
        self.sum
    }

    /// Smallest value (`None` when empty).
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }

    /// Largest value (`None` when empty).
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    /// Mean (`None` when empty).
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }

    /// The nearest-rank quantile `q` in `[0, 1]` (`None` when empty): the smallest value with at
    /// least `q` of the values at or below it.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).max(1);
        if self.buckets.is_empty() {
            let mut v = self.exact.clone();
            v.sort_by(f64::total_cmp);
            return v.get(rank as usize - 1).copied();
        }
        let mut seen = 0;
        for (b, n) in &self.buckets {
            seen += n;
            if seen >= rank {
                return Some(value(*b).clamp(self.min, self.max));
            }
        }
        Some(self.max)
    }

    /// The median.
    pub fn p50(&self) -> Option<f64> {
        self.quantile(0.5)
    }

    /// The 95th percentile.
    pub fn p95(&self) -> Option<f64> {
        self.quantile(0.95)
    }
}

fn bucket(v: f64) -> i32 {
    if v <= 0.0 {
        i32::MIN
    } else {
        (v.ln() / GROWTH.ln()).floor() as i32
    }
}

fn value(b: i32) -> f64 {
    if b == i32::MIN {
        0.0
    } else {
        GROWTH.powf(b as f64 + 0.5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles_are_exact_when_small() {
        let mut d = Distribution::new();
        for v in [5.0, 1.0, 3.0, 2.0, 4.0] {
            d.add(v);
        }
        assert_eq!(d.p50(), Some(3.0));
        assert_eq!(d.p95(), Some(5.0));
        assert_eq!(d.quantile(0.2), Some(1.0));
        assert_eq!(
            (d.min(), d.max(), d.count(), d.sum()),
            (Some(1.0), Some(5.0), 5, 15.0)
        );
        assert_eq!(Distribution::new().p50(), None);
    }

    #[test]
    fn large_distributions_stay_bounded_and_within_one_percent() {
        let mut d = Distribution::new();
        for i in 1..=100_000u32 {
            d.add(f64::from(i));
        }
        assert!(d.buckets.len() < 1200, "{} buckets", d.buckets.len());
        assert!(d.exact.is_empty());
        let p50 = d.p50().unwrap_or_default();
        assert!((p50 - 50_000.0).abs() / 50_000.0 < 0.01, "{p50}");
        assert_eq!(d.max(), Some(100_000.0));
    }
}
