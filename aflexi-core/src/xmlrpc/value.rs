//! The conventions of values: the tagged objects that stand for the XML-RPC types JSON has
//! no word for, and the fault a server answers with.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use serde_json::{Map, Value};

/// The key of the tagged object that stands for a `<dateTime.iso8601>` value.
pub(super) const DATETIME_TAG: &str = "$datetime";
/// The key of the tagged object that stands for a binary `<base64>` value.
pub(super) const BASE64_TAG: &str = "$base64";

/// Standard base64 that accepts input with or without padding.
pub(super) const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// An XML-RPC fault: the server refused the call.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    /// The `faultCode`; opaque, since Aflexi never documented its codes.
    pub code: i64,
    /// The `faultString`, as the server wrote it.
    pub message: String,
}

/// Builds the tagged value that [`encode_call`](super::encode_call) sends as `<dateTime.iso8601>`.
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

/// The tag and text of `{"$datetime": "..."}` or `{"$base64": "..."}`, if `members` is one.
pub(super) fn tagged(members: &Map<String, Value>) -> Option<(&'static str, &Value)> {
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
