//! Helpers of the codec's unit tests.

use serde_json::Value;

use super::{decode_response, DEFAULT_MAX_RESPONSE_BYTES};
use crate::Error;

pub(super) const MAX: usize = DEFAULT_MAX_RESPONSE_BYTES;

/// Wraps `value_xml` (the inside of `<value>`) in a methodResponse.
pub(super) fn response(value_xml: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><methodResponse><params><param><value>{value_xml}</value></param></params></methodResponse>"
    )
}

pub(super) fn decode_value(value_xml: &str) -> Value {
    match decode_response(response(value_xml).as_bytes(), MAX) {
        Ok(Ok(v)) => v,
        other => panic!("expected a value for {value_xml:?}, got {other:?}"),
    }
}

pub(super) fn decode_error(body: &[u8]) -> String {
    match decode_response(body, MAX) {
        Err(Error::Protocol(message)) => message,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}
