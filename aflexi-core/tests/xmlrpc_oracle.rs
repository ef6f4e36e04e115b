//! dxr 0.9 as an independent oracle for the XML-RPC codec.
//!
//! (a) What our encoder writes, dxr parses to the same value; (b) what dxr writes, our decoder
//! reads back as the original. dxr's structs are sorted maps; serde_json's object equality
//! (with `preserve_order`) ignores member order, so the comparisons are order-insensitive.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::str::FromStr;

use aflexi_core::xmlrpc::{
    datetime, decode_call, decode_response, encode_call, encode_fault, encode_response, Fault,
    MethodCall, DEFAULT_MAX_RESPONSE_BYTES,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const MAX: usize = DEFAULT_MAX_RESPONSE_BYTES;

/// dxr's value as JSON in the form our *encoder* takes: dateTime and base64 as tagged objects.
fn dxr_to_tagged_json(value: &dxr::Value) -> Value {
    match value {
        dxr::Value::Integer(i) => json!(i),
        dxr::Value::Long(l) => json!(l),
        dxr::Value::Boolean(b) => json!(b),
        dxr::Value::String(s) => json!(s),
        dxr::Value::Double(d) => json!(d),
        dxr::Value::DateTime(dt) => datetime(&dt.to_string()),
        dxr::Value::Base64(bytes) => json!({"$base64": STANDARD.encode(bytes)}),
        dxr::Value::Struct(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), dxr_to_tagged_json(v)))
                .collect(),
        ),
        dxr::Value::Array(items) => Value::Array(items.iter().map(dxr_to_tagged_json).collect()),
        dxr::Value::Nil => Value::Null,
        other => panic!("dxr value kind not mapped: {other:?}"),
    }
}

/// JSON (in encoder form, nulls allowed) as a dxr value.
fn json_to_dxr(value: &Value) -> dxr::Value {
    match value {
        Value::Null => dxr::Value::Nil,
        Value::Bool(b) => dxr::Value::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => match i32::try_from(i) {
                Ok(small) => dxr::Value::Integer(small),
                Err(_) => dxr::Value::Long(i),
            },
            None => dxr::Value::Double(n.as_f64().unwrap()),
        },
        Value::String(s) => dxr::Value::String(s.clone()),
        Value::Array(items) => dxr::Value::Array(items.iter().map(json_to_dxr).collect()),
        Value::Object(members) => {
            if members.len() == 1 {
                if let Some(Value::String(text)) = members.get("$datetime") {
                    return dxr::Value::DateTime(dxr::DateTime::from_str(text).unwrap());
                }
                if let Some(Value::String(text)) = members.get("$base64") {
                    return dxr::Value::Base64(STANDARD.decode(text).unwrap());
                }
            }
            dxr::Value::Struct(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), json_to_dxr(v)))
                    .collect::<BTreeMap<_, _>>(),
            )
        }
    }
}

/// What our decoder gives for a value in encoder form: a dateTime is its text, base64 is a
/// string when its bytes are UTF-8.
fn as_decoded(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(as_decoded).collect()),
        Value::Object(members) => {
            if members.len() == 1 {
                if let Some(Value::String(text)) = members.get("$datetime") {
                    return Value::String(text.clone());
                }
                if let Some(Value::String(text)) = members.get("$base64") {
                    if let Ok(s) = String::from_utf8(STANDARD.decode(text).unwrap()) {
                        return Value::String(s);
                    }
                }
            }
            Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), as_decoded(v)))
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

