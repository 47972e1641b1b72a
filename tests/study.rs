//! A study over many data sets ([[data]]): one complete sub-report per data set, and the
//! models compared over them in the study's own summary.json and reports.

mod common;

use common::{json, read, seedfold};
use std::path::Path;

const STUDY: &str = r#"
models = ["logistic", "naive_bayes", "tree:max_depth=2"]
metrics = ["accuracy"]
seeds = 3

[[data]]
dataset = "iris"

[[data]]
dataset = "wine"

[[data]]
name = "cancer"
dataset = "breast_cancer"

[stats]
signed_rank = true
"#;

fn write_study(dir: &Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("study.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// `seedfold run FILE FLAGS --quiet --out OUT`.
fn run_study(file: &Path, flags: &[&str], out: &Path) -> std::process::Output {
    seedfold()
        .arg("run")
        .arg(file)
        .args(flags)
        .args(["--quiet", "--out"])
        .arg(out)
        .output()
        .unwrap()
}

/// [`run_study`] without flags, which must succeed.
fn run_study_ok(file: &Path, out: &Path) {
    let run = run_study(file, &[], out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// Ranks of one row, 1 = best (higher is better), ties sharing their mean rank.
fn ranks(row: &[f64]) -> Vec<f64> {
    row.iter()
        .map(|v| {
            let above = row.iter().filter(|w| *w > v).count() as f64;
            let tied = row.iter().filter(|w| *w == v).count() as f64;
            above + (tied + 1.0) / 2.0
        })
        .collect()
}

#[test]
fn a_study_runs_every_data_set_and_compares_the_models_over_them() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_study(dir.path(), STUDY);
    let out = dir.path().join("out");
    run_study_ok(&file, &out);
    let names = ["iris", "wine", "cancer"];
    for name in names {
        let manifest = json(&out.join(name).join("manifest.json"));
        assert_eq!(manifest["status"], "complete", "{name}");
    }
    let study = json(&out.join("summary.json"));
    let b = &study["benchmark"][0];
    assert_eq!(b["metric"], "accuracy");
    let models: Vec<&str> = b["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(models, ["logistic", "naive_bayes", "tree:max_depth=2"]);
    // the scores are each sub-report's mean over seeds, and the ranks follow from them
    let mut rank_sums = vec![0.0; 3];
    for (d, name) in names.iter().enumerate() {
        let sub = json(&out.join(name).join("summary.json"));
        let row: Vec<f64> = models
            .iter()
            .map(|m| {
                let s = sub["summaries"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|s| s["model"] == *m && s["metric"] == "accuracy")
                    .unwrap();
                s["across_seeds"]["mean"].as_f64().unwrap()
            })
            .collect();
        let listed: Vec<f64> = b["scores"][d]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(listed, row, "{name}");
        for (sum, r) in rank_sums.iter_mut().zip(ranks(&row)) {
            *sum += r;
        }
    }
    let average: Vec<f64> = b["average_ranks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    for (got, sum) in average.iter().zip(&rank_sums) {
        assert!(
            (got - sum / 3.0).abs() < 1e-12,
            "{average:?} vs {rank_sums:?}"
        );
    }
    let p = b["friedman"]["p_value"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
    let cd = b["nemenyi"]["critical_difference"].as_f64().unwrap();
    // k = 3, N = 3, α = 0.05: q = 2.3437, CD = q √(3·4 / 18)
    assert!(
        (cd - 2.343700586378409 * (12.0f64 / 18.0).sqrt()).abs() < 1e-8,
        "{cd}"
    );
    assert_eq!(b["holm"].as_array().unwrap().len(), 3);
    let bayes = b["bayesian_signed_rank"].as_array().unwrap();
    assert_eq!(bayes.len(), 3);
    for pair in bayes {
        let total: f64 = ["p_a_better", "p_rope", "p_b_better"]
            .iter()
            .map(|k| pair[*k].as_f64().unwrap())
            .sum();
        assert!((total - 1.0).abs() < 1e-9);
    }
    let html = read(&out.join("report.html"));
    assert!(html.contains("critical difference") && html.contains("href=\"cancer/report.html\""));
    assert!(read(&out.join("report.md")).contains("Friedman test"));
    // the answer comes first: which model ranks first, and whether the tests separate it
    let answer_at = html.find("class=\"answer\"").unwrap();
    assert!(answer_at < html.find("<svg").unwrap());
    assert!(html[answer_at..].contains("ranks first over"), "{html}");
    // and the rank test of the first against the third model, the one the pair leaves out
    let mut by_rank: Vec<usize> = (0..3).collect();
    by_rank.sort_by(|&x, &y| average[x].total_cmp(&average[y]));
    let (first, third) = (models[by_rank[0]], models[by_rank[2]]);
    let pair = b["holm"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["a"] == first && p["b"] == third || p["a"] == third && p["b"] == first)
        .unwrap();
    let verdict = if pair["significant"] == true {
        "ahead beyond chance of"
    } else {
        "not told apart from"
    };
    let rest = format!("Against the rest, {first} is {verdict} {third}.");
    assert!(html[answer_at..].contains(&rest), "{rest} not in {html}");
    let md = read(&out.join("report.md"));
    assert!(md.find("## The answer").unwrap() < md.find("## Data sets").unwrap());

    // verify checks every data set's report, and names the one that was changed
    let verified = seedfold().arg("verify").arg(&out).output().unwrap();
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    assert!(String::from_utf8_lossy(&verified.stdout).contains("all 3 data sets' reports verify"));
    let records = out.join("wine").join("records.csv");
    let original = read(&records);
    std::fs::write(&records, original.replacen(",ok,", ",failed,", 1)).unwrap();
    let forged = seedfold().arg("verify").arg(&out).output().unwrap();
    let said = String::from_utf8_lossy(&forged.stderr).to_string()
        + &String::from_utf8_lossy(&forged.stdout);
    assert!(!forged.status.success() && said.contains("wine"), "{said}");
    std::fs::write(&records, original).unwrap();

    // a second run into the same folder is refused; --resume finds every data set complete
    let again = run_study(&file, &[], &out);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--overwrite"));
    let before = read(&out.join("summary.json"));
    let resumed = run_study(&file, &["--resume"], &out);
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    assert!(String::from_utf8_lossy(&resumed.stderr).contains("already complete"));
    assert_eq!(read(&out.join("summary.json")), before);
}

#[test]
fn a_study_says_when_a_score_leaves_out_failed_folds() {
    // one row of class 1 among eleven: logistic cannot fit the fold that tests it (its
    // training rows hold one class), so its mean is over the easier folds
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("a,b,y\n");
    for r in 0..12 {
        csv += &format!(
            "{},{},{}\n",
            r as f64 * 0.37 - 2.0,
            (r * 7 % 5) as f64,
            (r == 11) as u8
        );
    }
    for name in ["rare1.csv", "rare2.csv"] {
        std::fs::write(dir.path().join(name), &csv).unwrap();
    }
    let file = write_study(
        dir.path(),
        "models = [\"logistic\", \"naive_bayes\"]\nmetrics = [\"accuracy\"]\nseeds = 2\n\
         [split]\nfolds = 4\n\
         [[data]]\nfile = \"rare1.csv\"\ntarget = \"y\"\ntask = \"classification\"\n\
         [[data]]\nfile = \"rare2.csv\"\ntarget = \"y\"\ntask = \"classification\"\n",
    );
    let out = dir.path().join("out");
    run_study_ok(&file, &out);
    let notes = json(&out.join("summary.json"))["notes"].to_string();
    for name in ["rare1", "rare2"] {
        assert!(
            notes.contains(&format!(
                "accuracy: on {name}, logistic's score leaves out its 2 failed score(s)"
            )),
            "{notes}"
        );
    }
    assert!(read(&out.join("report.md")).contains("logistic's score leaves out its 2 failed"));
}

#[test]
fn a_study_refuses_what_it_cannot_compare() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[&str], &str); 5] = [
        (
            "models = [\"ols\"]\n[[data]]\ndataset = \"iris\"\n[[data]]\ndataset = \"diabetes\"\n",
            &[],
            "must share one task",
        ),
        (
            "[[data]]\ndataset = \"iris\"\n[[data]]\ndataset = \"iris\"\n",
            &[],
            "a second data set named 'iris'",
        ),
        (
            "[[data]]\ndataset = \"iris\"\n[[data]]\ndataset = \"wine\"\n",
            &["--dataset", "iris"],
            "[[data]]",
        ),
        (
            "[[data]]\ndataset = \"iris\"\n[[data]]\ndataset = \"wine\"\n",
            &["--shard", "0/2"],
            "--shard",
        ),
        (
            "[[data]]\ndataset = \"iris\"\n[[data]]\ndatset = \"wine\"\n",
            &[],
            "[[data]] entry 2",
        ),
    ];
    for (text, flags, expected) in cases {
        let file = write_study(dir.path(), text);
        let result = run_study(&file, flags, &dir.path().join("out"));
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(
            !result.status.success() && stderr.contains(expected),
            "{text}: {stderr}"
        );
    }
}

#[test]
fn the_example_study_runs_as_shipped() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("study");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/many-datasets.toml");
    let run = run_study(&example, &["--seeds", "2"], &out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let study = json(&out.join("summary.json"));
    assert_eq!(study["datasets"].as_array().unwrap().len(), 5);
    assert_eq!(study["benchmark"].as_array().unwrap().len(), 2);
}
