//! A typed client of the Aflexi API.
//!
//! [`Client`] is async; [`BlockingClient`] runs it on a per-process runtime for callers that
//! are not async (the PHP extension). Each operation is a method named for what it does, with
//! the fewest calls that still give a true answer:
//!
//! * the operator's identity is looked up once and cached for the process;
//! * publishers are found by a filtered, projected `publisherLink.get`, never by listing all;
//! * an operation on a missing or terminated publisher is [`Error::NotFound`], not a silent
//!   success (the old plugin's bug), except [`Client::terminate`], where gone is done;
//! * reads are retried after transport failures; a write whose answer was lost is read back
//!   before it is repeated, so repeating an operation never doubles it.
//!
//! Publisher usernames travel in their full form `<local>/<operatorId>` (docs/AFLEXI-API.md#usernames): the
//! naming rules of [`crate::username`] produce the local part and the client adds the rest.
//!
//! The files: `config.rs` (settings), `transport.rs` (one call over HTTP), `retry.rs` (when a
//! read is tried again), `http.rs` (the pooled HTTP clients and what their errors mean),
//! `trust.rs` (certificates), `model.rs` (reading answers), `paging.rs` (listings page by
//! page), the typed methods by subject (`operator.rs`, `packages.rs`, `publishers.rs`,
//! `lifecycle.rs`, `usage.rs`) and `blocking.rs` (the facade on the per-process runtime of
//! `per_process.rs`).
//!
//! [`Error::NotFound`]: crate::Error::NotFound

mod blocking;
mod config;
mod http;
mod lifecycle;
mod model;
mod operator;
mod packages;
mod paging;
mod per_process;
mod publishers;
mod retry;
mod sso;
mod transport;
mod trust;
mod usage;
mod usage_batches;
mod usage_sum;

use std::collections::BTreeMap;
use std::sync::Mutex;

pub(crate) use blocking::block_on;
pub use blocking::BlockingClient;
pub use config::{endpoint_from_server, ClientConfig, CORE_PATH, STATS_PATH};
pub(crate) use http::{read_limited, redirect_target, transport_error, Pool};
pub use lifecycle::{
    Change, CreateOutcome, Created, LinkChange, NewPublisher, Profile, Terminated,
};
pub use model::{LinkStatus, Operator, Package, Publisher};
pub use paging::{PublisherPages, MAX_PAGES};
pub use per_process::PerProcess;
pub use sso::{publisher_portal_base, Consumer, PUBLISHER_PORTAL_SCRIPT, SSO_APP};
pub use transport::CallRecord;
pub use usage::USAGE_PUBLISHERS_PER_QUERY;
pub use usage_batches::{UsageBatches, UsageRow};

use crate::Result;
use transport::Transport;

/// The unbranded portal; an operator with a vanity name is reached under `/p/<name>`.
pub const DEFAULT_PORTAL_URL: &str = "http://portal.aflexi.net";

/// Locks `m`; a lock poisoned by a panic elsewhere is still used (the caches behind these
/// locks hold plain data).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The async Aflexi client. Cheap to share behind an `Arc`.
pub struct Client {
    transport: Transport,
    operator: Mutex<Option<Operator>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", self.transport.config())
            .finish()
    }
}

impl Client {
    /// A client with validated settings. Nothing is connected until the first call.
    pub fn new(config: ClientConfig) -> Result<Self> {
        Ok(Client {
            transport: Transport::new(config)?,
            operator: Mutex::new(None),
        })
    }

    /// The settings.
    pub fn config(&self) -> &ClientConfig {
        self.transport.config()
    }

    /// API calls made by this client, by method (every attempt counts).
    pub fn call_counts(&self) -> BTreeMap<String, u64> {
        self.transport.counts()
    }

    /// The API calls made since the last time the log was taken (at most the last 200), for
    /// the WHMCS module log. Passwords are redacted and the credentials are not included.
    pub fn take_call_log(&self) -> Vec<CallRecord> {
        self.transport.take_log()
    }

    /// Time this client has spent decoding answers (on its runtime's one thread: while it
    /// decodes, nothing else of the client runs), for the benchmarks' decoder share.
    pub fn decode_time(&self) -> std::time::Duration {
        self.transport.decode_time()
    }

    /// Sets the call counters back to zero.
    pub fn reset_call_counts(&self) {
        self.transport.reset_counts()
    }
}
