//! One XML-RPC call over HTTP: credentials in, value or error out.
//!
//! The transport owns the per-process HTTP client (built on first use and rebuilt after a
//! fork: a child must not use the parent's connections or runtime, which belong to the parent's threads), the per-method call counters, the
//! response size limit, the retry of reads, and the scrubbing of secrets from anything the
//! server sends back. The HTTP clients and the meaning of their failures are in `http.rs`;
//! when a read is tried again, in `retry.rs`.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use super::config::ClientConfig;
use super::http::{http_client, read_limited, redirect_target, transport_failure};
use super::retry::retry_after;
use crate::error::TransportKind;
use crate::xmlrpc::Build;
use crate::{xmlrpc, Error, Result};

/// Which endpoint a method is sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Core,
    Stats,
}

pub(crate) struct Transport {
    pub(super) config: ClientConfig,
    stats_url: String,
    counts: Mutex<BTreeMap<String, u64>>,
    log: Mutex<VecDeque<CallRecord>>,
    /// Time spent decoding answers, in nanoseconds (the benchmarks' decoder share).
    decoding: AtomicU64,
    /// One permit per core for decoding large answers beside the runtime: more decoders than
    /// cores only take turns (and would make `decoding` count the waiting).
    decoders: tokio::sync::Semaphore,
}

/// How many calls the log keeps (the most recent).
const LOG_LIMIT: usize = 200;

/// One API call as the module log shows it: never the auth key, never a password.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallRecord {
    /// XML-RPC method.
    pub method: String,
    /// Parameters after the credentials, with every password replaced by `[redacted]`.
    pub params: Value,
    /// `ok`, or the error.
    pub outcome: String,
    /// Wall time in milliseconds.
    pub elapsed_ms: u64,
}

