//! The Aflexi entities as the client returns them, and their reading from API values.
//!
//! Reading is lenient the way the API's own clients were: ids may arrive as ints or numeric
//! strings, package names as ints (docs/AFLEXI-API.md#wire-format), and missing members are tolerated where the
//! projection may have left them out. A value that lacks what the operation needs (an id) is a
//! protocol error.

use serde::Serialize;
use serde_json::Value;

use crate::{package, Error, Result};

/// The operator account the client acts as.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Operator {
    /// User id; publishers' usernames end in `/<id>`.
    pub id: i64,
    /// Username (may be empty on old API versions).
    pub username: String,
    /// E-mail address.
    pub email: String,
    /// Display name.
    pub name: String,
}

/// The status of a publisher link (the operator ↔ publisher association).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub enum LinkStatus {
    /// The CDN account works.
    Active,
    /// Suspended by the operator.
    Suspended,
    /// Terminated (`publisherLink.delete`); the user stays and can be revived.
    Deleted,
    /// A status this client does not know, kept as sent.
    Other(String),
}

impl LinkStatus {
    /// The API spelling (`ACTIVE`, `SUSPENDED`, `DELETED`).
    pub fn as_str(&self) -> &str {
        match self {
            LinkStatus::Active => "ACTIVE",
            LinkStatus::Suspended => "SUSPENDED",
            LinkStatus::Deleted => "DELETED",
            LinkStatus::Other(s) => s,
        }
    }

    /// Reads an API status; unknown spellings are kept.
    pub fn parse(text: &str) -> LinkStatus {
        match text.trim().to_ascii_uppercase().as_str() {
            "ACTIVE" => LinkStatus::Active,
            "SUSPENDED" => LinkStatus::Suspended,
            "DELETED" => LinkStatus::Deleted,
            _ => LinkStatus::Other(text.to_string()),
        }
    }
}

impl From<LinkStatus> for String {
    fn from(status: LinkStatus) -> String {
        status.as_str().to_string()
    }
}

/// A bandwidth package of the operator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Package {
    /// Package id.
    pub id: i64,
    /// Package name, unique per operator.
    pub name: String,
    /// Monthly data transfer limit in GB; `None` means unlimited (`-1`, or the legacy `0`).
    pub bandwidth_limit_gb: Option<i64>,
}

/// A publisher as seen through its link to the operator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Publisher {
    /// The publisher's user id.
    pub id: i64,
    /// Full username, `<local>/<operatorId>`.
    pub username: String,
    /// E-mail address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Status of the link to this operator.
    pub status: LinkStatus,
    /// The package of the link, when the API returned it.
    pub package: Option<Package>,
}

/// The projection asked for when reading links: only what the integration uses.
pub(crate) fn link_extract() -> Value {
    serde_json::json!({
        "publisher": {"id": true, "username": true, "email": true, "name": true},
        "status": true,
        "bandwidthPackage": {"id": true, "name": true, "bandwidthLimit": true},
    })
}

/// The projection asked for when reading packages.
pub(crate) fn package_extract() -> Value {
    serde_json::json!({"id": true, "name": true, "bandwidthLimit": true})
}

/// The whole number a value holds: an int of any width, an integral `<double>` (`100.0`), or
/// the text of either. `None` for anything else (a fraction, a word, a struct).
pub(crate) fn whole_number(value: &Value) -> Option<i64> {
    let from_float = |f: f64| {
        // 2^63 itself does not fit; every integral double below it does.
        (f.is_finite() && f.fract() == 0.0 && f.abs() < 9_223_372_036_854_775_808.0)
            .then_some(f as i64)
    };
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().and_then(from_float)),
        Value::String(s) => {
            let s = s.trim();
            s.parse()
                .ok()
                .or_else(|| s.parse().ok().and_then(from_float))
        }
        _ => None,
    }
}

/// An integer member of an answer of `method`: `None` when absent or `<nil/>`; an error that
/// names the member and the method when present but not a whole number (never a default).
pub(crate) fn int_member(value: &Value, key: &str, method: &str) -> Result<Option<i64>> {
    match value.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => whole_number(v)
            .map(Some)
            .ok_or_else(|| unreadable(method, key, v, "a whole number")),
    }
}

