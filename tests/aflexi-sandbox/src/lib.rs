//! A local emulator of the Aflexi XML-RPC API, for tests, benchmarks and the demo.
//!
//! Aflexi's servers are gone; this crate plays them over real HTTP on loopback, following
//! `docs/aflexi-xmlrpc-api.md` (the contract) and the project decisions listed in the
//! crate's `README.md`. Use it in-process from Rust tests with [`Sandbox::start`], or run the
//! `aflexi-sandbox` binary (see [`cli`]).
//!
//! ```
//! use aflexi_sandbox::{Config, Sandbox};
//!
//! let sandbox = Sandbox::start(Config {
//!     operators: vec![("acme".into(), "acme-key".into())],
//!     ..Config::default()
//! })?;
//! assert_eq!(sandbox.operator_id("acme"), Some(1));
//! let ids = sandbox.seed_publishers("acme", 3, "gold", "pub");
//! assert_eq!(ids, vec![2, 3, 4]);
//! assert!(sandbox.core_url().ends_with("/core/xmlrpc"));
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Modules: [`state`] (the data), [`filter`] and [`query`] (the `.get` conventions),
//! [`methods`] (the API), [`stats`] (traffic figures), [`faults`] (fault injection),
//! [`api_fault`] (fault codes), [`persist`] (the state file), [`control`] (the `/_sandbox`
//! test controls), [`http`] (the server) and [`cli`] (the binary).

pub mod api_fault;
pub mod cli;
pub mod control;
pub mod faults;
pub mod filter;
pub mod http;
pub mod methods;
pub mod persist;
pub mod portal;
pub mod progress;
pub mod query;
pub mod state;
pub mod stats;
pub mod wire;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{json, Value};

use crate::api_fault::ApiFault;
pub use crate::faults::FaultKind;
use crate::faults::{Injection, Injector};
use crate::persist::StateFile;
use crate::state::{LinkStatus, State, Theme};
pub use crate::stats::usage_mb;

/// How a sandbox starts. All fields can also be set on the command line.
#[derive(Clone, Debug)]
pub struct Config {
    /// `(username, auth key)` of the operators to create, ids 1..n in order.
    pub operators: Vec<(String, String)>,
    /// Every XML-RPC request sleeps this long before it is handled (default 0).
    pub latency_ms: u64,
    /// The probability of an injected failure per XML-RPC request, 0..=1 (default 0).
    pub fault_rate: f64,
    /// The kinds injected (default: all).
    pub fault_kinds: Vec<FaultKind>,
    /// How long a `timeout` fault hangs before dropping the connection (default 30,000).
    pub hang_ms: u64,
    /// Seeds the fault draws and the traffic figures (default 1).
    pub seed: u64,
    /// `publisherLink.delete` removes the link instead of marking it `DELETED` (default false).
    pub hard_delete: bool,
    /// Load the state from this file at start and save it after changes (default none).
    pub state_file: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            operators: Vec::new(),
            latency_ms: 0,
            fault_rate: 0.0,
            fault_kinds: FaultKind::ALL.to_vec(),
            hang_ms: 30_000,
            seed: 1,
            hard_delete: false,
            state_file: None,
        }
    }
}

/// The settings that can change while running (`POST /_sandbox/config`).
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// See [`Config::latency_ms`].
    pub latency_ms: u64,
    /// See [`Config::fault_rate`].
    pub fault_rate: f64,
    /// See [`Config::fault_kinds`].
    pub fault_kinds: Vec<FaultKind>,
    /// See [`Config::hang_ms`].
    pub hang_ms: u64,
    /// See [`Config::seed`].
    pub seed: u64,
    /// See [`Config::hard_delete`].
    pub hard_delete: bool,
    /// `stats.getSummaries` refuses (fault 403) a query naming one of these publishers: one
    /// bad query among many, for the usage readers' failure isolation.
    pub refused_publishers: Vec<i64>,
}

impl Settings {
    /// The JSON answered by `POST /_sandbox/config`.
    pub fn to_json(&self) -> Value {
        json!({
            "latency_ms": self.latency_ms,
            "fault_rate": self.fault_rate,
            "fault_kinds": self.fault_kinds.iter().map(|k| k.name()).collect::<Vec<_>>(),
            "hang_ms": self.hang_ms,
            "seed": self.seed,
            "hard_delete": self.hard_delete,
            "refused_publishers": self.refused_publishers,
        })
    }
}

/// Locks a mutex, recovering the data if a thread panicked while holding it.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[derive(Debug, Default)]
struct Counters {
    per_method: BTreeMap<String, u64>,
    total: u64,
    writes: u64,
}

/// Everything the server tasks share: the state behind one mutex, the settings, the
/// counters and the fault draws.
#[derive(Debug)]
pub struct Shared {
    state: Mutex<State>,
    settings: Mutex<Settings>,
    injector: Mutex<Injector>,
    counters: Mutex<Counters>,
    /// The progress of the XML-RPC calls, for the controls that wait on it.
    progress: progress::Calls,
    operators: Vec<(String, String)>,
    state_file: Option<StateFile>,
    /// The portal's OAuth consumers, tokens and nonces (single sign-on).
    portal: portal::Portal,
}

