//! Plain-language readings of the statistics, shared by the console table and the Markdown and
//! HTML reports.

use crate::record::UNSEEN_CATEGORY;
use crate::stats::{
    Analysis, Comparison, Decision, Limit, Maybe, SeedEffect, Settle, Summary, Unscored,
    DETERMINISTIC, POSTERIOR,
};

/// A score with 4 decimals, or in scientific notation when that would hide it (|v| ≥ 10⁶ or
/// below 10⁻⁴).
pub fn score(v: f64) -> String {
    if v != 0.0 && !(1e-4..1e6).contains(&v.abs()) {
        format!("{v:.4e}")
    } else {
        format!("{v:.4}")
    }
}

/// A named probability: "p = 0.035", "p < 0.001".
pub fn named_prob(name: &str, p: f64) -> String {
    if p < 0.001 {
        format!("{name} < 0.001")
    } else {
        format!("{name} = {p:.3}")
    }
}

/// A share as a percentage.
pub fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{:.0} %", 100.0 * v))
}

/// "0.4838 [0.4817, 0.4859]" — mean with its t interval across seeds.
pub fn mean_with_interval(s: &Summary) -> String {
    match s.across_seeds.ci.value() {
        Some(ci) => format!(
            "{:.4} [{:.4}, {:.4}]",
            s.across_seeds.mean, ci.lower, ci.upper
        ),
        None => format!("{:.4}", s.across_seeds.mean),
    }
}

/// "[0.418, 0.550]" — where one seeded CV score of the model lands (Nadeau–Bengio interval
/// over all folds: the finite data and the seeds).
pub fn data_and_seed_interval(s: &Summary) -> String {
    s.folds.corrected_ci.value().map_or("–".into(), |ci| {
        format!("[{:.4}, {:.4}]", ci.lower, ci.upper)
    })
}

/// "split 0.0051 · model 0.0020" — the seed components' standard deviations.
pub fn seed_sds(s: &Summary) -> String {
    match s.seed_effect.value() {
        Some(e) if e.model_seed.absent.is_some() => format!("split {}", score(e.split_seed.sd)),
        Some(e) => format!(
            "split {} · model {}",
            score(e.split_seed.sd),
            score(e.model_seed.sd)
        ),
        None => "–".into(),
    }
}

/// "42 % · 0 % · 58 %" — the split seed's, model seed's and data's shares.
pub fn shares(s: &Summary) -> String {
    s.seed_effect.value().map_or("–".into(), |e| {
        format!(
            "{} · {} · {}",
            percent(Some(e.share.split_seed)),
            percent(Some(e.share.model_seed)),
            percent(Some(e.share.data))
        )
    })
}

/// "0.4712 – 0.4990" — the worst and best seed means.
pub fn seed_range(s: &Summary) -> String {
    format!("{} – {}", score(s.worst_seed.mean), score(s.best_seed.mean))
}

/// One sentence on where the uncertainty of one seeded CV score comes from.
pub fn seed_effect_sentence(s: &Summary) -> String {
    match &s.seed_effect {
        Maybe::Value(e) => format!(
            "Of the uncertainty in one seeded CV score, {} is the split seed (sd {:.4}), {} the model seed ({}), {} the finite data (sd {:.4}).",
            percent(Some(e.share.split_seed)),
            e.split_seed.sd,
            percent(Some(e.share.model_seed)),
            match e.model_seed.absent.as_deref() {
                None => format!("sd {:.4}", e.model_seed.sd),
                Some(DETERMINISTIC) => {
                    "one model seed: none for a deterministic model, not measured for a random one"
                        .into()
                }
                Some(why) => why.into(),
            },
            percent(Some(e.share.data)),
            e.data.sd
        ) + &incomplete_runs(e)
            + &budget_sentence(s),
        Maybe::Absent { absent } => format!("Where the uncertainty comes from is not known: {absent}."),
    }
}

/// " Model seeds against split seeds: …" — how to split a budget between split seeds and
/// model seeds, for a model run under several model seeds; empty otherwise.
fn budget_sentence(s: &Summary) -> String {
    let Some(Maybe::Value(b)) = &s.seed_budget else {
        return String::new();
    };
    format!(
        " Model seeds against split seeds: σ_model / σ_split = {:.2}, so for a fixed budget of compute the interval is narrowest with {:.2} × √(c_split / c_model) model seeds per split seed, c_split being a split seed's shared work and c_model one model seed's fits (the two-stage optimum; this run's costs and the number they give are in manifest.json, seed_budget).",
        b.sd_ratio, b.sd_ratio
    )
}

