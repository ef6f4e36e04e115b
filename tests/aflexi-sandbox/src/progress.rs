//! Progress of the XML-RPC calls, for the test controls that wait on it (`GET /_sandbox/idle`,
//! `GET /_sandbox/received`, `GET /_sandbox/answered`), and the releases of held calls
//! (`POST /_sandbox/release`): a test that needs calls to have happened blocks on these events
//! instead of sleeping or polling. Counted since the sandbox started; a reset leaves them.

use std::collections::BTreeMap;

use tokio::sync::watch;

/// The key of [`Progress::answered`] that counts every mutating method together.
pub const WRITES: &str = "writes";

/// Calls received, not yet answered, and answered (by method).
#[derive(Clone, Debug, Default)]
pub struct Progress {
    pub received: u64,
    pub unanswered: usize,
    /// Answered calls by method name, plus [`WRITES`] for the mutating methods together.
    pub answered: BTreeMap<String, u64>,
}

/// The progress, and the channel that wakes whoever waits on it; and the count of releases
/// (`POST /_sandbox/release`), which end the latency and hang of the calls held at the time.
#[derive(Debug)]
pub struct Calls(watch::Sender<Progress>, watch::Sender<u64>);

impl Default for Calls {
    fn default() -> Self {
        Calls(watch::channel(Progress::default()).0, watch::channel(0).0)
    }
}

impl Calls {
    /// Taken by a call before it counts as received: a release made after that (once a test
    /// has seen the call arrive) changes it, which ends the call's latency or hang.
    pub fn releases(&self) -> watch::Receiver<u64> {
        self.1.subscribe()
    }

    /// Releases every call held in its latency or hang now.
    pub fn release(&self) {
        self.1.send_modify(|n| *n += 1);
    }

    /// Counts a call as received and unanswered until the guard is dropped.
    pub fn begin(&self) -> InFlight<'_> {
        self.0.send_modify(|p| {
            p.received += 1;
            p.unanswered += 1;
        });
        InFlight {
            calls: self,
            method: None,
        }
    }

    /// Completes once at least `received` calls have arrived and none is unanswered; answers
    /// the number received.
    pub async fn idle(&self, received: u64) -> u64 {
        let mut progress = self.0.subscribe();
        // The sender lives in `self`, so the channel cannot close while we wait.
        let _ = progress
            .wait_for(|p| p.received >= received && p.unanswered == 0)
            .await;
        let received = progress.borrow().received;
        received
    }

    /// Completes once at least `at_least` calls have arrived, answered or not (a call held in
    /// its latency or a hang has arrived); answers the number received.
    pub async fn received(&self, at_least: u64) -> u64 {
        let mut progress = self.0.subscribe();
        let _ = progress.wait_for(|p| p.received >= at_least).await;
        let received = progress.borrow().received;
        received
    }

    /// Completes once at least `at_least` calls of `method` (or [`WRITES`]) have been answered;
    /// answers how many have.
    pub async fn answered(&self, method: &str, at_least: u64) -> u64 {
        let count = |p: &Progress| p.answered.get(method).copied().unwrap_or(0);
        let mut progress = self.0.subscribe();
        let _ = progress.wait_for(|p| count(p) >= at_least).await;
        let answered = count(&progress.borrow());
        answered
    }
}

/// One call in flight; dropping it (answered, or its connection dropped) counts it answered.
pub struct InFlight<'a> {
    calls: &'a Calls,
    method: Option<(String, bool)>,
}

impl InFlight<'_> {
    /// Names the call once its body is decoded (a body that is not a call has no method).
    pub fn method(&mut self, name: &str, mutating: bool) {
        self.method = Some((name.to_string(), mutating));
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let method = self.method.take();
        self.calls.0.send_modify(|p| {
            p.unanswered -= 1;
            if let Some((name, mutating)) = method {
                *p.answered.entry(name).or_insert(0) += 1;
                if mutating {
                    *p.answered.entry(WRITES.to_string()).or_insert(0) += 1;
                }
            }
        });
    }
}
