//! The `seedfold` command. All logic lives in the library and `cli`.

mod cli;

fn main() -> std::process::ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    allocator::keep_freed_blocks();
    match cli::main() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

/// The system allocator, except that large blocks with more than the usual alignment come
/// straight from fresh mappings, which the kernel hands out zeroed: the system allocator
/// zeroes such a block by writing it, and the Parquet writer's one 8 MiB zeroed block (for a
/// column without values, such as `error` when no fit failed) cost a small run 8 % of its
/// time in page faults.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod allocator {
    use std::alloc::{GlobalAlloc, Layout, System};

    struct FreshPages;

    #[global_allocator]
    static ALLOCATOR: FreshPages = FreshPages;

    /// Let the system allocator keep freed blocks of up to 64 MiB for reuse instead of
    /// unmapping them or trimming its heaps: a multinomial Newton step allocates and frees a
    /// few 3.4 MB matrices, and mapped afresh each time their pages faulted in again, both
    /// threads waiting on the kernel (W10 8.15 → 6.61 s, W2 0.79 → 0.75 s; peak memory up to
    /// 24 MB more). Once the fits are done, `execute` maps large blocks again and trims the
    /// heaps itself, so the memory per split seed does not grow (BENCHMARKS.md).
    pub(super) fn keep_freed_blocks() {
        // SAFETY: mallopt only sets the allocator's thresholds, before any thread starts.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 20);
            libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
        }
    }

    /// Blocks at least this large, aligned beyond malloc's 16 bytes and at most to a page.
    fn mapped(layout: Layout) -> bool {
        layout.size() >= 1 << 20 && layout.align() > 16 && layout.align() <= 4096
    }

    fn map(size: usize) -> *mut u8 {
        // SAFETY: an anonymous private mapping touches no existing memory.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            std::ptr::null_mut()
        } else {
            p.cast()
        }
    }

    // SAFETY: mapped blocks are page-aligned (so aligned as asked), zeroed, and unmapped with
    // the size they were mapped with; every other block is the system allocator's.
    unsafe impl GlobalAlloc for FreshPages {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            if mapped(layout) {
                map(layout.size())
            } else {
                System.alloc(layout)
            }
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            if mapped(layout) {
                map(layout.size())
            } else {
                System.alloc_zeroed(layout)
            }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            if mapped(layout) {
                libc::munmap(ptr.cast(), layout.size());
            } else {
                System.dealloc(ptr, layout)
            }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let new = Layout::from_size_align_unchecked(new_size, layout.align());
            if mapped(layout) || mapped(new) {
                let moved = self.alloc(new);
                if !moved.is_null() {
                    std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
                moved
            } else {
                System.realloc(ptr, layout, new_size)
            }
        }
    }
}
