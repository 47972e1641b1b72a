//! Panics inside a dependency (a model's fit, the CSV reader) caught and turned into errors,
//! with the panic hook kept quiet for them; every other panic is reported as before.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};

thread_local! {
    static CATCHING: Cell<bool> = const { Cell::new(false) };
}
/// Readers under [`caught_in_any_thread`] at the moment (their pools panic on other threads).
static READERS: AtomicUsize = AtomicUsize::new(0);

/// Keep the panic hook quiet for panics that `caught` turns into errors. Call once from a
/// binary.
pub fn quiet_caught_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !CATCHING.with(Cell::get) && READERS.load(Ordering::SeqCst) == 0 {
            previous(info);
        }
    }));
}

/// Run `f`; a panic inside it becomes `Err` with the panic's message.
pub(crate) fn caught<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let was = CATCHING.with(|c| c.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(was));
    result.map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".into())
    })
}

/// [`caught`] for work that panics on threads of its own (polars' reader pool): the hook is
/// quiet in every thread while it runs, so call it only where nothing else runs.
pub(crate) fn caught_in_any_thread<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    READERS.fetch_add(1, Ordering::SeqCst);
    let result = caught(f);
    READERS.fetch_sub(1, Ordering::SeqCst);
    result
}
