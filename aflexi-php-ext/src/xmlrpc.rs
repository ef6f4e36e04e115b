//! `Aflexi\xmlrpc_decode_response`: an XML-RPC answer decoded into PHP values by the client's
//! own decoder, for tests and for the decoding benchmark (tests/conformance/bench-decode.sh).

use aflexi_core::xmlrpc::{decode_response, DEFAULT_MAX_RESPONSE_BYTES};
use aflexi_core::Error;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use crate::convert::{json_to_zval, kind, StringArg};
use crate::exception::Failure;

/// Adds the function of this module to the extension.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module.function(wrap_function!(xmlrpc_decode_response))
}

/// The value of an XML-RPC `methodResponse` as PHP values, decoded exactly as the client
/// decodes Aflexi's answers: structs are arrays keyed by member name, arrays are lists,
/// `<dateTime.iso8601>` is its text, `<nil/>` is null.
///
/// @throws \Aflexi\InvalidInputException when `$body` is not a string
/// @throws \Aflexi\FaultException when the body is a fault (getCode() is its faultCode)
/// @throws \Aflexi\ProtocolException when the body is not a valid XML-RPC response or is
///     larger than the client's default response limit (16 MiB)
#[php_function]
#[php(name = "Aflexi\\xmlrpc_decode_response")]
pub fn xmlrpc_decode_response(body: StringArg) -> Result<Zval, Failure> {
    // The bytes as they are: the decoder reads the charset the body declares.
    let zval = body.0.dereference();
    let body = zval.zend_str().ok_or_else(|| {
        Failure::input("$body", format!("{} given, a string expected", kind(zval)))
    })?;
    match decode_response(body.as_bytes(), DEFAULT_MAX_RESPONSE_BYTES)? {
        Ok(value) => json_to_zval(value)
            .map_err(|e| Failure::Output(format!("cannot convert the answer for PHP: {e}"))),
        Err(fault) => Err(Error::Fault {
            code: fault.code,
            message: fault.message,
        }
        .into()),
    }
}