/// A string member of an answer of `method`: numbers are turned into text, absent or `<nil/>`
/// is empty; a struct, array or boolean is an error naming the member.
pub(crate) fn str_member(value: &Value, key: &str, method: &str) -> Result<String> {
    match value.get(key) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(v) => Err(unreadable(method, key, v, "text")),
    }
}

/// The error for a member that is present but cannot be read as `wanted`.
pub(crate) fn unreadable(method: &str, key: &str, value: &Value, wanted: &str) -> Error {
    Error::Protocol(format!(
        "{method} answered a member '{key}' that is {}, not {wanted}",
        shown(value)
    ))
}

/// A short description of a value for an error: numbers and short texts as they are, other
/// values by their type (a long text could be anything the server echoed).
fn shown(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() <= 24 && !s.chars().any(char::is_control) => {
            format!("the text {s:?}")
        }
        Value::String(s) => format!("a text of {} characters", s.chars().count()),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Array(_) => "an array".to_string(),
        Value::Object(_) => "a struct".to_string(),
        Value::Null => "nil".to_string(),
    }
}

/// The `results` array of a `.get` answer.
pub(crate) fn results(value: Value, method: &str) -> Result<Vec<Value>> {
    match value {
        Value::Object(mut map) => match map.remove("results") {
            Some(Value::Array(rows)) => Ok(rows),
            // An empty PHP array may come back as an empty struct.
            Some(Value::Object(m)) if m.is_empty() => Ok(Vec::new()),
            None => Ok(Vec::new()),
            Some(_) => Err(Error::Protocol(format!(
                "{method} answered a 'results' member that is not a list"
            ))),
        },
        _ => Err(Error::Protocol(format!(
            "{method} answered something other than a struct"
        ))),
    }
}

pub(crate) fn operator_from(value: &Value, method: &str) -> Result<Operator> {
    let id = int_member(value, "id", method)?
        .ok_or_else(|| Error::Protocol(format!("{method} returned a user without an id")))?;
    Ok(Operator {
        id,
        username: str_member(value, "username", method)?,
        email: str_member(value, "email", method)?,
        name: str_member(value, "name", method)?,
    })
}

pub(crate) fn package_from(value: &Value, method: &str) -> Result<Package> {
    let id = int_member(value, "id", method)?.ok_or_else(|| {
        Error::Protocol(format!(
            "{method} returned a bandwidth package without an id"
        ))
    })?;
    let name = match value.get("name") {
        None | Some(Value::Null) => String::new(),
        Some(v) => package::name_of(v).ok_or_else(|| unreadable(method, "name", v, "text"))?,
    };
    // Asked for in every projection: a package without it would read as unlimited.
    let limit = int_member(value, "bandwidthLimit", method)?.ok_or_else(|| {
        Error::Protocol(format!(
            "{method} returned bandwidth package #{id} without its bandwidthLimit"
        ))
    })?;
    Ok(Package {
        id,
        name,
        bandwidth_limit_gb: (limit > 0).then_some(limit),
    })
}

pub(crate) fn publisher_from(link: &Value, method: &str) -> Result<Publisher> {
    let user = link
        .get("publisher")
        .filter(|v| v.is_object())
        .ok_or_else(|| {
            Error::Protocol(format!(
                "{method} returned a publisher link without its publisher"
            ))
        })?;
    let id = int_member(user, "id", method)?
        .ok_or_else(|| Error::Protocol(format!("{method} returned a publisher without an id")))?;
    let package = match link.get("bandwidthPackage") {
        Some(p) if p.is_object() && int_member(p, "id", method)?.is_some() => {
            Some(package_from(p, method)?)
        }
        _ => None,
    };
    Ok(Publisher {
        id,
        username: str_member(user, "username", method)?,
        email: str_member(user, "email", method)?,
        name: str_member(user, "name", method)?,
        status: LinkStatus::parse(&str_member(link, "status", method)?),
        package,
    })
}

