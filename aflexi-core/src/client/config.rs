//! How to reach the Aflexi API: endpoint, operator credentials, timeouts, TLS.
//!
//! Every limit has a default that keeps a blocked call well inside PHP's and PHP-FPM's own
//! limits, because neither `max_execution_time` nor a signal interrupts a call that is
//! waiting inside Rust.

use std::time::Duration;

use crate::{defaults, Error, Result, Secret};

/// The path of the core XML-RPC endpoint on an Aflexi API host.
pub const CORE_PATH: &str = "/core/xmlrpc";
/// The path of the statistics XML-RPC endpoint.
pub const STATS_PATH: &str = "/stats/xmlrpc";

/// Settings of a [`Client`](super::Client). Build it with [`ClientConfig::new`], then adjust
/// the public fields.
///
/// ```
/// use aflexi_core::client::ClientConfig;
/// let config = ClientConfig::new("https://api.example.net/core/xmlrpc", "acme", "key").unwrap();
/// assert_eq!(config.stats_endpoint(), "https://api.example.net/stats/xmlrpc");
/// assert!(config.verify_tls);
/// assert!(!format!("{config:?}").contains("key\""));
/// ```
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// URL of the core endpoint, e.g. `https://api.aflexi.net/core/xmlrpc`.
    pub endpoint: String,
    /// The operator's login (username or e-mail).
    pub login: String,
    /// The operator's auth key (portal: Tools > AuthKey Generator).
    pub auth_key: Secret,
    /// Time allowed to open a connection. Default [`defaults::CONNECT_TIMEOUT`].
    pub connect_timeout: Duration,
    /// Time allowed for one whole request, connection included. Default
    /// [`defaults::REQUEST_TIMEOUT`].
    pub request_timeout: Duration,
    /// How many times a read is repeated after a transport failure. Default
    /// [`defaults::READ_RETRIES`].
    pub read_retries: u32,
    /// First pause before a repeated read; doubles each time. Default [`defaults::RETRY_BACKOFF`].
    pub retry_backoff: Duration,
    /// Verify the server's TLS certificate. Default true; turn off only for a test host.
    pub verify_tls: bool,
    /// A PEM file of CA certificates to trust besides the system store (or the bundled
    /// Mozilla roots when the system store is empty). Default none.
    pub ca_file: Option<std::path::PathBuf>,
    /// Largest response body accepted. Default [`defaults::MAX_RESPONSE_BYTES`].
    pub max_response_bytes: usize,
    /// Rows asked for per page when listing. Default [`defaults::PAGE_SIZE`].
    pub page_size: usize,
    /// Most rows one listing keeps, so memory stays bounded whatever the server sends.
    /// Default [`defaults::MAX_LISTED_ROWS`].
    pub max_listed_rows: usize,
    /// Requests in flight at once in bulk work. Default [`defaults::CONCURRENCY`].
    pub concurrency: usize,
    /// The operator's user id when already known (saves the identity lookup).
    pub operator_id: Option<i64>,
    /// Time allowed for one whole operation through the blocking facade, retries and
    /// read-backs included. Default [`defaults::OPERATION_TIMEOUT`].
    pub operation_timeout: Duration,
}

impl ClientConfig {
    /// Validated settings with the defaults above.
    pub fn new(
        endpoint: impl Into<String>,
        login: impl Into<String>,
        auth_key: impl Into<Secret>,
    ) -> Result<Self> {
        let endpoint = validate_endpoint(&endpoint.into())?;
        let login = login.into().trim().to_string();
        if login.is_empty() {
            return Err(Error::invalid("login", "the operator login is empty"));
        }
        if login.len() > 255 || login.chars().any(char::is_control) {
            return Err(Error::invalid(
                "login",
                "the operator login is longer than 255 characters or has control characters",
            ));
        }
        let auth_key = auth_key.into();
        if auth_key.expose().trim().is_empty() {
            return Err(Error::invalid("auth key", "the auth key is empty"));
        }
        if auth_key.expose().len() > 4096 || auth_key.expose().chars().any(char::is_control) {
            return Err(Error::invalid(
                "auth key",
                "the auth key is longer than 4096 characters or has control characters",
            ));
        }
        Ok(ClientConfig {
            endpoint,
            login,
            auth_key,
            connect_timeout: defaults::CONNECT_TIMEOUT,
            request_timeout: defaults::REQUEST_TIMEOUT,
            read_retries: defaults::READ_RETRIES,
            retry_backoff: defaults::RETRY_BACKOFF,
            verify_tls: true,
            ca_file: None,
            max_response_bytes: defaults::MAX_RESPONSE_BYTES,
            page_size: defaults::PAGE_SIZE,
            max_listed_rows: defaults::MAX_LISTED_ROWS,
            concurrency: defaults::CONCURRENCY,
            operator_id: None,
            operation_timeout: defaults::OPERATION_TIMEOUT,
        })
    }

    /// The statistics endpoint: the core URL with `/core/xmlrpc` replaced by
    /// `/stats/xmlrpc`, or the core URL itself when it has another path (one dispatcher
    /// serves both on Aflexi, docs/AFLEXI-API.md#endpoints).
    pub fn stats_endpoint(&self) -> String {
        match self.endpoint.strip_suffix(CORE_PATH) {
            Some(base) => format!("{base}{STATS_PATH}"),
            None => self.endpoint.clone(),
        }
    }

