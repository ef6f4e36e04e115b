//! One XML-RPC call over HTTP: credentials in, value or error out.
//!
//! The transport owns the per-process HTTP client (built on first use and rebuilt after a
//! fork, see `../shared/docs/ext-php-rs-notes.md` §3), the per-method call counters, the
//! response size limit, the retry of reads, and the scrubbing of secrets from anything the
//! server sends back.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::config::ClientConfig;
use super::per_process::PerProcess;
use crate::error::TransportKind;
use crate::{xmlrpc, Error, Result};

/// Which endpoint a method is sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Core,
    Stats,
}

pub(crate) struct Transport {
    config: ClientConfig,
    stats_url: String,
    counts: Mutex<BTreeMap<String, u64>>,
    log: Mutex<VecDeque<CallRecord>>,
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

    pub(crate) fn reset_counts(&self) {
        self.counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    /// A read: repeated with a growing pause after a failure that another try may not meet
    /// ([`Error::is_retryable`]: transport failures, 5xx and 429, garbled answers), after the
    /// pause a 429 or 503 asks for in `Retry-After` when it asks for one. A fault is not
    /// repeated: the same call meets the same refusal, so a read fault costs one round trip.
    pub(crate) async fn read(&self, method: &str, params: Vec<Value>) -> Result<Value> {
        self.read_at(Endpoint::Core, method, params).await
    }

    pub(crate) async fn read_at(
        &self,
        endpoint: Endpoint,
        method: &str,
        params: Vec<Value>,
    ) -> Result<Value> {
        let mut attempt = 0u32;
        loop {
            match self.call(endpoint, method, params.clone(), &[]).await {
                Err(failed)
                    if failed.error.is_retryable() && attempt < self.config.read_retries =>
                {
                    let pause = match failed.retry_after {
                        Some(asked) if asked > MAX_RETRY_AFTER => return Err(failed.error),
                        Some(asked) => asked,
                        None => backoff(self.config.retry_backoff, attempt),
                    };
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                other => return other.map_err(|failed| failed.error),
            }
        }
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

    async fn call(
        &self,
        endpoint: Endpoint,
        method: &str,
        params: Vec<Value>,
        secrets: &[&str],
    ) -> std::result::Result<Value, Failed> {
        self.count(method);
        let started = std::time::Instant::now();
        let logged = redact(&Value::Array(params.clone()), secrets);
        let result = self.send(endpoint, method, params, secrets).await;
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

    async fn send(
        &self,
        endpoint: Endpoint,
        method: &str,
        params: Vec<Value>,
        secrets: &[&str],
    ) -> std::result::Result<Value, Failed> {
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
        let decoded = xmlrpc::decode_response(&body, limit);
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

/// Most of an HTTP error's body that is read (to find a fault in it).
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The longest `Retry-After` honoured: a server asking for more is not retried (the call's
/// own time budget would run out first).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// The pause a 429 or 503 answer asks for, in seconds (`Retry-After: 5`); the HTTP-date form
/// is not read (a plain backoff is used then).
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?;
    let seconds: u64 = value.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(seconds))
}

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

fn backoff(base: Duration, attempt: u32) -> Duration {
    base.saturating_mul(1u32 << attempt.min(6))
}

/// The settings that make two HTTP clients different (timeouts, TLS verification, HTTPS or
/// not, CA file, concurrency).
type HttpKey = (u128, u128, bool, bool, Option<std::path::PathBuf>, usize);
type HttpClients = Arc<Mutex<HashMap<HttpKey, reqwest::Client>>>;

/// HTTP clients of this process by settings. WHMCS makes a new `Aflexi\Client` for every
/// module call; sharing the HTTP client keeps its connections alive across those calls (and
/// across requests served by one PHP-FPM worker), saving a TCP and TLS handshake each time.
static HTTP_CLIENTS: PerProcess<HttpClients> = PerProcess::new();

/// The HTTP client for `url`, with the trust-store note when it was just built on the
/// bundled roots (see [`super::trust`]).
fn http_client(config: &ClientConfig, url: &str) -> Result<(reqwest::Client, Option<String>)> {
    let clients = HTTP_CLIENTS.get_or_try_init(|| Ok(Arc::new(Mutex::new(HashMap::new()))))?;
    let https = url.to_ascii_lowercase().starts_with("https:");
    let key = (
        config.connect_timeout.as_millis(),
        config.request_timeout.as_millis(),
        config.verify_tls,
        https,
        config.ca_file.clone(),
        config.concurrency,
    );
    let mut clients = clients
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(client) = clients.get(&key) {
        return Ok((client.clone(), None));
    }
    let (client, note) = build_http(config, url)?;
    clients.insert(key, client.clone());
    Ok((client, note))
}

fn build_http(config: &ClientConfig, url: &str) -> Result<(reqwest::Client, Option<String>)> {
    let builder = reqwest::Client::builder();
    let (builder, note) = if config.verify_tls {
        super::trust::apply(builder, url, config.ca_file.as_deref())?
    } else {
        (builder, None)
    };
    let client = builder
        .connect_timeout(config.connect_timeout)
        .timeout(config.request_timeout)
        .pool_idle_timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(config.concurrency.max(4))
        .tcp_keepalive(Duration::from_secs(30))
        .tcp_nodelay(true)
        // Never follow a redirect: the body carries the login and auth key (see
        // `TransportKind::Redirect`).
        .redirect(reqwest::redirect::Policy::none())
        .tls_danger_accept_invalid_certs(!config.verify_tls)
        .user_agent(concat!("aflexi-whmcs/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Transport {
            kind: TransportKind::Tls,
            message: format!(
                "could not set up the HTTP client for {url} (trust store: {}): {e}",
                if url.to_ascii_lowercase().starts_with("https:") {
                    "the system store, else the bundled Mozilla roots"
                } else {
                    "none needed for plain HTTP"
                }
            ),
        })?;
    Ok((client, note))
}

/// [`transport_error`], with a failed connection told apart: refused, host name not found,
/// TLS handshake, or another reason. The name is looked up again only after a connect
/// failure, to tell a DNS failure from the rest by its outcome rather than by message text.
pub(crate) async fn transport_failure(
    e: &reqwest::Error,
    url: &str,
    method: &str,
    scrub: impl Fn(String) -> String,
) -> Error {
    let mut error = transport_error(e, method, scrub);
    if let Error::Transport { kind, .. } = &mut error {
        if *kind == TransportKind::Connect && !resolves(url).await {
            *kind = TransportKind::Dns;
        }
    }
    error
}

/// True when the host of `url` resolves (or is an address).
async fn resolves(url: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(url) else {
        return true;
    };
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return true;
    };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    match tokio::net::lookup_host((host, port)).await {
        Ok(mut found) => found.next().is_some(),
        Err(_) => false,
    }
}

pub(crate) fn transport_error(
    e: &reqwest::Error,
    method: &str,
    scrub: impl Fn(String) -> String,
) -> Error {
    let kind = if e.is_timeout() {
        TransportKind::Timeout
    } else if e.is_connect() {
        connect_kind(e)
    } else {
        TransportKind::Io
    };
    // The chain says why (refused, reset, certificate) without the request body.
    let mut message = format!("{method}: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::Transport {
        kind,
        message: scrub(message),
    }
}

/// Where a redirect answer points, resolved against the request's URL, for the message that
/// tells the administrator what to configure (at most 300 characters; the URL parser
/// percent-encodes anything that is not printable).
pub(crate) fn redirect_target(response: &reqwest::Response) -> String {
    let Some(location) = response.headers().get(reqwest::header::LOCATION) else {
        return "an unnamed place (no Location header)".to_string();
    };
    let target = location
        .to_str()
        .ok()
        .and_then(|l| response.url().join(l).ok())
        .map(|url| url.to_string())
        .unwrap_or_else(|| "an unreadable Location".to_string());
    if target.chars().count() > 300 {
        let mut cut: String = target.chars().take(300).collect();
        cut.push_str("...");
        return cut;
    }
    target
}

/// Why a connection failed, from the types in the error's chain: an I/O error "refused", or
/// a rustls error (the TLS layer wraps it in I/O errors, whose `source` skips it: their inner
/// errors are looked at too).
fn connect_kind(e: &reqwest::Error) -> TransportKind {
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        if let Some(kind) = io_kind(cause) {
            return kind;
        }
        source = cause.source();
    }
    TransportKind::Connect
}

fn io_kind(cause: &(dyn std::error::Error + 'static)) -> Option<TransportKind> {
    if cause.is::<rustls::Error>() {
        return Some(TransportKind::Tls);
    }
    let io = cause.downcast_ref::<std::io::Error>()?;
    if io.kind() == std::io::ErrorKind::ConnectionRefused {
        return Some(TransportKind::Refused);
    }
    io_kind(io.get_ref()?)
}

/// The body of a response, refused once it passes `max` bytes (a huge answer is never held
/// whole in memory).
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    max: usize,
    method: &str,
    scrub: &impl Fn(String) -> String,
) -> Result<Vec<u8>> {
    if response
        .content_length()
        .is_some_and(|len| len > max as u64)
    {
        return Err(too_large(method, max));
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > max {
                    return Err(too_large(method, max));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => return Err(transport_error(&e, method, scrub)),
        }
    }
}

fn too_large(method: &str, max: usize) -> Error {
    Error::Transport {
        kind: TransportKind::TooLarge,
        message: format!(
            "{method}: the answer is larger than the limit of {max} bytes (the max_response_bytes option); not repeated"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let base = Duration::from_millis(100);
        assert_eq!(backoff(base, 0), Duration::from_millis(100));
        assert_eq!(backoff(base, 2), Duration::from_millis(400));
        assert_eq!(backoff(base, 30), Duration::from_millis(6400));
    }

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
