//! Fits under a wall-clock limit. A fit runs on a helper thread kept by each worker; if it
//! overruns, the worker gives up waiting, records the fold as failed, marks the fit abandoned
//! and starts a new helper for its next fit. seedfold's own models look at the mark in their
//! loops and stop ([`cancel`](crate::model::cancel)), so an abandoned fit does not keep a core
//! from the fits after it; a dependency's solver (linfa's SVM, coordinate descent) runs to
//! its own end on its thread.

use crate::model::{cancel, Fitted};
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::Duration;

/// A fit to run on the helper.
pub(crate) type Job = Box<dyn FnOnce() -> Result<Fitted, String> + Send>;
type Reply = Sender<Result<Fitted, String>>;
/// A job, where its answer goes, and its abandonment mark.
type Task = (Job, Reply, Arc<AtomicBool>);

thread_local! {
    static HELPER: RefCell<Option<Sender<Task>>> = const { RefCell::new(None) };
}

/// A helper thread that runs the jobs it is sent, one at a time, until its sender is dropped.
fn spawn_helper() -> Result<Sender<Task>, String> {
    let (jobs, incoming) = channel::<Task>();
    std::thread::Builder::new()
        .name("seedfold-fit".into())
        .spawn(move || {
            for (job, reply, mark) in incoming {
                let _ = reply.send(cancel::watched(mark, job));
            }
        })
        .map_err(|e| format!("cannot start a thread for the fit: {e}"))?;
    Ok(jobs)
}

/// Run `job` on this worker's helper and wait at most `limit` for it.
pub(crate) fn with_limit(limit: Duration, job: Job) -> Result<Fitted, String> {
    HELPER.with(|helper| {
        let mut helper = helper.borrow_mut();
        if helper.is_none() {
            *helper = Some(spawn_helper()?);
        }
        let (reply, answer) = channel();
        let mark = Arc::new(AtomicBool::new(false));
        let sent = helper
            .as_ref()
            .is_some_and(|h| h.send((job, reply, Arc::clone(&mark))).is_ok());
        if !sent {
            *helper = None;
            return Err("the fit's thread had ended".into());
        }
        match answer.recv_timeout(limit) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => {
                mark.store(true, Ordering::Relaxed);
                *helper = None;
                Err(format!(
                    "the fit ran longer than the fit timeout of {} s and was abandoned (raise --fit-timeout if it is just slow)",
                    limit.as_secs_f64()
                ))
            }
            Err(RecvTimeoutError::Disconnected) => {
                *helper = None;
                Err("the fit's thread ended without an answer".into())
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metric::Predictions;

    #[test]
    fn an_overrunning_fit_fails_and_the_next_one_runs() {
        let slow: Job = Box::new(|| {
            std::thread::sleep(Duration::from_secs(5));
            Ok(Predictions::Values(vec![]).into())
        });
        let e = with_limit(Duration::from_millis(50), slow).unwrap_err();
        assert!(e.contains("longer than the fit timeout"), "{e}");
        let quick: Job = Box::new(|| Ok(Predictions::Values(vec![1.0]).into()));
        let fitted = with_limit(Duration::from_secs(5), quick).unwrap();
        assert_eq!(fitted.predictions, Predictions::Values(vec![1.0]));
    }
}
