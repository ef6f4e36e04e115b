//! Bandwidth used per publisher in a month, from `stats.getSummaries`.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::transport::Endpoint;
use super::usage_batches::UsageRow;
use super::usage_sum::{add, Answer, Figures, Node, UsageSum, STATS};
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
    /// `stats.getSummaries` per type, both sent at once, keyed by `YYYY-MM-DD`. Days Aflexi reports nothing for
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
        let query = |kind: &str| {
            json!({
                "summary": "DAILY",
                "type": kind,
                "startDate": xmlrpc::datetime(&format!("{start}T00:00:00")),
                "endDate": xmlrpc::datetime(&format!("{end}T23:59:59")),
                "resultFormat": "DETAIL",
                "publisher": [publisher],
            })
        };
        // The API takes one type a query (docs/AFLEXI-API.md#stats): both at once, so that a
        // chart's read waits one round trip, not two.
        let (http, rtmp) = tokio::join!(
            self.summaries(op, query("HTTP")),
            self.summaries(op, query("RTMP"))
        );
        let mut days = BTreeMap::new();
        for answer in [http?, rtmp?] {
            for (day, mb) in answer.days_of(publisher, &start, &end)? {
                let date = format!("{}-{}-{}", &day[0..4], &day[4..6], &day[6..8]);
                *days.entry(date).or_insert(0) += mb;
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
            for (id, mb) in self.summaries(op, query).await?.totals()? {
                add(usage.entry(id).or_insert(Ok(0)), mb);
            }
        }
        Ok(usage)
    }

    /// One `stats.getSummaries` call of the operator, summed while it is read.
    async fn summaries(&self, operator_id: i64, query: Value) -> Result<Answer> {
        self.transport
            .read_at_into(
                Endpoint::Stats,
                STATS,
                vec![json!("groupByOperator"), query],
                &|| UsageSum::new(operator_id),
            )
            .await
            .map(Node::into_answer)
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

#[cfg(test)]
mod tests {
    use super::*;

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
