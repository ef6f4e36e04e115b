//! `stats.getSummaries`: deterministic daily traffic in the nested shape of docs/AFLEXI-API.md#stats.
//!
//! Traffic is not recorded anywhere: [`usage_mb`] derives each publisher's figure for a day
//! from the seed, so a test can compute the expected answer itself. Days before
//! [`DATA_EPOCH`] have no data (the 1970 dates the old plugin sent give empty structs).
//!
//! Result shape (all keys are strings, values in MB):
//!
//! ```text
//! { "<YYYYMMDD>" | "-1": {                       // each day of the range, then the range total
//!     "<operatorId>": {
//!       "<packageId>": { "<publisherId>": [cached, notCached, total], ..., "-1": [...] },
//!       "-1":          { "<publisherId>": [...], ..., "-1": [...] }   // across packages
//! } } }
//! ```
//!
//! A bucket without data is `{}`. A sum that does not fit an XML-RPC `int` (i32) is sent as a
//! `double`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::api_fault::ApiFault;
use crate::filter::expect_struct;
use crate::state::State;

/// The first day with traffic data, `YYYYMMDD`.
pub const DATA_EPOCH: &str = "20100101";
/// The longest range answered; longer ranges are cut to their first `MAX_DAYS` days.
pub const MAX_DAYS: i64 = 62;

