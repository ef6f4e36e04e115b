//! The strict writer: a `methodCall` from a method name and JSON values.

use std::fmt::Write as _;

use base64::Engine as _;
use serde_json::{Number, Value};

use super::text::{is_xml_char, snippet};
use super::value::{tagged, BASE64, DATETIME_TAG};
use super::MAX_DEPTH;
use crate::{Error, Result};

/// The XML declaration every encoded document starts with.
pub(super) const PROLOG: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

/// Encodes a `methodCall` of `method` with positional `params`.
///
/// The method name must be non-empty and made of ASCII letters, digits and `_ . : /`
/// (otherwise [`Error::InvalidInput`] for `method`). Each parameter is encoded as described
/// in the [module documentation](super); `null` is not allowed as a parameter.
///
/// ```
/// use aflexi_core::xmlrpc::encode_call;
/// use serde_json::json;
///
/// let body = encode_call("user.get", &[json!("operator"), json!({"self": true, "id": null})])?;
/// assert_eq!(
///     body,
///     "<?xml version=\"1.0\" encoding=\"UTF-8\"?><methodCall><methodName>user.get</methodName>\
///      <params><param><value><string>operator</string></value></param>\
///      <param><value><struct><member><name>self</name><value><boolean>1</boolean></value>\
///      </member></struct></value></param></params></methodCall>"
/// );
/// # Ok::<(), aflexi_core::Error>(())
/// ```
pub fn encode_call(method: &str, params: &[Value]) -> Result<String> {
    validate_method_name(method)?;
    let mut out = String::with_capacity(128 + method.len() + 64 * params.len());
    out.push_str(PROLOG);
    out.push_str("<methodCall><methodName>");
    out.push_str(method);
    out.push_str("</methodName><params>");
    for (index, param) in params.iter().enumerate() {
        out.push_str("<param><value>");
        write_value(&mut out, param, 0)
            .map_err(|e| e.at(Segment::Index(index)).into_error("params"))?;
        out.push_str("</value></param>");
    }
    out.push_str("</params></methodCall>");
    Ok(out)
}

/// Checks a method name before it is written unescaped into `<methodName>`.
fn validate_method_name(method: &str) -> Result<()> {
    if method.is_empty() {
        return Err(Error::invalid("method", "the method name is empty"));
    }
    if let Some(bad) = method
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '/')))
    {
        return Err(Error::invalid(
            "method",
            format!(
                "the method name {:?} contains {bad:?}; only letters, digits and _ . : / are allowed",
                snippet(method)
            ),
        ));
    }
    Ok(())
}

/// One step of the path to an offending value, for error messages.
#[derive(Debug)]
enum Segment {
    Index(usize),
    Key(String),
}

/// Why a value cannot be sent, and where in the value it is (innermost step first).
#[derive(Debug)]
pub(super) struct EncodeError {
    reason: String,
    path: Vec<Segment>,
}

impl EncodeError {
    fn new(reason: impl Into<String>) -> Self {
        EncodeError {
            reason: reason.into(),
            path: Vec::new(),
        }
    }

    /// Records that the error happened inside `segment` (called while unwinding).
    fn at(mut self, segment: Segment) -> Self {
        self.path.push(segment);
        self
    }

    /// The public error, e.g. `invalid value: params[2].user.email: contains U+0001 ...`.
    pub(super) fn into_error(self, root: &str) -> Error {
        let mut location = root.to_owned();
        for segment in self.path.iter().rev() {
            match segment {
                Segment::Index(i) => {
                    let _ = write!(location, "[{i}]");
                }
                Segment::Key(k) => {
                    location.push('.');
                    location.push_str(&snippet(k));
                }
            }
        }
        Error::invalid("value", format!("{location}: {}", self.reason))
    }
}

