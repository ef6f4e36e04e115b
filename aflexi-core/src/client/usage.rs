//! Bandwidth used per publisher in a month, from `stats.getSummaries`.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::model;
use super::transport::Endpoint;
use super::usage_batches::UsageRow;
use super::Client;
use crate::{xmlrpc, Error, Result};

/// Publishers per `stats.getSummaries` query of [`Client::bandwidth_usage_of`]: a month of
/// daily figures for 200 publishers is about 2.5 MB of XML, far below the response limit.
pub const USAGE_PUBLISHERS_PER_QUERY: usize = 200;

impl Client {
    /// Bandwidth used in the given month per publisher id, in MB (HTTP and RTMP added), for
    /// every publisher of the operator in one answer per type. The answer grows with the
    /// operator's size (a month of daily figures for 2,000 publishers passes the 16 MB response
    /// limit): prefer [`Client::bandwidth_usage_of`].
    pub async fn bandwidth_usage(&self, year: i32, month: u32) -> Result<BTreeMap<i64, i64>> {
        self.usage_query(year, month, None)
            .await?
            .into_iter()
            .map(|(id, mb)| Ok((id, mb?)))
            .collect()
    }

    /// Bandwidth used in the given month by these publishers, in MB (HTTP and RTMP added),
    /// asked [`USAGE_PUBLISHERS_PER_QUERY`] publishers at a time (two calls each: HTTP and
    /// RTMP), so that every answer stays small whatever the operator's size. Publishers Aflexi
    /// reports no traffic for are absent; figures of publishers not asked for are ignored.
    pub async fn bandwidth_usage_of(
        &self,
        year: i32,
        month: u32,
        publishers: &[i64],
    ) -> Result<BTreeMap<i64, i64>> {
        let mut ids: Vec<i64> = publishers.iter().copied().filter(|id| *id > 0).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut usage = BTreeMap::new();
        for chunk in ids.chunks(USAGE_PUBLISHERS_PER_QUERY) {
            for (id, mb) in self.usage_query(year, month, Some(chunk)).await? {
                // Kept only when asked for, in case the API does not apply the filter.
                if chunk.binary_search(&id).is_ok() {
                    usage.insert(id, mb?);
                }
            }
        }
        Ok(usage)
    }

    /// Bandwidth of one publisher per day, in MB (HTTP and RTMP added), from `from` to `to`
    /// (`YYYY-MM-DD`, both included, at most [`DAILY_MAX_DAYS`] days): one
    /// `stats.getSummaries` per type, keyed by `YYYY-MM-DD`. Days Aflexi reports nothing for
    /// are absent. What the usage chart of a service draws.
    pub async fn daily_bandwidth(
        &self,
        publisher: i64,
        from: &str,
        to: &str,
    ) -> Result<BTreeMap<String, i64>> {
        if publisher <= 0 {
            return Err(Error::invalid(
                "publisher",
                "a publisher id must be positive",
            ));
        }
        let (start, end) = (compact_date(from)?, compact_date(to)?);
        if end < start {
            return Err(Error::invalid("to", format!("{to} is before {from}")));
        }
        if day_number(&end) - day_number(&start) >= DAILY_MAX_DAYS {
            return Err(Error::invalid(
                "to",
                format!("at most {DAILY_MAX_DAYS} days are asked for at once"),
            ));
        }
        let op = self.operator_id().await?;
        let mut days = BTreeMap::new();
        for kind in ["HTTP", "RTMP"] {
            let query = json!({
                "summary": "DAILY",
                "type": kind,
                "startDate": xmlrpc::datetime(&format!("{start}T00:00:00")),
                "endDate": xmlrpc::datetime(&format!("{end}T23:59:59")),
                "resultFormat": "DETAIL",
                "publisher": [publisher],
            });
            let answer = self
                .transport
                .read_at(
                    Endpoint::Stats,
                    "stats.getSummaries",
                    vec![json!("groupByOperator"), query],
                )
                .await?;
            let Value::Object(buckets) = &answer else {
                continue; // an empty answer (an empty array): no traffic
            };
            for (day, bucket) in buckets {
                if day == "-1" || day.len() != 8 || *day < start || *day > end {
                    continue; // the range total, or a day not asked for
                }
                let one = json!({ day.clone(): bucket });
                if let Some(mb) = usage_totals(&one, op)?.remove(&publisher) {
                    let date = format!("{}-{}-{}", &day[0..4], &day[4..6], &day[6..8]);
                    *days.entry(date).or_insert(0) += mb?;
                }
            }
        }
        Ok(days)
    }

