//! The XML the decoder reads, cut into tokens: the part of XML 1.0 an XML-RPC body uses.
//!
//! Elements, character data, references, CDATA sections, comments, processing instructions,
//! the XML declaration and a DOCTYPE (skipped). Attributes are skipped (XML-RPC has none; a
//! quoted `>` inside one does not end the tag). The lexer checks what makes a document
//! well-formed for a reader: every tag closed, end tags matching their start tags, references
//! known. What an element may contain is the decoder's business.
//!
//! Our own rather than a general XML library because it is the decoder's hot path: a month of
//! daily usage is about 2 MB per answer, and reading only this subset is about three times as
//! fast as the general reader it replaced (docs/BENCHMARKS.md, "Concurrent usage queries").

use std::borrow::Cow;

use super::text::snippet;

/// A token of the body. Names and text borrow from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Event<'a> {
    /// `<name ...>`.
    Start(&'a str),
    /// `<name .../>`.
    Empty(&'a str),
    /// `</name>`, already matched with its start tag.
    End(&'a str),
    /// Character data as written: references unresolved, line ends not normalised
    /// (see [`unescape`]). It may hold `<` nowhere and `&` only as references.
    Text(&'a str),
    /// The inside of `<![CDATA[...]]>`, as written.
    CData(&'a str),
    /// `<?xml ...?>`.
    Decl,
    /// `<!DOCTYPE ...>`.
    DocType,
    /// The end of the body.
    Eof,
}

/// Where and why the body is not well-formed XML.
#[derive(Debug)]
pub(super) struct Malformed {
    pub(super) at: usize,
    pub(super) message: String,
}

pub(super) struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    /// Where the last token started: what an error of the decoder points at.
    token: usize,
    /// The names of the elements open, innermost last.
    open: Vec<&'a str>,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Lexer {
            text,
            pos: 0,
            token: 0,
            open: Vec::with_capacity(16),
        }
    }

    /// Where the last token started, in bytes from the start of the text.
    pub(super) fn position(&self) -> usize {
        self.token
    }

    /// The next token; comments and processing instructions other than the declaration are
    /// skipped.
    #[inline]
    pub(super) fn next(&mut self) -> Result<Event<'a>, Box<Malformed>> {
        loop {
            let start = self.pos;
            self.token = start;
            let bytes = self.text.as_bytes();
            match (bytes.get(start), bytes.get(start + 1)) {
                (None, _) => return Ok(Event::Eof),
                (Some(b'<'), Some(b'/')) => return self.end_tag(start),
                (Some(b'<'), Some(b'?' | b'!')) => {
                    if let Some(event) = self.markup(start)? {
                        return Ok(event);
                    }
                }
                (Some(b'<'), _) => return self.start_tag(start),
                (Some(_), _) => {
                    let end = find_byte(b'<', bytes, start).unwrap_or(bytes.len());
                    self.pos = end;
                    return Ok(Event::Text(&self.text[start..end]));
                }
            }
        }
    }

    /// The usual end of a scalar element, taken in one step: character data without
    /// references or CRs (maybe none), then exactly the end tag of the innermost open element.
    /// Returns the text and consumes both; otherwise consumes nothing (the caller reads tokens).
    #[inline]
    pub(super) fn plain_text_then_close(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let lt = find_byte(b'<', bytes, self.pos)?;
        let text = &self.text[self.pos..lt];
        if !is_plain(text) || !self.closes_innermost(lt) {
            return None;
        }
        Some(text)
    }

    /// When the body goes on with exactly the end tag of the innermost open element, consumes
    /// it; otherwise consumes nothing.
    #[inline]
    pub(super) fn close_now(&mut self) -> bool {
        self.closes_innermost(self.pos)
    }

    /// Consumes `</name>` at `at` when `name` is the innermost open element's.
    #[inline]
    fn closes_innermost(&mut self, at: usize) -> bool {
        let Some(open) = self.open.last() else {
            return false;
        };
        let bytes = self.text.as_bytes();
        let name_end = at + 2 + open.len();
        let closes = bytes.get(at..at + 2) == Some(b"</")
            && bytes.get(at + 2..name_end) == Some(open.as_bytes())
            && bytes.get(name_end) == Some(&b'>');
        if closes {
            self.open.pop();
            self.token = at;
            self.pos = name_end + 1;
        }
        closes
    }

    /// `<?...?>` and `<!...>`: the declaration, a CDATA section or a DOCTYPE, or `None` for a
    /// comment or processing instruction (skipped).
    fn markup(&mut self, start: usize) -> Result<Option<Event<'a>>, Box<Malformed>> {
        let rest = &self.text.as_bytes()[start + 1..];
        if rest.starts_with(b"?") {
            let end = self.find(start + 2, "?>", "a processing instruction")?;
            self.pos = end + 2;
            let target = self.text[start + 2..end].split(is_space).next();
            return Ok((target == Some("xml")).then_some(Event::Decl));
        }
        if rest.starts_with(b"!--") {
            self.pos = self.find(start + 4, "-->", "a comment")? + 3;
            return Ok(None);
        }
        if rest.starts_with(b"![CDATA[") {
            let inside = start + 9;
            let end = self.find(inside, "]]>", "a CDATA section")?;
            self.pos = end + 3;
            return Ok(Some(Event::CData(&self.text[inside..end])));
        }
        if rest.starts_with(b"!DOCTYPE") {
            self.pos = self.doctype_end(start)?;
            return Ok(Some(Event::DocType));
        }
        Err(self.malformed(start, "unknown markup \"<!\""))
    }

    #[inline]
    fn start_tag(&mut self, start: usize) -> Result<Event<'a>, Box<Malformed>> {
        let bytes = self.text.as_bytes();
        let name_start = start + 1;
        let mut name_end = name_start;
        let mut valid = true;
        while let Some(&b) = bytes.get(name_end) {
            match NAME_BYTES[usize::from(b)] {
                NAME => {}
                INVALID => valid = false,
                _ => break,
            }
            name_end += 1;
        }
        let name = &self.text[name_start..name_end];
        if name.is_empty() || !valid {
            return Err(self.malformed(start, "a tag without a valid name"));
        }
        if bytes.get(name_end) == Some(&b'>') {
            self.pos = name_end + 1;
            self.open.push(name);
            return Ok(Event::Start(name));
        }
        self.attributes(start, name, name_end)
    }

    /// The rest of a start tag after its name: attributes skipped up to the `>` that is not
    /// inside quotes.
    fn attributes(
        &mut self,
        start: usize,
        name: &'a str,
        from: usize,
    ) -> Result<Event<'a>, Box<Malformed>> {
        let bytes = self.text.as_bytes();
        let unclosed = || format!("the tag <{}> is not closed", snippet(name));
        let mut at = from;
        let mut quote = None;
        loop {
            let Some(&b) = bytes.get(at) else {
                return Err(self.malformed(start, unclosed()));
            };
            match (quote, b) {
                (Some(q), b) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b'>') => break,
                (None, b'<') => return Err(self.malformed(start, unclosed())),
                (None, _) => {}
            }
            at += 1;
        }
        self.pos = at + 1;
        if at > from && bytes[at - 1] == b'/' {
            return Ok(Event::Empty(name));
        }
        self.open.push(name);
        Ok(Event::Start(name))
    }

    #[inline]
    fn end_tag(&mut self, start: usize) -> Result<Event<'a>, Box<Malformed>> {
        let Some(close) = find_byte(b'>', self.text.as_bytes(), start + 2) else {
            return Err(self.malformed(start, "an end tag is not closed"));
        };
        self.pos = close + 1;
        let name = self.text[start + 2..close].trim_end_matches(is_space);
        match self.open.pop() {
            Some(open) if open == name => Ok(Event::End(name)),
            Some(open) => Err(self.malformed(
                start,
                format!("</{}> closes <{}>", snippet(name), snippet(open)),
            )),
            None => Err(self.malformed(start, format!("</{}> closes no element", snippet(name)))),
        }
    }

    /// Past `<!DOCTYPE ...>`, an internal subset in brackets included.
    fn doctype_end(&self, start: usize) -> Result<usize, Box<Malformed>> {
        let bytes = self.text.as_bytes();
        let mut brackets = 0usize;
        let mut quote = None;
        for (i, &b) in bytes.iter().enumerate().skip(start + 9) {
            match (quote, b) {
                (Some(q), b) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b'[') => brackets += 1,
                (None, b']') => brackets = brackets.saturating_sub(1),
                (None, b'>') if brackets == 0 => return Ok(i + 1),
                (None, _) => {}
            }
        }
        Err(self.malformed(start, "the DOCTYPE is not closed"))
    }

    /// Where `needle` next starts at or after `from`.
    fn find(&self, from: usize, needle: &str, what: &str) -> Result<usize, Box<Malformed>> {
        let rest = self.text.as_bytes().get(from..).unwrap_or_default();
        let found = match needle.as_bytes() {
            [byte] => memchr::memchr(*byte, rest),
            bytes => memchr::memmem::find(rest, bytes),
        };
        found
            .map(|i| from + i)
            .ok_or_else(|| self.malformed(self.token, format!("{what} is not closed")))
    }

    #[cold]
    fn malformed(&self, at: usize, message: impl Into<String>) -> Box<Malformed> {
        Box::new(Malformed {
            at,
            message: message.into(),
        })
    }
}

