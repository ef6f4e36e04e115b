//! The XML-RPC codec: method calls and responses to and from [`serde_json::Value`].
//!
//! This module owns the wire format of the Aflexi API (see `docs/aflexi-xmlrpc-api.md` §1.2)
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

use std::borrow::Cow;
use std::fmt::Write as _;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;
use serde_json::{Map, Number, Value};

use crate::{Error, Result};

/// The largest response body [`decode_response`] accepts by default (16 MiB); a page of
/// 10,000 publishers is well under this.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// The deepest nesting of arrays and structs that is decoded or encoded.
///
/// A top-level array counts as depth 1. The limit protects the stack against a hostile or
/// broken body (a "depth bomb") and keeps both directions symmetric.
pub const MAX_DEPTH: usize = 64;

/// The key of the tagged object that stands for a `<dateTime.iso8601>` value.
const DATETIME_TAG: &str = "$datetime";
/// The key of the tagged object that stands for a binary `<base64>` value.
const BASE64_TAG: &str = "$base64";
/// How much of a body or a token an error message quotes at most, in characters.
const SNIPPET_CHARS: usize = 100;

/// The XML declaration every encoded document starts with.
const PROLOG: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

/// Standard base64 that accepts input with or without padding.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A decoded `methodCall`: what the local API emulator receives.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodCall {
    /// The method name, e.g. `user.get`.
    pub method: String,
    /// The positional parameters, in order.
    pub params: Vec<Value>,
}

/// An XML-RPC fault: the server refused the call.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    /// The `faultCode`; opaque, since Aflexi never documented its codes.
    pub code: i64,
    /// The `faultString`, as the server wrote it.
    pub message: String,
}

/// Builds the tagged value that [`encode_call`] sends as `<dateTime.iso8601>`.
///
/// The text is sent as is and must consist of digits, `T`, `:`, `-`, `+` and `Z` only, e.g.
/// `20260123T10:11:12`.
///
/// ```
/// use aflexi_core::xmlrpc::{datetime, encode_call};
///
/// let body = encode_call("stats.getSummaries", &[datetime("20260101T00:00:00")])?;
/// assert!(body.contains("<dateTime.iso8601>20260101T00:00:00</dateTime.iso8601>"));
/// # Ok::<(), aflexi_core::Error>(())
/// ```
pub fn datetime(text: &str) -> Value {
    let mut tagged = Map::with_capacity(1);
    tagged.insert(DATETIME_TAG.to_owned(), Value::String(text.to_owned()));
    Value::Object(tagged)
}

// ------------------------------------------------------------------------------------------
// Encoding
// ------------------------------------------------------------------------------------------

/// Encodes a `methodCall` of `method` with positional `params`.
///
/// The method name must be non-empty and made of ASCII letters, digits and `_ . : /`
/// (otherwise [`Error::InvalidInput`] for `method`). Each parameter is encoded as described
/// in the [module documentation](self); `null` is not allowed as a parameter.
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

