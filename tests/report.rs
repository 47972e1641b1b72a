//! Report renderers as snapshots on fixed synthetic records, plus the properties a reader relies
//! on (self-contained HTML, summary contract keys).

use seedfold::metric::Metric;
use seedfold::report::{render_html, render_markdown, render_summary_json, render_table};
use seedfold::run::{FoldRecord, Status};
use seedfold::stats::{analyse, group_scores, paired_seeds, Analysis, Decision, Options};

/// 6 seeds × 3 folds of two models on accuracy and rmse, from a fixed generator; model `b` has
/// one failed fold.
fn records() -> Vec<FoldRecord> {
    let mut state: u64 = 42;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut out = Vec::new();
    for model in ["a", "b"] {
        for seed in 0..6u64 {
            let seed_effect = next() * 0.02;
            for fold in 0..3usize {
                for (metric, base) in [
                    ("accuracy", if model == "a" { 0.9 } else { 0.88 }),
                    ("rmse", 50.0),
                ] {
                    let failed = model == "b" && seed == 2 && fold == 1;
                    out.push(FoldRecord {
                        model: model.into(),
                        split_seed: seed,
                        model_seed: 0,
                        fold,
                        metric: metric.into(),
                        value: (!failed)
                            .then(|| base + seed_effect * base + (next() - 0.5) * 0.04 * base),
                        n_train: 100,
                        n_test: 50,
                        fit_seconds: 0.0,
                        status: if failed { Status::Failed } else { Status::Ok },
                        error: failed.then(|| "singular matrix".to_string()),
                        warning: None,
                        train_fraction: 1.0,
                        chosen: None,
                    });
                }
            }
        }
    }
    out
}

fn analysis() -> Analysis {
    analyse(
        &records(),
        &|m: &str| m.parse::<Metric>().unwrap().scale(),
        &Options {
            resamples: 2000,
            ..Options::default()
        },
    )
}

fn about() -> Vec<String> {
    vec!["Data: synthetic".into()]
}

#[test]
fn summary_json_snapshot() {
    insta::assert_snapshot!(render_summary_json(&analysis()));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(render_markdown(&analysis(), "synthetic", &about(), &[]));
}

#[test]
fn html_snapshot() {
    insta::assert_snapshot!(render_html(
        &analysis(),
        &group_scores(&records()),
        "synthetic",
        &about(),
        &[],
    ));
}

#[test]
fn table_snapshot() {
    insta::assert_snapshot!(render_table(&analysis()));
}

#[test]
fn html_is_self_contained() {
    let html = render_html(
        &analysis(),
        &group_scores(&records()),
        "synthetic <&>",
        &about(),
        &[],
    );
    for forbidden in ["<script", "<link", "src=", "@import", "url("] {
        assert!(
            !html.contains(forbidden),
            "{forbidden} makes the page load something"
        );
    }
    assert!(
        html.contains("synthetic &lt;&amp;&gt;"),
        "titles are escaped"
    );
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
    assert!(html.matches("<svg").count() >= 8, "plots per metric");
}

