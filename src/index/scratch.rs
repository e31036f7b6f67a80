//! Per-thread dense work arrays for queries: score accumulators by slot, a query vector by
//! term id. Owned by no index, so one thread's arrays serve every index it queries.

use std::cell::RefCell;

/// Dense per-thread work arrays, all zero between queries: score accumulators by slot and a
/// query vector by term id. Reused, so a query allocates nothing proportional to the corpus.
#[derive(Default)]
pub(super) struct Scratch {
    /// Partial scores for choosing candidates, in f32: half the memory, fewer cache misses,
    /// and candidates are scored exactly afterwards.
    pub(super) by_slot: Vec<f32>,
    pub(super) by_term: Vec<f64>,
    /// The slots set in `by_slot`, and their keys (score bits above slot) once taken: kept between
    /// queries, as fresh lists of tens of thousands of entries cost more than filling them.
    pub(super) touched: Vec<u32>,
    pub(super) keys: Vec<u64>,
    /// Set while a query uses the arrays: still set on entry means the last one panicked
    /// half-way, and the arrays are zeroed before use.
    busy: bool,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's scratch arrays grown to the index; `f` must leave them zero.
pub(super) fn with_scratch<T>(slots: usize, terms: usize, f: impl FnOnce(&mut Scratch) -> T) -> T {
    SCRATCH.with(|cell| {
        // A re-entrant call (never expected) gets fresh arrays instead of a borrow panic.
        let mut fresh = Scratch::default();
        let mut guard = cell.try_borrow_mut();
        let scratch = match guard.as_mut() {
            Ok(s) => &mut **s,
            Err(_) => &mut fresh,
        };
        if scratch.busy {
            scratch.touched.clear();
            scratch.by_slot.iter_mut().for_each(|x| *x = 0.0);
            scratch.by_term.iter_mut().for_each(|x| *x = 0.0);
        }
        if scratch.by_slot.len() < slots {
            scratch.by_slot.resize(slots, 0.0);
        }
        if scratch.by_term.len() < terms {
            scratch.by_term.resize(terms, 0.0);
        }
        scratch.busy = true;
        let out = f(scratch);
        scratch.busy = false;
        out
    })
}
