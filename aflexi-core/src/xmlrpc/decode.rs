//! The lenient reader: a `methodResponse` into its value or fault.

use std::borrow::Cow;

use serde_json::Value;

use super::body::body_text;
use super::build::{Build, Json};
use super::kind::{Kind, Tag};
use super::lexer::{normalise_line_ends, Event, Lexer};
use super::scalar::{append, is_blank};
use super::text::snippet;
use super::value::Fault;
use super::MAX_DEPTH;
use crate::{Error, Result};

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
    decode_response_into(body, max_bytes, &mut Json)
}

/// [`decode_response`] into the values of another representation: the same rules, errors and
/// limits, with the value made by `builder` (the PHP extension builds PHP values with it).
/// A fault is read as JSON whatever the builder.
pub fn decode_response_into<B: Build>(
    body: &[u8],
    max_bytes: usize,
    builder: &mut B,
) -> Result<std::result::Result<B::Value, Fault>> {
    let text = body_text(body, max_bytes)?;
    let mut decoder = Decoder::new(&text);
    let outcome = decoder.method_response(builder)?;
    decoder.finish()?;
    Ok(outcome)
}

/// A pull parser from the lexer's tokens straight to the values of a [`Build`].
pub(super) struct Decoder<'a> {
    pub(super) lexer: Lexer<'a>,
    text: &'a str,
    /// The number of arrays and structs currently open.
    depth: usize,
}

