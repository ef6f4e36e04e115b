//! The XML-RPC codec: method calls and responses to and from [`serde_json::Value`].
//!
//! This module owns the wire format of the Aflexi API (docs/AFLEXI-API.md#wire-format)
//! and nothing else: no transport, no method knowledge. It is deliberately asymmetric.
//!
//! * **Decoding is lenient**, because real servers vary: `<i4>`, `<int>` and `<i8>` are all
//!   integers; `<boolean>` also takes `true`/`false`; an untyped `<value>text</value>` is a
//!   string; `<nil/>` and `<ex:nil/>` are `null`; a `<dateTime.iso8601>` in any spelling is
//!   kept as its text; `<base64>` becomes a string when its bytes are UTF-8 and the tagged
//!   object `{"$base64": "<text>"}` otherwise; struct member order is preserved. Bodies that
//!   declare ISO-8859-1 are converted from Latin-1. Anything that is not a well-formed
//!   XML-RPC document (an HTML error page, a truncated body, an unknown type tag) is an
//!   [`Error::Protocol`] with a short, readable message.
//! * **Encoding is strict**, standard XML-RPC only, because the old clients show that the
//!   server knew nothing else: integers are sent as `<int>` when they fit 32 bits and as
//!   `<i8>` only when they need more (64-bit ids, see docs/ERRORS.md), `null` can only be left
//!   out (as a struct member), never sent, and strings must hold characters XML 1.0 can
//!   carry. A value that cannot be sent is an [`Error::InvalidInput`] for the field `value`
//!   whose reason names where in the value the problem is (never the string itself, which
//!   may be a secret). A `dateTime.iso8601` or `base64` value is sent by passing the tagged
//!   objects built by [`datetime`] and `{"$base64": "<base64 text>"}`.
//!
//! Both directions refuse nesting deeper than [`MAX_DEPTH`] arrays and structs, which keeps
//! the recursion (and the stack) bounded whatever the server sends.
//!
//! The parts, one file each: `value.rs` (the conventions for what JSON cannot say directly),
//! `encode.rs` (the strict writer), `body.rs` (size and charset of a body before parsing),
//! `decode.rs` (the lenient reader, over the tokens of `lexer.rs`, with its vocabulary in `kind.rs`, the text of scalar
//! elements in `scalar.rs` and the values it makes in `build.rs`: JSON for the client, PHP
//! values for the extension) and `server.rs`, behind the `server` feature that only the Aflexi
//! sandbox enables: the half of XML-RPC a server needs (read a `methodCall`, write a
//! `methodResponse` or a fault).
//!
//! [`Error::Protocol`]: crate::Error::Protocol
//! [`Error::InvalidInput`]: crate::Error::InvalidInput

mod body;
mod build;
mod decode;
mod encode;
mod kind;
mod lexer;
mod scalar;
#[cfg(feature = "server")]
mod server;
#[cfg(test)]
mod testing;
mod text;
mod value;

pub use build::{Build, Json};
pub use decode::{decode_response, decode_response_into};
pub use encode::encode_call;
#[cfg(feature = "server")]
pub use server::{decode_call, encode_fault, encode_response, MethodCall};
pub use value::{datetime, Fault};

/// The largest response body [`decode_response`] accepts by default (16 MiB); a page of
/// 10,000 publishers is well under this.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = crate::defaults::MAX_RESPONSE_BYTES;

/// The deepest nesting of arrays and structs that is decoded or encoded.
///
/// A top-level array counts as depth 1. The limit protects the stack against a hostile or
/// broken body (a "depth bomb") and keeps both directions symmetric.
pub const MAX_DEPTH: usize = 64;
