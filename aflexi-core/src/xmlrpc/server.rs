//! The server half of XML-RPC, for the Aflexi sandbox (the `server` feature): read a
//! `methodCall` with the same lenient rules as a response, write a `methodResponse` or a fault
//! with the same strict rules as a call.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::Value;

use super::body::body_text;
use super::build::Json;
use super::decode::Decoder;
use super::encode::{push_escaped, write_value, PROLOG};
use super::kind::{Kind, Tag};
use super::text::is_xml_char;
use super::value::Fault;
use super::DEFAULT_MAX_RESPONSE_BYTES;
use crate::Result;

/// A decoded `methodCall`: what the local API emulator receives.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodCall {
    /// The method name, e.g. `user.get`.
    pub method: String,
    /// The positional parameters, in order.
    pub params: Vec<Value>,
}

/// Decodes a `methodCall` body (used by the local API emulator).
///
/// The same lenient rules as [`decode_response`](super::decode_response) apply; bodies over
/// [`DEFAULT_MAX_RESPONSE_BYTES`] are refused. A missing or empty `<params>` gives no params.
pub fn decode_call(body: &[u8]) -> Result<MethodCall> {
    let text = body_text(body, DEFAULT_MAX_RESPONSE_BYTES)?;
    let mut decoder = Decoder::new(&text);
    let call = decoder.method_call()?;
    decoder.finish()?;
    Ok(call)
}

/// Encodes a `methodResponse` carrying `value` as its one param.
///
/// Used by the local API emulator; the same strict rules as [`encode_call`](super::encode_call) apply.
pub fn encode_response(value: &Value) -> Result<String> {
    let mut out = String::with_capacity(128);
    out.push_str(PROLOG);
    out.push_str("<methodResponse><params><param><value>");
    write_value(&mut out, value, 0).map_err(|e| e.into_error("response"))?;
    out.push_str("</value></param></params></methodResponse>");
    Ok(out)
}

/// Encodes a fault `methodResponse`.
///
/// This cannot fail: the code is clamped to the 32-bit range of `<int>`, and characters that
/// XML 1.0 cannot carry in the message are replaced by U+FFFD.
pub fn encode_fault(fault: &Fault) -> String {
    let code =
        i32::try_from(fault.code).unwrap_or(if fault.code < 0 { i32::MIN } else { i32::MAX });
    let message: Cow<'_, str> = if fault.message.chars().all(is_xml_char) {
        Cow::Borrowed(&fault.message)
    } else {
        Cow::Owned(
            fault
                .message
                .chars()
                .map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    };
    let mut out = String::with_capacity(256 + message.len());
    out.push_str(PROLOG);
    out.push_str(
        "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>",
    );
    let _ = write!(out, "{code}");
    out.push_str("</int></value></member><member><name>faultString</name><value><string>");
    // Every character is an XML character now, so escaping cannot fail.
    let _ = push_escaped(&mut out, &message);
    out.push_str("</string></value></member></struct></value></fault></methodResponse>");
    out
}

impl Decoder<'_> {
    fn method_call(&mut self) -> Result<MethodCall> {
        let root = Kind::MethodCall;
        self.root(&root)?;
        let method = match self.tag(&root)? {
            Tag::Start(Kind::MethodName) => self.text_until_end(&Kind::MethodName)?,
            other => return Err(self.unexpected(&other, &root)),
        };
        let method = method.trim().to_owned();
        if method.is_empty() {
            return Err(self.error("the methodName is empty"));
        }
        let mut params = Vec::new();
        match self.tag(&root)? {
            Tag::Start(Kind::Params) => {
                loop {
                    match self.tag(&Kind::Params)? {
                        Tag::Start(Kind::Param) => params.push(self.param(&mut Json)?),
                        Tag::End(Kind::Params) => break,
                        other => return Err(self.unexpected(&other, &Kind::Params)),
                    }
                }
                self.end(&root)?;
            }
            Tag::Empty(Kind::Params) => self.end(&root)?,
            Tag::End(Kind::MethodCall) => {}
            other => return Err(self.unexpected(&other, &root)),
        }
        Ok(MethodCall { method, params })
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmlrpc::testing::MAX;
    use crate::xmlrpc::{decode_response, encode_call};
    use crate::Error;
    use serde_json::json;

    #[test]
    fn response_has_prolog_and_no_pretty_printing() {
        assert_eq!(
            encode_response(&json!(true)).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><methodResponse><params><param>\
             <value><boolean>1</boolean></value></param></params></methodResponse>"
        );
    }

    #[test]
    fn fault_encodes_clamped_code_and_sanitised_message() {
        let body = encode_fault(&Fault {
            code: 1 << 40,
            message: "bad <x> \u{1}".into(),
        });
        assert_eq!(
            body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><methodResponse><fault><value><struct>\
             <member><name>faultCode</name><value><int>2147483647</int></value></member>\
             <member><name>faultString</name><value><string>bad &lt;x&gt; \u{FFFD}</string></value>\
             </member></struct></value></fault></methodResponse>"
        );
        let back = decode_response(body.as_bytes(), MAX).unwrap();
        assert_eq!(
            back,
            Err(Fault {
                code: i64::from(i32::MAX),
                message: "bad <x> \u{FFFD}".into()
            })
        );
        let low = encode_fault(&Fault {
            code: i64::MIN,
            message: String::new(),
        });
        assert!(low.contains("<int>-2147483648</int>"), "{low}");
    }

    #[test]
    fn call_round_trips_through_decode_call() {
        let params = vec![
            json!("op"),
            json!("key&<>"),
            json!({"self": true, "extract": {"id": true, "name": 1}, "n": -5, "f": 0.25}),
            json!([1, "two", [3.5], {}]),
            json!([]),
        ];
        let body = encode_call("publisherLink.get", &params).unwrap();
        let call = decode_call(body.as_bytes()).unwrap();
        assert_eq!(
            call,
            MethodCall {
                method: "publisherLink.get".into(),
                params
            }
        );
    }

    #[test]
    fn call_without_params_decodes() {
        let call =
            decode_call(b"<methodCall><methodName> system.listMethods </methodName></methodCall>")
                .unwrap();
        assert_eq!(
            call,
            MethodCall {
                method: "system.listMethods".into(),
                params: vec![]
            }
        );
        let call =
            decode_call(b"<methodCall><methodName>a</methodName><params/></methodCall>").unwrap();
        assert!(call.params.is_empty());
    }

    #[test]
    fn call_with_untyped_and_nil_params_decodes() {
        let body = b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><methodCall><methodName>user.get</methodName>\
            <params><param><value>Jos&#233;</value></param><param><value><nil/></value></param></params></methodCall>";
        let call = decode_call(body).unwrap();
        assert_eq!(call.params, vec![json!("José"), Value::Null]);
    }

    #[test]
    fn response_is_not_a_call() {
        let body = encode_response(&json!(1)).unwrap();
        match decode_call(body.as_bytes()) {
            Err(Error::Protocol(message)) => {
                assert!(
                    message.starts_with("expected <methodCall>, found <methodResponse>"),
                    "{message}"
                )
            }
            other => panic!("{other:?}"),
        }
    }
}
