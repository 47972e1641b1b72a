//! Workers with no fit left to start, lent to the fits still running.
//!
//! Five folds on two cores fit two, two, then one alone. A lone fit of a large SVM spends its
//! time in passes over positions or training rows whose entries do not depend on each other
//! (kernel rows, the working set's scans, the gradient's update), so a worker that has run out
//! of fits to start [`wait`]s, taking the second halves of the passes that running fits split
//! ([`join`]). Splitting a pass changes no value: every entry is computed alone, and a scan's
//! halves are joined as one scan would have found its answer.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Workers in [`wait`], in any run of this process.
static WAITING: AtomicUsize = AtomicUsize::new(0);

/// Running fits that may [`join`] their passes ([`Offering`]s alive).
static OFFERING: AtomicUsize = AtomicUsize::new(0);

/// Halves offered by [`join`] and not yet taken.
static OFFERED: AtomicUsize = AtomicUsize::new(0);

/// Halves run by another thread than the one that offered them, for tests to see the offers
/// taken.
#[cfg(test)]
pub(crate) static TAKEN: AtomicUsize = AtomicUsize::new(0);

/// How long a waiting worker spins before napping, while no fit may offer work: longer than
/// the last fits of a batch of small ones take, so their batch ends at once.
const SPIN_BEFORE_NAP: Duration = Duration::from_millis(1);

/// How long a waiting worker naps between looks while no fit may offer work.
const NAP: Duration = Duration::from_micros(200);

/// A batch's fits, counted as they start and finish, so that a worker with none left to start
/// can [`wait`] for the others.
pub(crate) struct Fits {
    total: usize,
    started: AtomicUsize,
    finished: AtomicUsize,
}

impl Fits {
    pub(crate) fn new(total: usize) -> Fits {
        Fits {
            total,
            started: AtomicUsize::new(0),
            finished: AtomicUsize::new(0),
        }
    }

    /// `fit()`, one of the batch's; then, if `lend` and no fit is left to start, take the
    /// others' offers until they have finished. A fit that panics counts as finished, so the
    /// panic reaches the batch's caller instead of leaving a worker waiting.
    pub(crate) fn run<R>(&self, lend: bool, fit: impl FnOnce() -> R) -> R {
        self.started.fetch_add(1, Ordering::Relaxed);
        let result = {
            let _finished = CountOnDrop(&self.finished);
            fit()
        };
        if lend && self.started.load(Ordering::Relaxed) == self.total {
            wait(|| self.finished.load(Ordering::Acquire) == self.total);
        }
        result
    }
}

/// Counts one when dropped.
struct CountOnDrop<'a>(&'a AtomicUsize);

impl Drop for CountOnDrop<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Release);
    }
}

/// Held by a fit that may [`join`] its passes: while one is, waiting workers spin rather than
/// nap, so an offered half is taken within a microsecond.
pub(crate) struct Offering(());

impl Offering {
    pub(crate) fn new() -> Offering {
        OFFERING.fetch_add(1, Ordering::Relaxed);
        Offering(())
    }
}

