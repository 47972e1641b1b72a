//! Abandoned fits stop. A fit that overruns `--fit-timeout` is given up by the runner, but
//! its thread would go on computing and take a core from the fits after it, so the outcome of
//! a run would depend on timing. The runner marks the fit abandoned; seedfold's own loops
//! (tree nodes, forest trees, boosting rounds, kNN row blocks, Newton steps, SVM solver
//! steps) look at the mark and stop. What an abandoned fit returns is never used.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

thread_local! {
    /// The mark of the fit running on this thread, when it runs under a time limit.
    static MARK: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
}

/// Run `fit` on this thread with `mark` as its abandonment mark.
pub(crate) fn watched<T>(mark: Arc<AtomicBool>, fit: impl FnOnce() -> T) -> T {
    MARK.with(|m| *m.borrow_mut() = Some(mark));
    let out = fit();
    MARK.with(|m| *m.borrow_mut() = None);
    out
}

/// Whether the fit running on this thread has been abandoned (never, outside a time limit).
pub(crate) fn abandoned() -> bool {
    MARK.with(|m| {
        m.borrow()
            .as_ref()
            .is_some_and(|mark| mark.load(Ordering::Relaxed))
    })
}

/// `Err` once the fit running on this thread has been abandoned, for loops that return one.
pub(crate) fn check() -> Result<(), String> {
    if abandoned() {
        Err("the fit was abandoned".into())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_marked_fit_sees_its_mark() {
        assert!(!abandoned());
        let mark = Arc::new(AtomicBool::new(false));
        watched(Arc::clone(&mark), || {
            assert!(check().is_ok());
            mark.store(true, Ordering::Relaxed);
            assert!(abandoned() && check().is_err());
        });
        assert!(!abandoned());
    }

    #[test]
    fn seedfold_s_own_loops_stop_at_the_mark() {
        use crate::data::Task;
        use crate::model::{build_models, FoldData, FoldTrain, ModelSpec};
        use ndarray::{Array1, Array2};
        use rand::SeedableRng;
        let x = Array2::from_shape_fn((400, 5), |(i, j)| ((i * 7 + j * 13) % 31) as f64);
        let classes = Array1::from_shape_fn(400, |i| i % 2);
        let data = FoldData {
            train: FoldTrain::Classes(linfa::DatasetBase::new(x.clone(), classes), 2),
            x_test: x,
        };
        // each would run for minutes; abandoned before they start, each stops at once
        for spec in [
            "forest:trees=10000000",
            "boosting:rounds=10000000",
            "knn",
            "svm",
        ] {
            let models = build_models(
                &ModelSpec::parse(spec).unwrap(),
                Task::Classification,
                false,
            )
            .unwrap();
            let rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
            let fitted = watched(Arc::new(AtomicBool::new(true)), || {
                models[0].fit_predict(&data, rng)
            });
            assert_eq!(fitted.unwrap_err(), "the fit was abandoned", "{spec}");
        }
    }
}