/// Appends `<type>...</type>` for `value` (the caller writes the surrounding `<value>`).
///
/// `depth` is the number of arrays and structs around `value`.
pub(super) fn write_value(
    out: &mut String,
    value: &Value,
    depth: usize,
) -> std::result::Result<(), EncodeError> {
    match value {
        Value::Null => Err(EncodeError::new(
            "null cannot be sent (XML-RPC has no nil; leave the struct member out instead)",
        )),
        Value::Bool(b) => {
            out.push_str(if *b {
                "<boolean>1</boolean>"
            } else {
                "<boolean>0</boolean>"
            });
            Ok(())
        }
        Value::Number(n) => write_number(out, n),
        Value::String(s) => {
            out.push_str("<string>");
            push_escaped(out, s).map_err(EncodeError::new)?;
            out.push_str("</string>");
            Ok(())
        }
        Value::Array(items) => {
            check_depth(depth)?;
            out.push_str("<array><data>");
            for (index, item) in items.iter().enumerate() {
                out.push_str("<value>");
                write_value(out, item, depth + 1).map_err(|e| e.at(Segment::Index(index)))?;
                out.push_str("</value>");
            }
            out.push_str("</data></array>");
            Ok(())
        }
        Value::Object(members) => {
            if let Some((tag, text)) = tagged(members) {
                return write_tagged(out, tag, text);
            }
            check_depth(depth)?;
            out.push_str("<struct>");
            for (name, member) in members {
                if member.is_null() {
                    continue;
                }
                out.push_str("<member><name>");
                push_escaped(out, name)
                    .map_err(|reason| EncodeError::new(format!("member name {reason}")))?;
                out.push_str("</name><value>");
                write_value(out, member, depth + 1)
                    .map_err(|e| e.at(Segment::Key(name.clone())))?;
                out.push_str("</value></member>");
            }
            out.push_str("</struct>");
            Ok(())
        }
    }
}

fn check_depth(depth: usize) -> std::result::Result<(), EncodeError> {
    if depth >= MAX_DEPTH {
        return Err(EncodeError::new(format!(
            "arrays and structs are nested more than {MAX_DEPTH} deep"
        )));
    }
    Ok(())
}

fn write_number(out: &mut String, n: &Number) -> std::result::Result<(), EncodeError> {
    if let Some(i) = n.as_i64() {
        // `<i8>` only when needed: the old clients and servers knew `<int>` alone.
        let _ = match i32::try_from(i) {
            Ok(small) => write!(out, "<int>{small}</int>"),
            Err(_) => write!(out, "<i8>{i}</i8>"),
        };
        return Ok(());
    }
    if let Some(u) = n.as_u64() {
        return Err(out_of_range(&u));
    }
    match n.as_f64() {
        Some(f) if f.is_finite() => {
            out.push_str("<double>");
            push_double(out, f);
            out.push_str("</double>");
            Ok(())
        }
        _ => Err(EncodeError::new(format!("the number {n} cannot be sent"))),
    }
}

fn out_of_range(n: &dyn std::fmt::Display) -> EncodeError {
    EncodeError::new(format!(
        "the integer {n} is outside the 64-bit range of an XML-RPC <i8>"
    ))
}

/// Writes a finite double as a plain decimal: XML-RPC doubles have no exponent.
///
/// Rust's `Display` for `f64` prints the shortest digits that round-trip and never an
/// exponent; `.0` is added to integral values so the text reads as a double.
fn push_double(out: &mut String, f: f64) {
    let start = out.len();
    let _ = write!(out, "{f}");
    if !out[start..].contains('.') {
        out.push_str(".0");
    }
}

fn write_tagged(out: &mut String, tag: &str, text: &Value) -> std::result::Result<(), EncodeError> {
    let Value::String(text) = text else {
        return Err(EncodeError::new(format!(
            "the tagged value {{\"{tag}\": ...}} must hold a string"
        ))
        .at(Segment::Key(tag.to_owned())));
    };
    if tag == DATETIME_TAG {
        let valid = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, 'T' | ':' | '-' | '+' | 'Z'));
        if !valid {
            return Err(EncodeError::new(format!(
                "{:?} is not a dateTime.iso8601 (digits, T, :, -, + and Z only)",
                snippet(text)
            )));
        }
        out.push_str("<dateTime.iso8601>");
        out.push_str(text);
        out.push_str("</dateTime.iso8601>");
    } else {
        if BASE64.decode(text.as_bytes()).is_err() {
            return Err(EncodeError::new("the $base64 text is not valid base64"));
        }
        out.push_str("<base64>");
        out.push_str(text);
        out.push_str("</base64>");
    }
    Ok(())
}