/// The traffic of one publisher on one day, `[cached, notCached, total]` in MB, with
/// `total = cached + notCached` and `0 <= total <= 2000`. Deterministic in all four inputs.
///
/// ```
/// let [cached, not_cached, total] = aflexi_sandbox::usage_mb(1, 42, "20240131", "HTTP");
/// assert_eq!(cached + not_cached, total);
/// assert!((0..=2000).contains(&total));
/// assert_eq!(aflexi_sandbox::usage_mb(1, 42, "20240131", "HTTP"), [cached, not_cached, total]);
/// ```
pub fn usage_mb(seed: u64, publisher_id: i64, day: &str, kind: &str) -> [i64; 3] {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for byte in day
        .bytes()
        .chain([0u8])
        .chain(kind.bytes())
        .chain([0u8])
        .chain(publisher_id.to_le_bytes())
    {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mixed = splitmix(h ^ seed.rotate_left(17));
    let total = (mixed % 2001) as i64;
    let cached = ((mixed >> 32) % (total as u64 + 1)) as i64;
    [cached, total - cached, total]
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// Parses the date part of `YYYYMMDDTHH:MM:SS` (dateTime.iso8601) or `YYYY-MM-DD...` into
/// days since the epoch.
pub fn parse_day(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let digits: String = if bytes.get(4) == Some(&b'-') && bytes.get(7) == Some(&b'-') {
        format!("{}{}{}", text.get(0..4)?, text.get(5..7)?, text.get(8..10)?)
    } else {
        text.get(0..8)?.to_string()
    };
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i64 = digits[0..4].parse().ok()?;
    let m: i64 = digits[4..6].parse().ok()?;
    let d: i64 = digits[6..8].parse().ok()?;
    if !(1..=12).contains(&m) || d < 1 {
        return None;
    }
    let days = days_from_civil(y, m, d);
    // Reject 2023-02-30 and the like: the date must survive the round trip.
    (civil_from_days(days) == (y, m, d)).then_some(days)
}

/// `YYYYMMDD` of a day number.
pub fn format_day(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}{m:02}{d:02}")
}

fn mb(value: i64) -> Value {
    if i32::try_from(value).is_ok() {
        json!(value)
    } else {
        json!(value as f64)
    }
}

fn triple(t: [i64; 3]) -> Value {
    Value::Array(t.iter().map(|&v| mb(v)).collect())
}

fn add(a: &mut [i64; 3], b: [i64; 3]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

/// One bucket: operator → package → publisher → usage.
type Bucket = BTreeMap<i64, BTreeMap<i64, BTreeMap<i64, [i64; 3]>>>;

fn bucket_value(bucket: &Bucket) -> Value {
    let mut out = Map::new();
    for (operator, packages) in bucket {
        let mut level3 = Map::new();
        let mut across: BTreeMap<i64, [i64; 3]> = BTreeMap::new();
        for (package, publishers) in packages {
            let mut level4 = Map::new();
            let mut sum = [0; 3];
            for (publisher, usage) in publishers {
                level4.insert(publisher.to_string(), triple(*usage));
                add(&mut sum, *usage);
                add(across.entry(*publisher).or_insert([0; 3]), *usage);
            }
            level4.insert("-1".into(), triple(sum));
            level3.insert(package.to_string(), Value::Object(level4));
        }
        let mut level4 = Map::new();
        let mut sum = [0; 3];
        for (publisher, usage) in &across {
            level4.insert(publisher.to_string(), triple(*usage));
            add(&mut sum, *usage);
        }
        level4.insert("-1".into(), triple(sum));
        level3.insert("-1".into(), Value::Object(level4));
        out.insert(operator.to_string(), Value::Object(level3));
    }
    Value::Object(out)
}

fn ids_param(value: &Value, what: &str) -> Result<Vec<i64>, ApiFault> {
    let bad = || ApiFault::invalid(format!("{what} must be an int or an array of ints"));
    match value {
        Value::Array(items) => items.iter().map(|v| v.as_i64().ok_or_else(bad)).collect(),
        v => Ok(vec![v.as_i64().ok_or_else(bad)?]),
    }
}

/// `stats.getSummaries(L, S, groupBy, query)` for an authenticated `caller`: the links of
/// which the caller is the operator (or the publisher), any status.
pub fn get_summaries(
    state: &State,
    seed: u64,
    refused: &[i64],
    caller: i64,
    params: &[Value],
) -> Result<Value, ApiFault> {
    let group_by = params.get(2).and_then(Value::as_str).ok_or_else(|| {
        ApiFault::invalid("param 3 (groupBy) must be the string \"groupByOperator\"")
    })?;
    if !group_by.eq_ignore_ascii_case("groupByOperator") {
        return Err(ApiFault::invalid(format!(
            "groupBy {group_by:?} is not supported; only \"groupByOperator\" is emulated"
        )));
    }
    let query = expect_struct(
        params
            .get(3)
            .ok_or_else(|| ApiFault::invalid("param 4 (query) is missing"))?,
        "param 4 (query)",
    )?;
    if let Some(summary) = query.get("summary") {
        if summary.as_str() != Some("DAILY") {
            return Err(ApiFault::invalid("query summary must be \"DAILY\""));
        }
    }
    let kind = match query.get("type").and_then(Value::as_str) {
        Some(k @ ("HTTP" | "RTMP")) => k,
        _ => return Err(ApiFault::invalid("query type must be \"HTTP\" or \"RTMP\"")),
    };
    let date = |key: &str| -> Result<i64, ApiFault> {
        query
            .get(key)
            .and_then(Value::as_str)
            .and_then(parse_day)
            .ok_or_else(|| {
                ApiFault::invalid(format!(
                    "query {key} must be a date (YYYYMMDDTHH:MM:SS or YYYY-MM-DD)"
                ))
            })
    };
    let start = date("startDate")?;
    let end = date("endDate")?;
    if end < start {
        return Err(ApiFault::invalid("query endDate is before startDate"));
    }
    let end = end.min(start + MAX_DAYS - 1);
    let only: Option<Vec<i64>> = query
        .get("publisher")
        .map(|v| ids_param(v, "query publisher"))
        .transpose()?;
    if let Some(id) = only.iter().flatten().find(|id| refused.contains(id)) {
        return Err(ApiFault::forbidden(format!(
            "statistics of publisher {id} are refused (sandbox setting refused_publishers)"
        )));
    }
    let epoch = parse_day(DATA_EPOCH).unwrap_or(0);

    let links: Vec<_> = state
        .links()
        .values()
        .filter(|l| l.operator == caller || l.publisher == caller)
        .filter(|l| only.as_ref().is_none_or(|ids| ids.contains(&l.publisher)))
        .collect();

    let mut out = Map::new();
    let mut total: Bucket = BTreeMap::new();
    for day in start..=end {
        let name = format_day(day);
        let mut bucket: Bucket = BTreeMap::new();
        if day >= epoch {
            for link in &links {
                let usage = usage_mb(seed, link.publisher, &name, kind);
                bucket
                    .entry(link.operator)
                    .or_default()
                    .entry(link.package)
                    .or_default()
                    .insert(link.publisher, usage);
                add(
                    total
                        .entry(link.operator)
                        .or_default()
                        .entry(link.package)
                        .or_default()
                        .entry(link.publisher)
                        .or_insert([0; 3]),
                    usage,
                );
            }
        }
        out.insert(name, bucket_value(&bucket));
    }
    out.insert("-1".into(), bucket_value(&total));
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_is_deterministic_small_and_consistent() {
        for id in 1..200 {
            let [c, n, t] = usage_mb(7, id, "20240301", "RTMP");
            assert_eq!(c + n, t);
            assert!((0..=2000).contains(&t) && c >= 0 && n >= 0);
            assert_eq!(usage_mb(7, id, "20240301", "RTMP"), [c, n, t]);
        }
        assert_ne!(
            usage_mb(1, 5, "20240301", "HTTP"),
            usage_mb(2, 5, "20240301", "HTTP")
        );
        assert_ne!(
            usage_mb(1, 5, "20240301", "HTTP"),
            usage_mb(1, 5, "20240302", "HTTP")
        );
    }

    #[test]
    fn dates_parse_in_both_forms_and_round_trip() {
        let a = parse_day("20240229T00:00:00").unwrap();
        assert_eq!(parse_day("2024-02-29T12:00:00Z"), Some(a));
        assert_eq!(format_day(a), "20240229");
        assert_eq!(format_day(a + 1), "20240301");
        assert_eq!(parse_day("19700101T00:00:00"), Some(0));
        assert_eq!(parse_day("20230229T00:00:00"), None);
        assert_eq!(parse_day("garbage"), None);
        assert_eq!(parse_day("2024-01-0é"), None);
        assert_eq!(parse_day("2024-01"), None);
        assert_eq!(parse_day("ééééé"), None);
    }

    #[test]
    fn large_sums_become_doubles() {
        assert_eq!(mb(5), json!(5));
        assert!(mb(i64::from(i32::MAX) + 1).is_f64());
    }
}
