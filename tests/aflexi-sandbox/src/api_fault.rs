//! The XML-RPC faults the emulator answers with, and their stable codes.
//!
//! The real Aflexi fault codes cannot be recovered (docs/AFLEXI-API.md#faults), so the codes below
//! are defined by the emulator and are **not historical**. Clients must treat them as opaque
//! and keep code and string together. Fault strings are written for a human; they never
//! contain the secret of the call or any password.

use std::fmt;

/// The credentials were rejected (unknown login, wrong secret, refused `?su=`).
pub const UNAUTHORIZED: i64 = 401;
/// The caller is authenticated but may not do this (wrong role, not its publisher).
pub const FORBIDDEN: i64 = 403;
/// The user, package or link does not exist (or is not visible to the caller).
pub const NOT_FOUND: i64 = 404;
/// A parameter is missing or has the wrong type or value.
pub const INVALID_PARAMS: i64 = 400;
/// A username (platform-wide) or a package name (per operator) is already taken.
pub const DUPLICATE: i64 = 409;
/// An internal error; the fault-injection `fault` kind answers with it.
pub const INTERNAL: i64 = 500;
/// The method does not exist (XML-RPC introspection convention).
pub const UNKNOWN_METHOD: i64 = -32601;
/// The request body is not a well-formed XML-RPC method call.
pub const NOT_WELL_FORMED: i64 = -32700;

/// The fault string of a rejected credential, as the old plugins showed it to humans.
pub const CREDENTIAL_REJECTED: &str = "Given credential rejected by server";

/// An XML-RPC fault about to be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiFault {
    /// One of the constants of this module.
    pub code: i64,
    /// A readable message without secrets.
    pub message: String,
}

impl ApiFault {
    /// A fault with any code.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        ApiFault {
            code,
            message: message.into(),
        }
    }

    /// 401: the credentials were rejected.
    pub fn unauthorized() -> Self {
        Self::new(UNAUTHORIZED, CREDENTIAL_REJECTED)
    }

    /// 403.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(FORBIDDEN, message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(NOT_FOUND, message)
    }

    /// 400.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(INVALID_PARAMS, message)
    }

    /// 409.
    pub fn duplicate(message: impl Into<String>) -> Self {
        Self::new(DUPLICATE, message)
    }

    /// 500.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(INTERNAL, message)
    }
}

impl fmt::Display for ApiFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fault {}: {}", self.code, self.message)
    }
}
