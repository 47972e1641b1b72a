//! A clear error instead of a silent crash when the data file is cut short while it is read.
//!
//! Data files are read through memory maps (seedfold's numeric reader and polars' readers
//! alike). If another program truncates the file meanwhile, touching a page past its new end
//! raises SIGBUS, whose default action kills the process without a word. While a file is
//! read, a handler turns that signal into the message and exit status (2) every other error
//! gets. Nothing is lost: reading comes before any output is written.

use std::path::Path;

/// Run `read`, which reads the file at `path`, reporting a page of it that vanished mid-read
/// (the file cut short) as an error on stderr with exit status 2.
pub(super) fn guarded_read<T>(path: &Path, read: impl FnOnce() -> T) -> T {
    imp::guarded_read(path, read)
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod imp {
    use std::path::Path;
    use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
    use std::sync::Mutex;

    /// The message of the read under way (the handler may only read memory set aside
    /// before it runs).
    static MESSAGE: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
    static MESSAGE_LEN: AtomicUsize = AtomicUsize::new(0);
    /// One guarded read at a time: the handler and its message are process-wide.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

    /// SIGBUS while a file is read: a page past the end of a mapped file (`BUS_ADRERR`) means
    /// the file was cut short; any other bus error keeps the default action.
    extern "C" fn on_bus_error(
        signal: libc::c_int,
        info: *mut libc::siginfo_t,
        _: *mut libc::c_void,
    ) {
        // SAFETY: the kernel hands an SA_SIGINFO handler a valid siginfo; write, signal and
        // _exit are async-signal-safe, and the message outlives the handler's installation.
        unsafe {
            if (*info).si_code == libc::BUS_ADRERR {
                let text = MESSAGE.load(Ordering::SeqCst);
                libc::write(2, text.cast(), MESSAGE_LEN.load(Ordering::SeqCst));
                libc::_exit(2);
            }
            // returning retries the access, which then takes the default action
            libc::signal(signal, libc::SIG_DFL);
        }
    }

    /// What stderr says when the file at `path` was cut short.
    fn message(path: &Path) -> String {
        format!(
            "error: {} was cut short while seedfold read it (is another program writing it?); run again once the file is complete\n",
            path.display()
        )
    }

    pub(super) fn guarded_read<T>(path: &Path, read: impl FnOnce() -> T) -> T {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let mut message = message(path).into_bytes();
        MESSAGE.store(message.as_mut_ptr(), Ordering::SeqCst);
        MESSAGE_LEN.store(message.len(), Ordering::SeqCst);
        // SAFETY: sigaction with a zeroed, then filled-in action; the previous action is put
        // back before `message` is dropped.
        let previous = unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_bus_error as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut action.sa_mask);
            let mut previous: libc::sigaction = std::mem::zeroed();
            let installed = libc::sigaction(libc::SIGBUS, &action, &mut previous) == 0;
            installed.then_some(previous)
        };
        let value = read();
        if let Some(previous) = previous {
            // SAFETY: puts back the action saved above.
            unsafe { libc::sigaction(libc::SIGBUS, &previous, std::ptr::null_mut()) };
        }
        drop(message);
        value
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod imp {
    pub(super) fn guarded_read<T>(_: &std::path::Path, read: impl FnOnce() -> T) -> T {
        read()
    }
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;

    /// In a child process (the handler ends the process): a mapped file cut short, then read
    /// past its new end inside the guard.
    #[test]
    fn a_file_cut_short_while_mapped_is_an_error_not_a_crash() {
        const CHILD: &str = "SEEDFOLD_CUT_SHORT_CHILD";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data.csv");
        if std::env::var_os(CHILD).is_some() {
            std::fs::write(&path, vec![b'1'; 3 * 4096]).unwrap();
            let file = std::fs::File::open(&path).unwrap();
            // SAFETY: the map is read only, in this test's own file
            let map = unsafe { memmap2::Mmap::map(&file) }.unwrap();
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(0)
                .unwrap();
            let last = guarded_read(&path, || std::hint::black_box(&map[..])[2 * 4096]);
            panic!("read {last} past the end of a file cut short");
        }
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "data::cut_short::tests::a_file_cut_short_while_mapped_is_an_error_not_a_crash",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&child.stderr);
        assert_eq!(child.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("data.csv was cut short while seedfold read it"),
            "{stderr}"
        );
    }
}