/// Encodes a `methodResponse` carrying `value` as its one param.
///
/// Used by the local API emulator; the same strict rules as [`encode_call`] apply.
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
struct EncodeError {
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
    fn into_error(self, root: &str) -> Error {
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
fn write_value(
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

/// The tag and text of `{"$datetime": "..."}` or `{"$base64": "..."}`, if `members` is one.
fn tagged(members: &Map<String, Value>) -> Option<(&'static str, &Value)> {
    if members.len() != 1 {
        return None;
    }
    let (key, value) = members.iter().next()?;
    match key.as_str() {
        DATETIME_TAG => Some((DATETIME_TAG, value)),
        BASE64_TAG => Some((BASE64_TAG, value)),
        _ => None,
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

/// True for the characters XML 1.0 allows in a document.
fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Appends `text` escaped for element content; `\r` becomes `&#13;` so that XML line-end
/// normalisation does not turn it into `\n`.
fn push_escaped(out: &mut String, text: &str) -> std::result::Result<(), String> {
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

// ------------------------------------------------------------------------------------------
// Decoding
// ------------------------------------------------------------------------------------------

/// Decodes a `methodResponse` body into its one value, or the server's fault.
///
/// Returns `Ok(Ok(value))` for a normal response, `Ok(Err(fault))` for a fault, and
/// [`Error::Protocol`] for anything else: a body over `max_bytes` (checked before parsing),
/// an empty or truncated body, an HTML error page, a response with zero or several params,
/// an unknown type tag, nesting deeper than [`MAX_DEPTH`].
///
/// ```
/// use aflexi_core::xmlrpc::{decode_response, Fault, DEFAULT_MAX_RESPONSE_BYTES};
/// use serde_json::json;
///
/// let body = br#"<?xml version="1.0"?>
/// <methodResponse><params><param><value><struct>
///   <member><name>results</name><value><array><data>
///     <value><struct><member><name>id</name><value><i4>42</i4></value></member>
///       <member><name>name</name><value>Jos&#233; &amp; co</value></member></struct></value>
///   </data></array></value></member>
/// </struct></value></param></params></methodResponse>"#;
/// let value = decode_response(body, DEFAULT_MAX_RESPONSE_BYTES)?;
/// assert_eq!(value, Ok(json!({"results": [{"id": 42, "name": "José & co"}]})));
///
/// let fault = br#"<methodResponse><fault><value><struct>
///   <member><name>faultCode</name><value><int>409</int></value></member>
///   <member><name>faultString</name><value><string>duplicate</string></value></member>
/// </struct></value></fault></methodResponse>"#;
/// assert_eq!(
///     decode_response(fault, DEFAULT_MAX_RESPONSE_BYTES)?,
///     Err(Fault { code: 409, message: "duplicate".into() })
/// );
/// # Ok::<(), aflexi_core::Error>(())
/// ```
pub fn decode_response(body: &[u8], max_bytes: usize) -> Result<std::result::Result<Value, Fault>> {
    let text = body_text(body, max_bytes)?;
    let mut decoder = Decoder::new(&text);
    let outcome = decoder.method_response()?;
    decoder.finish()?;
    Ok(outcome)
}

/// Decodes a `methodCall` body (used by the local API emulator).
///
/// The same lenient rules as [`decode_response`] apply; bodies over
/// [`DEFAULT_MAX_RESPONSE_BYTES`] are refused. A missing or empty `<params>` gives no params.
pub fn decode_call(body: &[u8]) -> Result<MethodCall> {
    let text = body_text(body, DEFAULT_MAX_RESPONSE_BYTES)?;
    let mut decoder = Decoder::new(&text);
    let call = decoder.method_call()?;
    decoder.finish()?;
    Ok(call)
}

/// Checks the size and turns the body into UTF-8 text, converting from Latin-1 when the XML
/// declaration says so. A UTF-8 byte order mark is dropped.
fn body_text(body: &[u8], max_bytes: usize) -> Result<Cow<'_, str>> {
    if body.len() > max_bytes {
        return Err(Error::Protocol(format!(
            "the body is {} bytes, over the limit of {max_bytes} bytes",
            body.len()
        )));
    }
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Protocol("the body is empty".into()));
    }
    if declares_latin1(body) {
        return Ok(Cow::Owned(body.iter().map(|&b| char::from(b)).collect()));
    }
    match std::str::from_utf8(body) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(e) => Err(Error::Protocol(format!(
            "the body is not valid UTF-8 (at byte {}); it starts with \"{}\"",
            e.valid_up_to(),
            snippet(&String::from_utf8_lossy(
                &body[..body.len().min(4 * SNIPPET_CHARS)]
            ))
        ))),
    }
}

/// True when the body starts with an XML declaration whose encoding is ISO-8859-1.
fn declares_latin1(body: &[u8]) -> bool {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let Some(head) = body.get(start..) else {
        return false;
    };
    if !head.starts_with(b"<?xml") {
        return false;
    }
    let head = &head[..head.len().min(512)];
    let Some(end) = find(head, b"?>") else {
        return false;
    };
    let decl = &head[..end];
    let Some(at) = find(decl, b"encoding") else {
        return false;
    };
    let rest = &decl[at + b"encoding".len()..];
    let rest = trim_ascii_start(rest);
    let Some(rest) = rest.strip_prefix(b"=") else {
        return false;
    };
    let rest = trim_ascii_start(rest);
    let Some((&quote, rest)) = rest.split_first() else {
        return false;
    };
    if quote != b'"' && quote != b'\'' {
        return false;
    }
    let Some(close) = rest.iter().position(|&b| b == quote) else {
        return false;
    };
    let name = rest[..close].to_ascii_lowercase();
    matches!(
        name.as_slice(),
        b"iso-8859-1"
            | b"iso8859-1"
            | b"iso_8859-1"
            | b"iso-latin-1"
            | b"latin1"
            | b"latin-1"
            | b"l1"
            | b"cp819"
            | b"ibm819"
    )
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn trim_ascii_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

/// At most [`SNIPPET_CHARS`] characters of `text`, control characters as spaces, for quoting
/// in error messages.
fn snippet(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(SNIPPET_CHARS)
        .map(|c| if c.is_control() || c == '"' { ' ' } else { c })
        .collect();
    if text.chars().nth(SNIPPET_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// The element names of XML-RPC, recognised by their local name (so `ex:nil` is `Nil`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    MethodResponse,
    MethodCall,
    MethodName,
    Params,
    Param,
    Fault,
    Value,
    I4,
    Int,
    I8,
    Boolean,
    Double,
    String,
    DateTime,
    Base64,
    Nil,
    Array,
    Data,
    Struct,
    Member,
    Name,
    /// Any other element, with its name as written.
    Unknown(String),
}

impl Kind {
    fn of(start: &BytesStart<'_>) -> Kind {
        Kind::from_name(start.name().0)
    }

    /// The kind of an element; a prefixed name (`ex:nil`) is known by its local part.
    fn from_name(name: &str) -> Kind {
        Kind::known(name)
            .or_else(|| {
                name.rsplit_once(':')
                    .and_then(|(_, local)| Kind::known(local))
            })
            .unwrap_or_else(|| Kind::Unknown(name.to_owned()))
    }

    fn known(local: &str) -> Option<Kind> {
        Some(match local {
            "methodResponse" => Kind::MethodResponse,
            "methodCall" => Kind::MethodCall,
            "methodName" => Kind::MethodName,
            "params" => Kind::Params,
            "param" => Kind::Param,
            "fault" => Kind::Fault,
            "value" => Kind::Value,
            "i4" => Kind::I4,
            "int" => Kind::Int,
            "i8" => Kind::I8,
            "boolean" => Kind::Boolean,
            "double" => Kind::Double,
            "string" => Kind::String,
            "dateTime.iso8601" => Kind::DateTime,
            "base64" => Kind::Base64,
            "nil" => Kind::Nil,
            "array" => Kind::Array,
            "data" => Kind::Data,
            "struct" => Kind::Struct,
            "member" => Kind::Member,
            "name" => Kind::Name,
            _ => return None,
        })
    }

    fn label(&self) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Kind::MethodResponse => "methodResponse",
            Kind::MethodCall => "methodCall",
            Kind::MethodName => "methodName",
            Kind::Params => "params",
            Kind::Param => "param",
            Kind::Fault => "fault",
            Kind::Value => "value",
            Kind::I4 => "i4",
            Kind::Int => "int",
            Kind::I8 => "i8",
            Kind::Boolean => "boolean",
            Kind::Double => "double",
            Kind::String => "string",
            Kind::DateTime => "dateTime.iso8601",
            Kind::Base64 => "base64",
            Kind::Nil => "nil",
            Kind::Array => "array",
            Kind::Data => "data",
            Kind::Struct => "struct",
            Kind::Member => "member",
            Kind::Name => "name",
            Kind::Unknown(name) => return Cow::Owned(snippet(name)),
        })
    }
}

/// A structural event: what element-only content may contain.
#[derive(Debug)]
enum Tag {
    Start(Kind),
    Empty(Kind),
    End(Kind),
    Eof,
}

impl Tag {
    fn describe(&self) -> String {
        match self {
            Tag::Start(k) => format!("<{}>", k.label()),
            Tag::Empty(k) => format!("<{}/>", k.label()),
            Tag::End(k) => format!("</{}>", k.label()),
            Tag::Eof => "the end of the body (truncated?)".to_owned(),
        }
    }
}

/// A pull parser from quick-xml events straight to [`Value`]s.
struct Decoder<'a> {
    reader: Reader<&'a [u8]>,
    text: &'a str,
    /// The number of arrays and structs currently open.
    depth: usize,
}