    /// The figures of one query of [`super::UsageBatches`]: one row per publisher of `chunk`
    /// (sorted, distinct), each with its own outcome: a failed call fails the rows of its
    /// chunk, an unreadable figure only its publisher's row.
    pub(super) async fn usage_rows(&self, year: i32, month: u32, chunk: &[i64]) -> Vec<UsageRow> {
        match self.usage_query(year, month, Some(chunk)).await {
            Ok(mut figures) => chunk
                .iter()
                .map(|&publisher| UsageRow {
                    publisher,
                    usage: figures.remove(&publisher).transpose(),
                })
                .collect(),
            Err(error) => chunk
                .iter()
                .map(|&publisher| UsageRow {
                    publisher,
                    usage: Err(error.clone()),
                })
                .collect(),
        }
    }

    /// One month of `stats.getSummaries` (HTTP, then RTMP), optionally for some publishers:
    /// each publisher's MB, or the reason its figure could not be read.
    async fn usage_query(
        &self,
        year: i32,
        month: u32,
        publishers: Option<&[i64]>,
    ) -> Result<Figures> {
        check_month(year, month)?;
        let op = self.operator_id().await?;
        let last = days_in_month(year, month);
        let mut usage = BTreeMap::new();
        for kind in ["HTTP", "RTMP"] {
            let mut query = json!({
                "summary": "DAILY",
                "type": kind,
                "startDate": xmlrpc::datetime(&format!("{year:04}{month:02}01T00:00:00")),
                "endDate": xmlrpc::datetime(&format!("{year:04}{month:02}{last:02}T23:59:59")),
                "resultFormat": "DETAIL",
            });
            if let Some(ids) = publishers {
                query["publisher"] = json!(ids);
            }
            let answer = self
                .transport
                .read_at(
                    Endpoint::Stats,
                    "stats.getSummaries",
                    vec![json!("groupByOperator"), query],
                )
                .await?;
            for (id, mb) in usage_totals(&answer, op)? {
                add(usage.entry(id).or_insert(Ok(0)), mb);
            }
        }
        Ok(usage)
    }
}

/// The most days [`Client::daily_bandwidth`] asks for at once: two months of 31 days (the
/// sandbox answers at most this many; the old plugins never asked for more than a month).
pub const DAILY_MAX_DAYS: i64 = 62;

/// `YYYY-MM-DD` as `YYYYMMDD`, checked.
fn compact_date(date: &str) -> Result<String> {
    let b = date.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let month: u32 = date.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0);
    let day: u32 = date.get(8..10).and_then(|d| d.parse().ok()).unwrap_or(0);
    let year: i32 = date.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(0);
    if !ok || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(Error::invalid(
            "date",
            format!("{date:?} is not a date YYYY-MM-DD"),
        ));
    }
    Ok(date.replace('-', ""))
}

/// Days since 0000-03-01 of a checked `YYYYMMDD` (only differences are used).
fn day_number(date: &str) -> i64 {
    let part = |r: std::ops::Range<usize>| date[r].parse::<i64>().unwrap_or(0);
    let (mut y, mut m, d) = (part(0..4), part(4..6), part(6..8));
    if m <= 2 {
        y -= 1;
        m += 12;
    }
    365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + d
}

/// Each publisher's MB, or why its figure could not be read.
type Figures = BTreeMap<i64, Result<i64>>;

/// Adds a figure to a total; an unreadable one makes the total unreadable.
fn add(total: &mut Result<i64>, figure: Result<i64>) {
    if let Ok(sum) = total {
        match figure {
            Ok(mb) => *sum = sum.saturating_add(mb),
            Err(e) => *total = Err(e),
        }
    }
}

