//! The `$desired` array of `sync`/`syncPlan`/`syncStart`, converted entry by entry.
//!
//! An entry that cannot be converted (a name or e-mail that is not valid UTF-8, a field of the
//! wrong type) fails alone: it is left out of the sync and reported as a failed result (an
//! `invalid` plan entry) under its key, while the rest of the batch goes on. Only an entry
//! without a usable `key` (the caller could not tell which service it was) fails the call.

use aflexi_core::sync::{DesiredPublisher, Outcome, Report, SyncResult};
use ext_php_rs::types::{ZendHashTable, Zval};
use serde_json::{json, Map, Value};

use crate::client::unknown_key;
use crate::convert::{members, text, zval_to_json};
use crate::exception::Failure;

/// The keys of a desired publisher.
const DESIRED_KEYS: [&str; 7] = [
    "key", "username", "email", "name", "package", "status", "password",
];

/// The converted entries, and those that could not be converted.
#[derive(Debug, Default)]
pub struct Desired {
    /// The entries to sync, in order.
    pub publishers: Vec<DesiredPublisher>,
    /// The entries left out.
    pub rejected: Vec<Rejected>,
}

/// An entry left out, by its key, with the reason (which never quotes a value).
#[derive(Debug, Clone)]
pub struct Rejected {
    /// The entry's `key` (the caller's reference, e.g. the service id).
    pub key: String,
    /// What was wrong, e.g. `invalid $desired[key '42']['name']: the string is not valid UTF-8`.
    pub error: String,
}

/// The desired publishers of a `sync`/`syncPlan` array, in order; see the module's comment
/// for entries that cannot be converted.
///
/// Each entry goes PHP array → JSON → [`DesiredPublisher`] through serde. On the way, string
/// fields given as numbers are taken as their decimal text (WHMCS ids are ints), `null` means
/// absent, and a field of any other type, an unknown key or a missing field is an
/// `InvalidInputException` naming the entry and the field. Values are never quoted, so a
/// password given as a number does not end up in a message.
pub fn desired_publishers(table: Option<&ZendHashTable>) -> Result<Desired, Failure> {
    let mut desired = Desired::default();
    let Some(table) = table else {
        return Ok(desired);
    };
    desired.publishers.reserve(table.len());
    for member in members("$desired", table) {
        let (position, value) = member?;
        let Some(key) = entry_key(value) else {
            desired
                .publishers
                .push(entry(&format!("$desired{position}"), value)?);
            continue;
        };
        match entry(&format!("$desired[key '{key}']"), value) {
            Ok(publisher) => desired.publishers.push(publisher),
            Err(failure) => desired.rejected.push(Rejected {
                key,
                error: message(failure),
            }),
        }
    }
    Ok(desired)
}

/// One entry, `at` naming it in messages.
fn entry(at: &str, value: &Zval) -> Result<DesiredPublisher, Failure> {
    let entry = match zval_to_json(at, value)? {
        Value::Object(map) => map,
        Value::Array(list) if list.is_empty() => Map::new(),
        _ => {
            return Err(Failure::input(
                at,
                format!(
                    "{} given, an array with keys {} expected",
                    crate::convert::kind(value),
                    DESIRED_KEYS.join(", ")
                ),
            ))
        }
    };
    let mut fields = Map::new();
    for (field, v) in entry {
        if !DESIRED_KEYS.contains(&field.as_str()) {
            return Err(unknown_key(at, &field, &DESIRED_KEYS.join(", ")));
        }
        let v = match v {
            Value::Null => continue,
            Value::String(s) => Value::String(s),
            Value::Number(n) if field != "status" => Value::String(n.to_string()),
            _ => {
                return Err(Failure::input(
                    format!("{at}['{field}']"),
                    "a string is expected",
                ))
            }
        };
        fields.insert(field, v);
    }
    serde_json::from_value(Value::Object(fields)).map_err(|e| Failure::input(at, e))
}

/// The entry's `key` as text, when it has a usable one.
fn entry_key(value: &Zval) -> Option<String> {
    let key = value.dereference().array()?.get("key")?;
    text("key", key).ok().filter(|k| !k.is_empty())
}

fn message(failure: Failure) -> String {
    match failure {
        Failure::Core(e) => e.to_string(),
        Failure::Input(m) | Failure::Output(m) => m,
    }
}

/// Adds the rejected entries to a sync report as failed results.
pub fn add_to_report(report: &mut Report, rejected: &[Rejected]) {
    for r in rejected {
        report.results.push(SyncResult {
            keys: vec![r.key.clone()],
            username: String::new(),
            publisher_id: None,
            actions: Vec::new(),
            outcome: Outcome::Failed,
            error: Some(r.error.clone()),
            error_kind: Some(aflexi_core::sync::INVALID_INPUT),
            outage: false,
            package: String::new(),
            status: String::new(),
            password: None,
        });
        *report.counts.entry("failed".to_string()).or_insert(0) += 1;
    }
}

/// Adds the rejected entries to a plan (as the PHP array it becomes) as `invalid` entries.
pub fn add_to_plan(plan: &mut Value, rejected: &[Rejected]) {
    for r in rejected {
        if let Some(entries) = plan.get_mut("entries").and_then(Value::as_array_mut) {
            entries.push(json!({
                "keys": [r.key],
                "username": "",
                "publisher_id": null,
                "actions": [],
                "current_status": "",
                "current_package": "",
                "error": r.error,
            }));
        }
        if let Some(counts) = plan.get_mut("counts").and_then(Value::as_object_mut) {
            let n = counts.get("invalid").and_then(Value::as_u64).unwrap_or(0);
            counts.insert("invalid".to_string(), json!(n + 1));
        }
    }
}
