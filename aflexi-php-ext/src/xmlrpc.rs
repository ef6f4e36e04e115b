//! XML-RPC answers straight into PHP values: [`Php`] builds the decoder's values as zvals (no
//! JSON in between), and `Aflexi\xmlrpc_decode_response` exposes it, for tests and for the
//! decoding benchmark (tests/conformance/bench-decode.sh).

use std::borrow::Cow;

use aflexi_core::xmlrpc::{decode_response_into, Build, DEFAULT_MAX_RESPONSE_BYTES};
use aflexi_core::Error;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::error::Error as ZendError;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};

use crate::convert::{kind, StringArg};
use crate::exception::Failure;

/// Adds the function of this module to the extension.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module.function(wrap_function!(xmlrpc_decode_response))
}

/// The value of an XML-RPC `methodResponse` as PHP values, decoded exactly as the client
/// decodes Aflexi's answers: structs are arrays keyed by member name (a decimal name such as
/// `"7"` is the int key 7, as in PHP), arrays are lists, `<dateTime.iso8601>` is its text,
/// `<nil/>` is null, a `<base64>` that is not UTF-8 text is `['$base64' => its text]`.
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
    let mut php = Php::default();
    let decoded = decode_response_into(body.as_bytes(), DEFAULT_MAX_RESPONSE_BYTES, &mut php)?;
    if let Some(e) = php.failed {
        return Err(Failure::Output(format!(
            "cannot build the answer in PHP: {e}"
        )));
    }
    decoded.map_err(|fault| {
        Error::Fault {
            code: fault.code,
            message: fault.message,
        }
        .into()
    })
}

/// Builds PHP values. PHP refuses nothing the decoder hands over, but should it, the first
/// refusal is kept and the caller throws instead of returning a partial value.
#[derive(Default)]
pub struct Php {
    /// The first error PHP returned, if any.
    pub failed: Option<ZendError>,
}

impl Php {
    fn keep(&mut self, result: Result<(), ZendError>) {
        if let Err(e) = result {
            self.failed.get_or_insert(e);
        }
    }
}

impl Build for Php {
    type Value = Zval;
    type List = ZBox<ZendHashTable>;
    type Members = ZBox<ZendHashTable>;

    fn null(&mut self) -> Zval {
        let mut zval = Zval::new();
        zval.set_null();
        zval
    }

    fn boolean(&mut self, value: bool) -> Zval {
        let mut zval = Zval::new();
        zval.set_bool(value);
        zval
    }

    fn int(&mut self, value: i64) -> Zval {
        let mut zval = Zval::new();
        zval.set_long(value);
        zval
    }

    fn double(&mut self, value: f64) -> Zval {
        let mut zval = Zval::new();
        zval.set_double(value);
        zval
    }

    fn string(&mut self, text: Cow<'_, str>) -> Zval {
        let mut zval = Zval::new();
        let result = zval.set_string(&text, false);
        self.keep(result);
        zval
    }

    fn binary(&mut self, base64: String) -> Zval {
        let mut tagged = ZendHashTable::with_capacity(1);
        let text = self.string(Cow::Owned(base64));
        let result = tagged.insert("$base64", text);
        self.keep(result);
        self.end_members(tagged)
    }

    fn list(&mut self) -> ZBox<ZendHashTable> {
        ZendHashTable::new()
    }

    fn push(&mut self, list: &mut ZBox<ZendHashTable>, item: Zval) {
        let result = list.push(item);
        self.keep(result);
    }

    fn end_list(&mut self, list: ZBox<ZendHashTable>) -> Zval {
        let mut zval = Zval::new();
        zval.set_hashtable(list);
        zval
    }

    fn members(&mut self) -> ZBox<ZendHashTable> {
        ZendHashTable::new()
    }

    fn insert(&mut self, members: &mut ZBox<ZendHashTable>, name: Cow<'_, str>, value: Zval) {
        let result = members.insert(name.as_ref(), value);
        self.keep(result);
    }

    fn end_members(&mut self, members: ZBox<ZendHashTable>) -> Zval {
        self.end_list(members)
    }
}