/// Refuses a month the API cannot be asked about.
pub(super) fn check_month(year: i32, month: u32) -> Result<()> {
    if !(1..=12).contains(&month) || !(2000..=2100).contains(&year) {
        return Err(Error::invalid(
            "month",
            format!("{year}-{month} is not a valid month"),
        ));
    }
    Ok(())
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Sums `stats.getSummaries` totals per publisher (docs/AFLEXI-API.md#stats): the whole-range
/// bucket `-1` when present, else every day bucket; within the operator, the across-packages
/// group `-1` when present, else every group; `-1` publisher keys are subtotals and skipped.
/// A figure that is not a number makes only its publisher's total an error.
fn usage_totals(answer: &Value, operator_id: i64) -> Result<Figures> {
    let mut totals = BTreeMap::new();
    let buckets = match answer {
        Value::Object(buckets) => buckets,
        // An empty PHP array is encoded as an empty XML-RPC array.
        Value::Array(items) if items.is_empty() => return Ok(totals),
        other => return Err(model::unreadable(STATS, "(answer)", other, "a struct")),
    };
    let chosen: Vec<&Value> = match buckets.get("-1") {
        Some(total) => vec![total],
        None => buckets.values().collect(),
    };
    let op_key = operator_id.to_string();
    for bucket in chosen {
        let Some(groups) = bucket.get(&op_key).and_then(Value::as_object) else {
            continue;
        };
        let groups: Vec<&Value> = match groups.get("-1") {
            Some(all) => vec![all],
            None => groups.values().collect(),
        };
        for group in groups {
            let Some(publishers) = group.as_object() else {
                continue;
            };
            for (key, leaf) in publishers {
                if let Ok(id) = key.trim().parse::<i64>() {
                    if id > 0 {
                        add(totals.entry(id).or_insert(Ok(0)), leaf_total(leaf, key));
                    }
                }
            }
        }
    }
    Ok(totals)
}

const STATS: &str = "stats.getSummaries";

/// The `total` of a `[cached, notCached, total]` leaf, summing nested leaves. Figures are MB
/// and may be fractional (rounded); anything that is not a number is an error naming the
/// publisher's member, never counted as zero.
fn leaf_total(leaf: &Value, key: &str) -> Result<i64> {
    let number = |v: &Value| match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f.round() as i64)),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(|f| f.round() as i64),
        _ => None,
    };
    match leaf {
        Value::Array(items) if items.len() >= 3 && items.iter().all(|v| number(v).is_some()) => {
            Ok(number(&items[2]).unwrap_or(0))
        }
        Value::Array(items) => items.iter().map(|v| leaf_total(v, key)).sum(),
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| k.as_str() != "-1")
            .map(|(_, v)| leaf_total(v, key))
            .sum(),
        other => number(other).ok_or_else(|| model::unreadable(STATS, key, other, "a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_reads_the_whole_range_bucket_and_skips_subtotals() {
        let answer = json!({
            "20261101": {"3": {"-1": {"10": [1, 2, 3]}}},
            "-1": {"3": {"5": {"10": [10, 20, 30]}, "-1": {"10": [10, 20, 30], "11": [0, 5, 5], "-1": [10, 25, 35]}},
                   "4": {"-1": {"99": [1, 1, 2]}}}
        });
        let totals = usage_totals(&answer, 3).unwrap();
        assert_eq!(totals.get(&10), Some(&Ok(30)));
        assert_eq!(totals.get(&11), Some(&Ok(5)));
        assert_eq!(totals.get(&99), None, "another operator's publisher");
        assert_eq!(totals.len(), 2);
    }

    #[test]
    fn usage_sums_day_buckets_when_there_is_no_total() {
        let answer = json!({
            "20261101": {"3": {"8": {"10": [1, 2, 3]}}},
            "20261102": {"3": {"8": {"10": [1, 1, 2]}, "9": {"10": [0, 1, 1]}}}
        });
        assert_eq!(usage_totals(&answer, 3).unwrap().get(&10), Some(&Ok(6)));
        assert!(usage_totals(&json!([]), 3).unwrap().is_empty());
        assert!(usage_totals(&json!("nothing"), 3).is_err());
    }

    #[test]
    fn usage_figures_that_are_not_numbers_are_errors_of_their_publisher_not_zero() {
        let answer =
            json!({"-1": {"3": {"-1": {"10": [1, 2, "lots"], "11": true, "12": [1, 2, 3]}}}});
        let totals = usage_totals(&answer, 3).unwrap();
        let text = totals[&10].as_ref().unwrap_err().to_string();
        assert!(text.contains("stats.getSummaries"), "{text}");
        assert!(totals[&11].is_err());
        assert_eq!(totals[&12], Ok(3), "the others are kept");
        let doubles = json!({"-1": {"3": {"-1": {"10": [1.0, 2.0, 3.4]}}}});
        assert_eq!(usage_totals(&doubles, 3).unwrap().get(&10), Some(&Ok(3)));
    }

    #[test]
    fn an_unreadable_figure_stays_unreadable_when_added_to() {
        let mut total = Ok(5);
        add(&mut total, Ok(7));
        assert_eq!(total, Ok(12));
        add(&mut total, Err(Error::Protocol("bad".into())));
        add(&mut total, Ok(1));
        assert!(total.is_err());
    }

    #[test]
    fn dates_are_checked_and_compacted() {
        assert_eq!(compact_date("2026-12-31").unwrap(), "20261231");
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "20261201",
            "2026-1-01",
            "<script>",
        ] {
            assert!(compact_date(bad).is_err(), "{bad}");
        }
        assert_eq!(day_number("20261201") - day_number("20261130"), 1);
        assert_eq!(day_number("20250301") - day_number("20250228"), 1);
        assert_eq!(day_number("20240301") - day_number("20240228"), 2);
        assert_eq!(day_number("20270131") - day_number("20261201"), 61);
    }

    #[test]
    fn month_lengths() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2026, 11), 30);
        assert_eq!(days_in_month(2026, 12), 31);
    }
}
