//! The progress bar: indicatif on stderr, hidden when stderr is not a terminal or `--quiet`.

use crate::run::Observer;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Progress of a run's fits.
pub struct Bar(ProgressBar);

impl Bar {
    /// A bar drawn on stderr unless `quiet` or stderr is not a terminal.
    pub fn new(quiet: bool) -> Bar {
        let bar = ProgressBar::hidden();
        if !quiet && std::io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} fits  {rate}  eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .with_key(
                    "rate",
                    |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{:.0} fits/s", state.per_sec());
                    },
                ),
        );
        Bar(bar)
    }
}

impl Observer for Bar {
    fn start(&self, fits: u64) {
        self.0.set_length(fits);
    }
    fn fit_done(&self) {
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}