/// Where `byte` next is in `bytes` at or after `from`. Most runs here are a short name or
/// number: a plain loop over the first bytes, SIMD search past them.
#[inline]
fn find_byte(byte: u8, bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    let near = rest.len().min(SHORT);
    if let Some(i) = rest[..near].iter().position(|&b| b == byte) {
        return Some(from + i);
    }
    memchr::memchr(byte, &rest[near..]).map(|i| from + near + i)
}

/// How far the plain loops look before handing over to SIMD search.
const SHORT: usize = 24;

/// What a byte is to a tag name: part of it, the end of it (space, `/`, `>`), or a byte no
/// name holds (`<`, `&`, quotes, `=`). Non-ASCII bytes are name bytes.
const NAME: u8 = 0;
const NAME_END: u8 = 1;
const INVALID: u8 = 2;
const NAME_BYTES: [u8; 256] = {
    let mut table = [NAME; 256];
    let mut ends: &[u8] = b" \t\n\r/>";
    while let [b, rest @ ..] = ends {
        table[*b as usize] = NAME_END;
        ends = rest;
    }
    let mut invalid: &[u8] = b"<&\"'=";
    while let [b, rest @ ..] = invalid {
        table[*b as usize] = INVALID;
        invalid = rest;
    }
    table
};

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Why a reference cannot be resolved, for the decoder's message.
#[derive(Debug, PartialEq)]
pub(super) enum BadReference {
    /// `&` with no `;` after it.
    Unclosed,
    /// `&#...;` that is not a character XML can hold, with the reference's inside.
    Character(String),
    /// `&name;` other than XML's five, with the name.
    Entity(String),
}