impl Transport {
    pub(crate) fn new(config: ClientConfig) -> Result<Self> {
        config.validate()?;
        let stats_url = config.stats_endpoint();
        Ok(Transport {
            config,
            stats_url,
            counts: Mutex::new(BTreeMap::new()),
            log: Mutex::new(VecDeque::new()),
            decoding: AtomicU64::new(0),
            decoders: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
            ),
        })
    }

    pub(crate) fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Calls made so far, by method name.
    pub(crate) fn counts(&self) -> BTreeMap<String, u64> {
        self.counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Takes the recorded calls, oldest first, leaving the log empty.
    pub(crate) fn take_log(&self) -> Vec<CallRecord> {
        self.log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .drain(..)
            .collect()
    }

    /// Time spent decoding answers so far.
    pub(crate) fn decode_time(&self) -> Duration {
        Duration::from_nanos(self.decoding.load(Ordering::Relaxed))
    }

    pub(crate) fn reset_counts(&self) {
        self.counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    /// A write: sent once. `secrets` are values in `params` (passwords) that must be
    /// scrubbed from any error text.
    pub(crate) async fn write(
        &self,
        method: &str,
        params: Vec<Value>,
        secrets: &[&str],
    ) -> Result<Value> {
        self.call(Endpoint::Core, method, params, secrets)
            .await
            .map_err(|failed| failed.error)
    }

    pub(super) async fn call(
        &self,
        endpoint: Endpoint,
        method: &str,
        params: Vec<Value>,
        secrets: &[&str],
    ) -> std::result::Result<Value, Failed> {
        self.call_into(endpoint, method, params, secrets, &|| xmlrpc::Json)
            .await
    }

    /// [`Transport::call`] with the answer made by a builder from `builder` (one per answer).
    pub(super) async fn call_into<B: Build + Send + 'static>(
        &self,
        endpoint: Endpoint,
        method: &str,
        params: Vec<Value>,
        secrets: &[&str],
        builder: &(impl Fn() -> B + Sync),
    ) -> std::result::Result<B::Value, Failed>
    where
        B::Value: Send + 'static,
    {
        self.count(method);
        let started = std::time::Instant::now();
        let logged = redact(&Value::Array(params.clone()), secrets);
        let result = self.send(endpoint, method, params, secrets, builder).await;
        let record = CallRecord {
            method: method.to_string(),
            params: logged,
            outcome: match &result {
                Ok(_) => "ok".to_string(),
                Err(failed) => failed
                    .log
                    .clone()
                    .unwrap_or_else(|| failed.error.to_string()),
            },
            elapsed_ms: started.elapsed().as_millis() as u64,
        };
        self.record(record);
        result
    }

    async fn send<B: Build + Send + 'static>(
        &self,
        endpoint: Endpoint,
        method: &str,
        params: Vec<Value>,
        secrets: &[&str],
        builder: &(impl Fn() -> B + Sync),
    ) -> std::result::Result<B::Value, Failed>
    where
        B::Value: Send + 'static,
    {
        let mut all = Vec::with_capacity(params.len() + 2);
        all.push(Value::String(self.config.login.clone()));
        all.push(Value::String(self.config.auth_key.expose().to_string()));
        all.extend(params);
        let body = xmlrpc::encode_call(method, &all).map_err(Failed::from)?;
        drop(all);
        let url = match endpoint {
            Endpoint::Core => &self.config.endpoint,
            Endpoint::Stats => &self.stats_url,
        };
        let scrub = |text: String| self.scrub(text, secrets);
        let (http, note) = http_client(&self.config, url)?;
        if let Some(note) = note {
            self.note("(trust store)", note);
        }
        let sent = http
            .post(url)
            .header("Content-Type", "text/xml; charset=utf-8")
            .body(body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(e) => return Err(transport_failure(&e, url, method, scrub).await.into()),
        };
        let status = response.status().as_u16();
        if response.status().is_redirection() {
            let target = scrub(redirect_target(&response));
            return Err(Error::Transport {
                kind: TransportKind::Redirect(status),
                message: format!(
                    "{method}: the endpoint redirects to {target}; configure {target} as the endpoint"
                ),
            }
            .into());
        }
        let retry_after = retry_after(&response);
        let limit = self.config.max_response_bytes;
        let body = if status == 200 {
            read_limited(response, limit, method, &scrub).await?
        } else {
            // An error's body is read only for a fault it may carry: when it is large or
            // broken, the status is the answer.
            read_limited(response, limit.min(ERROR_BODY_LIMIT), method, &scrub)
                .await
                .unwrap_or_default()
        };
        let (large, mut build) = (body.len() >= OFFLOAD_BYTES, builder());
        let mut decode = move || {
            let decoding = Instant::now();
            let decoded = xmlrpc::decode_response_into(&body, limit, &mut build);
            (decoded, decoding.elapsed())
        };
        let (decoded, took) = if !large {
            decode()
        } else {
            // The runtime has one thread: a large answer is decoded beside it, so that the
            // other queries' answers keep arriving meanwhile (docs/BENCHMARKS.md, "Concurrent
            // usage queries").
            let _turn = self.decoders.acquire().await;
            match tokio::task::spawn_blocking(decode).await {
                Ok(done) => done,
                Err(died) => (
                    Err(Error::Protocol(format!("decoding stopped ({died})"))),
                    Duration::ZERO,
                ),
            }
        };
        let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        self.decoding.fetch_add(nanos, Ordering::Relaxed);
        match decoded {
            Ok(Err(fault)) => {
                let message = scrub(fault.message);
                // The log keeps the server's own text even when the error does not.
                let log = format!("Aflexi API fault {}: {message}", fault.code);
                Err(Failed {
                    error: fault_error(method, fault.code, message),
                    retry_after: None,
                    log: Some(log),
                })
            }
            // Any other answer than 200 is an HTTP error, unless it carries a fault (some
            // servers send faults with a 500): then the fault says more.
            _ if status != 200 => Err(Failed {
                error: Error::Transport {
                    kind: TransportKind::Status(status),
                    message: format!("{method}: the API answered HTTP {status}"),
                },
                retry_after,
                log: None,
            }),
            Ok(Ok(value)) => Ok(value),
            Err(Error::Protocol(m)) => Err(Error::Protocol(scrub(format!("{method}: {m}"))).into()),
            Err(other) => Err(other.into()),
        }
    }

    /// Adds a line to the call log that is not a call (how the HTTP client was set up).
    fn note(&self, what: &str, text: String) {
        self.record(CallRecord {
            method: what.to_string(),
            params: Value::Array(Vec::new()),
            outcome: text,
            elapsed_ms: 0,
        });
    }

    /// Appends to the call log, dropping the oldest line once it holds `LOG_LIMIT`.
    fn record(&self, record: CallRecord) {
        let mut log = self
            .log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if log.len() == LOG_LIMIT {
            log.pop_front();
        }
        log.push_back(record);
    }

    fn count(&self, method: &str) {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *counts.entry(method.to_string()).or_insert(0) += 1;
    }

    /// Replaces every secret that the server may have echoed, in any of its spellings (an
    /// echoed request quotes the key XML-escaped), with `[redacted]`.
    fn scrub(&self, text: String, secrets: &[&str]) -> String {
        let key = self.config.auth_key.expose();
        crate::secret::scrub(text, std::iter::once(key).chain(secrets.iter().copied()))
    }
}

