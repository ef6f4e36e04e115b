//! The business rules the modules ask about, as PHP functions: who is entitled to CDN, which
//! product is free, a username's parts, which publisher a service acts on, and bandwidth in
//! WHMCS's units.
//!
//! PHP reads the WHMCS rows and passes their facts; each function calls the one function of
//! the core that owns the rule and hands back a structured answer, so that PHP never decides
//! nor parses what the core produced.

// PHP sees the Rust parameter names, and PHP's own names are camelCase.
#![allow(non_snake_case)]

use aflexi_core::entitlement::{self, Invoice, ServiceFacts};
use aflexi_core::service_publisher::{self, Which};
use aflexi_core::{bandwidth_alert, usage, usage_chart, username_parts};
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
use serde_json::json;

use crate::convert::{flag, members, text, whole_number, zval_to_json, ArrayArg, Key, PhpArray};
use crate::exception::Failure;

/// Adds the functions of this module to the extension.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(entitlement))
        .function(wrap_function!(product_is_free))
        .function(wrap_function!(username_parts))
        .function(wrap_function!(publisher_of_service))
        .function(wrap_function!(bandwidth_limit))
        .function(wrap_function!(bandwidth_usage_mb))
        .function(wrap_function!(format_mb))
        .function(wrap_function!(usage_chart))
        .function(wrap_function!(alert_thresholds))
        .function(wrap_function!(alerts_reached))
        .function(wrap_function!(bandwidth_usage_gb))
}

/// Whether a service is entitled to CDN through the addon, from the facts WHMCS holds about
/// it. Returns `desired` ('Active', 'Suspended', or null when the service is left out: not
/// entitled and never synchronized), `reason` (null when entitled, else a code:
/// `suspend_event`, `not_cdn_enabled`, `free_product`, `service_not_active`,
/// `client_not_active`, `on_hold`, `invoice_reversed`, `addon_not_active`) and `message`
/// (the reason as the operator reads it, e.g. 'invoice #12 is Refunded').
///
/// `$facts` has every one of these keys: `suspend_event` (why a hook event suspends the
/// service now, or null), `cdn_enabled`, `product_free` (`Aflexi\product_is_free`),
/// `service_status`, `client_status` (null when the client is gone), `hold` (why a hook put
/// the service on hold, or null), `latest_invoice_id` and `latest_invoice_status` (of the
/// service's latest invoice, null when none), `addon_required` (the "Aflexi CDN" addon is
/// priced), `addon_active`, `synchronized` (the service has a publisher record).
///
/// @throws \Aflexi\InvalidInputException for a missing or unknown key, or a value of the
///     wrong type
#[php_function]
#[php(name = "Aflexi\\entitlement")]
pub fn entitlement(facts: ArrayArg) -> Result<PhpArray, Failure> {
    let facts = service_facts(facts)?;
    PhpArray::of(&entitlement::decide(&facts))
}

/// Whether a product is free, so that its services get no CDN: its payment type is `free`
/// (any case), or no price of it is above zero in any currency or billing cycle.
///
/// `$paytype` is `tblproducts.paytype`; `$hasPriceAboveZero` whether any of its prices is
/// above zero.
///
/// @throws \Aflexi\InvalidInputException for an argument of the wrong type
#[php_function]
#[php(name = "Aflexi\\product_is_free")]
pub fn product_is_free(paytype: &Zval, hasPriceAboveZero: &Zval) -> Result<bool, Failure> {
    let paytype = text("$paytype", paytype)?;
    let priced = flag("$hasPriceAboveZero", hasPriceAboveZero)?;
    Ok(entitlement::product_is_free(&paytype, priced))
}

/// The parts of a full Aflexi username (`<local>/<operatorId>`, as the client returns it):
/// `local` (what WHMCS keeps), `operator_id` (null when the name has no operator suffix) and
/// `full` (the name, trimmed).
///
/// @throws \Aflexi\InvalidInputException for an argument that is not a string or not UTF-8
#[php_function]
#[php(name = "Aflexi\\username_parts")]
pub fn username_parts(username: &Zval) -> Result<PhpArray, Failure> {
    let username = text("$username", username)?;
    PhpArray::of(&username_parts::parts(&username))
}

/// How the server module finds the publisher of a service (every operation but Create):
/// `['by' => 'id', 'publisher_id' => N]` for the recorded publisher id;
/// `['by' => 'username', 'username' => ...]` to look it up by the username on record;
/// `['by' => 'service_username']` to look it up by the username the naming rule gives the
/// service (`Aflexi\username_for_service`). The caller looks up and records what it found.
///
/// `$recordedId` is the record's publisher id (null, 0 or '' when none), `$recordedUsername`
/// the record's username ('' or null when none).
///
/// @throws \Aflexi\InvalidInputException for an argument of the wrong type
#[php_function]
#[php(name = "Aflexi\\publisher_of_service")]
pub fn publisher_of_service(
    recordedId: &Zval,
    recordedUsername: &Zval,
) -> Result<PhpArray, Failure> {
    let id = whole_number("$recordedId", recordedId)?;
    let username = text("$recordedUsername", recordedUsername)?;
    Ok(PhpArray(
        match service_publisher::which(Some(id), &username) {
            Which::Recorded(id) => json!({"by": "id", "publisher_id": id}),
            Which::ByUsername(username) => json!({"by": "username", "username": username}),
            Which::ByServiceUsername => json!({"by": "service_username"}),
        },
    ))
}