    /// Checks the limits, so that a bad option gives a clear error rather than a hang.
    pub fn validate(&self) -> Result<()> {
        let timeouts = [
            (
                "connect timeout",
                self.connect_timeout,
                defaults::CONNECT_TIMEOUT_SECS,
            ),
            (
                "request timeout",
                self.request_timeout,
                defaults::REQUEST_TIMEOUT_SECS,
            ),
            (
                "operation timeout",
                self.operation_timeout,
                defaults::OPERATION_TIMEOUT_SECS,
            ),
        ];
        for (field, timeout, range) in timeouts {
            if !range.contains(&timeout.as_secs_f64()) {
                return Err(Error::invalid(
                    field,
                    format!(
                        "must be between {} and {} seconds",
                        range.start(),
                        range.end()
                    ),
                ));
            }
        }
        if self.read_retries > defaults::MAX_READ_RETRIES {
            return Err(Error::invalid(
                "read retries",
                format!("must be at most {}", defaults::MAX_READ_RETRIES),
            ));
        }
        let counts = [
            ("concurrency", self.concurrency, defaults::CONCURRENCY_RANGE),
            ("page size", self.page_size, defaults::PAGE_SIZE_RANGE),
        ];
        for (field, count, range) in counts {
            if !range.contains(&count) {
                return Err(Error::invalid(
                    field,
                    format!("must be between {} and {}", range.start(), range.end()),
                ));
            }
        }
        if self.max_response_bytes < defaults::MIN_RESPONSE_BYTES {
            return Err(Error::invalid(
                "max response bytes",
                format!("must be at least {}", defaults::MIN_RESPONSE_BYTES),
            ));
        }
        Ok(())
    }
}

/// The API endpoint for a WHMCS server record: `hostname` is a host name (optionally with a
/// port) or a full URL; `secure` (the record's SSL tick box) picks https for a bare host.
///
/// ```
/// use aflexi_core::client::endpoint_from_server;
/// assert_eq!(endpoint_from_server("api.aflexi.net", true).unwrap(), "https://api.aflexi.net/core/xmlrpc");
/// assert_eq!(endpoint_from_server("10.0.0.5:8080", false).unwrap(), "http://10.0.0.5:8080/core/xmlrpc");
/// assert_eq!(endpoint_from_server("https://cdn.example/api/", false).unwrap(), "https://cdn.example/api/core/xmlrpc");
/// assert_eq!(endpoint_from_server("https://cdn.example/core/xmlrpc", true).unwrap(), "https://cdn.example/core/xmlrpc");
/// assert!(endpoint_from_server("", true).is_err());
/// ```
pub fn endpoint_from_server(hostname: &str, secure: bool) -> Result<String> {
    let host = hostname.trim();
    if host.is_empty() {
        return Err(Error::invalid(
            "server hostname",
            "the server record has no hostname; enter the Aflexi API host (e.g. api.aflexi.net) or its URL",
        ));
    }
    let url = if host.contains("://") {
        let trimmed = host.trim_end_matches('/');
        if trimmed.ends_with(CORE_PATH) || trimmed.ends_with(STATS_PATH) {
            trimmed.to_string()
        } else {
            format!("{trimmed}{CORE_PATH}")
        }
    } else {
        let scheme = if secure { "https" } else { "http" };
        format!("{scheme}://{}{CORE_PATH}", host.trim_end_matches('/'))
    };
    validate_endpoint(&url)
}

fn validate_endpoint(url: &str) -> Result<String> {
    let url = url.trim();
    let bad = |reason: &str| Err(Error::invalid("endpoint", reason.to_string()));
    let rest = if let Some(rest) = url.strip_prefix("https://") {
        rest
    } else if let Some(rest) = url.strip_prefix("http://") {
        rest
    } else {
        return bad("the API URL must start with https:// or http://");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() {
        return bad("the API URL has no host");
    }
    if authority.contains('@') {
        return bad("the API URL must not carry credentials; use the login and auth key fields");
    }
    if url.len() > 2048 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("the API URL is longer than 2048 characters or has spaces");
    }
    if reqwest::Url::parse(url).is_err() {
        return bad("the API URL is not a valid URL");
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_login_and_key_are_rejected_by_field() {
        let e = ClientConfig::new("http://h/core/xmlrpc", " ", "k").unwrap_err();
        assert!(matches!(e, Error::InvalidInput { field: "login", .. }));
        let e = ClientConfig::new("http://h/core/xmlrpc", "op", "").unwrap_err();
        assert!(matches!(
            e,
            Error::InvalidInput {
                field: "auth key",
                ..
            }
        ));
    }

    #[test]
    fn endpoint_with_credentials_or_odd_scheme_is_rejected() {
        assert!(ClientConfig::new("http://u:p@h/core/xmlrpc", "op", "k").is_err());
        assert!(ClientConfig::new("ftp://h/core/xmlrpc", "op", "k").is_err());
        assert!(ClientConfig::new("http:///core", "op", "k").is_err());
    }

    #[test]
    fn debug_output_redacts_the_auth_key() {
        let c = ClientConfig::new("http://h/core/xmlrpc", "op", "very-secret-key").unwrap();
        assert!(!format!("{c:?}").contains("very-secret-key"));
    }

    #[test]
    fn limits_are_validated() {
        let mut c = ClientConfig::new("http://h/core/xmlrpc", "op", "k").unwrap();
        assert!(c.validate().is_ok());
        c.concurrency = 0;
        assert!(c.validate().is_err());
        c.concurrency = 4;
        c.request_timeout = Duration::from_secs(0);
        assert!(c.validate().is_err());
    }

    #[test]
    fn stats_endpoint_falls_back_to_the_core_url() {
        let c = ClientConfig::new("http://h/rpc", "op", "k").unwrap();
        assert_eq!(c.stats_endpoint(), "http://h/rpc");
    }
}