/// The positive id a `.create` answers with.
pub(crate) fn id_of(value: &Value, method: &str) -> Result<i64> {
    whole_number(value)
        .filter(|id| *id > 0)
        .ok_or_else(|| Error::Protocol(format!("{method} did not return an id")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn link_with_string_ids_and_int_package_name_is_read() {
        let link = json!({
            "publisher": {"id": "12", "username": "bob/1", "email": "b@x.io", "name": "Bob"},
            "status": "SUSPENDED",
            "bandwidthPackage": {"id": 3, "name": 123, "bandwidthLimit": -1}
        });
        let p = publisher_from(&link, "m").unwrap();
        assert_eq!(p.id, 12);
        assert_eq!(p.status, LinkStatus::Suspended);
        let pkg = p.package.unwrap();
        assert_eq!(pkg.name, "123");
        assert_eq!(pkg.bandwidth_limit_gb, None);
    }

    #[test]
    fn link_without_publisher_id_is_a_protocol_error() {
        let link = json!({"publisher": {"username": "x"}, "status": "ACTIVE"});
        assert!(matches!(
            publisher_from(&link, "m"),
            Err(Error::Protocol(_))
        ));
    }

    #[test]
    fn integral_doubles_and_numeric_text_are_whole_numbers() {
        assert_eq!(whole_number(&json!(100.0)), Some(100));
        assert_eq!(whole_number(&json!(-1.0)), Some(-1));
        assert_eq!(whole_number(&json!(" 42 ")), Some(42));
        assert_eq!(whole_number(&json!("100.0")), Some(100));
        assert_eq!(whole_number(&json!(5_000_000_000_i64)), Some(5_000_000_000));
        assert_eq!(whole_number(&json!(100.5)), None);
        assert_eq!(whole_number(&json!(1e19)), None);
        assert_eq!(whole_number(&json!("ten")), None);
        assert_eq!(whole_number(&json!(true)), None);
    }

    /// An earlier version read `<double>100.0</double>` as "unlimited".
    #[test]
    fn a_bandwidth_limit_sent_as_a_double_is_read_as_its_value() {
        let pkg = json!({"id": 3, "name": "gold", "bandwidthLimit": 100.0});
        let p = package_from(&pkg, "bandwidthPackage.get").unwrap();
        assert_eq!(p.bandwidth_limit_gb, Some(100));
    }

    #[test]
    fn an_unreadable_limit_is_an_error_naming_member_and_method() {
        for bad in [json!(100.5), json!("lots"), json!({"gb": 1}), json!(true)] {
            let pkg = json!({"id": 3, "name": "gold", "bandwidthLimit": bad});
            let e = package_from(&pkg, "bandwidthPackage.get").unwrap_err();
            let text = e.to_string();
            assert!(matches!(e, Error::Protocol(_)), "{text}");
            assert!(text.contains("'bandwidthLimit'"), "{text}");
            assert!(text.contains("bandwidthPackage.get"), "{text}");
        }
        let missing = json!({"id": 3, "name": "gold"});
        let text = package_from(&missing, "m").unwrap_err().to_string();
        assert!(text.contains("without its bandwidthLimit"), "{text}");
    }

    #[test]
    fn a_struct_where_text_belongs_is_an_error() {
        let link = json!({"publisher": {"id": 1, "email": {"a": 1}}, "status": "ACTIVE"});
        let text = publisher_from(&link, "publisherLink.get")
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("'email'") && text.contains("a struct"),
            "{text}"
        );
    }

    #[test]
    fn unknown_status_is_kept() {
        assert_eq!(
            LinkStatus::parse("PENDING"),
            LinkStatus::Other("PENDING".into())
        );
        assert_eq!(LinkStatus::parse("active"), LinkStatus::Active);
    }

    #[test]
    fn results_accepts_empty_struct_and_rejects_scalars() {
        assert!(results(json!({"results": {}}), "m").unwrap().is_empty());
        assert!(results(json!("x"), "m").is_err());
        assert!(results(json!({"results": 3}), "m").is_err());
    }
}
