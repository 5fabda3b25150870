//! `abx simulate --bandit`: many runs of a bandit on synthetic arms with
//! known truth, each reweighted after every period by the same update as
//! `abx bandit` (period-weighted means, Thompson or epsilon-greedy), to show
//! its regret and how often it ends on the best arm.

use rand::Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::{rng, MetricModel, Rate};
use crate::analysis::bandit::{step, BanditOptions, Strategy};
use crate::experiment::{Direction, Experiment};
use crate::stats::moments::Moments;

/// A bandit study's settings.
#[derive(Debug, Clone, Copy)]
pub struct BanditStudy {
    pub runs: u64,
    /// Units per run, arriving evenly over the periods.
    pub units: u64,
    /// Reweights happen after each period but the last.
    pub periods: u32,
    pub seed: u64,
    pub opts: BanditOptions,
}

#[derive(Debug, Clone, Serialize)]
pub struct BanditStudyResult {
    pub experiment: String,
    pub metric: String,
    pub direction: Direction,
    pub strategy: Strategy,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epsilon: Option<f64>,
    pub runs: u64,
    pub units: u64,
    pub periods: u32,
    pub seed: u64,
    /// Each arm's true mean (the models' truth).
    pub true_means: Vec<(String, f64)>,
    /// The best arm; null when several arms tie for best (no arm to find).
    pub best: Option<String>,
    /// Regret per unit: the mean over units and runs of (best arm's truth −
    /// the unit's arm's truth), in the metric's better direction.
    pub regret_per_unit: f64,
    /// Its standard error across runs.
    pub regret_se: f64,
    /// The same for the starting weights kept throughout (a fixed split).
    pub fixed_split_regret_per_unit: f64,
    /// Runs whose final P(best) is highest for the true best arm (null with a tie).
    pub picked_best: Option<Rate>,
    /// The best arm's weight after the last reweight, averaged over runs (null with a tie).
    pub final_weight_of_best: Option<f64>,
    /// Each arm's share of all units, averaged over runs.
    pub share_of_units: Vec<(String, f64)>,
}

/// Runs the study. `models[pi]` is the primary metric's.
pub fn bandit_study(exp: &Experiment, models: &[MetricModel], pi: usize, s: &BanditStudy) -> BanditStudyResult {
    let metric = &exp.metrics[pi];
    let model = &models[pi];
    let k = exp.variants.len();
    let truth: Vec<f64> = (0..k).map(|v| model.truth(v)).collect();
    let lower = metric.direction == Direction::Decrease;
    let better = |a: f64, b: f64| if lower { a < b } else { a > b };
    let best = (0..k).fold(0, |b, v| if better(truth[v], truth[b]) { v } else { b });
    let tied = (0..k).filter(|&v| truth[v] == truth[best]).count() > 1;
    let regret_of = |v: usize| (truth[best] - truth[v]).abs();
    let start = exp.normalized_weights();
    let runs: Vec<(f64, bool, f64, Vec<u64>)> = (0..s.runs)
        .into_par_iter()
        .map(|run| {
            let mut r = rng(s.seed, run);
            let mut weights = start.clone();
            let mut moments: Vec<Vec<Moments>> = Vec::new();
            let mut counts = vec![0u64; k];
            let mut regret = 0.0;
            let mut last_p = vec![1.0 / k as f64; k];
            for p in 0..s.periods {
                let n = s.units / u64::from(s.periods) + u64::from(u64::from(p) < s.units % u64::from(s.periods));
                let mut cell = vec![Moments::default(); k];
                for _ in 0..n {
                    let u: f64 = r.gen();
                    let mut acc = 0.0;
                    let mut v = k - 1;
                    for (i, w) in weights.iter().enumerate() {
                        acc += w;
                        if u < acc {
                            v = i;
                            break;
                        }
                    }
                    let (x, y) = model.draw(&mut r, v);
                    cell[v].push(x, y);
                    counts[v] += 1;
                    regret += regret_of(v);
                }
                moments.push(cell);
                let dates = vec![None; moments.len()];
                // An arm without units in a period leaves its period-weighted
                // mean undefined: the weights then stay (a real bandit would too).
                if let Ok(st) = step(exp, metric, &moments, &dates, &weights, &s.opts, "simulation") {
                    last_p = st.p_best;
                    if p + 1 < s.periods {
                        weights = st.next;
                    }
                }
            }
            let picked = (0..k).fold(0, |b, v| if last_p[v] > last_p[b] { v } else { b }) == best;
            (regret / s.units as f64, picked, weights[best], counts)
        })
        .collect();
    let n = runs.len().max(1) as f64;
    let mean = runs.iter().map(|r| r.0).sum::<f64>() / n;
    let var = runs.iter().map(|r| (r.0 - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    let total_units = (s.units * s.runs).max(1) as f64;
    let share: Vec<(String, f64)> = exp
        .variants
        .iter()
        .enumerate()
        .map(|(v, x)| (x.name.clone(), runs.iter().map(|r| r.3[v]).sum::<u64>() as f64 / total_units))
        .collect();
    BanditStudyResult {
        experiment: exp.name.clone(),
        metric: metric.name.clone(),
        direction: metric.direction,
        strategy: s.opts.strategy,
        epsilon: (s.opts.strategy == Strategy::EpsilonGreedy).then_some(s.opts.epsilon),
        runs: s.runs,
        units: s.units,
        periods: s.periods,
        seed: s.seed,
        true_means: exp.variants.iter().zip(&truth).map(|(v, t)| (v.name.clone(), *t)).collect(),
        best: (!tied).then(|| exp.variants[best].name.clone()),
        regret_per_unit: mean,
        regret_se: (var / n).sqrt(),
        fixed_split_regret_per_unit: start.iter().enumerate().map(|(v, w)| w * regret_of(v)).sum(),
        picked_best: (!tied).then(|| Rate::new(runs.iter().filter(|r| r.1).count() as u64, runs.len() as u64)),
        final_weight_of_best: (!tied).then(|| runs.iter().map(|r| r.2).sum::<f64>() / n),
        share_of_units: share,
    }
}
