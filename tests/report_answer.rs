//! The report answers first, in words that match its numbers, with plots a reader can read:
//! checked on the README's first command and on a four-model breast_cancer run.

mod common;

use common::{read, run_ok};
use std::collections::BTreeMap;

/// report.html and summary.json of a run with `args`.
fn report(args: &[&str]) -> (String, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    run_ok(&out, args);
    let summary = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    (read(&out.join("report.html")), summary)
}

/// The page's text: tags dropped, entities of the escaper undone.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => {
                inside = true;
                out.push(' ');
            }
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.replace("&gt;", ">")
        .replace("&lt;", "<")
        .replace("&amp;", "&")
}

/// Every `<text …>LABEL</text>` of an axis tick in `svg` (grey labels), by axis.
fn tick_labels(svg: &str) -> Vec<Vec<String>> {
    let mut x = Vec::new();
    let mut y = Vec::new();
    for piece in svg.split("<text ").skip(1) {
        let (attributes, rest) = piece.split_once('>').unwrap();
        let label = rest.split("</text>").next().unwrap().to_string();
        if !attributes.contains("fill=\"#555\"")
            || label.chars().any(char::is_alphabetic) && !label.contains('e')
        {
            continue;
        }
        if label.parse::<f64>().is_err() {
            continue;
        }
        if attributes.contains("text-anchor=\"end\"") {
            y.push(label);
        } else {
            x.push(label);
        }
    }
    [x, y].into_iter().filter(|a| !a.is_empty()).collect()
}

/// Significant digits of a tick label, the zeros that pad an axis's labels to one number of
/// decimals not counted ("0.0025" → 2, "43.5" → 3, "1.000" → 1, "2.5e6" → 2, "500" → 1).
fn significant(label: &str) -> usize {
    let mantissa = label.split('e').next().unwrap().trim_start_matches('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits
        .trim_start_matches('0')
        .trim_end_matches('0')
        .len()
        .max(1)
}

/// Where `text` first names model `name` as a whole word, in any case ("tree" is not named by
/// "trees" nor "forest" by "forest:trees=30").
fn first_named(text: &str, name: &str) -> Option<usize> {
    whole_word(text, name, "_:=")
}

/// Where `text` first holds `word`, in any case, between characters that are neither letters,
/// digits nor one of `joiners`.
fn whole_word(text: &str, word: &str, joiners: &str) -> Option<usize> {
    let (text, word) = (text.to_lowercase(), word.to_lowercase());
    let joins = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || joiners.contains(c));
    text.match_indices(&word).map(|(at, _)| at).find(|&at| {
        !joins(text[..at].chars().next_back()) && !joins(text[at + word.len()..].chars().next())
    })
}

/// The distinct values of `field` ("model", "metric") over summary.json's summaries.
fn summary_names<'a>(
    summary: &'a serde_json::Value,
    field: &str,
) -> std::collections::BTreeSet<&'a str> {
    let summaries = summary["summaries"].as_array().unwrap().iter();
    summaries.map(|s| s[field].as_str().unwrap()).collect()
}