/// The `tblhosting.bwlimit` of a package: `mb` (its limit in GB × 1024; 0 when unlimited)
/// and `beyond_column` (true when the limit does not fit the int(11) column, 2,097,152 GB
/// and above: then `mb` is 0, unlimited, and the module log names the package).
///
/// `$gb` is the package's `bandwidth_limit_gb` as `Client::listPackages` gives it (null
/// when unlimited).
///
/// @throws \Aflexi\InvalidInputException for a value that is not a whole number
#[php_function]
#[php(name = "Aflexi\\bandwidth_limit")]
pub fn bandwidth_limit(gb: &Zval) -> Result<PhpArray, Failure> {
    let gb = if gb.dereference().is_null() {
        None
    } else {
        Some(whole_number("$gb", gb)?)
    };
    let limit = usage::limit_mb(gb);
    Ok(PhpArray(json!({
        "mb": limit.column_value(),
        "beyond_column": limit == usage::Limit::BeyondColumn,
    })))
}

/// The `tblhosting.bwusage` figure (MB) of a usage Aflexi reported in MB; a negative figure
/// counts as 0.
///
/// @throws \Aflexi\InvalidInputException when the figure does not fit the int(11) column (only
///     from a broken or hostile answer: the service keeps its last figures), or is not a
///     whole number
#[php_function]
#[php(name = "Aflexi\\bandwidth_usage_mb")]
pub fn bandwidth_usage_mb(mb: &Zval) -> Result<i64, Failure> {
    let mb = whole_number("$mb", mb)?;
    Ok(usage::usage_mb(mb)?)
}

/// A figure in MB as the client reads it: "850 MB", "1.5 GB", "3 TB" (binary units).
///
/// @throws \Aflexi\InvalidInputException for a value that is not a whole number
#[php_function]
#[php(name = "Aflexi\\format_mb")]
pub fn format_mb(mb: &Zval) -> Result<String, Failure> {
    Ok(usage::format_mb(whole_number("$mb", mb)?))
}

/// The daily bandwidth chart of a service: `svg` (the whole `<svg>`, every text escaped,
/// role="img" with its `<title>` and `<desc>`), `rows` (one per day of the period: `day`,
/// `current_date`, `current`, `previous_date`, `previous`, figures worded as `format_mb`;
/// `''` where a period has no such day), `current_total` and `previous_total`.
///
/// `$chart` has the keys `id` (unique in the page: a letter, then letters, digits, - or _),
/// `title`, `axis` (the label under the days), `current` and `previous`, each
/// `['label' => ..., 'days' => [['date' => 'YYYY-MM-DD', 'mb' => int], ...]]` in order.
///
/// @throws \Aflexi\InvalidInputException for a missing key, a negative figure, a bad date or
///     id, or a period longer than a year
#[php_function]
#[php(name = "Aflexi\\usage_chart")]
pub fn usage_chart(chart: ArrayArg) -> Result<PhpArray, Failure> {
    let value = match chart {
        ArrayArg::Given(zval) => zval_to_json("$chart", zval)?,
        ArrayArg::Empty => serde_json::Value::Null,
    };
    let spec: usage_chart::ChartSpec = serde_json::from_value(value)
        .map_err(|e| Failure::input("$chart", crate::convert::shorten(&e.to_string())))?;
    PhpArray::of(&usage_chart::render(&spec)?)
}

/// The bandwidth alert thresholds of a product setting ("80,100"; '' or null: the default
/// 80 and 100), as a sorted list of percentages.
///
/// @throws \Aflexi\InvalidInputException naming the entry that is not a whole percentage
///     from 1 to 1000, or for more than 10 thresholds
#[php_function]
#[php(name = "Aflexi\\alert_thresholds")]
pub fn alert_thresholds(setting: &Zval) -> Result<Vec<i64>, Failure> {
    let setting = if setting.dereference().is_null() {
        String::new()
    } else {
        text("$setting", setting)?
    };
    Ok(bandwidth_alert::thresholds(&setting)?
        .into_iter()
        .map(i64::from)
        .collect())
}

