//! The one error type of the core.
//!
//! Callers (the PHP extension above all) need to tell apart what the administrator must fix
//! (invalid input, rejected credentials), what Aflexi refused (a fault, a missing publisher)
//! and what went wrong on the way (transport, a malformed response). Messages are written for
//! an administrator and never contain an auth key or a password: the client scrubs the
//! secrets it sent out of anything the server echoes back.

use std::fmt;

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What failed on the way to or from the Aflexi API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// The connection could not be opened (refused, DNS, TLS handshake): nothing was sent.
    Connect,
    /// The request or the connection timed out: the server may have acted.
    Timeout,
    /// The server answered with an HTTP status other than 200.
    Status(u16),
    /// The connection broke while the request or response was in flight.
    Io,
    /// The endpoint answered with a redirect (HTTP 3xx, the status kept here). Redirects are
    /// never followed: the request carries the login and auth key, and a followed 307/308
    /// would hand them to whatever host the answer names. The message names the target, for
    /// the administrator to configure instead.
    Redirect(u16),
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportKind::Connect => f.write_str("connection failed"),
            TransportKind::Timeout => f.write_str("timed out"),
            TransportKind::Status(code) => write!(f, "HTTP status {code}"),
            TransportKind::Io => f.write_str("connection broken"),
            TransportKind::Redirect(code) => write!(f, "redirect (HTTP {code})"),
        }
    }
}

/// Every error of the core.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A caller-supplied value was rejected before anything was sent.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The name of the offending field, e.g. `email`.
        field: &'static str,
        /// Why it was rejected, in words an administrator can act on.
        reason: String,
    },
    /// The operator credentials were rejected, or the account is not an operator.
    #[error("authentication failed: {0}")]
    Authentication(String),
    /// The API answered with an XML-RPC fault.
    #[error("Aflexi API fault {code}: {message}")]
    Fault {
        /// The fault code, opaque (the real codes are not documented).
        code: i64,
        /// The fault string as the server wrote it, with secrets scrubbed.
        message: String,
    },
    /// The thing acted on does not exist on Aflexi.
    #[error("{0} not found on Aflexi")]
    NotFound(String),
    /// The request did not complete.
    #[error("Aflexi API {kind}: {message}")]
    Transport {
        /// What kind of failure.
        kind: TransportKind,
        /// Detail for the log.
        message: String,
    },
    /// The server answered something that is not a valid XML-RPC response of the expected shape.
    #[error("malformed response from the Aflexi API: {0}")]
    Protocol(String),
}

impl Error {
    /// An [`Error::InvalidInput`] for `field`.
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field,
            reason: reason.into(),
        }
    }

    /// True when a write that failed this way may nevertheless have been applied by the
    /// server, so the caller must read back before repeating it.
    pub fn is_ambiguous(&self) -> bool {
        match self {
            Error::Transport { kind, .. } => {
                !matches!(kind, TransportKind::Connect | TransportKind::Redirect(_))
            }
            Error::Protocol(_) => true,
            _ => false,
        }
    }

    /// True when repeating the same read may succeed (a transport failure or a garbled response).
    /// A redirect is not: it repeats until the configuration changes.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { kind, .. } => !matches!(kind, TransportKind::Redirect(_)),
            Error::Protocol(_) => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_failures_are_not_ambiguous_but_timeouts_are() {
        let connect = Error::Transport {
            kind: TransportKind::Connect,
            message: "refused".into(),
        };
        let timeout = Error::Transport {
            kind: TransportKind::Timeout,
            message: "after 5 s".into(),
        };
        assert!(!connect.is_ambiguous());
        assert!(connect.is_retryable());
        assert!(timeout.is_ambiguous());
        assert!(!Error::NotFound("publisher x".into()).is_retryable());
    }

    #[test]
    fn redirects_are_neither_retried_nor_ambiguous() {
        let redirect = Error::Transport {
            kind: TransportKind::Redirect(307),
            message: "moved".into(),
        };
        assert!(!redirect.is_retryable());
        assert!(!redirect.is_ambiguous());
    }

    #[test]
    fn messages_name_the_field() {
        let e = Error::invalid("email", "it has no @");
        assert_eq!(e.to_string(), "invalid email: it has no @");
    }
}