/// Checks the report of a run with the arguments `what` (split at spaces); how many "A is
/// better than B" claims it verified.
fn check(what: &str) -> usize {
    let (html, summary) = report(&what.split_whitespace().collect::<Vec<_>>());
    // the answer comes first, before any plot
    let answer_at = html.find("class=\"answer\"").expect("an answer block");
    assert!(answer_at < html.find("<svg").unwrap(), "{what}");
    let answer = text(&html[answer_at..html[answer_at..].find("</div>").unwrap() + answer_at]);
    let metrics = summary_names(&summary, "metric");
    for m in &metrics {
        let line = answer
            .split(&format!("{m}: "))
            .nth(1)
            .unwrap_or_else(|| panic!("{what}: no answer for {m} in {answer}"));
        assert!(
            [
                "better than",
                "practically equivalent",
                "not decided",
                "tie"
            ]
            .iter()
            .any(|v| line.contains(v)),
            "{what}: no verdict for {m}"
        );
    }
    // an open verdict says what would settle it, with the numbers of summary.json, and calls
    // the lead seed luck only when more split seeds could settle it
    for c in summary["comparisons"].as_array().unwrap() {
        let (a, b) = (
            c["model_a"].as_str().unwrap(),
            c["model_b"].as_str().unwrap(),
        );
        let Some(settle) = c.get("settle") else {
            assert_ne!(
                c["decision"], "undecided",
                "{what}: {a} vs {b} has no settle"
            );
            continue;
        };
        // the comparison table's cell for this pair and metric
        let on_metric = format!(" on {} (", c["metric"].as_str().unwrap());
        let sentence = html
            .match_indices(&format!("{a} − {b} = "))
            .map(|(at, _)| &html[at..at + html[at..].find("</td>").unwrap()])
            .find(|cell| cell.contains(&on_metric))
            .unwrap_or_else(|| panic!("{what}: no sentence for {a} vs {b}"));
        let rows = format!("{:.1}× the rows", settle["rows_factor"].as_f64().unwrap());
        assert!(
            sentence.contains(&rows) || sentence.contains("more than 100× the rows"),
            "{what}: {rows} not in {sentence}"
        );
        match settle["split_seeds"].as_u64() {
            Some(n) => assert!(
                sentence.contains(&format!("about {n} split seeds")),
                "{what}: {sentence}"
            ),
            None => {
                assert!(
                    sentence.contains("more split seeds alone will not settle it"),
                    "{what}: {sentence}"
                );
                assert!(!sentence.contains("seed luck"), "{what}: {sentence}");
            }
        }
    }
    // no sentence calls a model better or best against one it is not shown to beat on the
    // metric it speaks of: each list item and table row is read with the metrics it names
    // (every metric when it names none), cut into clauses at '.', ';' and line breaks
    let comparisons = summary["comparisons"].as_array().unwrap();
    let models = summary_names(&summary, "model");
    let blocks = html.replace("<tr>", "<li>").replace("<p>", "<li>");
    let mut claims = 0;
    for block in blocks.split("<li>").map(text) {
        let named_metrics: Vec<&str> = metrics
            .iter()
            .filter(|m| whole_word(&block, m, "_").is_some())
            .copied()
            .collect();
        // a block that names no metric speaks of every metric
        let on = if named_metrics.is_empty() {
            metrics.iter().copied().collect()
        } else {
            named_metrics
        };
        for clause in block.split(['.', ';', '\n']).map(str::to_lowercase) {
            // the models `part` names, in the order it names them
            let named = |part: &str| -> Vec<&str> {
                let mut found: Vec<(usize, &str)> = models
                    .iter()
                    .filter_map(|m| first_named(part, m).map(|at| (at, *m)))
                    .collect();
                found.sort();
                found.into_iter().map(|(_, m)| m).collect()
            };
            if let Some(at) = clause.find("better than") {
                // "A is better than B, C": A shown to beat each of them on each metric spoken of
                let Some(&winner) = named(&clause[..at]).last() else {
                    continue;
                };
                for loser in named(&clause[at..]) {
                    for metric in &on {
                        assert!(
                            comparisons.iter().any(|c| c["metric"] == *metric
                                && c["model_a"] == winner
                                && c["model_b"] == loser
                                && c["decision"] == "a_better"),
                            "{what}: '{winner} better than {loser}' on {metric} without that verdict: {clause}"
                        );
                        claims += 1;
                    }
                }
                continue;
            }
            for c in comparisons {
                let (a, b) = (
                    c["model_a"].as_str().unwrap(),
                    c["model_b"].as_str().unwrap(),
                );
                if c["decision"] == "a_better"
                    || !on.iter().any(|m| c["metric"] == *m)
                    || first_named(&clause, a).is_none()
                    || first_named(&clause, b).is_none()
                {
                    continue;
                }
                for word in [" is better", " best", " wins"] {
                    assert!(
                        !clause.contains(word),
                        "{what}: '{word}' for {a} vs {b} ({}): {clause}",
                        c["decision"]
                    );
                }
            }
        }
    }
    // every numeric axis: at least 3 round ticks in one notation
    let mut axes = 0;
    for svg in html.split("<svg").skip(1) {
        for labels in tick_labels(svg) {
            axes += 1;
            assert!(labels.len() >= 3, "{what}: {labels:?}");
            let scientific = labels.iter().filter(|l| l.contains('e')).count();
            assert!(
                scientific == 0 || scientific == labels.len(),
                "{what}: {labels:?}"
            );
            assert!(
                labels.iter().all(|l| significant(l) <= 3),
                "{what}: {labels:?}"
            );
        }
    }
    assert!(axes >= 3 * metrics.len(), "{what}: only {axes} axes");
    // one colour per model wherever its name is drawn in colour
    let mut colours: BTreeMap<&str, std::collections::BTreeSet<String>> = BTreeMap::new();
    for piece in html.split("<text ").skip(1) {
        let (attributes, rest) = piece.split_once('>').unwrap();
        let label = rest.split("</text>").next().unwrap();
        if let (Some(model), Some(at)) = (
            models.iter().find(|m| **m == label),
            attributes.find("fill=\"#"),
        ) {
            colours
                .entry(model)
                .or_default()
                .insert(attributes[at + 6..at + 13].to_string());
        }
    }
    for m in &models {
        let seen = colours.get(m).map_or(0, |c| c.len());
        assert_eq!(seen, 1, "{what}: {m} drawn in {:?}", colours.get(m));
    }
    claims
}

#[test]
fn the_readme_report_answers_first_in_words_that_match_its_numbers() {
    check("--dataset diabetes --model ols --model ridge --seeds 100");
}

#[test]
fn the_four_model_report_answers_first_in_words_that_match_its_numbers() {
    let claims = check(
        "--dataset breast_cancer --model logistic --model knn --model tree --model forest:trees=30 --model-seeds 3 --seeds 10",
    );
    // the check of "A is better than B" is not empty: this run has such verdicts
    assert!(claims > 0);
}

#[test]
fn a_regression_report_with_lower_is_better_metrics_answers_in_words_that_match_its_numbers() {
    check(
        "--dataset diabetes --model ols --model lasso:alpha=0.5 --model tree --model knn --metrics r2,mae,rmse --seeds 12",
    );
}

#[test]
fn a_multiclass_report_answers_in_words_that_match_its_numbers() {
    check(
        "--dataset wine --model logistic --model naive_bayes --model tree --model knn --seeds 12",
    );
}