impl<'a> Decoder<'a> {
    fn new(text: &'a str) -> Self {
        Decoder {
            reader: Reader::from_str(text),
            text,
            depth: 0,
        }
    }

    fn error(&self, message: impl std::fmt::Display) -> Error {
        Error::Protocol(format!(
            "{message} (at byte {})",
            self.reader.buffer_position()
        ))
    }

    fn unexpected(&self, tag: &Tag, inside: &Kind) -> Error {
        match tag {
            Tag::Eof => self.error(format!(
                "the body ends inside <{}> (truncated?)",
                inside.label()
            )),
            other => self.error(format!(
                "unexpected {} inside <{}>",
                other.describe(),
                inside.label()
            )),
        }
    }

    /// The next event, with comments and processing instructions skipped.
    fn event(&mut self) -> Result<Event<'a>> {
        loop {
            match self.reader.read_event() {
                Ok(Event::Comment(_) | Event::PI(_)) => continue,
                Ok(event) => return Ok(event),
                Err(e) => {
                    let message = snippet(&e.to_string());
                    return Err(Error::Protocol(format!(
                        "not well-formed XML at byte {}: {message}",
                        self.reader.error_position()
                    )));
                }
            }
        }
    }

    /// The next element boundary inside element-only content (whitespace is skipped).
    fn tag(&mut self, inside: &Kind) -> Result<Tag> {
        loop {
            match self.event()? {
                Event::Start(e) => return Ok(Tag::Start(Kind::of(&e))),
                Event::Empty(e) => return Ok(Tag::Empty(Kind::of(&e))),
                Event::End(e) => return Ok(Tag::End(Kind::from_name(e.name().0))),
                Event::Eof => return Ok(Tag::Eof),
                Event::Text(t) if is_blank(&t) => continue,
                Event::CData(c) if is_blank(&c) => continue,
                Event::Text(t) => {
                    return Err(self.error(format!(
                        "unexpected text \"{}\" inside <{}>",
                        snippet(&t),
                        inside.label()
                    )))
                }
                Event::CData(_) | Event::GeneralRef(_) => {
                    return Err(self.error(format!("unexpected text inside <{}>", inside.label())))
                }
                Event::Decl(_) | Event::DocType(_) | Event::Comment(_) | Event::PI(_) => {
                    return Err(self.error(format!(
                        "unexpected declaration inside <{}>",
                        inside.label()
                    )))
                }
            }
        }
    }

    /// Consumes the closing tag of `kind`, allowing only whitespace before it.
    fn end(&mut self, kind: &Kind) -> Result<()> {
        match self.tag(kind)? {
            Tag::End(k) if &k == kind => Ok(()),
            other => Err(self.unexpected(&other, kind)),
        }
    }

    /// Reads the root element's start tag, skipping the prolog.
    fn root(&mut self, expected: &Kind) -> Result<()> {
        loop {
            let event = self.event()?;
            let found = match event {
                Event::Decl(_) | Event::DocType(_) => continue,
                Event::Text(t) if is_blank(&t) => continue,
                Event::Start(e) => Kind::of(&e),
                Event::Empty(e) => {
                    let kind = Kind::of(&e);
                    if &kind == expected {
                        return Err(self.error(format!("<{}/> is empty", kind.label())));
                    }
                    kind
                }
                Event::Eof => return Err(Error::Protocol("the body holds no XML element".into())),
                _ => {
                    return Err(Error::Protocol(format!(
                        "the body is not XML-RPC; it starts with \"{}\"",
                        snippet(self.text.trim_start())
                    )))
                }
            };
            if &found == expected {
                return Ok(());
            }
            return Err(Error::Protocol(format!(
                "expected <{}>, found <{}>; the body starts with \"{}\"",
                expected.label(),
                found.label(),
                snippet(self.text.trim_start())
            )));
        }
    }

    /// After the root element: only whitespace, comments and PIs may follow.
    fn finish(&mut self) -> Result<()> {
        loop {
            match self.event()? {
                Event::Eof => return Ok(()),
                Event::Text(t) if is_blank(&t) => continue,
                _ => return Err(self.error("unexpected content after the end of the document")),
            }
        }
    }

    fn method_response(&mut self) -> Result<std::result::Result<Value, Fault>> {
        let root = Kind::MethodResponse;
        self.root(&root)?;
        let outcome = match self.tag(&root)? {
            Tag::Start(Kind::Params) => Ok(self.response_params()?),
            Tag::Empty(Kind::Params) | Tag::End(Kind::MethodResponse) => {
                return Err(self.error("the methodResponse holds no param (expected exactly one)"))
            }
            Tag::Start(Kind::Fault) => Err(self.fault()?),
            other => return Err(self.unexpected(&other, &root)),
        };
        self.end(&root)?;
        Ok(outcome)
    }

    /// Reads `<param>`s up to `</params>`, requiring exactly one.
    fn response_params(&mut self) -> Result<Value> {
        let mut result = None;
        loop {
            match self.tag(&Kind::Params)? {
                Tag::Start(Kind::Param) => {
                    let value = self.param()?;
                    if result.is_some() {
                        return Err(self.error(
                            "the methodResponse holds more than one param (expected exactly one)",
                        ));
                    }
                    result = Some(value);
                }
                Tag::End(Kind::Params) => break,
                other => return Err(self.unexpected(&other, &Kind::Params)),
            }
        }
        result.ok_or_else(|| self.error("the methodResponse holds no param (expected exactly one)"))
    }

    /// Reads the inside of `<param>` (whose start is consumed) through `</param>`.
    fn param(&mut self) -> Result<Value> {
        let value = match self.tag(&Kind::Param)? {
            Tag::Start(Kind::Value) => self.value()?,
            Tag::Empty(Kind::Value) => Value::String(String::new()),
            Tag::End(Kind::Param) => return Err(self.error("a <param> holds no <value>")),
            other => return Err(self.unexpected(&other, &Kind::Param)),
        };
        self.end(&Kind::Param)?;
        Ok(value)
    }

    /// Reads the inside of `<fault>` through `</fault>`.
    fn fault(&mut self) -> Result<Fault> {
        let value = match self.tag(&Kind::Fault)? {
            Tag::Start(Kind::Value) => self.value()?,
            other => return Err(self.unexpected(&other, &Kind::Fault)),
        };
        self.end(&Kind::Fault)?;
        let Value::Object(mut members) = value else {
            return Err(self.error("the fault value is not a struct"));
        };
        let code = match members.remove("faultCode") {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
            _ => None,
        }
        .ok_or_else(|| self.error("the fault has no integer faultCode"))?;
        let message = match members.remove("faultString") {
            Some(Value::String(s)) => s,
            None | Some(Value::Null) => String::new(),
            Some(other) => other.to_string(),
        };
        Ok(Fault { code, message })
    }

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
                        Tag::Start(Kind::Param) => params.push(self.param()?),
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

    /// Reads the inside of `<value>` (whose start is consumed) through `</value>`.
    fn value(&mut self) -> Result<Value> {
        // Text before a type tag must be whitespace; text alone is an untyped string.
        let mut text: Cow<'a, str> = Cow::Borrowed("");
        let (kind, empty) = loop {
            match self.event()? {
                Event::Text(t) => append(&mut text, t.xml10_content()),
                Event::CData(c) => append(&mut text, c.xml10_content()),
                Event::GeneralRef(r) => self.push_reference(&r, text.to_mut())?,
                Event::End(_) => return Ok(Value::String(text.into_owned())),
                Event::Start(e) => break (Kind::of(&e), false),
                Event::Empty(e) => break (Kind::of(&e), true),
                Event::Eof => return Err(self.unexpected(&Tag::Eof, &Kind::Value)),
                Event::Decl(_) | Event::DocType(_) | Event::Comment(_) | Event::PI(_) => {
                    return Err(self.error("unexpected declaration inside <value>"))
                }
            }
        };
        if !is_blank(&text) {
            return Err(self.error(format!(
                "<value> mixes the text \"{}\" with <{}>",
                snippet(text.trim()),
                kind.label()
            )));
        }
        let value = self.typed(kind, empty)?;
        self.end(&Kind::Value)?;
        Ok(value)
    }

    /// Reads a typed value whose start tag (or empty tag, if `empty`) is consumed.
    fn typed(&mut self, kind: Kind, empty: bool) -> Result<Value> {
        match kind {
            Kind::Array => {
                if empty {
                    return Ok(Value::Array(Vec::new()));
                }
                self.enter()?;
                let array = self.array()?;
                self.depth -= 1;
                Ok(Value::Array(array))
            }
            Kind::Struct => {
                if empty {
                    return Ok(Value::Object(Map::new()));
                }
                self.enter()?;
                let members = self.members()?;
                self.depth -= 1;
                Ok(Value::Object(members))
            }
            Kind::Unknown(name) => {
                Err(self.error(format!("unknown XML-RPC type <{}>", snippet(&name))))
            }
            Kind::I4
            | Kind::Int
            | Kind::I8
            | Kind::Boolean
            | Kind::Double
            | Kind::String
            | Kind::DateTime
            | Kind::Base64
            | Kind::Nil => {
                let text = if empty {
                    Cow::Borrowed("")
                } else {
                    self.text_until_end(&kind)?
                };
                self.scalar(&kind, text)
            }
            other => Err(self.error(format!("unexpected <{}> inside <value>", other.label()))),
        }
    }

    fn enter(&mut self) -> Result<()> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(format!(
                "arrays and structs are nested more than {MAX_DEPTH} deep"
            )));
        }
        self.depth += 1;
        Ok(())
    }

    /// Turns the text of a scalar element into its value.
    fn scalar(&self, kind: &Kind, text: Cow<'_, str>) -> Result<Value> {
        let bad = |what: &str| {
            self.error(format!(
                "<{}> holds \"{}\", which is not {what}",
                kind.label(),
                snippet(text.trim())
            ))
        };
        match kind {
            Kind::I4 | Kind::Int | Kind::I8 => text
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| bad("a 64-bit integer")),
            Kind::Boolean => match text.trim() {
                "1" => Ok(Value::Bool(true)),
                "0" => Ok(Value::Bool(false)),
                t if t.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
                t if t.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
                _ => Err(bad("0 or 1")),
            },
            Kind::Double => text
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| bad("a finite number")),
            Kind::String => Ok(Value::String(text.into_owned())),
            Kind::DateTime => Ok(Value::String(text.trim().to_owned())),
            Kind::Base64 => {
                let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
                let bytes = BASE64
                    .decode(compact.as_bytes())
                    .map_err(|_| bad("valid base64"))?;
                Ok(match String::from_utf8(bytes) {
                    Ok(s) => Value::String(s),
                    Err(_) => {
                        let mut tagged = Map::with_capacity(1);
                        tagged.insert(BASE64_TAG.to_owned(), Value::String(compact));
                        Value::Object(tagged)
                    }
                })
            }
            Kind::Nil if is_blank(&text) => Ok(Value::Null),
            _ => Err(bad("empty")),
        }
    }

    /// Reads the inside of `<array>` (whose start is consumed) through `</array>`.
    fn array(&mut self) -> Result<Vec<Value>> {
        let mut items = Vec::new();
        match self.tag(&Kind::Array)? {
            Tag::End(Kind::Array) => return Ok(items),
            Tag::Empty(Kind::Data) => {}
            Tag::Start(Kind::Data) => loop {
                match self.tag(&Kind::Data)? {
                    Tag::Start(Kind::Value) => items.push(self.value()?),
                    Tag::Empty(Kind::Value) => items.push(Value::String(String::new())),
                    Tag::End(Kind::Data) => break,
                    other => return Err(self.unexpected(&other, &Kind::Data)),
                }
            },
            other => return Err(self.unexpected(&other, &Kind::Array)),
        }
        self.end(&Kind::Array)?;
        Ok(items)
    }

    /// Reads the inside of `<struct>` (whose start is consumed) through `</struct>`.
    fn members(&mut self) -> Result<Map<String, Value>> {
        let mut members = Map::new();
        loop {
            match self.tag(&Kind::Struct)? {
                Tag::Start(Kind::Member) => {
                    let (name, value) = self.member()?;
                    members.insert(name, value);
                }
                Tag::End(Kind::Struct) => return Ok(members),
                other => return Err(self.unexpected(&other, &Kind::Struct)),
            }
        }
    }

    /// Reads the inside of `<member>` through `</member>`; `<name>` and `<value>` in either
    /// order.
    fn member(&mut self) -> Result<(String, Value)> {
        let mut name = None;
        let mut value = None;
        loop {
            let tag = self.tag(&Kind::Member)?;
            match tag {
                Tag::Start(Kind::Name) if name.is_none() => {
                    name = Some(self.text_until_end(&Kind::Name)?.into_owned());
                }
                Tag::Empty(Kind::Name) if name.is_none() => name = Some(String::new()),
                Tag::Start(Kind::Value) if value.is_none() => value = Some(self.value()?),
                Tag::Empty(Kind::Value) if value.is_none() => {
                    value = Some(Value::String(String::new()));
                }
                Tag::End(Kind::Member) => break,
                other => return Err(self.unexpected(&other, &Kind::Member)),
            }
        }
        match (name, value) {
            (Some(name), Some(value)) => Ok((name, value)),
            (None, _) => Err(self.error("a struct <member> has no <name>")),
            (Some(name), None) => Err(self.error(format!(
                "the struct member \"{}\" has no <value>",
                snippet(&name)
            ))),
        }
    }

    /// Reads character data up to the closing tag of `kind` (whose start is consumed).
    ///
    /// The text borrows from the body when it arrives in one piece, as it usually does.
    fn text_until_end(&mut self, kind: &Kind) -> Result<Cow<'a, str>> {
        let mut out = Cow::Borrowed("");
        loop {
            match self.event()? {
                Event::Text(t) => append(&mut out, t.xml10_content()),
                Event::CData(c) => append(&mut out, c.xml10_content()),
                Event::GeneralRef(r) => self.push_reference(&r, out.to_mut())?,
                Event::End(_) => return Ok(out),
                Event::Start(e) | Event::Empty(e) => {
                    return Err(self.error(format!(
                        "unexpected <{}> inside <{}>",
                        Kind::of(&e).label(),
                        kind.label()
                    )))
                }
                Event::Eof => return Err(self.unexpected(&Tag::Eof, kind)),
                Event::Decl(_) | Event::DocType(_) | Event::Comment(_) | Event::PI(_) => {
                    return Err(
                        self.error(format!("unexpected declaration inside <{}>", kind.label()))
                    )
                }
            }
        }
    }

    /// Resolves `&name;` or `&#...;` and appends the character.
    fn push_reference(&self, reference: &BytesRef<'_>, out: &mut String) -> Result<()> {
        if reference.is_char_ref() {
            return match reference.resolve_char_ref() {
                Ok(Some(c)) => {
                    out.push(c);
                    Ok(())
                }
                _ => Err(self.error(format!(
                    "invalid character reference &{};",
                    snippet(reference)
                ))),
            };
        }
        let c = match &**reference {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            other => {
                return Err(self.error(format!("unknown entity &{};", snippet(other))));
            }
        };
        out.push(c);
        Ok(())
    }
}

