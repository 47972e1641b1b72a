//! Stopping a run part-way, as an interrupt does: the seeds finished by then are handed to the
//! observer (and so saved by a checkpoint), the seeds in progress are not, and the run returns
//! [`Error::Interrupted`](crate::Error::Interrupted) so a resumed run fits them again. A model
//! whose fit was interrupted (a Python estimator's `KeyboardInterrupt`) or a signal handler
//! calls [`request_stop`]; the flag is the process's, like the interrupt it stands for.

use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);

/// Ask the runs in this process to stop after their fits in progress.
pub fn request_stop() {
    STOP.store(true, Ordering::SeqCst);
}

/// Whether a stop was asked for since the current run started.
pub(crate) fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Forget an earlier stop: called as a run starts.
pub(crate) fn clear_stop() {
    STOP.store(false, Ordering::SeqCst);
}
