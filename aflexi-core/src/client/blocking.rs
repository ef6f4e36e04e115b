//! The blocking facade: runs the async client on a runtime owned by this process.
//!
//! The runtime is a `current_thread` tokio runtime, built on first use and keyed by the
//! process id (see [`PerProcess`]), so nothing exists before the first call and a forked
//! PHP worker builds its own. Concurrency inside one call (the sync engine) comes from
//! interleaving requests on that one thread: no thread is left running between calls.
//! Every call is bounded by the configured operation timeout, because a Rust wait cannot be
//! interrupted by PHP's `max_execution_time`.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Runtime;

use super::per_process::PerProcess;
use super::{Client, ClientConfig};
use crate::error::TransportKind;
use crate::{Error, Result};

static RUNTIME: PerProcess<Arc<Runtime>> = PerProcess::new();

fn runtime() -> Result<Arc<Runtime>> {
    RUNTIME.get_or_try_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(Arc::new)
            .map_err(|e| Error::Transport {
                kind: TransportKind::Io,
                message: format!("could not start the I/O runtime: {e}"),
            })
    })
}

/// Runs `future` to completion on this process's runtime, for at most `limit`.
///
/// Errors rather than panics when called from inside an async runtime.
pub fn block_on<T>(limit: Duration, future: impl Future<Output = Result<T>>) -> Result<T> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::invalid(
            "caller",
            "the blocking client cannot be used from inside an async runtime; use Client",
        ));
    }
    let rt = runtime()?;
    rt.block_on(async {
        match tokio::time::timeout(limit, future).await {
            Ok(result) => result,
            Err(_) => Err(Error::Transport {
                kind: TransportKind::Timeout,
                message: format!(
                    "the operation did not finish within {:.1} s",
                    limit.as_secs_f64()
                ),
            }),
        }
    })
}

/// A [`Client`] for callers that are not async.
///
/// ```no_run
/// use aflexi_core::client::{BlockingClient, ClientConfig};
/// let config = ClientConfig::new("https://api.aflexi.net/core/xmlrpc", "acme", "key")?;
/// let client = BlockingClient::new(config)?;
/// let operator = client.run(|c| c.verify_credentials())?;
/// let publisher = client.run(|c| c.find_publisher("john_example.com_42"))?;
/// # Ok::<(), aflexi_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct BlockingClient {
    inner: Arc<Client>,
}

impl BlockingClient {
    /// A client with validated settings. Nothing is connected until the first call.
    pub fn new(config: ClientConfig) -> Result<Self> {
        Ok(BlockingClient {
            inner: Arc::new(Client::new(config)?),
        })
    }

    /// The async client inside, to share with the sync engine.
    pub fn client(&self) -> &Arc<Client> {
        &self.inner
    }

    /// Runs one operation of the async client, bounded by the operation timeout.
    pub fn run<'a, T, F, Fut>(&'a self, operation: F) -> Result<T>
    where
        F: FnOnce(&'a Client) -> Fut,
        Fut: Future<Output = Result<T>> + 'a,
    {
        let limit = self.inner.config().operation_timeout;
        block_on(limit, operation(&self.inner))
    }

    /// The next page of `pages` ([`super::PublisherPages`]), bounded by the operation timeout
    /// (each page has the whole budget).
    pub fn next_publisher_page(
        &self,
        pages: &mut super::PublisherPages,
    ) -> Result<Option<Vec<super::Publisher>>> {
        let limit = self.inner.config().operation_timeout;
        block_on(limit, pages.next(&self.inner))
    }

    /// The rows of the next usage query of `batches` ([`super::UsageBatches`]) to finish,
    /// bounded by the operation timeout (each batch has the whole budget).
    pub fn next_usage_batch(
        &self,
        batches: &mut super::UsageBatches,
    ) -> Result<Option<Vec<super::UsageRow>>> {
        let limit = self.inner.config().operation_timeout;
        block_on(limit, async { Ok(batches.next(&self.inner).await) })
    }

    /// Runs work that needs the shared client (bulk work), bounded by `limit`.
    pub fn run_shared<T, F, Fut>(&self, limit: Duration, work: F) -> Result<T>
    where
        F: FnOnce(Arc<Client>) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        block_on(limit, work(Arc::clone(&self.inner)))
    }
}