/// What the warned scores of `s` are, by kind ("3 of its scores come from fits that did not
/// converge …"), or `None` without warnings.
pub fn warning_sentence(s: &Summary) -> Option<String> {
    let other = s.n_warnings.checked_sub(s.n_unconverged)?;
    let mut parts = Vec::new();
    if s.n_unconverged > 0 {
        parts.push(format!(
            "{} of its scores come from fits that did not converge (the solver stopped at max_iter; raise max_iter or tol)",
            s.n_unconverged
        ));
    }
    if other > 0 {
        parts.push(format!(
            "{other} of its scores carry another warning, such as test rows holding {UNSEEN_CATEGORY} (see the records' warning column)"
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; ") + ".")
}

/// " 3 runs (split seed × model seed) lost a fold to a failed fit and are left out of this
/// decomposition." — or nothing when every run is complete.
fn incomplete_runs(e: &SeedEffect) -> String {
    match e.n_incomplete_runs {
        0 => String::new(),
        n => format!(
            " {n} run(s) (split seed × model seed) lost a fold to a failed fit and are left out of this decomposition."
        ),
    }
}

/// The rule's deciding numbers for `c`: the adjusted p and the Bayesian posteriors.
fn evidence(c: &Comparison, alpha: f64) -> String {
    let mut parts = Vec::new();
    if let Some(t) = c.corrected_t.value() {
        let p = t.p_adjusted.unwrap_or(t.p_value);
        let sign = if p < alpha { "<" } else { "≥" };
        parts.push(format!(
            "{} {sign} {}",
            named_prob("Holm-adjusted p", p),
            short(alpha)
        ));
    }
    if let Some(b) = c.bayesian.value() {
        parts.push(format!(
            "P({} ahead by more than the ROPE ±{}) = {:.3}, P(equivalent) = {:.3}",
            c.model_a,
            short(b.rope),
            b.p_a_better,
            b.p_equivalent
        ));
    }
    if parts.is_empty() {
        "no test could be computed: see the comparison's reasons in summary.json".into()
    } else {
        parts.join("; ")
    }
}

/// A ROPE half-width, short: 0.01, 0.5, 3.21.
fn short(v: f64) -> String {
    let text = format!("{v:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The verdict in one word or phrase, the same in every report and on the console: "better",
/// "practically equivalent", "not decided", or "tie" for equal means.
pub fn verdict_word(c: &Comparison) -> &'static str {
    match c.decision {
        _ if c.mean_difference == 0.0 => "tie",
        Decision::ABetter => "better",
        Decision::Equivalent => "practically equivalent",
        Decision::Undecided => "not decided",
    }
}

/// Why an open decision is open, from what dominates the pair's uncertainty — the seeds (the
/// lead may be seed luck) or the finite data — and what would settle it, from
/// [`Settle`](crate::stats::Settle).
fn what_limits(c: &Comparison) -> String {
    let seeds_cannot = c.settle.as_ref().is_some_and(|s| s.split_seeds.is_none());
    let why = match &c.limiting_factor {
        // the seeds dominate each model's uncertainty, but the pair's difference is held open
        // by the finite data's term: no seed luck to speak of
        Some(l) if l.factor == Limit::Seed && seeds_cannot => format!(
            "the seeds are {} of the two models' uncertainty but move them together, so the finite data keeps their difference open",
            percent(Some(l.seed_share))
        ),
        Some(l) if l.factor == Limit::Seed => format!(
            "{}'s lead may be seed luck — the split and model seeds are {} of the uncertainty",
            c.model_a,
            percent(Some(l.seed_share))
        ),
        Some(l) => format!(
            "the data set is too small to separate them at this ROPE — the finite data is {} of the uncertainty",
            percent(Some(l.data_share))
        ),
        None => "too few seeds to say what limits it".into(),
    };
    match &c.settle {
        Some(s) => format!("{why}; {}", settle_clause(s, c.n_seeds)),
        None => why,
    }
}

/// "about 40 split seeds (now 10) would settle it towards better, as would about 2.1× the
/// rows, if the difference held" — or, when seeds cannot, only the rows.
fn settle_clause(s: &Settle, n_seeds: usize) -> String {
    let towards = match s.towards {
        Decision::ABetter => "better",
        _ => "practically equivalent",
    };
    let rows = if s.rows_factor < 100.0 {
        format!("about {:.1}× the rows", s.rows_factor)
    } else {
        "more than 100× the rows".into()
    };
    match s.split_seeds {
        Some(n) if n <= 1_000_000 => format!(
            "about {n} split seeds (now {n_seeds}) would settle it towards {towards}, as would {rows}, if the difference held"
        ),
        _ => format!(
            "more split seeds alone will not settle it; {rows} would (towards {towards}), if the difference held"
        ),
    }
}

/// The verdict on `c` in words that agree with its numbers, and what decided it.
pub fn decision_sentence(c: &Comparison, alpha: f64) -> String {
    let (a, b) = (&c.model_a, &c.model_b);
    let reading = match (verdict_word(c), c.decision) {
        ("tie", _) => format!(
            "{a} and {b} tie: their mean scores on the {} folds both scored are equal",
            c.n_pairs
        ),
        (_, Decision::ABetter) => format!("{a} is better than {b}: the lead is real"),
        (_, Decision::Equivalent) => format!("{a} and {b} are practically equivalent"),
        (_, Decision::Undecided) => format!("not decided: {}", what_limits(c)),
    };
    format!("{reading} ({})", evidence(c, alpha))
}

/// "ols − ridge = 0.0104 on mae (> 0 favours ols); ols ahead on 50 of 50 seeds; ASO ε_min =
/// 0.00. Verdict (numbers)."
pub fn comparison_sentence(c: &Comparison, alpha: f64) -> String {
    let mut text = format!(
        "{} − {} = {} on {} (> 0 favours {0}); {0} ahead on {} of {} seeds",
        c.model_a,
        c.model_b,
        // + 0.0 turns an exact −0 into 0
        score(c.mean_difference + 0.0),
        c.metric,
        c.sign_test.positive,
        c.n_seeds
    );
    if let Some(a) = c.aso.value() {
        text += &format!("; ASO ε_min = {:.2}", a.epsilon_min);
    }
    format!("{text}. {}.", capitalise(&decision_sentence(c, alpha)))
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().collect::<String>() + chars.as_str()
    })
}

/// A metric's leader (the best mean of seed means) and runner-up, with their comparison in
/// whichever direction it was made: on the folds both scored, the runner-up may be ahead.
pub struct Lead<'a> {
    /// The metric.
    pub metric: &'a str,
    /// The model with the best mean.
    pub leader: &'a Summary,
    /// The model with the next best mean, if any.
    pub runner_up: Option<&'a Summary>,
    /// The two compared, if they were.
    pub comparison: Option<&'a Comparison>,
}

/// Each ranked metric's [`Lead`].
pub fn leads(analysis: &Analysis) -> Vec<Lead<'_>> {
    analysis
        .rankings
        .iter()
        .filter_map(|r| {
            let on_metric = || analysis.summaries.iter().filter(|s| s.metric == r.metric);
            let leader = on_metric().find(|s| s.model == r.overall_best)?;
            let runner_up = on_metric()
                .filter(|s| s.model != leader.model)
                .max_by(|a, b| goodness(a).total_cmp(&goodness(b)));
            let comparison =
                runner_up.and_then(|b| pair(analysis, &r.metric, &leader.model, &b.model));
            Some(Lead {
                metric: &r.metric,
                leader,
                runner_up,
                comparison,
            })
        })
        .collect()
}

