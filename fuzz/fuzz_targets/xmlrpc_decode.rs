//! The XML-RPC decoder (`aflexi_core::xmlrpc`) on arbitrary bodies: it never panics, refuses
//! with a protocol error only, and what it decodes and the encoder accepts decodes back to the
//! same value.
#![no_main]

use aflexi_core::xmlrpc::{
    decode_call, decode_response, encode_call, encode_fault, encode_response,
    DEFAULT_MAX_RESPONSE_BYTES,
};
use aflexi_core::Error;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    match decode_response(data, DEFAULT_MAX_RESPONSE_BYTES) {
        Ok(Ok(value)) => {
            if let Ok(body) = encode_response(&value) {
                let again = decode_response(body.as_bytes(), DEFAULT_MAX_RESPONSE_BYTES);
                if has_tag_key(&value) {
                    assert!(
                        matches!(again, Ok(Ok(_))),
                        "an encoded response decodes: {body}"
                    );
                } else {
                    assert_eq!(again, Ok(Ok(value)), "response round trip of {body}");
                }
            }
        }
        Ok(Err(fault)) => {
            // The fault encoder clamps codes to 32 bits; within them it is exact.
            if i32::try_from(fault.code).is_ok() {
                let body = encode_fault(&fault);
                let again = decode_response(body.as_bytes(), DEFAULT_MAX_RESPONSE_BYTES);
                assert_eq!(again, Ok(Err(fault)), "fault round trip of {body}");
            }
        }
        Err(e) => check_protocol(&e),
    }

    match decode_call(data) {
        Ok(call) => {
            if let Ok(body) = encode_call(&call.method, &call.params) {
                let again = decode_call(body.as_bytes()).expect("an encoded call decodes");
                if !call.params.iter().any(has_tag_key) {
                    assert_eq!(again, call, "call round trip of {body}");
                }
            }
        }
        Err(e) => check_protocol(&e),
    }
});

/// Bad bodies are protocol errors with a message.
fn check_protocol(e: &Error) {
    match e {
        Error::Protocol(message) => assert!(!message.is_empty()),
        other => panic!("a bad body gave {other:?}"),
    }
}

/// True when `value` holds a one-member struct named `$datetime` or `$base64`: the encoder
/// sends such an object as the tagged type (that is how callers send those types), so a
/// server struct that happens to look like one cannot round-trip. A documented convention.
fn has_tag_key(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().any(has_tag_key),
        Value::Object(members) => {
            (members.len() == 1 && members.keys().any(|k| k == "$datetime" || k == "$base64"))
                || members.values().any(has_tag_key)
        }
        _ => false,
    }
}
