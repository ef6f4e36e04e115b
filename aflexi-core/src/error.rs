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
    /// The connection could not be opened for another reason: nothing was sent.
    Connect,
    /// The host refused the connection (nothing listens on that port): nothing was sent.
    Refused,
    /// The host name could not be resolved: nothing was sent.
    Dns,
    /// The TLS handshake failed (certificate not trusted, wrong name, not TLS): nothing was
    /// sent.
    Tls,
    /// The request or the connection timed out: the server may have acted.
    Timeout,
    /// The server answered with an HTTP status other than 200 and no XML-RPC fault.
    Status(u16),
    /// The connection broke while the request or response was in flight.
    Io,
    /// The endpoint answered with a redirect (HTTP 3xx, the status kept here). Redirects are
    /// never followed: the request carries the login and auth key, and a followed 307/308
    /// would hand them to whatever host the answer names. The message names the target, for
    /// the administrator to configure instead.
    Redirect(u16),
    /// The answer was larger than the response limit: repeating the call cannot help.
    TooLarge,
}

impl TransportKind {
    /// True when nothing reached the server.
    pub fn nothing_sent(self) -> bool {
        matches!(
            self,
            TransportKind::Connect
                | TransportKind::Refused
                | TransportKind::Dns
                | TransportKind::Tls
        )
    }
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportKind::Connect => f.write_str("connection failed"),
            TransportKind::Refused => f.write_str("connection refused"),
            TransportKind::Dns => f.write_str("host name not found"),
            TransportKind::Tls => f.write_str("TLS handshake failed"),
            TransportKind::Timeout => f.write_str("timed out"),
            TransportKind::Status(code) => write!(f, "HTTP status {code}"),
            TransportKind::Io => f.write_str("connection broken"),
            TransportKind::Redirect(code) => write!(f, "redirect (HTTP {code})"),
            TransportKind::TooLarge => f.write_str("answer too large"),
        }
    }
}

/// Fault codes that report a failure of the server rather than a refusal of the call, so a
/// read that met one is repeated: 500 (an internal error, the HTTP meaning, as the sandbox
/// sends it) and the server-error codes of the XML-RPC fault code convention
/// (specs.xmlrpc.org "Specification for Fault Code Interoperability"): -32300 transport error,
/// -32400 system error, -32603 internal XML-RPC error.
pub const SERVER_FAILURE_FAULTS: [i64; 4] = [500, -32300, -32400, -32603];

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
                !kind.nothing_sent() && !matches!(kind, TransportKind::Redirect(_))
            }
            Error::Protocol(_) => true,
            _ => false,
        }
    }

    /// True when repeating the same read may succeed: a transport failure (but not an answer
    /// over the size limit, which would be as large again, nor a redirect, which repeats until
    /// the configuration changes), a 5xx or 429 status, a garbled
    /// answer, a fault whose code says the server failed ([`SERVER_FAILURE_FAULTS`]). Never
    /// any other fault: the same call gets the same refusal.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { kind, .. } => match kind {
                TransportKind::TooLarge | TransportKind::Redirect(_) => false,
                TransportKind::Status(code) => *code == 429 || *code >= 500,
                _ => true,
            },
            Error::Protocol(_) => true,
            Error::Fault { code, .. } => SERVER_FAILURE_FAULTS.contains(code),
            _ => false,
        }
    }

    /// True when the failure says Aflexi could not be reached or failed to answer (a
    /// connection that failed or broke, a timeout, a 5xx or 429): the calls after it would
    /// fail the same way until Aflexi is back, so a sync stops starting new work on it.
    pub fn is_outage(&self) -> bool {
        matches!(self, Error::Transport { .. }) && self.is_retryable()
    }

    /// A stable name of what happened, for code to branch on (the PHP extension throws one
    /// exception class per kind): `invalid_input`, `authentication`, `fault`, `not_found`,
    /// `connect`, `refused`, `dns`, `tls`, `timeout`, `http_status`, `io`, `too_large`,
    /// `redirect`, `protocol`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::InvalidInput { .. } => "invalid_input",
            Error::Authentication(_) => "authentication",
            Error::Fault { .. } => "fault",
            Error::NotFound(_) => "not_found",
            Error::Transport { kind, .. } => match kind {
                TransportKind::Connect => "connect",
                TransportKind::Refused => "refused",
                TransportKind::Dns => "dns",
                TransportKind::Tls => "tls",
                TransportKind::Timeout => "timeout",
                TransportKind::Status(_) => "http_status",
                TransportKind::Io => "io",
                TransportKind::TooLarge => "too_large",
                TransportKind::Redirect(_) => "redirect",
            },
            Error::Protocol(_) => "protocol",
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
        assert!(!redirect.is_outage());
    }

    #[test]
    fn an_outage_is_aflexi_not_answering_never_a_refusal_or_a_garbled_answer() {
        let transport = |kind| Error::Transport {
            kind,
            message: String::new(),
        };
        assert!(transport(TransportKind::Refused).is_outage());
        assert!(transport(TransportKind::Timeout).is_outage());
        assert!(transport(TransportKind::Status(502)).is_outage());
        assert!(!transport(TransportKind::Status(404)).is_outage());
        assert!(!transport(TransportKind::TooLarge).is_outage());
        assert!(!Error::Protocol("garbled".into()).is_outage());
        let internal = Error::Fault {
            code: 500,
            message: "internal error".into(),
        };
        assert!(!internal.is_outage());
    }

    #[test]
    fn faults_too_large_answers_and_4xx_are_not_retried() {
        let transport = |kind| Error::Transport {
            kind,
            message: String::new(),
        };
        let fault = Error::Fault {
            code: 1,
            message: "no".into(),
        };
        assert!(!fault.is_retryable());
        let internal = Error::Fault {
            code: 500,
            message: "internal error".into(),
        };
        assert!(internal.is_retryable());
        assert!(!transport(TransportKind::TooLarge).is_retryable());
        assert!(!transport(TransportKind::Status(404)).is_retryable());
        assert!(transport(TransportKind::Status(429)).is_retryable());
        assert!(transport(TransportKind::Status(503)).is_retryable());
        assert!(!transport(TransportKind::Dns).is_ambiguous());
        assert_eq!(transport(TransportKind::Tls).kind(), "tls");
    }

    #[test]
    fn messages_name_the_field() {
        let e = Error::invalid("email", "it has no @");
        assert_eq!(e.to_string(), "invalid email: it has no @");
    }
}