impl<'a> Decoder<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Decoder {
            lexer: Lexer::new(text),
            text,
            depth: 0,
        }
    }

    pub(super) fn error(&self, message: impl std::fmt::Display) -> Error {
        Error::Protocol(format!("{message} (at byte {})", self.lexer.position()))
    }

    pub(super) fn unexpected(&self, tag: &Tag, inside: &Kind) -> Error {
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

    /// The next token (comments and processing instructions are skipped by the lexer).
    #[inline]
    pub(super) fn event(&mut self) -> Result<Event<'a>> {
        self.lexer.next().map_err(|malformed| {
            Error::Protocol(format!(
                "not well-formed XML at byte {}: {}",
                malformed.at, malformed.message
            ))
        })
    }

    /// The next element boundary inside element-only content (whitespace is skipped).
    pub(super) fn tag(&mut self, inside: &Kind) -> Result<Tag> {
        loop {
            let event = self.event()?;
            if let Some(tag) = self.tag_of(event, inside)? {
                return Ok(tag);
            }
        }
    }

    /// What `event` is in element-only content: a tag, `None` for whitespace, or an error.
    #[inline]
    fn tag_of(&self, event: Event<'a>, inside: &Kind) -> Result<Option<Tag>> {
        Ok(Some(match event {
            Event::Start(name) => Tag::Start(Kind::from_name(name)),
            Event::Empty(name) => Tag::Empty(Kind::from_name(name)),
            Event::End(name) => Tag::End(Kind::from_name(name)),
            Event::Eof => Tag::Eof,
            Event::Text(t) | Event::CData(t) if is_blank(t) => return Ok(None),
            Event::Text(t) => {
                return Err(self.error(format!(
                    "unexpected text \"{}\" inside <{}>",
                    snippet(t),
                    inside.label()
                )))
            }
            Event::CData(_) => {
                return Err(self.error(format!("unexpected text inside <{}>", inside.label())))
            }
            Event::Decl | Event::DocType => {
                return Err(self.error(format!(
                    "unexpected declaration inside <{}>",
                    inside.label()
                )))
            }
        }))
    }

    /// Consumes the closing tag of `kind`, allowing only whitespace before it. `kind` is the
    /// innermost element open, so any end tag is its own: the lexer matched it.
    pub(super) fn end(&mut self, kind: &Kind) -> Result<()> {
        if self.lexer.close_now() {
            return Ok(());
        }
        loop {
            let event = self.event()?;
            if let Event::End(_) = event {
                return Ok(());
            }
            if let Some(other) = self.tag_of(event, kind)? {
                return Err(self.unexpected(&other, kind));
            }
        }
    }

    /// Reads the root element's start tag, skipping the prolog.
    pub(super) fn root(&mut self, expected: &Kind) -> Result<()> {
        loop {
            let event = self.event()?;
            let found = match event {
                Event::Decl | Event::DocType => continue,
                Event::Text(t) if is_blank(t) => continue,
                Event::Start(name) => Kind::from_name(name),
                Event::Empty(name) => {
                    let kind = Kind::from_name(name);
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
    pub(super) fn finish(&mut self) -> Result<()> {
        loop {
            match self.event()? {
                Event::Eof => return Ok(()),
                Event::Text(t) if is_blank(t) => continue,
                _ => return Err(self.error("unexpected content after the end of the document")),
            }
        }
    }

    fn method_response<B: Build>(
        &mut self,
        b: &mut B,
    ) -> Result<std::result::Result<B::Value, Fault>> {
        let root = Kind::MethodResponse;
        self.root(&root)?;
        let outcome = match self.tag(&root)? {
            Tag::Start(Kind::Params) => Ok(self.response_params(b)?),
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
    fn response_params<B: Build>(&mut self, b: &mut B) -> Result<B::Value> {
        let mut result = None;
        loop {
            match self.tag(&Kind::Params)? {
                Tag::Start(Kind::Param) => {
                    let value = self.param(b)?;
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
    pub(super) fn param<B: Build>(&mut self, b: &mut B) -> Result<B::Value> {
        let value = match self.tag(&Kind::Param)? {
            Tag::Start(Kind::Value) => self.value(b)?,
            Tag::Empty(Kind::Value) => b.string(Cow::Borrowed("")),
            Tag::End(Kind::Param) => return Err(self.error("a <param> holds no <value>")),
            other => return Err(self.unexpected(&other, &Kind::Param)),
        };
        self.end(&Kind::Param)?;
        Ok(value)
    }

    /// Reads the inside of `<fault>` through `</fault>`.
    fn fault(&mut self) -> Result<Fault> {
        let value = match self.tag(&Kind::Fault)? {
            Tag::Start(Kind::Value) => self.value(&mut Json)?,
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

    /// Reads the inside of `<value>` (whose start is consumed) through `</value>`.
    fn value<B: Build>(&mut self, b: &mut B) -> Result<B::Value> {
        // Text before a type tag must be whitespace; text alone is an untyped string.
        let mut text: Cow<'a, str> = Cow::Borrowed("");
        let (kind, empty) = loop {
            match self.event()? {
                Event::Text(t) => append(&mut text, self.unescape(t)?),
                Event::CData(c) => append(&mut text, normalise_line_ends(c)),
                // The lexer matched it with <value>.
                Event::End(_) => return Ok(b.string(text)),
                Event::Start(name) => break (Kind::from_name(name), false),
                Event::Empty(name) => break (Kind::from_name(name), true),
                Event::Eof => return Err(self.unexpected(&Tag::Eof, &Kind::Value)),
                Event::Decl | Event::DocType => {
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
        let value = self.typed(kind, empty, b)?;
        self.end(&Kind::Value)?;
        Ok(value)
    }

    /// Reads a typed value whose start tag (or empty tag, if `empty`) is consumed.
    fn typed<B: Build>(&mut self, kind: Kind, empty: bool, b: &mut B) -> Result<B::Value> {
        match kind {
            Kind::Array => {
                let list = b.list();
                if empty {
                    return Ok(b.end_list(list));
                }
                self.enter()?;
                let list = self.array(list, b)?;
                self.depth -= 1;
                Ok(b.end_list(list))
            }
            Kind::Struct => {
                let members = b.members();
                if empty {
                    return Ok(b.end_members(members));
                }
                self.enter()?;
                let members = self.members(members, b)?;
                self.depth -= 1;
                Ok(b.end_members(members))
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
                self.scalar(&kind, text, b)
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

    /// Reads the inside of `<array>` (whose start is consumed) through `</array>`.
    fn array<B: Build>(&mut self, mut items: B::List, b: &mut B) -> Result<B::List> {
        match self.tag(&Kind::Array)? {
            Tag::End(Kind::Array) => return Ok(items),
            Tag::Empty(Kind::Data) => {}
            Tag::Start(Kind::Data) => loop {
                match self.tag(&Kind::Data)? {
                    Tag::Start(Kind::Value) => {
                        let item = self.value(b)?;
                        b.push(&mut items, item);
                    }
                    Tag::Empty(Kind::Value) => {
                        let item = b.string(Cow::Borrowed(""));
                        b.push(&mut items, item);
                    }
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
    fn members<B: Build>(&mut self, mut members: B::Members, b: &mut B) -> Result<B::Members> {
        loop {
            match self.tag(&Kind::Struct)? {
                Tag::Start(Kind::Member) => {
                    let (name, value) = self.member(b)?;
                    b.insert(&mut members, name, value);
                }
                Tag::End(Kind::Struct) => return Ok(members),
                other => return Err(self.unexpected(&other, &Kind::Struct)),
            }
        }
    }

    /// Reads the inside of `<member>` through `</member>`; `<name>` and `<value>` in either
    /// order.
    fn member<B: Build>(&mut self, b: &mut B) -> Result<(Cow<'a, str>, B::Value)> {
        let mut name = None;
        let mut value = None;
        loop {
            let tag = self.tag(&Kind::Member)?;
            match tag {
                Tag::Start(Kind::Name) if name.is_none() => {
                    name = Some(self.text_until_end(&Kind::Name)?);
                }
                Tag::Empty(Kind::Name) if name.is_none() => name = Some(Cow::Borrowed("")),
                Tag::Start(Kind::Value) if value.is_none() => value = Some(self.value(b)?),
                Tag::Empty(Kind::Value) if value.is_none() => {
                    value = Some(b.string(Cow::Borrowed("")));
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
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmlrpc::testing::{decode_error, decode_value, response, MAX};
    use serde_json::json;

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
    fn struct_members_whose_value_is_nil_are_kept_as_null() {
        let v = decode_value(
            "<struct><member><name>a</name><value><nil/></value></member>\
             <member><name>b</name><value><ex:nil/></value></member></struct>",
        );
        assert_eq!(v, json!({"a": null, "b": null}));
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
    fn comments_are_ignored() {
        assert_eq!(
            decode_value("<!-- c --><string>a<!-- c -->b</string>"),
            json!("ab")
        );
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
}
