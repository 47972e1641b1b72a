//! Every statistic against scipy / numpy / baycomp reference values (tests/reference/stats.json
//! from make_stats_reference.py): relative 1e-12 for arithmetic, 1e-9 through a distribution,
//! exact for counts; Monte Carlo bootstrap within a stated tolerance.

mod common;

use common::{floats, reference};

use seedfold::stats::*;
use serde_json::Value;

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

#[track_caller]
fn close(got: f64, want: f64, rel: f64, what: &str) {
    assert!(
        (got - want).abs() <= rel * want.abs().max(1e-300),
        "{what}: seedfold {got:e} vs reference {want:e}"
    );
}

const ARITHMETIC: f64 = 1e-12;
const DISTRIBUTION: f64 = 1e-9;

#[test]
fn t_interval_matches_scipy() {
    let r = &reference("stats.json")["t_interval"];
    let x = floats(&r["x"]);
    for (level, key) in [(0.95, "95"), (0.90, "90")] {
        let ci = t_interval(&x, level).value().cloned().unwrap();
        close(ci.lower, f(&r[key][0]), DISTRIBUTION, "lower");
        close(ci.upper, f(&r[key][1]), DISTRIBUTION, "upper");
    }
    assert!(
        t_interval(&x[..1], 0.95).value().is_none(),
        "one seed has no interval"
    );
}

#[test]
fn quantiles_match_numpy() {
    let r = &reference("stats.json")["quantiles"];
    let mut x = floats(&r["x"]);
    x.sort_by(f64::total_cmp);
    for (p, want) in floats(&r["p"]).into_iter().zip(floats(&r["values"])) {
        close(quantile(&x, p).unwrap(), want, ARITHMETIC, "quantile");
    }
}

#[test]
fn corrected_interval_matches_the_formula_with_scipy_t() {
    let r = &reference("stats.json")["corrected_interval"];
    let ci = corrected_interval(&floats(&r["x"]), f(&r["ratio"]), 0.95)
        .value()
        .cloned()
        .unwrap();
    close(ci.lower, f(&r["lower"]), DISTRIBUTION, "lower");
    close(ci.upper, f(&r["upper"]), DISTRIBUTION, "upper");
}