/// A failed call, with the pause the server asked for before another try, and what the call
/// log shows when it is not the error's text.
pub(crate) struct Failed {
    pub(crate) error: Error,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) log: Option<String>,
}

impl From<Error> for Failed {
    fn from(error: Error) -> Self {
        Failed {
            error,
            retry_after: None,
            log: None,
        }
    }
}

/// The size from which an answer is decoded on the runtime's blocking pool rather than on its
/// thread: a 200-publisher month of usage (about 2.5 MB) is; the usual answer is not.
const OFFLOAD_BYTES: usize = 256 * 1024;

/// Most of an HTTP error's body that is read (to find a fault in it).
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The error for a fault of `method`: [`Error::NotFound`] when the fault says that what the
/// call names does not exist (without the server's text, which the call log keeps: the
/// message is shown to administrators as it is), else [`Error::Fault`]. Aflexi's fault codes are not documented
/// (docs/ERRORS.md): a fault is taken as "not found" when its code is 404 (the HTTP meaning,
/// used by the sandbox and the emulator) or its text says "not found" or "does not exist".
fn fault_error(method: &str, code: i64, message: String) -> Error {
    if is_not_found(code, &message) {
        Error::NotFound(format!("what {method} names (fault {code})"))
    } else {
        Error::Fault { code, message }
    }
}

/// See [`fault_error`]: the one place where a fault's text is read.
pub(crate) fn is_not_found(code: i64, message: &str) -> bool {
    let text = message.to_ascii_lowercase();
    code == 404 || text.contains("not found") || text.contains("does not exist")
}

/// `value` with every string equal to one of `secrets` replaced by `[redacted]`.
fn redact(value: &Value, secrets: &[&str]) -> Value {
    match value {
        Value::String(s) if secrets.contains(&s.as_str()) => Value::String("[redacted]".into()),
        Value::Array(items) => Value::Array(items.iter().map(|v| redact(v, secrets)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), redact(v, secrets)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_replaces_passwords_at_any_depth() {
        let params = serde_json::json!([{"password": "hunter22", "name": "x"}, "hunter22", 5]);
        let out = redact(&params, &["hunter22"]);
        assert_eq!(
            out,
            serde_json::json!([{"password": "[redacted]", "name": "x"}, "[redacted]", 5])
        );
    }

    #[test]
    fn scrub_removes_the_key_and_given_passwords() {
        let config = ClientConfig::new("http://h/core/xmlrpc", "op", "topsecretkey").unwrap();
        let t = Transport::new(config).unwrap();
        let text = t.scrub(
            "rejected topsecretkey and hunter22".to_string(),
            &["hunter22"],
        );
        assert_eq!(text, "rejected [redacted] and [redacted]");
    }

    #[test]
    fn scrub_removes_the_xml_escaped_key_an_echoing_server_quotes() {
        let config = ClientConfig::new("http://h/core/xmlrpc", "op", "K&e'y<>1").unwrap();
        let t = Transport::new(config).unwrap();
        let text = t.scrub("<string>K&amp;e'y&lt;&gt;1</string>".to_string(), &[]);
        assert_eq!(text, "<string>[redacted]</string>");
    }
}