#[test]
fn summary_json_has_the_contract_keys() {
    let json: serde_json::Value = serde_json::from_str(&render_summary_json(&analysis())).unwrap();
    let s = &json["summaries"][0];
    for key in [
        "model",
        "metric",
        "higher_is_better",
        "n_seeds",
        "n_folds",
        "n_failed",
        "seed_means",
        "worst_seed",
        "best_seed",
        "quantiles",
    ] {
        assert!(!s[key].is_null(), "summaries[].{key}");
    }
    for path in [
        "/across_seeds/ci/method",
        "/across_seeds/std_error",
        "/folds/corrected_ci/method",
        "/bootstrap_ci/resamples",
        "/quantiles/p95",
        "/worst_seed/seed",
        "/seed_effect/split_seed/sd",
        "/seed_effect/model_seed/variance",
        "/seed_effect/data/sd",
        "/seed_effect/share/split_seed",
    ] {
        assert!(s.pointer(path).is_some(), "summaries[]{path}");
    }
    assert_eq!(s.pointer("/across_seeds/ci/method").unwrap(), "t");
    assert_eq!(
        s.pointer("/folds/corrected_ci/method").unwrap(),
        "nadeau-bengio"
    );
    assert_eq!(s.pointer("/bootstrap_ci/method").unwrap(), "bca");
    let c = &json["comparisons"][0];
    for path in [
        "/corrected_t/p_value",
        "/wilcoxon/method",
        "/sign_test/positive",
        "/p_a_beats_b/ci/lower",
        "/bayesian/p_equivalent",
        "/bayesian/rope",
        "/corrected_t/p_adjusted",
        "/aso/epsilon_min",
        "/aso/seed",
        "/decision",
        "/mean_difference",
    ] {
        assert!(c.pointer(path).is_some(), "comparisons[]{path}");
    }
    let b = json["summaries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["model"] == "b")
        .unwrap();
    assert_eq!(b["n_failed"], 1);
}

#[test]
fn lower_is_better_metrics_flip_the_difference() {
    let a = analysis();
    let rmse = a.comparisons.iter().find(|c| c.metric == "rmse").unwrap();
    assert!(rmse.mean_difference >= 0.0, "the model ahead is A");
    let mean = |m: &str| {
        a.summaries
            .iter()
            .find(|s| s.model == m && s.metric == "rmse")
            .unwrap()
            .across_seeds
            .mean
    };
    assert!(
        mean(&rmse.model_a) <= mean(&rmse.model_b),
        "A has the lower rmse"
    );
}

/// The synthetic analysis with model "a" renamed `name`.
fn analysis_with_model_a_named(name: &str) -> Analysis {
    let records: Vec<FoldRecord> = records()
        .into_iter()
        .map(|r| FoldRecord {
            model: if r.model == "a" { name.into() } else { r.model },
            ..r
        })
        .collect();
    analyse(
        &records,
        &|m: &str| m.parse::<Metric>().unwrap().scale(),
        &Options::default(),
    )
}

#[test]
fn names_cannot_forge_markdown_or_terminal_output() {
    let hostile = "<script>alert(1)</script>\n# forged | cell \u{1b}[31m";
    let analysis = analysis_with_model_a_named(hostile);
    let md = render_markdown(&analysis, hostile, &about(), &[]);
    assert!(!md.contains("<script"), "{md}");
    assert!(!md.lines().any(|l| l.starts_with("# forged")), "{md}");
    assert!(md.contains("forged \\| cell"), "{md}");
    assert!(!md.contains('\u{1b}'));
    let table = render_table(&analysis);
    assert!(!table.contains('\u{1b}'), "{table}");
}

#[test]
fn names_cannot_become_markdown_links_or_emphasis() {
    let hostile = "[x](javascript:alert(3)) ![i](http://e/p.png) *bold* _it_ `code` ~~gone~~";
    let analysis = analysis_with_model_a_named(hostile);
    let about = vec![format!("Data: {hostile}")];
    let md = render_markdown(&analysis, hostile, &about, &[]);
    // the report's own links (its table of contents) left aside
    let unescaped: String = md
        .replace("\\](", "")
        .lines()
        .filter(|l| !l.starts_with("**Contents:**"))
        .collect();
    for live in ["](", "*bold*", " _it_", "`code`", "~~gone"] {
        assert!(!unescaped.contains(live), "{live} stays live in:\n{md}");
    }
    assert!(md.contains("[x\\](javascript:alert(3))"), "{md}");
    // the report's own intervals stay as they are
    assert!(md.contains("lands in ["), "{md}");
}

#[test]
fn verdicts_name_the_better_model_and_their_rule() {
    let md = render_markdown(&analysis(), "synthetic", &about(), &[]);
    assert!(!md.contains("p = <"), "{md}");
    assert!(md.contains("Verdicts follow one rule"));
    assert!(md.contains("a − b = 0.0223 on accuracy"), "{md}");
    let table = render_table(&analysis());
    for (metric, leader) in [("accuracy", "a is ahead of b"), ("rmse", "b is ahead of a")] {
        assert!(
            table.lines().any(|l| l.starts_with(&format!("{metric}: "))
                && l.contains(leader)
                && l.contains("not decided: the data set is too small")),
            "{table}"
        );
    }
}

/// A scored accuracy of `model` on a fold of 80 training and 20 test rows.
fn scored(model: &str, split_seed: u64, fold: usize, value: f64) -> FoldRecord {
    FoldRecord {
        model: model.into(),
        split_seed,
        model_seed: 0,
        fold,
        metric: "accuracy".into(),
        value: Some(value),
        n_train: 80,
        n_test: 20,
        fit_seconds: 0.0,
        status: Status::Ok,
        error: None,
        warning: None,
        train_fraction: 1.0,
        chosen: None,
    }
}

#[test]
fn a_large_grid_is_compared_with_its_leader_only() {
    // 40 models: 39 comparisons a metric instead of 780, and a note that says so
    let records: Vec<FoldRecord> = (0..40)
        .flat_map(|m| {
            (0..4u64).flat_map(move |seed| {
                (0..3usize).map(move |fold| {
                    let value = 0.5 + 0.005 * m as f64 + 0.01 * ((seed as usize + fold) % 3) as f64;
                    scored(&format!("m{m:02}"), seed, fold, value)
                })
            })
        })
        .collect();
    let analysis = analyse(
        &records,
        &|m: &str| m.parse::<Metric>().unwrap().scale(),
        &Options {
            resamples: 200,
            ..Options::default()
        },
    );
    assert_eq!(analysis.comparisons.len(), 39);
    assert!(analysis.comparisons.iter().all(|c| c.model_a == "m39"));
    assert!(analysis
        .notes
        .iter()
        .any(|n| n.contains("compared with the leader m39 only")));
    // the answer's verdicts on the 38 models behind the runner-up name five a verdict
    let md = render_markdown(&analysis, "synthetic", &about(), &[]);
    let answer = md.lines().find(|l| l.starts_with("- accuracy:")).unwrap();
    let rest = answer
        .split("Against the rest, m39 is ")
        .nth(1)
        .and_then(|r| r.split_once('.'))
        .map(|(rest, _)| rest)
        .unwrap_or_else(|| panic!("{answer}"));
    let named: usize = rest
        .split("; ")
        .map(|clause| {
            let (names, more) = clause.split_once(" and ").unwrap_or((clause, "0 more"));
            assert!(names.split(", ").count() <= 5, "{clause}");
            names.split(", ").count() + more.trim_end_matches(" more").parse::<usize>().unwrap()
        })
        .sum();
    assert_eq!(named, 38, "{rest}");
    // the seed's share: the two compared, then the range of the other 38
    let shares = answer
        .split("The seed's share of one run's uncertainty: ")
        .nth(1)
        .unwrap_or_else(|| panic!("{answer}"));
    assert!(
        shares.starts_with("m38 0 %, m39 0 %, the other 38 models 0–0 % (the rest"),
        "{shares}"
    );
}

/// Two models over 6 seeds × 3 folds of accuracy: `steady` scores every fold, `lucky` fails on
/// fold 2, the hard one (0.6 for `steady`), and scores `steady`'s value plus `edge` on the
/// others.
fn lucky_records(edge: f64) -> Vec<FoldRecord> {
    named_lucky_records(edge, ["steady", "lucky"])
}

/// [`lucky_records`] with the two models named `[steady, lucky]`.
fn named_lucky_records(edge: f64, [steady, lucky]: [&str; 2]) -> Vec<FoldRecord> {
    let mut out = Vec::new();
    for model in [steady, lucky] {
        for seed in 0..6u64 {
            for fold in 0..3usize {
                let easy = 0.9 + 0.01 * seed as f64 + 0.005 * fold as f64;
                let failed = model == lucky && fold == 2;
                let value = match fold {
                    2 => 0.6,
                    _ if model == lucky => easy + edge,
                    _ => easy,
                };
                out.push(FoldRecord {
                    model: model.into(),
                    split_seed: seed,
                    model_seed: 0,
                    fold,
                    metric: "accuracy".into(),
                    value: (!failed).then_some(value),
                    n_train: 100,
                    n_test: 50,
                    fit_seconds: 0.0,
                    status: if failed { Status::Failed } else { Status::Ok },
                    error: failed.then(|| "fewer than two classes".to_string()),
                    warning: None,
                    train_fraction: 1.0,
                    chosen: None,
                });
            }
        }
    }
    out
}

#[test]
fn a_model_that_fails_on_its_hardest_folds_is_not_read_as_ahead() {
    let scale = |m: &str| m.parse::<Metric>().unwrap().scale();
    // on the folds both scored they are the same: a tie, also in the seed-mean statistics
    let analysis = analyse(&lucky_records(0.0), &scale, &Options::default());
    let c = &analysis.comparisons[0];
    assert_eq!(c.mean_difference, 0.0);
    let effect = c.effect_size.value().expect("seed means vary");
    assert_eq!(
        (effect.cohens_d, effect.cliffs_delta),
        (0.0, 0.0),
        "seed means over the folds both scored"
    );
    // tied on every seed: first place is shared, not given to the first listed
    let ranking = &analysis.rankings[0];
    let share = |m: &str| ranking.top_share[m];
    assert!(
        (share("lucky") - 0.5).abs() < 1e-12
            && (share("steady") - 0.5).abs() < 1e-12
            && ranking.top_changes == 0,
        "{ranking:?}"
    );
    // the HTML report's per-seed differences are these: zero on every seed
    let scores = group_scores(&lucky_records(0.0));
    let find = |m: &str| scores.iter().find(|s| s.model == m).unwrap();
    let seeds = paired_seeds(find("lucky"), find("steady"), true);
    assert!(
        seeds.len() == 6
            && seeds
                .iter()
                .all(|s| s.mean_difference == 0.0 && s.differences.len() == 2),
        "over the two folds both scored"
    );
    let md = render_markdown(&analysis, "synthetic", &about(), &[]);
    let answer = md.lines().find(|l| l.starts_with("- accuracy:")).unwrap();
    assert!(
        answer.contains("lucky leads by its mean over the folds it scored (0.9275 against 0.8183), but lucky and steady tie")
            && answer.contains("on the 12 folds both scored")
            && answer.contains("lucky's mean leaves out its 6 failed score(s)"),
        "{answer}"
    );
    assert!(
        md.contains(
            "lucky scores 0.9275 on accuracy (6 split seeds; its 6 failed score(s) left out)"
        ),
        "{md}"
    );
    assert!(
        md.contains("only 0 of the 6 split seeds have one"),
        "why lucky has no seed decomposition: {md}"
    );
    assert!(md.contains("lucky is first by mean over seeds (its 6 failed score(s) left out)"));

    // on the folds both scored steady is ahead: the answer says so, in the comparison's
    // direction, where it once found no comparison of the leader with the runner-up
    let analysis = analyse(&lucky_records(-0.01), &scale, &Options::default());
    let c = &analysis.comparisons[0];
    assert_eq!(
        (c.model_a.as_str(), c.model_b.as_str()),
        ("steady", "lucky")
    );
    // and on every seed, over the folds both scored, steady is first
    let ranking = &analysis.rankings[0];
    assert_eq!(
        ranking.overall_best, "lucky",
        "by its mean over the folds it scored"
    );
    assert!((ranking.top_share["steady"] - 1.0).abs() < 1e-12 && ranking.top_changes == 6);
    let md = render_markdown(&analysis, "synthetic", &about(), &[]);
    let answer = md.lines().find(|l| l.starts_with("- accuracy:")).unwrap();
    assert!(
        answer.contains("lucky leads by its mean over the folds it scored (0.9175 against 0.8183), but steady is ahead of lucky by 0.0100 on the 12 folds both scored"),
        "{answer}"
    );
    assert!(!answer.contains("no paired comparison"), "{answer}");
}

#[test]
fn a_grid_point_that_fails_on_its_hardest_folds_is_not_chosen_for_it() {
    // ridge:alpha=10 fails on every seed's hard fold and trails by 0.01 on the others
    let records = named_lucky_records(-0.01, ["ridge:alpha=1", "ridge:alpha=10"]);
    let scale = |m: &str| m.parse::<Metric>().unwrap().scale();
    let analysis = analyse(&records, &scale, &Options::default());
    let selection = &analysis.selections[0];
    let chosen: Vec<(&str, usize)> = selection
        .points
        .iter()
        .map(|p| (p.model.as_str(), p.chosen))
        .collect();
    assert_eq!(chosen, [("ridge:alpha=1", 6), ("ridge:alpha=10", 0)]);
    assert_eq!(selection.best, "ridge:alpha=1");
    assert!(
        (selection.points[0].mean - selection.points[1].mean - 0.01).abs() < 1e-12,
        "the points' means are over the folds both scored: {:?}",
        selection.points
    );
}

#[test]
fn a_metric_no_fold_could_score_is_not_blamed_on_the_fits() {
    // the fits of c succeeded; its metric is undefined on every fold
    let mut records = records();
    let unscored: Vec<FoldRecord> = records
        .iter()
        .filter(|r| r.model == "a" && r.metric == "accuracy")
        .map(|r| FoldRecord {
            model: "c".into(),
            value: None,
            status: Status::Failed,
            error: Some("roc_auc is undefined: the fold's test rows hold only one class".into()),
            ..r.clone()
        })
        .collect();
    records.extend(unscored);
    let analysis = analyse(
        &records,
        &|m: &str| m.parse::<Metric>().unwrap().scale(),
        &Options::default(),
    );
    let note = analysis
        .notes
        .iter()
        .find(|n| n.starts_with("c has no scored fold on accuracy"))
        .expect("a note says c has no scored fold");
    assert!(
        note.contains("all its 18 score(s) failed") && !note.contains("fit"),
        "{note}"
    );
    // the answer names c and counts its failed scores with b's one
    let md = render_markdown(&analysis, "synthetic", &about(), &[]);
    let answer = md.lines().find(|l| l.starts_with("- accuracy:")).unwrap();
    assert!(
        answer.contains("No fold of c could be scored on accuracy.")
            && answer.contains(" 19 score(s) failed, 0 warned"),
        "{answer}"
    );
}

#[test]
fn the_answer_gives_the_leaders_verdict_on_every_other_model() {
    // top leads close (the runner-up); against the rest: far and farther are clearly behind,
    // near within the ROPE, and noisy too noisy to call
    let mut state: u64 = 7;
    let mut noise = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let mut records = Vec::new();
    for seed in 0..10u64 {
        for fold in 0..5usize {
            let shared = 0.02 * noise();
            for (model, value) in [
                ("top", 0.900 + shared),
                ("close", 0.899 + shared + 0.004 * noise()),
                ("near", 0.895 + shared + 0.0005 * noise()),
                ("noisy", 0.880 + shared + 0.2 * noise()),
                ("far", 0.600 + shared + 0.004 * noise()),
                ("farther", 0.500 + shared + 0.03 * noise()),
            ] {
                records.push(scored(model, seed, fold, value));
            }
        }
    }
    let analysis = analyse(
        &records,
        &|m: &str| m.parse::<Metric>().unwrap().scale(),
        &Options::default(),
    );
    let md = render_markdown(&analysis, "synthetic", &about(), &[]);
    let answer = md.lines().find(|l| l.starts_with("- accuracy:")).unwrap();
    assert!(
        answer.contains("top and close are practically equivalent")
            && answer.contains(
                "Against the rest, top is better than far, farther; practically equivalent to near; not decided against noisy."
            ),
        "{answer}"
    );
    // six models: the seed's share of the two compared, then the others' range
    let share = |model: &str| {
        let s = analysis
            .summaries
            .iter()
            .find(|s| s.model == model)
            .unwrap();
        let e = s.seed_effect.value().unwrap();
        (100.0 * (e.share.split_seed + e.share.model_seed)).round()
    };
    let others = ["near", "noisy", "far", "farther"].map(share);
    let (low, high) = (
        others.iter().copied().fold(f64::INFINITY, f64::min),
        others.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let expected = format!(
        "The seed's share of one run's uncertainty: close {} %, top {} %, the other 4 models {low}–{high} % (the rest is the finite data).",
        share("close"),
        share("top")
    );
    assert!(answer.contains(&expected), "{expected} not in {answer}");
    // each clause is the comparison's own verdict
    let verdict = |other: &str| {
        let c = analysis
            .comparisons
            .iter()
            .find(|c| c.model_a == "top" && c.model_b == other)
            .unwrap();
        c.decision
    };
    assert_eq!(
        ["far", "farther", "near", "noisy"].map(verdict),
        [
            Decision::ABetter,
            Decision::ABetter,
            Decision::Equivalent,
            Decision::Undecided
        ]
    );
    // two models: the leader line alone
    let pair: Vec<FoldRecord> = records
        .into_iter()
        .filter(|r| r.model == "top" || r.model == "far")
        .collect();
    let analysis = analyse(
        &pair,
        &|m: &str| m.parse::<Metric>().unwrap().scale(),
        &Options::default(),
    );
    let md = render_markdown(&analysis, "synthetic", &about(), &[]);
    assert!(!md.contains("Against the rest"), "{md}");
}
