//! Character rules both directions share.

/// How much of a body or a token an error message quotes at most, in characters.
pub(super) const SNIPPET_CHARS: usize = 100;

/// True for the characters XML 1.0 allows in a document.
pub(super) fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// At most [`SNIPPET_CHARS`] characters of `text`, control characters as spaces, for quoting
/// in error messages.
pub(super) fn snippet(text: &str) -> String {
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
