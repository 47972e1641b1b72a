//! Stopping a run part-way, as an interrupt does: the seeds finished by then are handed to the
//! observer (and so saved by a checkpoint), the seeds in progress are not, and the run returns
//! [`Error::Interrupted`](crate::Error::Interrupted) so a resumed run fits them again (the
//! nested cross-validation's and the permutation test's fits, after the seeds', stop too, and
//! `execute` writes no report from them). A model
//! whose fit was interrupted (a Python estimator's `KeyboardInterrupt`), Ctrl-C on the command
//! line or a signal handler calls [`request_stop`]; the flag is the process's, like the
//! interrupt it stands for. A stop asked for before a run starts (while the data loads) stops
//! it at once; the run that stops clears the flag, and so does `execute` as it returns, so a
//! stop no run took (asked for while the reports were written) does not stop the next one.

use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);

/// Ask the runs in this process to stop after their fits in progress. Only stores to an
/// atomic flag, so a signal handler may call it.
pub fn request_stop() {
    STOP.store(true, Ordering::SeqCst);
}

/// Whether a stop was asked for and not yet cleared.
pub(crate) fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Forget a stop: once the run it stopped returns, and as `execute` returns.
pub(crate) fn clear_stop() {
    STOP.store(false, Ordering::SeqCst);
}