/// The thresholds (percentages, from `Aflexi\alert_thresholds`) that a usage of `$usedMb`
/// has reached against a limit of `$limitMb` (0: unlimited, none reached).
///
/// @throws \Aflexi\InvalidInputException for a figure that is not a whole number or a
///     threshold outside 1..1000
#[php_function]
#[php(name = "Aflexi\\alerts_reached")]
pub fn alerts_reached(
    usedMb: &Zval,
    limitMb: &Zval,
    thresholds: ArrayArg,
) -> Result<Vec<i64>, Failure> {
    let used = whole_number("$usedMb", usedMb)?;
    let limit = whole_number("$limitMb", limitMb)?;
    let mut list = Vec::new();
    if let Some(table) = thresholds.table("$thresholds")? {
        for member in members("$thresholds", table) {
            let (key, value) = member?;
            let at = format!("$thresholds{key}");
            let t = whole_number(&at, value)?;
            match u32::try_from(t) {
                Ok(t) if (1..=bandwidth_alert::MAX_THRESHOLD).contains(&t) => list.push(t),
                _ => {
                    return Err(Failure::input(
                        &at,
                        "a threshold is a percentage from 1 to 1000",
                    ))
                }
            }
        }
    }
    Ok(bandwidth_alert::reached(used, limit, &list)
        .into_iter()
        .map(i64::from)
        .collect())
}

/// The GB (1 GB = 1024 MB) of a usage Aflexi reported in MB, for WHMCS's Usage Billing
/// bandwidth metric; a negative figure counts as 0.
///
/// @throws \Aflexi\InvalidInputException when the figure is not a whole number
#[php_function]
#[php(name = "Aflexi\\bandwidth_usage_gb")]
pub fn bandwidth_usage_gb(mb: &Zval) -> Result<f64, Failure> {
    Ok(usage::usage_gb(whole_number("$mb", mb)?))
}

/// The facts of an `entitlement` array, each with the name its errors give it (static, so
/// that a call allocates no message unless it fails).
const FACTS: [(&str, &str); 11] = [
    ("suspend_event", "$facts['suspend_event']"),
    ("cdn_enabled", "$facts['cdn_enabled']"),
    ("product_free", "$facts['product_free']"),
    ("service_status", "$facts['service_status']"),
    ("client_status", "$facts['client_status']"),
    ("hold", "$facts['hold']"),
    ("latest_invoice_id", "$facts['latest_invoice_id']"),
    ("latest_invoice_status", "$facts['latest_invoice_status']"),
    ("addon_required", "$facts['addon_required']"),
    ("addon_active", "$facts['addon_active']"),
    ("synchronized", "$facts['synchronized']"),
];

/// The names of the facts, for messages.
fn fact_names() -> String {
    FACTS.map(|(fact, _)| fact).join(", ")
}

/// A text fact that may be null.
fn optional(what: &str, value: &Zval) -> Result<Option<String>, Failure> {
    if value.dereference().is_null() {
        Ok(None)
    } else {
        text(what, value).map(Some)
    }
}

/// The facts of an `entitlement` array: every key of [`FACTS`], no other.
fn service_facts(facts: ArrayArg) -> Result<ServiceFacts, Failure> {
    let mut out = ServiceFacts::default();
    let (mut invoice_id, mut invoice_status) = (None, None);
    let mut seen = [false; FACTS.len()];
    if let Some(table) = facts.table("$facts")? {
        for member in members("$facts", table) {
            let (key, value) = member?;
            let index = match &key {
                Key::Name(name) => FACTS.iter().position(|(fact, _)| fact == name),
                Key::Index(_) => None,
            };
            let Some(index) = index else {
                let key = match key {
                    Key::Name(name) => format!("'{}'", crate::convert::shorten(&name)),
                    Key::Index(i) => i.to_string(),
                };
                return Err(Failure::input(
                    "$facts",
                    format!("unknown fact {key}; the facts are {}", fact_names()),
                ));
            };
            seen[index] = true;
            let what = FACTS[index].1;
            match FACTS[index].0 {
                "suspend_event" => out.suspend_event = optional(what, value)?,
                "cdn_enabled" => out.cdn_enabled = flag(what, value)?,
                "product_free" => out.product_free = flag(what, value)?,
                "service_status" => out.service_status = text(what, value)?,
                "client_status" => out.client_status = optional(what, value)?,
                "hold" => out.hold = optional(what, value)?,
                "latest_invoice_id" => {
                    invoice_id = match value.dereference().is_null() {
                        true => None,
                        false => Some(crate::convert::count(what, value)?),
                    }
                }
                "latest_invoice_status" => invoice_status = optional(what, value)?,
                "addon_required" => out.addon_required = flag(what, value)?,
                "addon_active" => out.addon_active = flag(what, value)?,
                _ => out.synchronized = flag(what, value)?,
            }
        }
    }
    if let Some(missing) = seen.iter().position(|seen| !seen) {
        return Err(Failure::input(
            "$facts",
            format!(
                "the fact '{}' is missing; the facts are {}",
                FACTS[missing].0,
                fact_names()
            ),
        ));
    }
    out.latest_invoice = match (invoice_id, invoice_status) {
        (Some(id), Some(status)) => Some(Invoice { id, status }),
        (None, None) => None,
        _ => {
            return Err(Failure::input(
                "$facts",
                "latest_invoice_id and latest_invoice_status are both set or both null",
            ))
        }
    };
    Ok(out)
}