/// The counter key of requests that are not well-formed method calls.
pub const NOT_WELL_FORMED_KEY: &str = "<not well formed>";

impl Shared {
    /// Builds the shared data, loading the state file if it exists.
    pub fn new(config: &Config) -> std::io::Result<Shared> {
        let state_file = config.state_file.clone().map(StateFile::new);
        let mut state = match &state_file {
            Some(file) => file.load()?,
            None => None,
        }
        .unwrap_or_else(|| State::with_operators(&[]));
        for (username, key) in &config.operators {
            state.ensure_operator(username, key);
        }
        Ok(Shared {
            state: Mutex::new(state),
            settings: Mutex::new(Settings {
                latency_ms: config.latency_ms,
                fault_rate: config.fault_rate,
                fault_kinds: config.fault_kinds.clone(),
                hang_ms: config.hang_ms,
                seed: config.seed,
                hard_delete: config.hard_delete,
                refused_publishers: Vec::new(),
            }),
            injector: Mutex::new(Injector::new(config.seed)),
            counters: Mutex::new(Counters::default()),
            progress: progress::Calls::default(),
            operators: config.operators.clone(),
            state_file,
            portal: portal::Portal::default(),
        })
    }

    /// The state, locked. Never hold it across an await.
    pub fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// A copy of the settings.
    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    /// Changes the settings; a new seed restarts the fault draws.
    pub fn update_settings(&self, change: impl FnOnce(&mut Settings)) -> Settings {
        let mut settings = lock(&self.settings);
        let old_seed = settings.seed;
        change(&mut settings);
        if settings.seed != old_seed {
            *lock(&self.injector) = Injector::new(settings.seed);
        }
        settings.clone()
    }

    /// Counts one XML-RPC call received.
    pub fn count(&self, method: &str) {
        let mut c = lock(&self.counters);
        *c.per_method.entry(method.to_string()).or_insert(0) += 1;
        c.total += 1;
        if methods::is_mutating(method) {
            c.writes += 1;
        }
    }

    /// Per-method counts plus `total`.
    pub fn calls(&self) -> BTreeMap<String, u64> {
        let c = lock(&self.counters);
        let mut map = c.per_method.clone();
        map.insert("total".to_string(), c.total);
        map
    }

    /// Calls of mutating methods.
    pub fn writes(&self) -> u64 {
        lock(&self.counters).writes
    }

    /// Zeroes the counters.
    pub fn reset_calls(&self) {
        *lock(&self.counters) = Counters::default();
    }

    /// Clears everything: the state (the configured operators are created again with the
    /// same ids), the counters and the fault draws.
    pub fn reset(&self) {
        {
            let mut state = lock(&self.state);
            let version = state.version();
            let mut fresh = State::with_operators(&self.operators);
            fresh.set_version(version + fresh.version() + 1);
            *state = fresh;
        }
        self.reset_calls();
        let seed = lock(&self.settings).seed;
        *lock(&self.injector) = Injector::new(seed);
    }

    /// Draws the fault decision for one request, under the settings it arrived with.
    pub fn decide_fault(&self, settings: &Settings) -> Option<Injection> {
        lock(&self.injector).decide(settings.fault_rate, &settings.fault_kinds)
    }

    /// Runs one XML-RPC method under the state lock.
    pub fn execute(&self, method: &str, params: &[Value]) -> Result<Value, ApiFault> {
        let ctx = {
            let s = lock(&self.settings);
            methods::Context {
                hard_delete: s.hard_delete,
                seed: s.seed,
                refused_publishers: s.refused_publishers.clone(),
            }
        };
        methods::call(&mut lock(&self.state), &ctx, method, params)
    }

    /// Bulk-creates publishers, see [`State::seed_publishers`].
    pub fn seed_publishers(
        &self,
        operator: &str,
        count: usize,
        package: &str,
        prefix: &str,
        status: LinkStatus,
    ) -> Result<(Vec<i64>, i64), String> {
        lock(&self.state).seed_publishers(operator, count, package, prefix, status)
    }

    /// Writes the state file if the state changed since the last write.
    pub fn flush(&self) -> std::io::Result<()> {
        match &self.state_file {
            Some(file) => file.flush(&self.state),
            None => Ok(()),
        }
    }

    /// Blocks until the background writer has saved the state as it is now (at most
    /// `limit`); true when it has. False at once without a state file.
    pub fn wait_saved(&self, limit: Duration) -> bool {
        let version = self.state().version();
        match &self.state_file {
            Some(file) => file.wait_saved(version, limit),
            None => false,
        }
    }

    /// True when a state file is configured.
    pub fn has_state_file(&self) -> bool {
        self.state_file.is_some()
    }
}