/// Character data with its references resolved and its line ends normalised (XML 1.0 §2.11:
/// CR LF and a lone CR read as LF; a CR written as `&#13;` stays). Borrowed when there is
/// neither, as there usually is not.
pub(super) fn unescape(raw: &str) -> Result<Cow<'_, str>, BadReference> {
    if is_plain(raw) {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = memchr::memchr2(b'&', b'\r', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        if rest.as_bytes()[at] == b'\r' {
            out.push('\n');
            rest = &rest[at + 1..];
            rest = rest.strip_prefix('\n').unwrap_or(rest);
            continue;
        }
        let after = &rest[at + 1..];
        let end = after.find(';').ok_or(BadReference::Unclosed)?;
        out.push(reference(&after[..end])?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

/// True when character data is its own text: no reference, no CR.
#[inline]
fn is_plain(raw: &str) -> bool {
    if raw.len() <= SHORT {
        !raw.bytes().any(|b| b == b'&' || b == b'\r')
    } else {
        memchr::memchr2(b'&', b'\r', raw.as_bytes()).is_none()
    }
}

/// The line ends of a CDATA section normalised; borrowed when it has no CR.
pub(super) fn normalise_line_ends(raw: &str) -> Cow<'_, str> {
    if memchr::memchr(b'\r', raw.as_bytes()).is_none() {
        return Cow::Borrowed(raw);
    }
    Cow::Owned(raw.replace("\r\n", "\n").replace('\r', "\n"))
}

/// The character of the inside of a reference (`amp`, `#233`, `#xE9`). Any character but
/// NUL is taken from a character reference, as lenient readers do.
fn reference(name: &str) -> Result<char, BadReference> {
    let Some(number) = name.strip_prefix('#') else {
        return match name {
            "amp" => Ok('&'),
            "lt" => Ok('<'),
            "gt" => Ok('>'),
            "quot" => Ok('"'),
            "apos" => Ok('\''),
            other => Err(BadReference::Entity(other.to_owned())),
        };
    };
    let (digits, radix) = match number.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    let code = if digits.starts_with(['+', '-']) {
        None
    } else {
        u32::from_str_radix(digits, radix).ok()
    };
    code.filter(|&c| c != 0)
        .and_then(char::from_u32)
        .ok_or_else(|| BadReference::Character(name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Result<Vec<Event<'_>>, String> {
        let mut lexer = Lexer::new(text);
        let mut out = Vec::new();
        loop {
            match lexer.next() {
                Ok(Event::Eof) => return Ok(out),
                Ok(event) => out.push(event),
                Err(e) => return Err(format!("{} at {}", e.message, e.at)),
            }
        }
    }

    #[test]
    fn elements_text_and_markup_become_tokens() {
        let got = tokens(
            "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \">\">]><a k='>'>t<!-- c --><?pi x?>\
             <b/><c \n/><![CDATA[<&>]]></a >",
        )
        .unwrap();
        assert_eq!(
            got,
            [
                Event::Decl,
                Event::DocType,
                Event::Start("a"),
                Event::Text("t"),
                Event::Empty("b"),
                Event::Empty("c"),
                Event::CData("<&>"),
                Event::End("a"),
            ]
        );
    }

    #[test]
    fn end_tags_must_match_their_start_tags() {
        assert_eq!(tokens("<a><b></a>").unwrap_err(), "</a> closes <b> at 6");
        assert_eq!(tokens("</a>").unwrap_err(), "</a> closes no element at 0");
    }

    #[test]
    fn unclosed_markup_is_malformed_where_it_starts() {
        for (body, error) in [
            ("<a><b", "the tag <b> is not closed at 3"),
            ("<a x=\"1>", "the tag <a> is not closed at 0"),
            ("<a><b <c>", "the tag <b> is not closed at 3"),
            ("<a><!-- x", "a comment is not closed at 3"),
            ("<a><![CDATA[x", "a CDATA section is not closed at 3"),
            ("<a><?pi", "a processing instruction is not closed at 3"),
            ("<a></a", "an end tag is not closed at 3"),
            (
                "<!DOCTYPE a [<!ENTITY x \">\">",
                "the DOCTYPE is not closed at 0",
            ),
            ("< a>", "a tag without a valid name at 0"),
            ("<a=b>", "a tag without a valid name at 0"),
            ("<!x>", "unknown markup \"<!\" at 0"),
        ] {
            assert_eq!(tokens(body).unwrap_err(), error, "{body}");
        }
    }

    #[test]
    fn an_open_element_at_the_end_is_left_to_the_decoder() {
        assert_eq!(
            tokens("<a><b>x").unwrap(),
            [Event::Start("a"), Event::Start("b"), Event::Text("x")]
        );
    }

    #[test]
    fn the_one_step_close_takes_only_plain_text_and_the_innermost_end_tag() {
        let mut lexer = Lexer::new("<a><b>12</b><c>x&amp;y</c><d>1</d ><e>\r</e><f/></a>");
        let mut next = || lexer.next().unwrap();
        assert_eq!((next(), next()), (Event::Start("a"), Event::Start("b")));
        assert_eq!(lexer.plain_text_then_close(), Some("12"));
        assert_eq!(lexer.next().unwrap(), Event::Start("c"));
        assert_eq!(lexer.plain_text_then_close(), None, "a reference");
        assert_eq!(lexer.next().unwrap(), Event::Text("x&amp;y"));
        assert_eq!(lexer.next().unwrap(), Event::End("c"));
        assert_eq!(lexer.next().unwrap(), Event::Start("d"));
        assert_eq!(
            lexer.plain_text_then_close(),
            None,
            "a space in the end tag"
        );
        assert_eq!(lexer.next().unwrap(), Event::Text("1"));
        assert_eq!(lexer.next().unwrap(), Event::End("d"));
        assert!(!lexer.close_now(), "</a> is not next");
        assert_eq!(lexer.next().unwrap(), Event::Start("e"));
        assert_eq!(lexer.plain_text_then_close(), None, "a CR");
        assert_eq!(lexer.next().unwrap(), Event::Text("\r"));
        assert!(lexer.close_now(), "</e>");
        assert_eq!(lexer.next().unwrap(), Event::Empty("f"));
        assert!(lexer.close_now(), "</a>");
        assert_eq!(lexer.next().unwrap(), Event::Eof);
    }

    #[test]
    fn references_and_line_ends_resolve() {
        assert_eq!(unescape("plain").unwrap(), Cow::Borrowed("plain"));
        assert_eq!(
            unescape("a&amp;b&lt;&gt;&quot;&apos;&#233;&#xE9;&#x1F600;").unwrap(),
            "a&b<>\"'éé😀"
        );
        assert_eq!(unescape("a\r\nb\rc&#13;\n").unwrap(), "a\nb\nc\r\n");
        assert_eq!(normalise_line_ends("a\r\nb\rc"), "a\nb\nc");
    }

    #[test]
    fn bad_references_say_what_is_wrong() {
        assert_eq!(unescape("a & b"), Err(BadReference::Unclosed));
        assert_eq!(unescape("&nbsp;"), Err(BadReference::Entity("nbsp".into())));
        for bad in [
            "&#0;",
            "&#xD800;",
            "&#-1;",
            "&#+9;",
            "&#x;",
            "&#99999999999;",
            "&#X41;",
        ] {
            assert!(
                matches!(unescape(bad), Err(BadReference::Character(_))),
                "{bad}"
            );
        }
    }
}
