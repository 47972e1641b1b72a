//! Ctrl-C during `seedfold run`: the first one stops the run after the fits in progress, the
//! finished seeds saved and the run resumable (`--resume`), as the Python package's
//! `KeyboardInterrupt` does; a second one stops the process at once, as Ctrl-C does
//! elsewhere. Other commands keep Ctrl-C's default action.

/// `work` with Ctrl-C asking the run to stop ([`seedfold::run::request_stop`]); Ctrl-C's
/// previous action is put back afterwards.
pub fn stopping_on_ctrl_c<T>(work: impl FnOnce() -> T) -> T {
    imp::stopping_on_ctrl_c(work)
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod imp {
    const MESSAGE: &[u8] =
        b"\nseedfold: stopping after the fits in progress (Ctrl-C again to stop at once)\n";

    extern "C" fn on_interrupt(signal: libc::c_int) {
        seedfold::run::request_stop();
        // SAFETY: write and signal are async-signal-safe and MESSAGE is static; the default
        // action put back makes a second Ctrl-C end the process.
        unsafe {
            libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
            libc::signal(signal, libc::SIG_DFL);
        }
    }

    pub(super) fn stopping_on_ctrl_c<T>(work: impl FnOnce() -> T) -> T {
        // SAFETY: sigaction with a zeroed, then filled-in action whose handler only stores an
        // atomic flag, writes and resets itself (SA_RESTART: the calls it interrupts go on);
        // the previous action is put back below.
        let previous = unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_interrupt as *const () as usize;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            let mut previous: libc::sigaction = std::mem::zeroed();
            let installed = libc::sigaction(libc::SIGINT, &action, &mut previous) == 0;
            installed.then_some(previous)
        };
        let value = work();
        if let Some(previous) = previous {
            // SAFETY: puts back the action saved above.
            unsafe { libc::sigaction(libc::SIGINT, &previous, std::ptr::null_mut()) };
        }
        value
    }
}

/// Without the C library's signals: Ctrl-C keeps its default action.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod imp {
    pub(super) fn stopping_on_ctrl_c<T>(work: impl FnOnce() -> T) -> T {
        work()
    }
}