/// A summary's mean over seeds, larger when better.
fn goodness(s: &Summary) -> f64 {
    if s.higher_is_better {
        s.across_seeds.mean
    } else {
        -s.across_seeds.mean
    }
}

/// The comparison of models `a` and `b` on `metric`, in whichever direction it was made.
fn pair<'a>(analysis: &'a Analysis, metric: &str, a: &str, b: &str) -> Option<&'a Comparison> {
    analysis.comparisons.iter().find(|c| {
        c.metric == metric && (c.model_a == a && c.model_b == b || c.model_a == b && c.model_b == a)
    })
}

/// " Against the rest, forest is better than tree; not decided against naive_bayes." — the
/// leader's verdicts on the models behind the runner-up, so the answer covers every model;
/// nothing when there are none.
fn rest_sentence(analysis: &Analysis, lead: &Lead) -> String {
    let leader = lead.leader.model.as_str();
    let mut rest: Vec<&Summary> = analysis
        .summaries
        .iter()
        .filter(|s| s.metric == lead.metric && s.model != leader)
        .filter(|s| lead.runner_up.is_none_or(|r| r.model != s.model))
        .collect();
    rest.sort_by(|a, b| goodness(b).total_cmp(&goodness(a)));
    let mut groups: [(&str, Vec<&str>); 6] = [
        ("better than", Vec::new()),
        ("practically equivalent to", Vec::new()),
        ("tied with", Vec::new()),
        ("not decided against", Vec::new()),
        ("worse, on the folds both scored, than", Vec::new()),
        ("not compared with", Vec::new()),
    ];
    for other in rest {
        let group = match pair(analysis, lead.metric, leader, &other.model) {
            None => 5,
            Some(c) if c.mean_difference == 0.0 => 2,
            Some(c) => match c.decision {
                Decision::ABetter if c.model_a == leader => 0,
                Decision::ABetter => 4,
                Decision::Equivalent => 1,
                Decision::Undecided => 3,
            },
        };
        groups[group].1.push(&other.model);
    }
    against_the_rest(leader, &groups)
}

