//! `Aflexi\SyncJob`: a bulk sync running on a background thread while PHP carries on.
//!
//! `Client::syncStart` hands the converted desired publishers to a new OS thread that runs
//! exactly what `Client::sync` runs (the core's sync on this process's runtime, bounded by
//! the time budget plus the operation timeout). Tokio lets several threads `block_on` one
//! `current_thread` runtime: whichever holds it drives the I/O of all, so the PHP thread may
//! make other calls meanwhile. The thread never touches Zend: it returns a plain Rust
//! report, converted to a PHP array on the PHP thread in `wait()`. A panic in it is caught
//! there and becomes an exception. The object joins its thread when freed, so the `.so` is
//! never unloaded under a running thread; a forked child never joins (the thread is not
//! its own) and refuses to wait.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::thread::JoinHandle;
use std::time::Duration;

use aflexi_core::client::BlockingClient;
use aflexi_core::sync::{self, Report};
use ext_php_rs::prelude::*;

use crate::convert::PhpArray;
use crate::desired::{add_to_report, Desired};
use crate::exception::Failure;

type Outcome = Result<Report, Failure>;

/// A sync started by `Aflexi\Client::syncStart`; `wait()` gives what `sync()` would have.
#[php_class]
#[php(name = "Aflexi\\SyncJob")]
pub struct SyncJob {
    /// The process that started the thread; a forked child has no such thread.
    pid: u32,
    thread: Option<JoinHandle<Outcome>>,
}

impl SyncJob {
    /// Starts the sync on a new thread.
    pub(crate) fn start(
        client: BlockingClient,
        desired: Desired,
        options: sync::Options,
        limit: Duration,
    ) -> Result<Self, Failure> {
        // The new thread inherits the mask, so no signal can reach it even before its first
        // instruction; the PHP thread gets its own mask back at once.
        let previous = block_signals();
        let spawned = std::thread::Builder::new()
            .name("aflexi-sync".into())
            .spawn(move || {
                match catch_unwind(AssertUnwindSafe(|| {
                    let Desired {
                        publishers,
                        rejected,
                    } = desired;
                    let mut report = client.run_shared(limit, |client| async move {
                        sync::sync(client, publishers, &options).await
                    })?;
                    add_to_report(&mut report, &rejected);
                    Ok::<_, aflexi_core::Error>(report)
                })) {
                    Ok(outcome) => outcome.map_err(Failure::from),
                    Err(_) => Err(panicked()),
                }
            });
        restore_signals(&previous);
        let thread = spawned
            .map_err(|e| Failure::Output(format!("could not start the sync thread: {e}")))?;
        Ok(SyncJob {
            pid: std::process::id(),
            thread: Some(thread),
        })
    }
}

#[php_impl]
impl SyncJob {
    /// Waits for the sync and returns its report, exactly as `Client::sync` does (or throws
    /// what it would throw). The wait is bounded like `sync()`'s. The report can be taken
    /// once.
    ///
    /// @throws \Aflexi\Exception in a process forked after the start, or on a second wait
    pub fn wait(&mut self) -> Result<PhpArray, Failure> {
        if self.pid != std::process::id() {
            return Err(Failure::Output(
                "this sync job was started by the parent process before fork(); \
                 start a new sync in this process"
                    .into(),
            ));
        }
        let thread = self.thread.take().ok_or_else(|| {
            Failure::Output("the report of this sync job was already taken by wait()".into())
        })?;
        let report = thread.join().unwrap_or_else(|_| Err(panicked()))?;
        PhpArray::of(&report)
    }

    /// True once `wait()` would return at once.
    pub fn is_done(&self) -> bool {
        self.pid != std::process::id() || self.thread.as_ref().is_none_or(|t| t.is_finished())
    }
}

impl Drop for SyncJob {
    /// Joins an unwaited sync (bounded by its time limit), so no thread outlives the object.
    fn drop(&mut self) {
        if let Some(thread) = self.thread.take() {
            if self.pid == std::process::id() {
                let _ = thread.join();
            } else {
                // Inherited across fork(): the thread does not exist here; never join it.
                std::mem::forget(thread);
            }
        }
    }
}

fn panicked() -> Failure {
    Failure::Output("the sync thread panicked; nothing more is known".into())
}

/// Blocks every signal in the calling thread and returns the mask it had. PHP's and PHP-FPM's
/// signals (timeouts, SIGTERM) must land on the PHP thread, never on the sync thread.
fn block_signals() -> libc::sigset_t {
    // SAFETY: both sets are filled by sigfillset / pthread_sigmask before they are read; this
    // only changes the calling thread's mask.
    unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        let mut previous: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut previous);
        previous
    }
}

/// Gives the calling thread back the mask `block_signals` returned.
fn restore_signals(previous: &libc::sigset_t) {
    // SAFETY: `previous` is a mask pthread_sigmask filled in.
    unsafe {
        libc::pthread_sigmask(libc::SIG_SETMASK, previous, std::ptr::null_mut());
    }
}
