//! Property tests of the XML-RPC codec: what it encodes it decodes back unchanged, and no
//! input, however broken, makes the decoder panic.

use aflexi_core::xmlrpc::{
    decode_call, decode_response, encode_call, encode_response, MethodCall,
    DEFAULT_MAX_RESPONSE_BYTES,
};
use proptest::prelude::*;
use serde_json::{Map, Value};

const MAX: usize = DEFAULT_MAX_RESPONSE_BYTES;

fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Characters XML 1.0 can carry, biased towards markup and line ends.
fn xml_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range(' ', '~'),
        3 => prop::sample::select(vec!['<', '>', '&', '"', '\'', '\r', '\n', '\t', ']', ';', '#', ' ']),
        1 => prop::sample::select(vec!['é', 'ß', '✓', '\u{85}', '\u{2028}', '\u{FEFF}', '😀', '\u{FFFD}']),
        2 => any::<char>().prop_filter("XML 1.0 character", |c| is_xml_char(*c)),
    ]
}

fn xml_string() -> impl Strategy<Value = String> {
    prop::collection::vec(xml_char(), 0..24).prop_map(|chars| chars.into_iter().collect())
}

/// Struct member names; the two tag names are left out, since a one-member object with
/// such a key is a tagged dateTime / base64, not a struct.
fn member_name() -> impl Strategy<Value = String> {
    xml_string().prop_filter("not a tag key", |k| k != "$datetime" && k != "$base64")
}

fn finite_double() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |f| f.is_finite()),
        prop::sample::select(vec![
            0.0,
            -0.0,
            0.1,
            1e300,
            -1e-300,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324
        ]),
    ]
}

/// Values the encoder accepts: no null, 32-bit integers, finite doubles, nested up to 4 deep.
fn sendable_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        finite_double().prop_map(Value::from),
        xml_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((member_name(), inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn method_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_.:/]{1,30}"
}

/// Equality that also checks struct member order (serde_json's `==` on objects ignores it
/// under `preserve_order`), via the order-preserving JSON text.
fn assert_identical(actual: &Value, expected: &Value) {
    assert_eq!(actual, expected);
    assert_eq!(
        serde_json::to_string(actual).unwrap(),
        serde_json::to_string(expected).unwrap()
    );
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn response_round_trips(value in sendable_value()) {
        let body = encode_response(&value).unwrap();
        let decoded = decode_response(body.as_bytes(), MAX).unwrap().unwrap();
        assert_identical(&decoded, &value);
    }

    #[test]
    fn call_round_trips(method in method_name(), params in prop::collection::vec(sendable_value(), 0..5)) {
        let body = encode_call(&method, &params).unwrap();
        let call = decode_call(body.as_bytes()).unwrap();
        prop_assert_eq!(&call.method, &method);
        prop_assert_eq!(call.params.len(), params.len());
        for (actual, expected) in call.params.iter().zip(&params) {
            assert_identical(actual, expected);
        }
        prop_assert_eq!(call, MethodCall { method, params });
    }

    #[test]
    fn null_members_are_left_out(value in sendable_value(), name in member_name()) {
        let mut with_null = Map::new();
        with_null.insert(name, Value::Null);
        with_null.insert("kept".into(), value.clone());
        let mut without = Map::new();
        without.insert("kept".into(), value);
        prop_assert_eq!(
            encode_response(&Value::Object(with_null)).unwrap(),
            encode_response(&Value::Object(without)).unwrap()
        );
    }

    #[test]
    fn latin1_body_decodes_like_its_utf8_twin(text in prop::collection::vec(
        prop_oneof![Just('\t'), Just('\n'), proptest::char::range(' ', '\u{FF}')], 0..40)
    ) {
        let text: String = text.into_iter().collect();
        let utf8 = encode_response(&Value::String(text.clone())).unwrap();
        let latin1_xml = utf8.replacen("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"", 1);
        let latin1: Vec<u8> = latin1_xml.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
        prop_assert_eq!(decode_response(&latin1, MAX).unwrap(), Ok(Value::String(text)));
    }

    #[test]
    fn decode_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = decode_response(&bytes, MAX);
        let _ = decode_call(&bytes);
    }

    #[test]
    fn decode_never_panics_on_xml_like_soup(parts in prop::collection::vec(prop::sample::select(vec![
        "<value>", "</value>", "<array>", "</array>", "<data>", "</data>", "<struct>", "</struct>",
        "<member>", "</member>", "<name>", "</name>", "<int>", "</int>", "<i8>", "<double>",
        "<base64>", "<string>", "</string>", "<nil/>", "<value/>", "&amp;", "&#x;", "&#0;", "&#1114112;",
        "&bogus;", "<![CDATA[", "]]>", "<!--", "-->", "<?xml version=\"1.0\" encoding=\"latin1\"?>",
        "<methodResponse>", "</methodResponse>", "<params>", "</params>", "<param>", "</param>",
        "<fault>", "</fault>", "1", "x", " ", "\u{E9}", "\r\n", "<", ">", "&", "<!DOCTYPE x>",
    ]), 0..80)) {
        let body = parts.concat();
        let _ = decode_response(body.as_bytes(), MAX);
        let _ = decode_call(body.as_bytes());
    }

    #[test]
    fn decode_never_panics_on_mutated_documents(
        value in sendable_value(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<u8>()), 1..6),
    ) {
        let mut bytes = encode_response(&value).unwrap().into_bytes();
        for (at, kind, byte) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = at.index(bytes.len());
            match kind {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                2 => bytes.insert(i, byte),
                _ => bytes.truncate(i),
            }
        }
        let _ = decode_response(&bytes, MAX);
        let _ = decode_call(&bytes);
    }

    #[test]
    fn every_proper_prefix_of_a_response_is_an_error(value in sendable_value()) {
        let body = encode_response(&value).unwrap();
        let bytes = body.as_bytes();
        let step = (bytes.len() / 300).max(1);
        for cut in (0..bytes.len()).step_by(step).chain([bytes.len() - 1]) {
            prop_assert!(
                decode_response(&bytes[..cut], MAX).is_err(),
                "the prefix of {} bytes decoded", cut
            );
        }
    }
}

#[test]
fn nesting_at_the_depth_limit_round_trips_and_one_more_is_refused_both_ways() {
    use aflexi_core::xmlrpc::MAX_DEPTH;
    let mut value = Value::from(1);
    for level in 0..MAX_DEPTH {
        value = if level % 2 == 0 {
            Value::Array(vec![value])
        } else {
            Value::Object(Map::from_iter([("k".to_owned(), value)]))
        };
    }
    let body = encode_response(&value).unwrap();
    assert_eq!(
        decode_response(body.as_bytes(), MAX).unwrap(),
        Ok(value.clone())
    );

    let deeper = Value::Array(vec![value]);
    assert!(encode_response(&deeper).is_err());
    let handmade = body
        .replacen("<param><value>", "<param><value><array><data><value>", 1)
        .replacen(
            "</value></param>",
            "</value></data></array></value></param>",
            1,
        );
    assert!(matches!(
        decode_response(handmade.as_bytes(), MAX),
        Err(aflexi_core::Error::Protocol(_))
    ));
}