/// " Against the rest, a is better than b, c; not decided against d." — `first`'s verdicts
/// (verdict, the models it was reached on) in the groups' order, empty groups left out;
/// nothing when every group is.
pub(super) fn against_the_rest(first: &str, groups: &[(&str, Vec<&str>)]) -> String {
    let clauses: Vec<String> = groups
        .iter()
        .filter(|(_, names)| !names.is_empty())
        .map(|(verdict, names)| format!("{verdict} {}", name_list(names)))
        .collect();
    if clauses.is_empty() {
        return String::new();
    }
    format!(" Against the rest, {first} is {}.", clauses.join("; "))
}

/// Most models an answer names in one list; beyond it a list is cut short.
const NAMED: usize = 5;

/// " The seed's share of one run's uncertainty: forest 8 %, logistic 5 % (the rest is the
/// finite data)." — every model's, or with more than five the leader's and the runner-up's
/// and the range of the others'; nothing when no model's share is known.
fn seed_share_sentence(summaries: &[&Summary], lead: Option<&Lead>) -> String {
    let shares: Vec<(&str, f64)> = summaries
        .iter()
        .filter_map(|s| {
            let e = s.seed_effect.value()?;
            Some((s.model.as_str(), e.share.split_seed + e.share.model_seed))
        })
        .collect();
    let named = |model: &str| {
        lead.is_some_and(|l| {
            l.leader.model == model || l.runner_up.is_some_and(|r| r.model == model)
        })
    };
    let (shown, others): (Vec<_>, Vec<_>) = shares
        .iter()
        .partition(|(model, _)| shares.len() <= NAMED || named(model));
    let mut parts: Vec<String> = shown
        .iter()
        .map(|(model, share)| format!("{model} {}", percent(Some(*share))))
        .collect();
    if let (Some(low), Some(high)) = (
        others.iter().map(|(_, s)| *s).min_by(f64::total_cmp),
        others.iter().map(|(_, s)| *s).max_by(f64::total_cmp),
    ) {
        parts.push(format!(
            "the other {} models {}–{}",
            others.len(),
            percent(Some(low)).trim_end_matches(" %"),
            percent(Some(high))
        ));
    }
    if parts.is_empty() {
        return String::new();
    }
    format!(
        " The seed's share of one run's uncertainty: {} (the rest is the finite data).",
        parts.join(", ")
    )
}

/// "a, b, c" — or the first five and how many more.
fn name_list(names: &[&str]) -> String {
    match names.len() {
        n if n <= NAMED => names.join(", "),
        n => format!("{} and {} more", names[..NAMED].join(", "), n - NAMED),
    }
}

/// One line per metric: the model with the best mean against the runner-up, in words that
/// match the verdict (a model is called better only when the lead is real).
pub fn leader_lines(analysis: &Analysis) -> Vec<String> {
    leads(analysis)
        .iter()
        .map(|lead| leader_line(analysis, lead))
        .collect()
}

fn leader_line(analysis: &Analysis, lead: &Lead) -> String {
    let alpha = 1.0 - analysis.options.confidence;
    let (metric, leader) = (lead.metric, &lead.leader.model);
    let (Some(runner_up), Some(c)) = (lead.runner_up, lead.comparison) else {
        return match lead.runner_up {
            Some(b) => format!(
                "{metric}: {leader} is first by mean over seeds; it could not be compared with the runner-up {} (see Notes for why).",
                b.model
            ),
            None => format!("{metric}: {leader} only."),
        };
    };
    // with failed scores the two means are over different folds, the comparison over the
    // folds both scored: the words say which
    let failed = lead.leader.n_failed + runner_up.n_failed > 0;
    let on_common = format!(" on the {} folds both scored", c.n_pairs);
    let (on_common, over_seeds) = if failed {
        (on_common.as_str(), on_common.as_str())
    } else {
        ("", " (mean over seeds)")
    };
    let d = score(c.mean_difference);
    let (a, b) = (&c.model_a, &c.model_b);
    let tie = c.mean_difference == 0.0;
    let means_differ = lead.leader.across_seeds.mean != runner_up.across_seeds.mean;
    let lead_text = match c.decision {
        _ if a != leader || tie && means_differ => {
            format!(
                "{leader} leads by its mean over the folds it scored ({} against {}), but ",
                score(lead.leader.across_seeds.mean),
                score(runner_up.across_seeds.mean)
            ) + &if tie {
                String::new()
            } else {
                format!("{a} is ahead of {b} by {d}{on_common}; ")
            }
        }
        _ if tie => String::new(),
        Decision::ABetter => format!("{a} wins: better than the runner-up {b} by {d}{on_common}; "),
        _ => format!("{a} is ahead of {b} by {d}{over_seeds}; "),
    };
    format!(
        "{metric}: {lead_text}{}.{}",
        decision_sentence(c, alpha),
        failed_scores(&[lead.leader, runner_up])
    )
}

