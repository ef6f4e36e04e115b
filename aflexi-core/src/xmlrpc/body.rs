//! A body before parsing: within its size limit, not empty, and as UTF-8 text.

use std::borrow::Cow;

use super::text::{snippet, SNIPPET_CHARS};
use crate::{Error, Result};

/// Checks the size and turns the body into UTF-8 text, converting from Latin-1 when the XML
/// declaration says so. A UTF-8 byte order mark is dropped.
pub(super) fn body_text(body: &[u8], max_bytes: usize) -> Result<Cow<'_, str>> {
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
#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmlrpc::decode_response;
    use crate::xmlrpc::testing::{decode_error, response, MAX};
    use serde_json::json;

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
    fn empty_body_is_a_protocol_error() {
        assert_eq!(decode_error(b""), "the body is empty");
        assert_eq!(decode_error(b" \r\n"), "the body is empty");
    }
}