/// A running sandbox on `127.0.0.1`, with its own two-worker tokio runtime on its own
/// thread, so blocking clients in the test thread work. Dropping it stops the server (and
/// saves the state file, if any).
pub struct Sandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds `127.0.0.1:0` and starts serving.
    pub fn start(config: Config) -> std::io::Result<Sandbox> {
        let shared = Arc::new(Shared::new(&config)?);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("aflexi-sandbox")
            .enable_all()
            .build()?;
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(std_listener)?
        };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("aflexi-sandbox".into())
            .spawn(move || {
                runtime.block_on(http::run(listener, server_shared, async {
                    let _ = rx.await;
                }));
                runtime.shutdown_timeout(Duration::from_millis(500));
            })?;
        Ok(Sandbox {
            shared,
            addr,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/core/xmlrpc`.
    pub fn core_url(&self) -> String {
        format!("{}/core/xmlrpc", self.url())
    }

    /// `http://127.0.0.1:PORT/stats/xmlrpc`.
    pub fn stats_url(&self) -> String {
        format!("{}/stats/xmlrpc", self.url())
    }

    /// The state as `GET /_sandbox/state` shows it (secrets redacted).
    pub fn state(&self) -> Value {
        self.shared.state().redacted_json()
    }

    /// Per-method counts of the XML-RPC calls received (faulted ones included), plus `total`.
    pub fn calls(&self) -> BTreeMap<String, u64> {
        self.shared.calls()
    }

    /// The number of calls of mutating methods received.
    pub fn writes(&self) -> u64 {
        self.shared.writes()
    }

    /// Zeroes the counters.
    pub fn reset_calls(&self) {
        self.shared.reset_calls()
    }

    /// Clears everything, see `POST /_sandbox/reset`.
    pub fn reset(&self) {
        self.shared.reset()
    }

    /// Blocks until the state as it is now is in the state file, written by the background
    /// writer (at most `limit`); true when it is. See [`Shared::wait_saved`].
    pub fn wait_saved(&self, limit: Duration) -> bool {
        self.shared.wait_saved(limit)
    }

    /// Sets the latency of every XML-RPC request.
    pub fn set_latency_ms(&self, ms: u64) {
        self.shared.update_settings(|s| s.latency_ms = ms);
    }

    /// Sets the fault rate and kinds.
    pub fn set_faults(&self, rate: f64, kinds: &[FaultKind]) {
        self.shared.update_settings(|s| {
            s.fault_rate = if rate.is_nan() {
                0.0
            } else {
                rate.clamp(0.0, 1.0)
            };
            s.fault_kinds = kinds.to_vec();
        });
    }

    /// Sets how long a `timeout` fault hangs.
    pub fn set_hang_ms(&self, ms: u64) {
        self.shared.update_settings(|s| s.hang_ms = ms);
    }

    /// Makes `stats.getSummaries` refuse the queries naming one of these publishers.
    pub fn set_refused_publishers(&self, ids: &[i64]) {
        self.shared
            .update_settings(|s| s.refused_publishers = ids.to_vec());
    }

    /// Switches hard delete on or off.
    pub fn set_hard_delete(&self, on: bool) {
        self.shared.update_settings(|s| s.hard_delete = on);
    }

    /// The current settings.
    pub fn settings(&self) -> Settings {
        self.shared.settings()
    }

    /// Bulk-creates `count` ACTIVE publishers `<prefix><i>/<operatorId>` (i = 1..count) of
    /// `operator` with links to the package `package` (created if missing) and returns their
    /// ids, which are consecutive.
    ///
    /// # Panics
    /// If the operator does not exist or one of the usernames is taken (a test mistake).
    pub fn seed_publishers(
        &self,
        operator: &str,
        count: usize,
        package: &str,
        prefix: &str,
    ) -> Vec<i64> {
        match self
            .shared
            .seed_publishers(operator, count, package, prefix, LinkStatus::Active)
        {
            Ok((ids, _)) => ids,
            Err(message) => panic!("seed_publishers: {message}"),
        }
    }

    /// Sets an operator's portal theme.
    ///
    /// # Panics
    /// If the operator does not exist.
    pub fn set_theme(&self, operator: &str, portal_url: &str, portal_name: &str) {
        let Some(id) = self.operator_id(operator) else {
            panic!("set_theme: no operator named {operator:?}");
        };
        self.shared.state().set_theme(
            id,
            Theme {
                portal_url: portal_url.to_string(),
                portal_name: portal_name.to_string(),
            },
        );
    }

    /// Adds an operator at run time (or a key to an existing one); returns its id.
    pub fn add_operator(&self, username: &str, auth_key: &str) -> i64 {
        self.shared.state().ensure_operator(username, auth_key)
    }

    /// The id of the operator with this username.
    pub fn operator_id(&self, username: &str) -> Option<i64> {
        let state = self.shared.state();
        state.user_id_by_username(username).filter(|id| {
            state
                .user(*id)
                .is_some_and(|u| u.role == state::Role::Operator)
        })
    }

    /// The shared data, for direct inspection.
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Shared {
    /// The progress of the XML-RPC calls (`GET /_sandbox/idle`, `GET /_sandbox/answered`).
    pub fn progress(&self) -> &progress::Calls {
        &self.progress
    }
}
