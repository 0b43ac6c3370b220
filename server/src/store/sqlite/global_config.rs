//! SQLite's process-wide configuration, set once before the first connection opens.
//!
//! `perf` on the read path showed glibc malloc under SQLite at about a tenth of the CPU: SQLite
//! allocates with the C library's malloc, not the Rust allocator, so mimalloc did not help it
//! (arena locks between the read threads, heap trimming, page faults). And with its memory
//! statistics on (the default), every SQLite allocation and free also takes one global mutex,
//! shared by every connection in the process. So:
//!
//! - `SQLITE_CONFIG_MEMSTATUS` 0: no statistics, no global mutex per allocation
//!   (`sqlite3_status(SQLITE_STATUS_MEMORY_USED)` then stays 0; nothing here reads it).
//! - `SQLITE_CONFIG_MALLOC`: SQLite allocates from mimalloc, the allocator the rest of the
//!   server uses.
//!
//! Both only take effect before SQLite initialises itself (on the first connection, or an
//! explicit `sqlite3_initialize`); afterwards `sqlite3_config` answers `SQLITE_MISUSE` and
//! SQLite keeps its defaults, which still work. [`apply`] runs once per process.

use std::ffi::{c_int, c_void};
use std::sync::OnceLock;

use libsqlite3_sys as ffi;

// In mimalloc's C library (linked through libmimalloc-sys), declared there only behind its
// `extended` feature, which would add a dependency for one function.
extern "C" {
    fn mi_usable_size(p: *const c_void) -> usize;
}

// The allocation functions SQLite calls through `sqlite3_mem_methods`. SQLite asks for at
// least 8-byte alignment; mimalloc gives that to every allocation.

unsafe extern "C" fn x_malloc(n: c_int) -> *mut c_void {
    // SAFETY: any size is valid for mi_malloc; SQLite never asks for a negative one.
    unsafe { libmimalloc_sys::mi_malloc(usize::try_from(n).unwrap_or(0)) }
}

unsafe extern "C" fn x_free(p: *mut c_void) {
    // SAFETY: SQLite only frees what x_malloc / x_realloc returned (or null).
    unsafe { libmimalloc_sys::mi_free(p) }
}

unsafe extern "C" fn x_realloc(p: *mut c_void, n: c_int) -> *mut c_void {
    // SAFETY: as for x_free; mi_realloc keeps `p` valid if it fails.
    unsafe { libmimalloc_sys::mi_realloc(p, usize::try_from(n).unwrap_or(0)) }
}

unsafe extern "C" fn x_size(p: *mut c_void) -> c_int {
    // SAFETY: `p` came from x_malloc / x_realloc (SQLite's contract for xSize).
    let size = unsafe { mi_usable_size(p) };
    c_int::try_from(size).unwrap_or(c_int::MAX)
}

unsafe extern "C" fn x_roundup(n: c_int) -> c_int {
    // SQLite's own allocator rounds up to 8; the usable size mimalloc reports may be larger.
    n.saturating_add(7) & !7
}

unsafe extern "C" fn x_init(_: *mut c_void) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_shutdown(_: *mut c_void) {}

/// What [`apply`] achieved, kept for the process's life (and checked by the tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Both settings are in effect.
    Yes,
    /// SQLite was already initialised (`SQLITE_MISUSE`): its defaults stay.
    TooLate,
}

static APPLIED: OnceLock<Applied> = OnceLock::new();

/// Sets SQLite's global configuration if this process has not done so yet. Call before opening
/// any SQLite connection; later calls return the first call's outcome.
pub fn apply() -> Applied {
    *APPLIED.get_or_init(|| {
        let methods = ffi::sqlite3_mem_methods {
            xMalloc: Some(x_malloc),
            xFree: Some(x_free),
            xRealloc: Some(x_realloc),
            xSize: Some(x_size),
            xRoundup: Some(x_roundup),
            xInit: Some(x_init),
            xShutdown: Some(x_shutdown),
            pAppData: std::ptr::null_mut(),
        };
        const OFF: c_int = 0;
        // SAFETY: sqlite3_config is called with the argument types each option documents (an
        // int; a pointer to sqlite3_mem_methods, which SQLite copies). It must not run while
        // another thread uses SQLite: OnceLock serialises the callers, and the server opens
        // every SQLite connection through `connect::connect`, which calls this first. (Were
        // SQLite already initialised, it answers SQLITE_MISUSE and changes nothing.)
        let (status, malloc) = unsafe {
            let status = ffi::sqlite3_config(ffi::SQLITE_CONFIG_MEMSTATUS, OFF);
            let malloc = ffi::sqlite3_config(
                ffi::SQLITE_CONFIG_MALLOC,
                &methods as *const ffi::sqlite3_mem_methods,
            );
            (status, malloc)
        };
        if status == ffi::SQLITE_OK && malloc == ffi::SQLITE_OK {
            Applied::Yes
        } else {
            tracing::warn!(
                status,
                malloc,
                "SQLite was initialised before its configuration: it keeps its own allocator"
            );
            Applied::TooLate
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // mimalloc's own test of ownership of a pointer, in its C library like mi_usable_size.
    extern "C" {
        fn mi_is_in_heap_region(p: *const c_void) -> bool;
    }

    #[tokio::test]
    async fn sqlite_allocates_from_mimalloc_without_statistics() {
        assert_eq!(apply(), Applied::Yes);
        // A connection through the server's own path, so SQLite is initialised with it.
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/t.db", dir.path().display());
        let db = super::super::connect::connect(&url).await.unwrap();
        // SAFETY: sqlite3_malloc / sqlite3_msize / sqlite3_free on a block of our own;
        // sqlite3_status64 writes the two integers it is given.
        unsafe {
            let p = ffi::sqlite3_malloc(1000);
            assert!(!p.is_null());
            assert!(mi_is_in_heap_region(p), "SQLite's block is not mimalloc's");
            assert_eq!(
                usize::try_from(ffi::sqlite3_msize(p)).unwrap(),
                mi_usable_size(p)
            );
            let (mut current, mut highwater) = (-1i64, -1i64);
            let rc = ffi::sqlite3_status64(
                ffi::SQLITE_STATUS_MEMORY_USED,
                &mut current,
                &mut highwater,
                0,
            );
            assert_eq!(rc, ffi::SQLITE_OK);
            // With statistics on, at least this block and the open connections would count.
            assert_eq!(
                (current, highwater),
                (0, 0),
                "SQLite keeps memory statistics"
            );
            ffi::sqlite3_free(p);
        }
        // SQLite works on the new allocator: a query that allocates.
        let n: i64 = sqlx::query_scalar("SELECT length(group_concat(x)) FROM (SELECT printf('%.500c', 'a') AS x FROM (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 100) SELECT i FROM c))")
            .fetch_one(&db.read)
            .await
            .unwrap();
        assert_eq!(n, 100 * 500 + 99);
        db.close().await;
        // A second call changes nothing and reports the first.
        assert_eq!(apply(), Applied::Yes);
    }
}