/// " logistic's mean leaves out its 5 failed score(s)." — or nothing when no score of
/// `summaries` failed: a model that fails on its hardest folds has a mean over its easier
/// ones, which reads better than it is.
fn failed_scores(summaries: &[&Summary]) -> String {
    let parts: Vec<String> = summaries
        .iter()
        .filter(|s| s.n_failed > 0)
        .map(|s| {
            format!(
                "{}'s mean leaves out its {} failed score(s)",
                s.model, s.n_failed
            )
        })
        .collect();
    if parts.is_empty() {
        return String::new();
    }
    format!(" {}.", parts.join("; "))
}

/// The answer a reader wants first, one line per metric: the leader and the verdict (as
/// [`leader_lines`]), the leader's verdicts on the other models, how much of the uncertainty
/// is the seed, and the fits that failed or warned.
pub fn answer_lines(analysis: &Analysis) -> Vec<String> {
    let leads = leads(analysis);
    let mut metrics: Vec<&str> = analysis
        .summaries
        .iter()
        .map(|s| s.metric.as_str())
        .chain(analysis.unscored.iter().map(|u| u.metric.as_str()))
        .collect();
    metrics.sort_unstable();
    metrics.dedup();
    metrics
        .into_iter()
        .map(|metric| {
            let summaries: Vec<&Summary> = analysis
                .summaries
                .iter()
                .filter(|s| s.metric == metric)
                .collect();
            let unscored: Vec<&Unscored> = analysis
                .unscored
                .iter()
                .filter(|u| u.metric == metric)
                .collect();
            let lead = leads.iter().find(|l| l.metric == metric);
            let mut line = match (lead, summaries.first()) {
                (Some(lead), _) => leader_line(analysis, lead) + &rest_sentence(analysis, lead),
                (None, Some(only)) => format!("{metric}: {} only.", only.model),
                (None, None) => format!("{metric}: no model has a scored fold."),
            };
            if !unscored.is_empty() && !summaries.is_empty() {
                let names: Vec<&str> = unscored.iter().map(|u| u.model.as_str()).collect();
                line += &format!(
                    " No fold of {} could be scored on {metric}.",
                    names.join(", ")
                );
            }
            line += &seed_share_sentence(&summaries, lead);
            let failed: usize = summaries.iter().map(|s| s.n_failed).sum::<usize>()
                + unscored.iter().map(|u| u.failed).sum::<usize>();
            let warned: usize = summaries.iter().map(|s| s.n_warnings).sum();
            line += &match (failed, warned) {
                (0, 0) => " No fit failed or warned.".to_string(),
                (f, w) => format!(" {f} score(s) failed, {w} warned (see the records' status and warning columns)."),
            };
            line
        })
        .collect()
}

/// The rule that decides every verdict, for the Methods section.
pub fn decision_rule(alpha: f64) -> String {
    let alpha = short(alpha);
    format!(
        "Verdicts follow one rule. A is better when the corrected resampled t-test, Holm-adjusted over every pair of models on \
         the metric, gives p < {alpha} and the Bayesian correlated t-test gives P(A better by more than the ROPE) ≥ {POSTERIOR}; \
         otherwise the two are practically equivalent when P(|difference| ≤ ROPE) ≥ {POSTERIOR}; otherwise the verdict is \
         \"not decided\": the lead is within what splits, seeds and the finite data move the score by. For an open verdict \
         the report says how many split seeds, or how many times the rows, would settle it if the mean difference held: both \
         tests read the differences through the corrected standard error √((1/J + n_test/n_train)·s²) (J paired folds, s² \
         their variance), more split seeds shrink only its 1/J term, and s² of a mean over n test rows falls as 1/n."
    )
}