impl Drop for Offering {
    fn drop(&mut self) {
        OFFERING.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Where to cut a pass over `len` entries for [`join`]: halfway, on a multiple of eight,
/// when `len` is at least `from` and a worker waits; else at `len` (nothing to split).
pub(crate) fn cut(len: usize, from: usize) -> usize {
    if len >= from && WAITING.load(Ordering::Relaxed) > 0 {
        (len / 2).next_multiple_of(8).min(len)
    } else {
        len
    }
}

/// `a()` and `b()`: when `apart`, `b` is offered to a waiting worker while `a` runs here; else
/// one after the other. (A fit under a time limit runs on a thread of its own, from which
/// `rayon::join` would hand both halves to one worker.)
pub(crate) fn join<RA: Send, RB: Send>(
    apart: bool,
    a: impl FnOnce() -> RA + Send,
    b: impl FnOnce() -> RB + Send,
) -> (RA, RB) {
    if !apart {
        return (a(), b());
    }
    let (started, finished) = (AtomicBool::new(false), AtomicBool::new(false));
    let mut second = None;
    #[cfg(test)]
    let offerer = std::thread::current().id();
    let first = rayon::in_place_scope(|scope| {
        OFFERED.fetch_add(1, Ordering::Relaxed);
        scope.spawn(|_| {
            OFFERED.fetch_sub(1, Ordering::Relaxed);
            #[cfg(test)]
            if std::thread::current().id() != offerer {
                TAKEN.fetch_add(1, Ordering::Relaxed);
            }
            started.store(true, Ordering::Release);
            // set even if `b` panics (the scope then passes the panic on)
            let _finished = SetOnDrop(&finished);
            second = Some(b());
        });
        let first = a();
        // a `b` already taken ends soon: wait for it here rather than in the scope's latch,
        // which sleeps (waking takes tens of microseconds); one not yet taken is left to the
        // scope, which runs it here or waits for a worker to
        if started.load(Ordering::Acquire) {
            while !finished.load(Ordering::Acquire) {
                std::hint::spin_loop();
            }
        }
        first
    });
    (first, second.expect("the scope ends after `b`"))
}

/// `part(values, 0..cut)` and `part(rest, cut..len)` for the [`cut`] of `values` (`len`
/// long), the second half [joined](join) apart when the cut splits them; both results, and
/// the cut.
pub(crate) fn in_halves<T: Send, R: Send>(
    values: &mut [T],
    from: usize,
    part: impl Fn(&mut [T], Range<usize>) -> R + Sync,
) -> ((R, R), usize) {
    let len = values.len();
    let cut = cut(len, from);
    let (first, second) = values.split_at_mut(cut);
    let part = &part;
    let results = join(cut < len, || part(first, 0..cut), || part(second, cut..len));
    (results, cut)
}

/// Sets its flag when dropped.
struct SetOnDrop<'a>(&'a AtomicBool);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

/// On a worker with no fit left to start while others run ([`Fits::run`]): take the work they
/// offer until `done`. While a fit may offer some, spin reading the count of offers, written
/// only when one is made or taken (a pause a turn, so the fit's own core loses little);
/// otherwise nap after a short spin.
fn wait(done: impl Fn() -> bool) {
    WAITING.fetch_add(1, Ordering::Relaxed);
    let since = Instant::now();
    while !done() {
        if OFFERING.load(Ordering::Relaxed) > 0 {
            if OFFERED.load(Ordering::Relaxed) > 0 {
                rayon::yield_now();
            } else {
                std::hint::spin_loop();
            }
        } else if rayon::yield_now() != Some(rayon::Yield::Executed) {
            if since.elapsed() < SPIN_BEFORE_NAP {
                std::hint::spin_loop();
            } else {
                std::thread::sleep(NAP);
            }
        }
    }
    WAITING.fetch_sub(1, Ordering::Relaxed);
}

/// `work`'s result, computed on this thread (as a fit under a time limit runs on a thread of
/// its own, outside the pool) while a worker of the global pool [`wait`]s: every half `work`
/// offers is then run by another thread, whether the waiting worker or another.
#[cfg(test)]
pub(crate) fn beside_a_waiting_worker<R>(work: impl FnOnce() -> R) -> R {
    use std::sync::Arc;
    let (waiting, done) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicBool::new(false)),
    );
    let (now_waiting, ended) = (Arc::clone(&waiting), Arc::clone(&done));
    rayon::spawn(move || {
        now_waiting.store(true, Ordering::Release);
        wait(|| ended.load(Ordering::Acquire));
    });
    while !waiting.load(Ordering::Acquire) || WAITING.load(Ordering::Relaxed) == 0 {
        std::hint::spin_loop();
    }
    let result = work();
    done.store(true, Ordering::Release);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_waiting_worker_takes_the_second_half_and_its_panic_reaches_the_caller() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let done = AtomicBool::new(false);
        // thread index + 1 of each half (0 until it runs)
        let (here, there) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let index = || rayon::current_thread_index().expect("on the pool") + 1;
        let mut caught = None;
        pool.install(|| {
            rayon::join(
                || wait(|| done.load(Ordering::Acquire)),
                || {
                    let _offering = Offering::new();
                    while cut(16, 16) == 16 {
                        std::hint::spin_loop();
                    }
                    assert_eq!(cut(16, 16), 8, "halfway, on a multiple of eight");
                    assert_eq!(cut(15, 16), 15, "too short to split");
                    join(
                        true,
                        || {
                            here.store(index(), Ordering::Release);
                            // the first half lasts until the second has started
                            while there.load(Ordering::Acquire) == 0 {
                                std::hint::spin_loop();
                            }
                        },
                        || there.store(index(), Ordering::Release),
                    );
                    caught = Some(std::panic::catch_unwind(|| {
                        join(true, || {}, || panic!("in the second half"))
                    }));
                    done.store(true, Ordering::Release);
                },
            )
        });
        let (here, there) = (here.into_inner(), there.into_inner());
        assert!(here > 0 && there > 0 && here != there, "{here} {there}");
        assert!(caught.expect("ran").is_err(), "the panic is the caller's");
    }

    #[test]
    fn a_fit_that_panics_ends_the_wait_and_reaches_the_caller() {
        // on a thread of its own, so that a batch left waiting fails the test
        let (sender, ended) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap();
            let fits = Fits::new(2);
            let both_started = || {
                while fits.started.load(Ordering::Relaxed) < 2 {
                    std::hint::spin_loop();
                }
            };
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                pool.install(|| {
                    rayon::join(
                        || {
                            fits.run(true, || {
                                both_started();
                                // the other fit is waiting by now
                                std::thread::sleep(Duration::from_millis(20));
                                panic!("in a fit")
                            })
                        },
                        || fits.run(true, both_started),
                    )
                })
            }));
            let _ = sender.send((run.is_err(), fits.finished.into_inner()));
        });
        let ended = ended.recv_timeout(Duration::from_secs(60));
        assert_eq!(ended, Ok((true, 2)), "the panic reaches the caller");
    }
}