#[test]
fn variance_components_match_scipy_f_oneway() {
    for case in reference("stats.json")["one_way"].as_array().unwrap() {
        let groups: Vec<Vec<f64>> = case["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(floats)
            .collect();
        let got = one_way(&groups).value().cloned().unwrap();
        close(got.f, f(&case["f"]), 1e-10, "F");
        close(got.p_value, f(&case["p_value"]), DISTRIBUTION, "p");
        close(
            got.between_seed_raw,
            f(&case["between_raw"]),
            1e-10,
            "between (raw)",
        );
        close(
            got.within_seed,
            f(&case["within"]),
            ARITHMETIC * 10.0,
            "within",
        );
        assert_eq!(got.between_seed, got.between_seed_raw.max(0.0));
        if f(&case["icc"]) == 0.0 {
            assert!(
                got.between_seed_raw < 0.0,
                "the negative case must be negative before truncation"
            );
            assert_eq!(got.icc, 0.0);
        } else {
            close(got.icc, f(&case["icc"]), 1e-10, "icc");
        }
    }
}

#[test]
fn nested_components_match_numpy() {
    let r = &reference("stats.json")["nested"];
    let cells: Vec<Vec<Vec<f64>>> = r["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_array().unwrap().iter().map(floats).collect())
        .collect();
    let got = nested_components(&cells).value().cloned().unwrap();
    close(got.split_seed, f(&r["split_seed"]), 1e-10, "split seed");
    close(got.model_seed, f(&r["model_seed"]), 1e-10, "model seed");
    close(got.residual, f(&r["residual"]), 1e-10, "residual");
}

#[test]
fn wilcoxon_matches_scipy_exact_and_normal_with_ties_and_zeros() {
    for case in reference("stats.json")["wilcoxon"].as_array().unwrap() {
        let got = wilcoxon(&floats(&case["d"])).value().cloned().unwrap();
        assert_eq!(got.method, case["method"].as_str().unwrap());
        assert_eq!(
            got.statistic,
            f(&case["statistic"]),
            "statistic (ranks are exact)"
        );
        close(got.p_value, f(&case["p_value"]), DISTRIBUTION, "p");
    }
    assert!(wilcoxon(&[0.0, 0.0]).value().is_none());
}

#[test]
fn sign_test_matches_scipy_binomtest() {
    for case in reference("stats.json")["sign_test"].as_array().unwrap() {
        let got = sign_test(&floats(&case["d"]));
        assert_eq!(
            (got.positive, got.negative),
            (
                case["positive"].as_u64().unwrap() as usize,
                case["negative"].as_u64().unwrap() as usize
            )
        );
        close(got.p_value, f(&case["p_value"]), DISTRIBUTION, "p");
    }
}

#[test]
fn p_a_beats_b_interval_is_scipy_wilson() {
    for case in reference("stats.json")["wilson"].as_array().unwrap() {
        let (k, n) = (
            case["wins"].as_u64().unwrap() as usize,
            case["n"].as_u64().unwrap() as usize,
        );
        let d: Vec<f64> = (0..n).map(|i| if i < k { 1.0 } else { -1.0 }).collect();
        let got = probability_of_beating(&d, 0.95).value().cloned().unwrap();
        close(got.estimate, k as f64 / n as f64, ARITHMETIC, "estimate");
        close(got.ci.lower, f(&case["lower"]), DISTRIBUTION, "lower");
        close(got.ci.upper, f(&case["upper"]), DISTRIBUTION, "upper");
    }
}

#[test]
fn corrected_t_matches_the_formula_with_scipy_t() {
    let r = &reference("stats.json")["corrected_t"];
    let got = corrected_t(&floats(&r["d"]), f(&r["ratio"]), 0.95)
        .value()
        .cloned()
        .unwrap();
    close(got.t, f(&r["t"]), ARITHMETIC * 10.0, "t");
    close(got.p_value, f(&r["p_value"]), DISTRIBUTION, "p");
    close(got.ci.lower, f(&r["lower"]), DISTRIBUTION, "lower");
    close(got.ci.upper, f(&r["upper"]), DISTRIBUTION, "upper");
}

#[test]
fn bayesian_correlated_t_test_matches_baycomp() {
    let r = &reference("stats.json")["bayesian"];
    let d: Vec<f64> = floats(&r["a"])
        .iter()
        .zip(floats(&r["b"]))
        .map(|(a, b)| a - b)
        .collect();
    let got = bayesian_correlated(&d, f(&r["rho"]), f(&r["rope"]))
        .value()
        .cloned()
        .unwrap();
    close(
        got.p_a_better,
        f(&r["p_a_better"]),
        DISTRIBUTION,
        "P(A better)",
    );
    close(
        got.p_equivalent,
        f(&r["p_equivalent"]),
        DISTRIBUTION,
        "P(equivalent)",
    );
    close(got.p_b_better, f(&r["p_b_better"]), 1e-8, "P(B better)");
}

#[test]
fn five_by_two_matches_the_formulas_with_scipy() {
    let r = &reference("stats.json")["five_by_two"];
    let d: Vec<[f64; 2]> = r["d"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| [f(&p[0]), f(&p[1])])
        .collect();
    let got = five_by_two(&d).value().cloned().unwrap();
    close(got.t, f(&r["t"]), ARITHMETIC * 10.0, "t");
    close(got.t_p_value, f(&r["t_p_value"]), DISTRIBUTION, "t p");
    close(got.f, f(&r["f"]), ARITHMETIC * 10.0, "F");
    close(got.f_p_value, f(&r["f_p_value"]), DISTRIBUTION, "F p");
}

#[test]
fn bca_bootstrap_agrees_with_scipy_within_monte_carlo_error() {
    let r = &reference("stats.json")["bootstrap"];
    let x = floats(&r["x"]);
    let got = bootstrap_mean(&x, 200_000, 5, 0.95)
        .value()
        .cloned()
        .unwrap();
    // both sides are Monte Carlo estimates with 200,000 resamples: compare relative to the width
    let width = f(&r["upper"]) - f(&r["lower"]);
    assert!(
        (got.lower - f(&r["lower"])).abs() < 0.01 * width,
        "lower {} vs {}",
        got.lower,
        r["lower"]
    );
    assert!(
        (got.upper - f(&r["upper"])).abs() < 0.01 * width,
        "upper {} vs {}",
        got.upper,
        r["upper"]
    );
    assert_eq!(
        bootstrap_mean(&x, 1000, 5, 0.95),
        bootstrap_mean(&x, 1000, 5, 0.95),
        "seeded"
    );
}

#[test]
fn seeds_for_halfwidth_matches_a_scipy_search() {
    let r = &reference("stats.json")["seeds_for_halfwidth"];
    let got = seeds_for_halfwidth(f(&r["std"]), f(&r["target"]), 0.95)
        .value()
        .copied()
        .unwrap();
    assert_eq!(got as u64, r["seeds"].as_u64().unwrap());
}

#[test]
fn single_seed_and_single_fold_give_reasons_not_nan() {
    assert!(matches!(t_interval(&[0.5], 0.95), Maybe::Absent { .. }));
    assert!(matches!(one_way(&[vec![0.5, 0.6]]), Maybe::Absent { .. }));
    assert!(matches!(
        one_way(&[vec![0.5], vec![0.6]]),
        Maybe::Absent { .. }
    ));
    assert!(matches!(
        corrected_t(&[0.1], 0.25, 0.95),
        Maybe::Absent { .. }
    ));
    assert!(matches!(
        bootstrap_mean(&[0.5], 100, 0, 0.95),
        Maybe::Absent { .. }
    ));
    let json = serde_json::to_string(&t_interval(&[0.5], 0.95)).unwrap();
    assert_eq!(json, r#"{"absent":"needs at least 2 seeds"}"#);
}

#[test]
fn almost_stochastic_order_matches_deepsig_within_its_monte_carlo_noise() {
    // reference: tests/reference/aso.json from make_aso_reference.py (deepsig's aso())
    let r = reference("aso.json");
    for case in r["cases"].as_array().unwrap() {
        let (a, b) = (floats(&case["a"]), floats(&case["b"]));
        let name = case["name"].as_str().unwrap();
        close(
            violation_ratio(&a, &b),
            f(&case["violation_ratio"]),
            ARITHMETIC,
            name,
        );
        let got = aso(&a, &b, 0.95, 1000, 7).value().unwrap().epsilon_min;
        let (want, sd) = (f(&case["epsilon_min_mean"]), f(&case["epsilon_min_sd"]));
        assert!(
            (got - want).abs() <= (4.0 * sd).max(0.005),
            "{name}: ε_min {got} vs deepsig {want} ± {sd}"
        );
    }
}

#[test]
fn the_seed_effect_of_a_forest_shows_its_own_seed() {
    // wine, forest of 3 trees, 8 split seeds × 4 model seeds: most of the run-to-run spread
    // comes from the forest's own seed, none of it is hidden as "model seed 0"
    use seedfold::data::{load, DataSpec};
    let table = load(&DataSpec::builtin("wine")).unwrap().table;
    let seeds: Vec<u64> = (0..8).collect();
    let records = common::study(
        &table,
        "forest:trees=3",
        &Default::default(),
        &seeds,
        &[0, 1, 2, 3],
        &["accuracy"],
    );
    let scale = |m: &str| m.parse::<seedfold::metric::Metric>().unwrap().scale();
    let analysis = analyse(&records, &scale, &Options::default());
    let effect = analysis.summaries[0].seed_effect.value().unwrap();
    assert!(
        effect.model_seed.variance > effect.split_seed.variance && effect.share.model_seed > 0.2,
        "{effect:?}"
    );
    assert_eq!(effect.n_model_seeds, 4);
}

/// Many data sets: ranks, Friedman, Iman–Davenport, Nemenyi, Holm and the Bayesian signed-rank
/// test against tests/reference/benchmark.json (make_benchmark_reference.py: scipy, baycomp).
#[test]
fn benchmark_over_data_sets_matches_scipy_and_baycomp() {
    for case in reference("benchmark.json")["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let scores: Vec<Vec<f64>> = case["scores"]
            .as_array()
            .unwrap()
            .iter()
            .map(floats)
            .collect();
        let k = scores[0].len();
        let models: Vec<String> = (0..k).map(|j| format!("m{j}")).collect();
        let datasets: Vec<String> = (0..scores.len()).map(|d| format!("d{d}")).collect();
        let options = SignedRankOptions {
            rope: f(&case["rope"]),
            samples: 50_000,
            seed: 0,
        };
        let b = benchmark(
            "metric",
            case["higher_is_better"].as_bool().unwrap(),
            datasets,
            models.clone(),
            scores,
            f(&case["alpha"]),
            Some(&options),
        );
        for (got, want) in b.average_ranks.iter().zip(floats(&case["average_ranks"])) {
            close(*got, want, ARITHMETIC, &format!("{name}: average rank"));
        }
        let friedman = b.friedman.value().unwrap();
        close(
            friedman.statistic,
            f(&case["friedman"]["statistic"]),
            ARITHMETIC,
            name,
        );
        close(
            friedman.p_value,
            f(&case["friedman"]["p_value"]),
            DISTRIBUTION,
            name,
        );
        let id = b.iman_davenport.value().unwrap();
        close(
            id.statistic,
            f(&case["iman_davenport"]["statistic"]),
            ARITHMETIC,
            name,
        );
        close(
            id.p_value,
            f(&case["iman_davenport"]["p_value"]),
            DISTRIBUTION,
            name,
        );
        let nemenyi = b.nemenyi.value().unwrap();
        close(nemenyi.q_alpha, f(&case["nemenyi"]["q_alpha"]), 1e-8, name);
        close(
            nemenyi.critical_difference,
            f(&case["nemenyi"]["critical_difference"]),
            1e-8,
            name,
        );
        let pair_of = |want: &Value| {
            let (i, j) = (
                want["i"].as_u64().unwrap() as usize,
                want["j"].as_u64().unwrap() as usize,
            );
            (models[i].clone(), models[j].clone())
        };
        for want in case["holm"].as_array().unwrap() {
            let (i, j) = pair_of(want);
            let got = b
                .holm
                .iter()
                .find(|p| (p.a == i && p.b == j) || (p.a == j && p.b == i))
                .unwrap();
            close(got.z, f(&want["z"]), ARITHMETIC, name);
            close(got.p_value, f(&want["p_value"]), DISTRIBUTION, name);
            close(got.p_adjusted, f(&want["p_adjusted"]), DISTRIBUTION, name);
        }
        for want in case["bayesian_signed_rank"].as_array().unwrap() {
            let (i, j) = pair_of(want);
            let got = b
                .bayesian_signed_rank
                .iter()
                .find(|p| p.a == i && p.b == j)
                .unwrap();
            // two independent Monte Carlo runs of 50,000 draws: sd of a share ≤ 0.0023 each
            for (g, w) in [
                (got.p_a_better, &want["p_a_better"]),
                (got.p_rope, &want["p_rope"]),
                (got.p_b_better, &want["p_b_better"]),
            ] {
                assert!((g - f(w)).abs() < 0.015, "{name} {i}/{j}: {g} vs {}", f(w));
            }
        }
    }
}

#[test]
fn effect_sizes_agree_with_scipy() {
    for case in reference("effect.json")["cases"].as_array().unwrap() {
        let (a, b) = (floats(&case["a"]), floats(&case["b"]));
        let got = seedfold::stats::effect_size(&a, &b);
        let got = got.value().unwrap();
        assert!((got.cohens_d - case["cohens_d"].as_f64().unwrap()).abs() < 1e-12);
        assert!((got.cliffs_delta - case["cliffs_delta"].as_f64().unwrap()).abs() < 1e-12);
    }
    assert!(seedfold::stats::effect_size(&[1.0], &[2.0])
        .value()
        .is_none());
}