/// Appends `more` to `text`, without copying when `text` is still empty.
fn append<'a>(text: &mut Cow<'a, str>, more: Cow<'a, str>) {
    if text.is_empty() {
        *text = more;
    } else {
        text.to_mut().push_str(&more);
    }
}

/// True when `text` holds only XML whitespace.
fn is_blank(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const MAX: usize = DEFAULT_MAX_RESPONSE_BYTES;

    /// Wraps `value_xml` (the inside of `<value>`) in a methodResponse.
    fn response(value_xml: &str) -> String {
        format!(
            "<?xml version=\"1.0\"?><methodResponse><params><param><value>{value_xml}</value></param></params></methodResponse>"
        )
    }

    fn decode_value(value_xml: &str) -> Value {
        match decode_response(response(value_xml).as_bytes(), MAX) {
            Ok(Ok(v)) => v,
            other => panic!("expected a value for {value_xml:?}, got {other:?}"),
        }
    }

    fn decode_error(body: &[u8]) -> String {
        match decode_response(body, MAX) {
            Err(Error::Protocol(message)) => message,
            other => panic!("expected a protocol error, got {other:?}"),
        }
    }

    fn encode_error(value: &Value) -> String {
        match encode_response(value) {
            Err(Error::InvalidInput {
                field: "value",
                reason,
            }) => reason,
            other => panic!("expected an invalid value error, got {other:?}"),
        }
    }

    /// The encoded `<value>` content of a response for `value`.
    fn encoded(value: &Value) -> String {
        let body = encode_response(value).unwrap();
        let start = "<methodResponse><params><param><value>";
        let end = "</value></param></params></methodResponse>";
        let inner = body.split_once(start).unwrap().1;
        inner.strip_suffix(end).unwrap().to_owned()
    }

    // ---- decoding --------------------------------------------------------------------------

    #[test]
    fn untyped_value_is_a_string_with_its_whitespace() {
        assert_eq!(decode_value("  plain text "), json!("  plain text "));
    }

    #[test]
    fn empty_untyped_value_is_the_empty_string() {
        assert_eq!(decode_value(""), json!(""));
        let body = "<methodResponse><params><param><value/></param></params></methodResponse>";
        assert_eq!(
            decode_response(body.as_bytes(), MAX).unwrap(),
            Ok(json!(""))
        );
    }

    #[test]
    fn whitespace_around_a_typed_value_is_ignored() {
        assert_eq!(decode_value("\n  <int> 42 </int>\n"), json!(42));
    }

    #[test]
    fn whitespace_inside_string_is_preserved() {
        assert_eq!(
            decode_value("<string>\n\t a b \n</string>"),
            json!("\n\t a b \n")
        );
        assert_eq!(decode_value("<string/>"), json!(""));
    }

    #[test]
    fn i4_int_and_i8_are_integers() {
        assert_eq!(decode_value("<i4>-7</i4>"), json!(-7));
        assert_eq!(decode_value("<int>+2147483647</int>"), json!(2147483647));
        assert_eq!(
            decode_value("<i8>-9223372036854775808</i8>"),
            json!(i64::MIN)
        );
        assert_eq!(
            decode_value("<i8>9007199254740993</i8>"),
            json!(9007199254740993_i64)
        );
    }

    #[test]
    fn integer_that_is_not_a_number_is_a_protocol_error() {
        let message = decode_error(response("<int>12a</int>").as_bytes());
        assert!(message.contains("<int> holds \"12a\""), "{message}");
    }

    #[test]
    fn booleans_take_digits_and_words() {
        assert_eq!(decode_value("<boolean>1</boolean>"), json!(true));
        assert_eq!(decode_value("<boolean>0</boolean>"), json!(false));
        assert_eq!(decode_value("<boolean> true </boolean>"), json!(true));
        assert_eq!(decode_value("<boolean>FALSE</boolean>"), json!(false));
        decode_error(response("<boolean>2</boolean>").as_bytes());
    }

    #[test]
    fn doubles_are_floats() {
        assert_eq!(decode_value("<double>-12.214</double>"), json!(-12.214));
        assert_eq!(decode_value("<double>1.5e3</double>"), json!(1500.0));
        assert!(decode_value("<double>3</double>").is_f64());
    }

    #[test]
    fn non_finite_double_is_a_protocol_error() {
        for text in ["NaN", "inf", "-infinity", "1e999", ""] {
            let body = response(&format!("<double>{text}</double>"));
            let message = decode_error(body.as_bytes());
            assert!(message.contains("not a finite number"), "{message}");
        }
    }

    #[test]
    fn nil_and_ex_nil_are_null() {
        assert_eq!(decode_value("<nil/>"), Value::Null);
        assert_eq!(decode_value("<ex:nil/>"), Value::Null);
        assert_eq!(decode_value("<nil></nil>"), Value::Null);
    }

    #[test]
    fn struct_members_whose_value_is_nil_are_kept_as_null() {
        let v = decode_value(
            "<struct><member><name>a</name><value><nil/></value></member>\
             <member><name>b</name><value><ex:nil/></value></member></struct>",
        );
        assert_eq!(v, json!({"a": null, "b": null}));
    }

    #[test]
    fn datetime_is_kept_as_its_text_in_any_spelling() {
        for text in [
            "20260123T10:11:12",
            "2026-01-23T10:11:12",
            "2026-01-23T10:11:12+02:00",
            "2026-01-23T10:11:12Z",
            "20260123T10:11:12.123",
        ] {
            let v = decode_value(&format!("<dateTime.iso8601> {text}\n</dateTime.iso8601>"));
            assert_eq!(v, json!(text));
        }
    }

    #[test]
    fn base64_of_utf8_text_is_a_string() {
        // "José" in UTF-8, split over lines as some servers do.
        assert_eq!(decode_value("<base64>Sm9z\n w6k=</base64>"), json!("José"));
        assert_eq!(decode_value("<base64/>"), json!(""));
    }

    #[test]
    fn binary_base64_is_the_tagged_object_without_whitespace() {
        let v = decode_value("<base64>8MrM\r\n Gg==</base64>");
        assert_eq!(v, json!({"$base64": "8MrMGg=="}));
    }

    #[test]
    fn invalid_base64_is_a_protocol_error() {
        let message = decode_error(response("<base64>not base64!</base64>").as_bytes());
        assert!(message.contains("not valid base64"), "{message}");
    }

    #[test]
    fn arrays_decode_in_order() {
        let v = decode_value(
            "<array><data>\n<value><i4>1</i4></value>\n<value>two</value><value/>\
             <value><array><data/></array></value><value><array></array></value></data></array>",
        );
        assert_eq!(v, json!([1, "two", "", [], []]));
    }

    #[test]
    fn struct_member_order_is_preserved() {
        let v = decode_value(
            "<struct><member><name>zeta</name><value>1</value></member>\
             <member><name>alpha</name><value>2</value></member>\
             <member><value>3</value><name>mid</name></member></struct>",
        );
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["zeta", "alpha", "mid"]);
    }

    #[test]
    fn duplicate_member_names_keep_the_last_value() {
        let v = decode_value(
            "<struct><member><name>a</name><value>first</value></member>\
             <member><name>a</name><value>last</value></member></struct>",
        );
        assert_eq!(v, json!({"a": "last"}));
    }

    #[test]
    fn entity_and_character_references_are_resolved() {
        let v = decode_value("<string>Jos&#233; &lt;x&gt; &amp; &quot;co&apos; &#x41;</string>");
        assert_eq!(v, json!("José <x> & \"co' A"));
        assert_eq!(decode_value("a&amp;b"), json!("a&b"));
        let v =
            decode_value("<struct><member><name>a&amp;b</name><value>1</value></member></struct>");
        assert_eq!(v, json!({"a&b": "1"}));
    }

    #[test]
    fn carriage_return_reference_survives_but_raw_crlf_is_normalised() {
        assert_eq!(
            decode_value("<string>a&#13;\nb\r\nc</string>"),
            json!("a\r\nb\nc")
        );
    }

    #[test]
    fn unknown_entity_is_a_protocol_error() {
        let message = decode_error(response("<string>&nbsp;</string>").as_bytes());
        assert!(message.contains("unknown entity &nbsp;"), "{message}");
    }

    #[test]
    fn cdata_is_kept_verbatim() {
        assert_eq!(
            decode_value("<string>a<![CDATA[<b>&amp;</b>]]>c</string>"),
            json!("a<b>&amp;</b>c")
        );
    }

    #[test]
    fn comments_are_ignored() {
        assert_eq!(
            decode_value("<!-- c --><string>a<!-- c -->b</string>"),
            json!("ab")
        );
    }

    #[test]
    fn iso_8859_1_body_is_decoded_as_latin1() {
        let mut body = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n".to_vec();
        body.extend_from_slice(b"<methodResponse><params><param><value><string>Jos\xE9</string>");
        body.extend_from_slice(b"</value></param></params></methodResponse>");
        assert_eq!(decode_response(&body, MAX).unwrap(), Ok(json!("José")));

        let latin1 = b"<?xml version='1.0' encoding = 'latin1' ?><methodResponse><params>\
            <param><value>\xC0 bient\xF4t</value></param></params></methodResponse>";
        assert_eq!(
            decode_response(latin1, MAX).unwrap(),
            Ok(json!("À bientôt"))
        );
    }

    #[test]
    fn utf8_body_with_bom_and_no_declaration_is_utf8() {
        let body = "\u{FEFF}<methodResponse><params><param><value>José ✓</value></param></params></methodResponse>";
        assert_eq!(
            decode_response(body.as_bytes(), MAX).unwrap(),
            Ok(json!("José ✓"))
        );
    }

    #[test]
    fn invalid_utf8_is_a_protocol_error() {
        let body = b"<methodResponse><params><param><value>Jos\xE9</value></param></params></methodResponse>";
        let message = decode_error(body);
        assert!(message.contains("not valid UTF-8"), "{message}");
    }

    #[test]
    fn fault_with_int_code_is_a_fault() {
        let body = "<?xml version=\"1.0\"?><methodResponse><fault><value><struct>\
            <member><name>faultCode</name><value><int>4</int></value></member>\
            <member><name>faultString</name><value><string>Too many &lt;params&gt;</string></value></member>\
            </struct></value></fault></methodResponse>";
        assert_eq!(
            decode_response(body.as_bytes(), MAX).unwrap(),
            Err(Fault {
                code: 4,
                message: "Too many <params>".into()
            })
        );
    }

    #[test]
    fn fault_with_string_code_is_a_fault() {
        let body = "<methodResponse><fault><value><struct>\
            <member><name>faultString</name><value>denied</value></member>\
            <member><name>faultCode</name><value><string> -32601 </string></value></member>\
            </struct></value></fault></methodResponse>";
        assert_eq!(
            decode_response(body.as_bytes(), MAX).unwrap(),
            Err(Fault {
                code: -32601,
                message: "denied".into()
            })
        );
    }

    #[test]
    fn fault_without_numeric_code_is_a_protocol_error() {
        let body = "<methodResponse><fault><value><struct>\
            <member><name>faultCode</name><value>oops</value></member>\
            </struct></value></fault></methodResponse>";
        let message = decode_error(body.as_bytes());
        assert!(message.contains("faultCode"), "{message}");
    }

    #[test]
    fn response_with_no_param_is_a_protocol_error() {
        for body in [
            "<methodResponse><params></params></methodResponse>",
            "<methodResponse><params/></methodResponse>",
            "<methodResponse></methodResponse>",
        ] {
            let message = decode_error(body.as_bytes());
            assert!(message.contains("no param"), "{body}: {message}");
        }
    }

    #[test]
    fn param_without_value_is_a_protocol_error() {
        let body = "<methodResponse><params><param></param></params></methodResponse>";
        let message = decode_error(body.as_bytes());
        assert!(
            message.starts_with("a <param> holds no <value>"),
            "{message}"
        );
    }

    #[test]
    fn response_with_two_params_is_a_protocol_error() {
        let body = "<methodResponse><params><param><value>a</value></param>\
            <param><value>b</value></param></params></methodResponse>";
        let message = decode_error(body.as_bytes());
        assert!(message.contains("more than one param"), "{message}");
    }

    #[test]
    fn body_over_the_limit_is_refused_before_parsing() {
        let body = response("<string>0123456789</string>");
        let err = decode_response(body.as_bytes(), body.len() - 1).unwrap_err();
        assert_eq!(
            err,
            Error::Protocol(format!(
                "the body is {} bytes, over the limit of {} bytes",
                body.len(),
                body.len() - 1
            ))
        );
        assert!(decode_response(body.as_bytes(), body.len()).is_ok());
        // Garbage over the limit is still reported as a size problem.
        let message = decode_error(&vec![0xFF; MAX + 1]);
        assert!(message.contains("over the limit"), "{message}");
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_a_protocol_error() {
        let nested = |depth: usize| {
            let mut xml = String::new();
            for _ in 0..depth {
                xml.push_str("<array><data><value>");
            }
            xml.push_str("<i4>1</i4>");
            for _ in 0..depth {
                xml.push_str("</value></data></array>");
            }
            response(&xml)
        };
        let ok = decode_response(nested(MAX_DEPTH).as_bytes(), MAX)
            .unwrap()
            .unwrap();
        let mut inner = &ok;
        for _ in 0..MAX_DEPTH {
            inner = &inner[0];
        }
        assert_eq!(inner, &json!(1));
        let message = decode_error(nested(MAX_DEPTH + 1).as_bytes());
        assert!(message.contains("nested more than 64 deep"), "{message}");
    }

    #[test]
    fn depth_bomb_is_refused_without_exhausting_the_stack() {
        let mut xml = String::new();
        for _ in 0..100_000 {
            xml.push_str("<struct><member><name>a</name><value>");
        }
        let message = decode_error(response(&xml).as_bytes());
        assert!(message.contains("nested more than"), "{message}");
    }

    #[test]
    fn html_body_is_a_short_readable_protocol_error() {
        let page = format!(
            "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
            "x".repeat(5000)
        );
        let message = decode_error(page.as_bytes());
        assert!(
            message.starts_with("expected <methodResponse>, found <html>"),
            "{message}"
        );
        assert!(message.contains("502 Bad Gateway"), "{message}");
        assert!(message.len() < 300, "{} chars: {message}", message.len());
    }

    #[test]
    fn plain_text_body_is_a_protocol_error() {
        let message = decode_error(b"Internal Server Error\n");
        assert!(message.contains("not XML-RPC"), "{message}");
        assert!(message.contains("Internal Server Error"), "{message}");
    }

    #[test]
    fn empty_body_is_a_protocol_error() {
        assert_eq!(decode_error(b""), "the body is empty");
        assert_eq!(decode_error(b" \r\n"), "the body is empty");
    }

    #[test]
    fn truncated_body_is_a_protocol_error() {
        let full = response(
            "<struct><member><name>a</name><value><string>abc</string></value></member></struct>",
        );
        for cut in [40, 60, 75, 90, full.len() - 20, full.len() - 1] {
            let message = decode_error(&full.as_bytes()[..cut]);
            assert!(!message.is_empty());
        }
        let message = decode_error(&full.as_bytes()[..full.len() - 17]);
        assert!(message.contains("truncated"), "{message}");
    }

    #[test]
    fn unknown_type_tag_is_named_in_the_error() {
        let message = decode_error(response("<ex:dom>x</ex:dom>").as_bytes());
        assert!(
            message.contains("unknown XML-RPC type <ex:dom>"),
            "{message}"
        );
    }

    #[test]
    fn mixed_text_and_type_is_a_protocol_error() {
        let message = decode_error(response("oops<int>1</int>").as_bytes());
        assert!(message.contains("mixes the text"), "{message}");
    }

    #[test]
    fn content_after_the_document_is_a_protocol_error() {
        let body = format!("{}<extra/>", response("a"));
        let message = decode_error(body.as_bytes());
        assert!(message.contains("after the end"), "{message}");
    }

    // ---- encoding --------------------------------------------------------------------------

    #[test]
    fn response_has_prolog_and_no_pretty_printing() {
        assert_eq!(
            encode_response(&json!(true)).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><methodResponse><params><param>\
             <value><boolean>1</boolean></value></param></params></methodResponse>"
        );
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
        let body = encode_response(&json!("a\r\nb\rc")).unwrap();
        assert_eq!(
            decode_response(body.as_bytes(), MAX).unwrap(),
            Ok(json!("a\r\nb\rc"))
        );
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
            let body = encode_response(&json!(f)).unwrap();
            let back = decode_response(body.as_bytes(), MAX).unwrap().unwrap();
            assert_eq!(back.as_f64(), Some(f));
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
        let body = encode_response(&v).unwrap();
        assert_eq!(decode_response(body.as_bytes(), MAX).unwrap(), Ok(v));
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
        assert!(encode_response(&v).is_ok());
        let reason = encode_error(&json!([v]));
        assert!(reason.contains("nested more than 64 deep"), "{reason}");
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
