//! The memory allocator of fieldcrm's programs: mimalloc, for Rust's
//! allocations ([`MiMalloc`] as the `#[global_allocator]`) and for SQLite's
//! ([`sqlite_uses_mimalloc`]), without SQLite's memory count
//! ([`sqlite_counts_no_memory`]).
//!
//! With the C library's malloc, a large import spent about a fifth of its
//! time in the allocator's bookkeeping: the page cache grows to a gigabyte of
//! pages, and balancing B-trees allocates and frees scratch buffers among
//! them, which fragments the heap. mimalloc keeps small blocks of one size
//! together and does not.
//!
//! This is the workspace's only crate with unsafe code: the four functions
//! SQLite calls to allocate, each handing the request to mimalloc, the two
//! calls that configure SQLite, and [`Metered`], which counts what an
//! allocator holds for the tests that bound memory.

use std::alloc::{GlobalAlloc, Layout};
use std::os::raw::{c_int, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};

use libmimalloc_sys as mi;
use rusqlite::ffi;

pub use mimalloc::MiMalloc;

/// Makes SQLite allocate with mimalloc. Call it at the start of `main`,
/// before anything opens a database: SQLite takes its allocator before it
/// initialises, and keeps its own after (this then returns false, and
/// everything works as before, only slower).
pub fn sqlite_uses_mimalloc() -> bool {
    let methods = ffi::sqlite3_mem_methods {
        xMalloc: Some(malloc),
        xFree: Some(free),
        xRealloc: Some(realloc),
        xSize: Some(size),
        xRoundup: Some(roundup),
        xInit: Some(init),
        xShutdown: Some(shutdown),
        pAppData: std::ptr::null_mut(),
    };
    // SAFETY: SQLITE_CONFIG_MALLOC takes one pointer to an sqlite3_mem_methods,
    // which SQLite copies before returning; it refuses (SQLITE_MISUSE) once
    // initialised. The functions meet its contract: 8-byte aligned blocks
    // (mimalloc's are 16), realloc and size of blocks they returned.
    let rc = unsafe { ffi::sqlite3_config(ffi::SQLITE_CONFIG_MALLOC, &methods as *const ffi::sqlite3_mem_methods) };
    rc == ffi::SQLITE_OK
}

/// Turns off SQLite's count of the memory it holds. With the count on, every
/// allocation and free takes a lock shared by the whole process to update
/// it; nothing in fieldcrm reads it. Call it with [`sqlite_uses_mimalloc`],
/// before anything opens a database (afterwards it returns false and changes
/// nothing).
pub fn sqlite_counts_no_memory() -> bool {
    // SAFETY: SQLITE_CONFIG_MEMSTATUS takes one int; it refuses (SQLITE_MISUSE)
    // once SQLite is initialised.
    let rc = unsafe { ffi::sqlite3_config(ffi::SQLITE_CONFIG_MEMSTATUS, 0 as c_int) };
    rc == ffi::SQLITE_OK
}

/// An allocator that keeps count of the bytes it holds and of the most it
/// held since [`Metered::reset_peak`]: tests and benchmarks that bound what
/// an operation costs in memory wrap the program's allocator in it.
pub struct Metered<A>(pub A);

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

impl<A> Metered<A> {
    /// Bytes held now.
    pub fn held() -> usize {
        HELD.load(Ordering::Relaxed)
    }

    /// The most bytes held at once since the last reset.
    pub fn peak() -> usize {
        PEAK.load(Ordering::Relaxed)
    }

    /// Starts a new measure: the peak is what is held now.
    pub fn reset_peak() {
        PEAK.store(HELD.load(Ordering::Relaxed), Ordering::Relaxed);
    }

    fn grew(by: usize) {
        let now = HELD.fetch_add(by, Ordering::Relaxed) + by;
        PEAK.fetch_max(now, Ordering::Relaxed);
    }

    fn shrank(by: usize) {
        HELD.fetch_sub(by, Ordering::Relaxed);
    }
}

// SAFETY: every call is passed to the wrapped allocator unchanged, with its
// contract; the counts are only read and written atomically.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Metered<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller keeps `alloc`'s contract.
        let p = unsafe { self.0.alloc(layout) };
        if !p.is_null() {
            Self::grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller keeps `alloc_zeroed`'s contract.
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if !p.is_null() {
            Self::grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller keeps `dealloc`'s contract.
        unsafe { self.0.dealloc(ptr, layout) };
        Self::shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller keeps `realloc`'s contract.
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                Self::grew(new_size - layout.size());
            } else {
                Self::shrank(layout.size() - new_size);
            }
        }
        p
    }
}

unsafe extern "C" fn malloc(n: c_int) -> *mut c_void {
    // SAFETY: any size may be asked of mimalloc; SQLite never asks for n <= 0.
    unsafe { mi::mi_malloc(n.max(0) as usize) }
}

unsafe extern "C" fn free(p: *mut c_void) {
    // SAFETY: SQLite frees only blocks `malloc` or `realloc` returned.
    unsafe { mi::mi_free(p) }
}

unsafe extern "C" fn realloc(p: *mut c_void, n: c_int) -> *mut c_void {
    // SAFETY: `p` came from `malloc` or `realloc`; SQLite never asks for n <= 0.
    unsafe { mi::mi_realloc(p, n.max(0) as usize) }
}

unsafe extern "C" fn size(p: *mut c_void) -> c_int {
    // SAFETY: `p` came from `malloc` or `realloc` (or is null: 0).
    let n = unsafe { mi::mi_usable_size(p) };
    c_int::try_from(n).unwrap_or(c_int::MAX)
}

unsafe extern "C" fn roundup(n: c_int) -> c_int {
    // What SQLite may use of a block of n bytes: n rounded up to 8.
    n.saturating_add(7) & !7
}

unsafe extern "C" fn init(_: *mut c_void) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn shutdown(_: *mut c_void) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_allocates_with_mimalloc_when_told_before_it_starts() {
        // This test binary's first use of SQLite.
        assert!(sqlite_uses_mimalloc());
        assert!(sqlite_counts_no_memory());
        let conn = rusqlite::Connection::open_in_memory().expect("open");
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
             INSERT INTO t (body) SELECT replace(hex(zeroblob(i % 300)), '00', 'x') FROM n;",
        )
        .expect("fill");
        let total: i64 = conn.query_row("SELECT sum(length(body)) FROM t", [], |r| r.get(0)).expect("sum");
        assert_eq!(total, (1..=20_000i64).map(|i| i % 300).sum::<i64>());
        // What SQLite allocates is mimalloc's.
        // SAFETY: a block from sqlite3_malloc, asked about, then given back.
        unsafe {
            let p = ffi::sqlite3_malloc(1000);
            assert!(!p.is_null());
            assert!(mi::mi_is_in_heap_region(p), "SQLite's block is not mimalloc's");
            assert!(ffi::sqlite3_msize(p) >= 1000);
            ffi::sqlite3_free(p);
        }
        // Nothing was counted.
        // SAFETY: a read of SQLite's memory count.
        assert_eq!(unsafe { ffi::sqlite3_memory_used() }, 0);
        // Once SQLite has started, it keeps its allocator and its settings.
        assert!(!sqlite_uses_mimalloc());
        assert!(!sqlite_counts_no_memory());
    }
}