/// Our encoder drops null struct members; dxr keeps them.
fn without_null_members(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(without_null_members).collect()),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_null_members(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// (a): our encoding, parsed by dxr, is `value` (minus null members).
fn check_ours_read_by_dxr(value: &Value) {
    let body = encode_response(value).unwrap();
    let parsed = dxr::MethodResponse::from_xml(&body)
        .unwrap_or_else(|e| panic!("dxr rejected our {body}: {e}"));
    assert_eq!(
        dxr_to_tagged_json(&parsed.value),
        without_null_members(value),
        "{body}"
    );
}

/// (b): dxr's encoding, decoded by us, is `value` (in decoded form).
fn check_dxr_read_by_ours(value: &Value) {
    let body = dxr::MethodResponse {
        value: json_to_dxr(value),
    }
    .to_xml()
    .unwrap();
    let decoded = decode_response(body.as_bytes(), MAX)
        .unwrap_or_else(|e| panic!("we rejected dxr's {body}: {e}"));
    assert_eq!(decoded, Ok(as_decoded(value)), "{body}");
}

fn fixtures() -> Vec<Value> {
    vec![
        json!(0),
        json!(-2147483648),
        json!(2147483647),
        json!(true),
        json!(false),
        json!(""),
        json!("   "),
        json!("José <x> & \"co\" 'q' ]]> \u{1F600} \t\n"),
        json!(0.1),
        json!(-1e300),
        json!(5e-324),
        json!(3.0),
        datetime("20260123T10:11:12"),
        json!({"$base64": "8MrMGg=="}),
        json!({"$base64": "aGk="}),
        json!({"$base64": ""}),
        json!([]),
        json!({}),
        json!([[], {}, [[1]], {"a": {"b": {"c": []}}}]),
        json!({
            "results": [
                {"id": 7, "username": "bob/42", "email": "bob@example.com", "status": "ACTIVE",
                 "bandwidthPackage": {"id": 3, "name": "Gold & Co", "bandwidthLimit": 100}},
                {"id": 8, "username": "ann/42", "ratio": 0.75, "flags": [true, false]}
            ]
        }),
        json!({"zeta": 1, "alpha": 2, "with space": " x ", " padded\t": "name"}),
    ]
}

#[test]
fn dxr_reads_our_fixtures() {
    for value in fixtures() {
        check_ours_read_by_dxr(&value);
    }
}

#[test]
fn we_read_dxr_fixtures() {
    for value in fixtures() {
        check_dxr_read_by_ours(&value);
    }
}

#[test]
fn we_read_dxr_extensions_i8_and_nil() {
    let value =
        json!({"big": 9007199254740993_i64, "min": i64::MIN, "none": null, "list": [null, 1]});
    check_dxr_read_by_ours(&value);
}

/// dxr 0.9 cannot parse an empty or blank `<name>` (its serde mapping trims the text and
/// then finds none), so such member names are only checked in the direction dxr writes and
/// we read.
#[test]
fn we_read_dxr_empty_and_blank_member_names() {
    check_dxr_read_by_ours(&json!({"": "empty name", " ": "blank", "a": {"\n": 1}}));
}

#[test]
fn null_members_we_leave_out_are_absent_for_dxr() {
    check_ours_read_by_dxr(&json!({"a": 1, "b": null, "c": {"d": null}}));
}

#[test]
fn calls_agree_both_ways() {
    let params = vec![
        json!("operator"),
        json!("secret&key"),
        json!({"self": true, "extract": {"id": true}}),
        json!([1, 2.5, "x"]),
    ];
    let ours = encode_call("user.get", &params).unwrap();
    let parsed = dxr::MethodCall::from_xml(&ours).unwrap();
    assert_eq!(parsed.name, "user.get");
    let parsed: Vec<Value> = parsed.params.iter().map(dxr_to_tagged_json).collect();
    assert_eq!(parsed, params);

    let theirs = dxr::MethodCall {
        name: Cow::Borrowed("publisherLink.get"),
        params: params.iter().map(json_to_dxr).collect(),
    }
    .to_xml()
    .unwrap();
    assert_eq!(
        decode_call(theirs.as_bytes()).unwrap(),
        MethodCall {
            method: "publisherLink.get".into(),
            params,
        }
    );
}

#[test]
fn faults_agree_both_ways() {
    let ours = encode_fault(&Fault {
        code: 409,
        message: "duplicate <user> & co".into(),
    });
    let parsed = dxr::FaultResponse::from_xml(&ours).unwrap();
    assert_eq!(parsed.fault.code(), 409);
    assert_eq!(parsed.fault.string(), "duplicate <user> & co");

    let theirs = dxr::FaultResponse {
        fault: dxr::Fault::new(-32601, "no such method: a&b".into()),
    }
    .to_xml()
    .unwrap();
    assert_eq!(
        decode_response(theirs.as_bytes(), MAX).unwrap(),
        Err(Fault {
            code: -32601,
            message: "no such method: a&b".into(),
        })
    );
}

// ---- generated values ---------------------------------------------------------------------

fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

fn xml_string() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        4 => proptest::char::range(' ', '~'),
        3 => prop::sample::select(vec!['<', '>', '&', '"', '\'', '\r', '\n', '\t', ']', ';', '#', ' ']),
        2 => any::<char>().prop_filter("XML 1.0 character", |c| is_xml_char(*c)),
    ];
    prop::collection::vec(c, 0..20).prop_map(|chars| chars.into_iter().collect())
}

/// Not blank (see `we_read_dxr_empty_and_blank_member_names`) and not one of the tag keys.
fn member_name() -> impl Strategy<Value = String> {
    xml_string().prop_filter("a plain member name", |k| {
        !k.trim_matches([' ', '\t', '\n', '\r']).is_empty() && k != "$datetime" && k != "$base64"
    })
}

/// A dateTime in the one spelling dxr knows, `YYYYMMDDTHH:MM:SS`.
fn dxr_datetime() -> impl Strategy<Value = Value> {
    (1970u16..2100, 1u8..13, 1u8..29, 0u8..24, 0u8..60, 0u8..60).prop_map(|(y, mo, d, h, mi, s)| {
        datetime(&format!("{y:04}{mo:02}{d:02}T{h:02}:{mi:02}:{s:02}"))
    })
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        xml_string().prop_map(Value::String),
        dxr_datetime(),
        prop::collection::vec(any::<u8>(), 0..16)
            .prop_map(|bytes| json!({"$base64": STANDARD.encode(bytes)})),
    ]
}

fn nest(leaf: BoxedStrategy<Value>) -> impl Strategy<Value = Value> {
    leaf.prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((member_name(), inner), 0..5)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// What our encoder accepts (null members included, since they are simply left out).
fn sendable_value() -> impl Strategy<Value = Value> {
    nest(leaf().boxed()).prop_filter("no null outside structs", |v| !has_null(v))
}

/// What dxr can send us, with its nil and i8 extensions.
fn dxr_value() -> impl Strategy<Value = Value> {
    nest(
        prop_oneof![
            4 => leaf(),
            1 => Just(Value::Null),
            1 => any::<i64>().prop_map(Value::from),
        ]
        .boxed(),
    )
}

fn has_null(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.iter().any(has_null),
        Value::Object(members) => members.values().any(has_null),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn dxr_reads_what_we_encode(value in sendable_value()) {
        check_ours_read_by_dxr(&value);
    }

    #[test]
    fn we_read_what_dxr_encodes(value in dxr_value()) {
        check_dxr_read_by_ours(&value);
    }
}

#[test]
fn carriage_returns_survive_both_ways() {
    check_ours_read_by_dxr(&json!({"text": "a\r\nb\rc"}));
    check_dxr_read_by_ours(&json!({"text": "a\r\nb\rc"}));
}
