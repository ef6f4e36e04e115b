//! The Aflexi entities as the client returns them, and their reading from API values.
//!
//! Reading is lenient the way the API's own clients were: ids may arrive as ints or numeric
//! strings, package names as ints (API doc §1.2), and missing members are tolerated where the
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

/// An integer member, accepting ints and numeric strings.
pub(crate) fn int_member(value: &Value, key: &str) -> Option<i64> {
    match value.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A string member; numbers are turned into strings, anything else is empty.
pub(crate) fn str_member(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
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

pub(crate) fn operator_from(value: &Value) -> Result<Operator> {
    let id = int_member(value, "id")
        .ok_or_else(|| Error::Protocol("user.get returned a user without an id".into()))?;
    Ok(Operator {
        id,
        username: str_member(value, "username"),
        email: str_member(value, "email"),
        name: str_member(value, "name"),
    })
}

pub(crate) fn package_from(value: &Value) -> Result<Package> {
    let id = int_member(value, "id")
        .ok_or_else(|| Error::Protocol("a bandwidth package came back without an id".into()))?;
    let name = value
        .get("name")
        .and_then(package::name_of)
        .unwrap_or_default();
    let limit = int_member(value, "bandwidthLimit");
    Ok(Package {
        id,
        name,
        bandwidth_limit_gb: limit.filter(|gb| *gb > 0),
    })
}

pub(crate) fn publisher_from(link: &Value) -> Result<Publisher> {
    let user = link
        .get("publisher")
        .filter(|v| v.is_object())
        .ok_or_else(|| {
            Error::Protocol("a publisher link came back without its publisher".into())
        })?;
    let id = int_member(user, "id")
        .ok_or_else(|| Error::Protocol("a publisher came back without an id".into()))?;
    let package = match link.get("bandwidthPackage") {
        Some(p) if p.is_object() && int_member(p, "id").is_some() => Some(package_from(p)?),
        _ => None,
    };
    Ok(Publisher {
        id,
        username: str_member(user, "username"),
        email: str_member(user, "email"),
        name: str_member(user, "name"),
        status: LinkStatus::parse(&str_member(link, "status")),
        package,
    })
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
        let p = publisher_from(&link).unwrap();
        assert_eq!(p.id, 12);
        assert_eq!(p.status, LinkStatus::Suspended);
        let pkg = p.package.unwrap();
        assert_eq!(pkg.name, "123");
        assert_eq!(pkg.bandwidth_limit_gb, None);
    }

    #[test]
    fn link_without_publisher_id_is_a_protocol_error() {
        let link = json!({"publisher": {"username": "x"}, "status": "ACTIVE"});
        assert!(matches!(publisher_from(&link), Err(Error::Protocol(_))));
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
