//! A string that must never be printed: auth keys and passwords.
//!
//! [`Secret`] keeps the value out of `Debug` and `Display` so that a secret stored in a
//! configuration struct or an error cannot reach a log by accident. The value is only
//! reachable through [`Secret::expose`], which makes every use easy to find.
//!
//! [`spellings`] and [`scrub`] are the one rule for masking a secret in text that may quote
//! it: a server that echoes the request in a fault quotes it XML-escaped, a page HTML-escaped,
//! a log JSON-escaped, a URL percent-encoded. The PHP modules take the same list from the
//! extension (`Aflexi\secret_spellings`).

use std::fmt;

/// A secret string whose `Debug` and `Display` print `[redacted]`.
///
/// ```
/// use aflexi_core::Secret;
/// let key = Secret::new("s3cr3t");
/// assert_eq!(format!("{key:?} {key}"), "[redacted] [redacted]");
/// assert_eq!(key.expose(), "s3cr3t");
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the one place that must send or store it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

/// Serializes a secret's value: for the one field that must hand a password back to its
/// owner (a sync result), named at the field with `#[serde(serialize_with = ...)]`.
pub fn serialize_exposed<S: serde::Serializer>(
    secret: &Option<Secret>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match secret {
        Some(s) => serializer.serialize_some(s.expose()),
        None => serializer.serialize_none(),
    }
}

/// Secrets shorter than this are not masked in free text: replacing every "ab" would mangle
/// messages and protects nothing (such a key is refused anyway).
pub const MIN_MASKED_LEN: usize = 3;

/// Every spelling under which `secret` may appear in text: as is; XML/HTML-escaped (minimal,
/// with `&quot;`, and each way of writing the apostrophe); JSON-escaped (RFC 8259, and PHP's
/// default with `\/` and `\uXXXX`); percent-encoded (RFC 3986 and form encoding). Distinct,
/// longest first (so that a secret containing another is masked whole); empty for a secret
/// shorter than [`MIN_MASKED_LEN`].
///
/// ```
/// let all = aflexi_core::secret::spellings("K&e'y<");
/// assert!(all.contains(&"K&amp;e'y&lt;".to_string()));
/// assert!(all.contains(&"K&amp;e&#039;y&lt;".to_string()));
/// assert!(all.contains(&"K%26e%27y%3C".to_string()));
/// ```
pub fn spellings(secret: &str) -> Vec<String> {
    if secret.chars().count() < MIN_MASKED_LEN {
        return Vec::new();
    }
    let mut all = vec![secret.to_string()];
    let apostrophes = ["'", "&apos;", "&#39;", "&#039;", "&#x27;"];
    for quotes in [false, true] {
        for apostrophe in apostrophes {
            all.push(markup_escaped(secret, quotes, apostrophe));
        }
    }
    all.push(json_escaped(secret, false));
    all.push(json_escaped(secret, true));
    all.push(percent_encoded(secret, false));
    all.push(percent_encoded(secret, true));
    all.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    all.dedup();
    all
}

/// `text` with every spelling of every secret replaced by `[redacted]`.
pub fn scrub<'a>(mut text: String, secrets: impl IntoIterator<Item = &'a str>) -> String {
    let mut all: Vec<String> = secrets.into_iter().flat_map(spellings).collect();
    all.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for spelling in all {
        if text.contains(&spelling) {
            text = text.replace(&spelling, "[redacted]");
        }
    }
    text
}

fn markup_escaped(value: &str, quotes: bool, apostrophe: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' => out.push_str(apostrophe),
            c => out.push(c),
        }
    }
    out
}

/// The inside of a JSON string; `php` also escapes `/` and every non-ASCII character (as
/// PHP's `json_encode` does by default).
fn json_escaped(value: &str, php: bool) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' if php => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (php && !c.is_ascii()) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Percent-encoding of every byte but RFC 3986's unreserved ones; `form` writes a space as `+`.
fn percent_encoded(value: &str, form: bool) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for &b in value.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            b' ' if form => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_encoding_of_a_key_with_markup_characters_is_listed() {
        let all = spellings("K&e'y<\"/é ");
        for expected in [
            "K&e'y<\"/é ",
            "K&amp;e'y&lt;\"/é ",
            "K&amp;e&apos;y&lt;&quot;/é ",
            "K&amp;e&#039;y&lt;&quot;/é ",
            "K&amp;e&#x27;y&lt;&quot;/é ",
            "K&e'y<\\\"/é ",
            "K&e'y<\\\"\\/\\u00e9 ",
            "K%26e%27y%3C%22%2F%C3%A9%20",
            "K%26e%27y%3C%22%2F%C3%A9+",
        ] {
            assert!(all.contains(&expected.to_string()), "{expected} in {all:?}");
        }
        assert!(all.windows(2).all(|w| w[0].len() >= w[1].len()));
    }

    #[test]
    fn scrub_masks_each_spelling_and_short_secrets_are_left_alone() {
        let text =
            "fault: login K&amp;e'y&lt; rejected; json \"K&e'y<\"; url K%26e%27y%3C".to_string();
        assert_eq!(
            scrub(text, ["K&e'y<"]),
            "fault: login [redacted] rejected; json \"[redacted]\"; url [redacted]"
        );
        assert!(spellings("ab").is_empty());
        assert_eq!(scrub("ab cd".to_string(), ["ab"]), "ab cd");
    }
}
