//! Fits under a wall-clock limit. A fit runs on a helper thread kept by each worker; if it
//! overruns, the worker gives up waiting, records the fold as failed and starts a new helper
//! for its next fit. A fit cannot be stopped from outside, so the abandoned one keeps its
//! thread until it ends or the process does; the run goes on.

use crate::model::Fitted;
use std::cell::RefCell;
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::time::Duration;

/// A fit to run on the helper.
pub(crate) type Job = Box<dyn FnOnce() -> Result<Fitted, String> + Send>;
type Reply = Sender<Result<Fitted, String>>;

thread_local! {
    static HELPER: RefCell<Option<Sender<(Job, Reply)>>> = const { RefCell::new(None) };
}

/// A helper thread that runs the jobs it is sent, one at a time, until its sender is dropped.
fn spawn_helper() -> Result<Sender<(Job, Reply)>, String> {
    let (jobs, incoming) = channel::<(Job, Reply)>();
    std::thread::Builder::new()
        .name("seedfold-fit".into())
        .spawn(move || {
            for (job, reply) in incoming {
                let _ = reply.send(job());
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
        let sent = helper
            .as_ref()
            .is_some_and(|h| h.send((job, reply)).is_ok());
        if !sent {
            *helper = None;
            return Err("the fit's thread had ended".into());
        }
        match answer.recv_timeout(limit) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => {
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
