//! The text of scalar elements: character data and references, and the value each scalar
//! type makes of its text.

use std::borrow::Cow;

use super::build::Build;
use super::decode::Decoder;
use super::kind::{Kind, Tag};
use super::lexer::{normalise_line_ends, unescape, BadReference, Event};
use super::text::snippet;
use super::value::BASE64;
use crate::Result;
use base64::Engine as _;

impl<'a> Decoder<'a> {
    /// Turns the text of a scalar element into its value.
    pub(super) fn scalar<B: Build>(
        &self,
        kind: &Kind,
        text: Cow<'_, str>,
        b: &mut B,
    ) -> Result<B::Value> {
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
                .map(|n| b.int(n))
                .map_err(|_| bad("a 64-bit integer")),
            Kind::Boolean => match text.trim() {
                "1" => Ok(b.boolean(true)),
                "0" => Ok(b.boolean(false)),
                t if t.eq_ignore_ascii_case("true") => Ok(b.boolean(true)),
                t if t.eq_ignore_ascii_case("false") => Ok(b.boolean(false)),
                _ => Err(bad("0 or 1")),
            },
            Kind::Double => match text.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => Ok(b.double(n)),
                _ => Err(bad("a finite number")),
            },
            Kind::String => Ok(b.string(text)),
            Kind::DateTime => Ok(b.string(Cow::Borrowed(text.trim()))),
            Kind::Base64 => {
                let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
                let bytes = BASE64
                    .decode(compact.as_bytes())
                    .map_err(|_| bad("valid base64"))?;
                Ok(match String::from_utf8(bytes) {
                    Ok(s) => b.string(Cow::Owned(s)),
                    Err(_) => b.binary(compact),
                })
            }
            Kind::Nil if is_blank(&text) => Ok(b.null()),
            _ => Err(bad("empty")),
        }
    }

    /// Reads character data up to the closing tag of `kind` (whose start is consumed).
    ///
    /// The text borrows from the body when it arrives in one piece, as it usually does.
    pub(super) fn text_until_end(&mut self, kind: &Kind) -> Result<Cow<'a, str>> {
        if let Some(text) = self.lexer.plain_text_then_close() {
            return Ok(Cow::Borrowed(text));
        }
        let mut out = Cow::Borrowed("");
        loop {
            match self.event()? {
                Event::Text(t) => append(&mut out, self.unescape(t)?),
                Event::CData(c) => append(&mut out, normalise_line_ends(c)),
                // The lexer matched it with the start tag.
                Event::End(_) => return Ok(out),
                Event::Start(name) | Event::Empty(name) => {
                    return Err(self.error(format!(
                        "unexpected <{}> inside <{}>",
                        Kind::from_name(name).label(),
                        kind.label()
                    )))
                }
                Event::Eof => return Err(self.unexpected(&Tag::Eof, kind)),
                Event::Decl | Event::DocType => {
                    return Err(
                        self.error(format!("unexpected declaration inside <{}>", kind.label()))
                    )
                }
            }
        }
    }

    /// Character data with its references resolved and line ends normalised.
    pub(super) fn unescape(&self, raw: &'a str) -> Result<Cow<'a, str>> {
        unescape(raw).map_err(|bad| match bad {
            BadReference::Unclosed => self.error("not well-formed XML: an '&' starts no reference"),
            BadReference::Character(inside) => self.error(format!(
                "invalid character reference &{};",
                snippet(&inside)
            )),
            BadReference::Entity(name) => {
                self.error(format!("unknown entity &{};", snippet(&name)))
            }
        })
    }
}

/// Appends `more` to `text`, without copying when `text` is still empty.
pub(super) fn append<'a>(text: &mut Cow<'a, str>, more: Cow<'a, str>) {
    if text.is_empty() {
        *text = more;
    } else {
        text.to_mut().push_str(&more);
    }
}

/// True when `text` holds only XML whitespace.
pub(super) fn is_blank(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}
#[cfg(test)]
mod tests {
    use crate::xmlrpc::testing::{decode_error, decode_value, response};
    use serde_json::{json, Value};

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
}
