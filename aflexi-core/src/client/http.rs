//! The HTTP side: clients pooled per process and per settings, and what their failures mean.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::config::ClientConfig;
use super::per_process::PerProcess;
use crate::error::TransportKind;
use crate::{Error, Result};

/// HTTP clients of this process, one per set of settings `K`, built on first use (and again
/// in a forked child, see [`PerProcess`]). WHMCS makes a new `Aflexi\Client` for every module
/// call; sharing the HTTP client keeps its connections alive across those calls (and across
/// requests served by one PHP-FPM worker), saving a TCP and TLS handshake each time.
pub(crate) struct Pool<K> {
    clients: PerProcess<Arc<Mutex<HashMap<K, reqwest::Client>>>>,
}

impl<K: Eq + Hash> Pool<K> {
    pub(crate) const fn new() -> Self {
        Pool {
            clients: PerProcess::new(),
        }
    }

    /// The client for `key`, built with `build` when this process has none yet; the note
    /// `build` gives comes back only from the call that built the client.
    pub(crate) fn get_or_build(
        &self,
        key: K,
        build: impl FnOnce() -> Result<(reqwest::Client, Option<String>)>,
    ) -> Result<(reqwest::Client, Option<String>)> {
        let clients = self
            .clients
            .get_or_try_init(|| Ok(Arc::new(Mutex::new(HashMap::new()))))?;
        let mut clients = clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(client) = clients.get(&key) {
            return Ok((client.clone(), None));
        }
        let (client, note) = build()?;
        clients.insert(key, client.clone());
        Ok((client, note))
    }
}

/// The settings that make two Aflexi HTTP clients different (timeouts, TLS verification,
/// HTTPS or not, CA file, concurrency).
type HttpKey = (u128, u128, bool, bool, Option<std::path::PathBuf>, usize);

static HTTP_CLIENTS: Pool<HttpKey> = Pool::new();

/// The HTTP client for `url`, with the trust-store note when it was just built on the
/// bundled roots (see [`super::trust`]).
pub(super) fn http_client(
    config: &ClientConfig,
    url: &str,
) -> Result<(reqwest::Client, Option<String>)> {
    let https = url.to_ascii_lowercase().starts_with("https:");
    let key = (
        config.connect_timeout.as_millis(),
        config.request_timeout.as_millis(),
        config.verify_tls,
        https,
        config.ca_file.clone(),
        config.concurrency,
    );
    HTTP_CLIENTS.get_or_build(key, || build_http(config, url))
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
    fn a_pool_builds_one_client_per_key_and_notes_only_the_build() {
        let pool: Pool<u32> = Pool::new();
        let mut builds = 0;
        let mut get = |key| {
            pool.get_or_build(key, || {
                builds += 1;
                Ok((reqwest::Client::new(), Some("built".to_string())))
            })
            .unwrap()
            .1
        };
        assert_eq!(get(1), Some("built".to_string()));
        assert_eq!(get(1), None);
        assert_eq!(get(2), Some("built".to_string()));
        assert_eq!(get(1), None);
        assert_eq!(builds, 2);
    }
}