/// Appends `text` escaped for element content; `\r` becomes `&#13;` so that XML line-end
/// normalisation does not turn it into `\n`.
pub(super) fn push_escaped(out: &mut String, text: &str) -> std::result::Result<(), String> {
    let mut start = 0;
    for (index, c) in text.char_indices() {
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '\r' => "&#13;",
            c if is_xml_char(c) => continue,
            c => {
                return Err(format!(
                    "contains the character U+{:04X} at position {}, which XML 1.0 cannot carry",
                    u32::from(c),
                    text[..index].chars().count()
                ))
            }
        };
        out.push_str(&text[start..index]);
        out.push_str(replacement);
        start = index + c.len_utf8();
    }
    out.push_str(&text[start..]);
    Ok(())
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmlrpc::datetime;
    use crate::xmlrpc::testing::decode_value;
    use serde_json::json;

    /// What [`encode_call`] writes inside one `<value>` for `value`, with the error reported
    /// as a response's (the root of the error's path is `response`).
    fn encode(value: &Value) -> Result<String> {
        let mut out = String::new();
        write_value(&mut out, value, 0).map_err(|e| e.into_error("response"))?;
        Ok(out)
    }

    fn encoded(value: &Value) -> String {
        encode(value).unwrap()
    }

    fn encode_error(value: &Value) -> String {
        match encode(value) {
            Err(Error::InvalidInput {
                field: "value",
                reason,
            }) => reason,
            other => panic!("expected an invalid value error, got {other:?}"),
        }
    }

    #[test]
    fn scalars_use_standard_types() {
        assert_eq!(encoded(&json!(false)), "<boolean>0</boolean>");
        assert_eq!(encoded(&json!(-2147483648_i64)), "<int>-2147483648</int>");
        assert_eq!(encoded(&json!(2147483647_u64)), "<int>2147483647</int>");
        assert_eq!(encoded(&json!("")), "<string></string>");
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(
            encoded(&json!("a & b <c> \"d\" 'e' ]]>")),
            "<string>a &amp; b &lt;c&gt; \"d\" 'e' ]]&gt;</string>"
        );
    }

    #[test]
    fn carriage_return_is_sent_as_a_character_reference() {
        assert_eq!(
            encoded(&json!("a\r\nb\tc")),
            "<string>a&#13;\nb\tc</string>"
        );
        let sent = encoded(&json!("a\r\nb\rc"));
        assert_eq!(decode_value(&sent), json!("a\r\nb\rc"));
    }

    #[test]
    fn unicode_is_sent_as_utf8() {
        assert_eq!(encoded(&json!("José ✓ 😀")), "<string>José ✓ 😀</string>");
    }

    #[test]
    fn control_characters_are_rejected_without_echoing_the_string() {
        let reason = encode_error(&json!({"user": {"password": "se\u{1}cret"}}));
        assert_eq!(
            reason,
            "response.user.password: contains the character U+0001 at position 2, which XML 1.0 cannot carry"
        );
        assert!(!reason.contains("cret"));
        encode_error(&json!("\u{FFFE}"));
        encode_error(&json!("\u{FFFF}"));
        encode_error(&json!({"bad\u{0}key": 1}));
    }

    #[test]
    fn null_members_are_omitted_from_structs() {
        assert_eq!(
            encoded(&json!({"a": 1, "b": null, "c": "x"})),
            "<struct><member><name>a</name><value><int>1</int></value></member>\
             <member><name>c</name><value><string>x</string></value></member></struct>"
        );
    }

    #[test]
    fn struct_members_keep_their_order() {
        assert_eq!(
            encoded(&json!({"z": 1, "a": 2})),
            "<struct><member><name>z</name><value><int>1</int></value></member>\
             <member><name>a</name><value><int>2</int></value></member></struct>"
        );
    }

    #[test]
    fn null_in_an_array_is_rejected() {
        let reason = encode_error(&json!({"list": [1, null]}));
        assert!(
            reason.starts_with("response.list[1]: null cannot be sent"),
            "{reason}"
        );
    }

    #[test]
    fn null_at_top_level_is_rejected() {
        let reason = encode_error(&Value::Null);
        assert!(
            reason.starts_with("response: null cannot be sent"),
            "{reason}"
        );
        let err = encode_call("user.get", &[json!("a"), Value::Null]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid value: params[1]: null"),
            "{err}"
        );
    }

    #[test]
    fn integers_outside_i32_are_sent_as_i8_and_only_those() {
        assert_eq!(encoded(&json!(2147483647_i64)), "<int>2147483647</int>");
        assert_eq!(encoded(&json!(2147483648_i64)), "<i8>2147483648</i8>");
        assert_eq!(encoded(&json!(-2147483649_i64)), "<i8>-2147483649</i8>");
        assert_eq!(encoded(&json!(i64::MAX)), "<i8>9223372036854775807</i8>");
        let reason = encode_error(&json!(u64::MAX));
        assert!(reason.contains("outside the 64-bit range"), "{reason}");
    }

    #[test]
    fn doubles_are_plain_decimals_that_round_trip() {
        assert_eq!(encoded(&json!(0.1)), "<double>0.1</double>");
        assert_eq!(encoded(&json!(-2.5)), "<double>-2.5</double>");
        assert_eq!(encoded(&json!(3.0)), "<double>3.0</double>");
        assert_eq!(encoded(&json!(1e-7)), "<double>0.0000001</double>");
        let big = encoded(&json!(1e300));
        assert_eq!(big, format!("<double>1{}.0</double>", "0".repeat(300)));
        for f in [
            1e300,
            0.1,
            1e-300,
            f64::MAX,
            f64::MIN_POSITIVE,
            -0.0,
            123.456,
        ] {
            let double = encoded(&json!(f));
            let text = double
                .strip_prefix("<double>")
                .and_then(|t| t.strip_suffix("</double>"))
                .unwrap();
            assert!(
                text.chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == '-'),
                "{text}"
            );
            assert_eq!(decode_value(&double).as_f64(), Some(f));
        }
    }

    #[test]
    fn tagged_datetime_is_sent_as_datetime() {
        assert_eq!(
            encoded(&datetime("20260123T10:11:12")),
            "<dateTime.iso8601>20260123T10:11:12</dateTime.iso8601>"
        );
        assert_eq!(
            encoded(&datetime("2026-01-23T10:11:12+02:00")),
            "<dateTime.iso8601>2026-01-23T10:11:12+02:00</dateTime.iso8601>"
        );
    }

    #[test]
    fn tagged_datetime_with_other_characters_is_rejected() {
        let reason = encode_error(&datetime("2026-01-23 <x>"));
        assert!(reason.contains("is not a dateTime.iso8601"), "{reason}");
        encode_error(&datetime(""));
        encode_error(&json!({"$datetime": 5}));
    }

    #[test]
    fn tagged_base64_is_sent_as_base64() {
        assert_eq!(
            encoded(&json!({"$base64": "8MrMGg=="})),
            "<base64>8MrMGg==</base64>"
        );
        let reason = encode_error(&json!({"$base64": "<not>"}));
        assert!(reason.contains("not valid base64"), "{reason}");
    }

    #[test]
    fn binary_base64_round_trips_as_the_tagged_object() {
        let v = json!({"blob": {"$base64": "8MrMGg=="}});
        assert_eq!(decode_value(&encoded(&v)), v);
    }

    #[test]
    fn objects_with_a_tag_key_and_more_members_are_structs() {
        assert_eq!(
            encoded(&json!({"$datetime": "x", "y": 1})),
            "<struct><member><name>$datetime</name><value><string>x</string></value></member>\
             <member><name>y</name><value><int>1</int></value></member></struct>"
        );
    }

    #[test]
    fn encoding_deeper_than_the_limit_is_rejected() {
        let mut v = json!(1);
        for _ in 0..MAX_DEPTH {
            v = json!([v]);
        }
        assert!(encode(&v).is_ok());
        let reason = encode_error(&json!([v]));
        assert!(reason.contains("nested more than 64 deep"), "{reason}");
    }

    #[test]
    fn method_names_are_validated() {
        for bad in ["", "user get", "a<b", "user.get()", "é"] {
            match encode_call(bad, &[]) {
                Err(Error::InvalidInput {
                    field: "method", ..
                }) => {}
                other => panic!("{bad:?}: {other:?}"),
            }
        }
        assert!(encode_call("system.multicall", &[]).is_ok());
        assert!(encode_call("ns:a/b_c.d9", &[]).is_ok());
    }
}
