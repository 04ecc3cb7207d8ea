//! The process's memory allocator, set up first thing in `main`.
//!
//! SQLite allocates its page caches with the C allocator. glibc gives each thread that calls
//! malloc an arena of its own (up to eight per core) and rarely returns an arena's freed
//! memory, so readers' caches dropped and refilled on the many threads of tokio's blocking
//! pool left a 5,000-elector drill holding 450 MB for less than 90 MB ever in use. One arena
//! keeps that drill near 120 MB at the same speed (SQLite connections are used one thread at a
//! time behind their own locks, so they hardly contend for it).

/// Limits glibc to one malloc arena. Call before any thread is started.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn one_arena() {
    // SAFETY: mallopt only changes a tuning parameter of glibc's allocator; it is called at
    // the start of `main`, before the process has any other thread.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Other platforms keep their allocator's defaults.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn one_arena() {}
