//! Every default and bound of the integration, stated once.
//!
//! The Aflexi client ([`crate::client::ClientConfig`]), the WHM client
//! ([`crate::whm::WhmConfig`]) and the sync engine ([`crate::sync::Options`]) take their
//! defaults and limits from here; the PHP extension's INI defaults are pinned to them by a test
//! of the extension, and the addon reads the ones it needs through `Aflexi\defaults()` (see
//! [`for_php`]).
//!
//! | setting | default | bounds | why |
//! |---|---|---|---|
//! | connect timeout | 5 s | 0.05 to 300 s | a host that does not accept within seconds is down |
//! | request timeout | 20 s | 0.05 to 600 s | one call of the API, answer read whole |
//! | operation timeout | 60 s | 0.1 to 3600 s | one whole operation, retries included; below PHP-FPM's usual limits, since PHP cannot interrupt a wait in Rust |
//! | concurrency | 16 | 1 to 256 | requests (publishers) in flight at once in bulk work |
//! | read retries | 2 | at most 10 | repeats of a read after a failure another try may not meet |
//! | retry backoff | 200 ms | | first pause before a repeated read; doubles each time |
//! | page size | 500 rows | 1 to 10,000 | rows asked for per page of a listing |
//! | response size | 16 MiB | at least 1 KiB | a page of 10,000 publishers is well under it |
//! | listed rows | 1,000,000 | | most rows one listing keeps (about 200 MB of publishers) |
//! | step seconds | 10 s | 1 to 20 s | work per request of a Save Settings run in the addon |
//! | cron seconds | 60 s | 5 to 600 s | time budget of the addon's daily reconcile |

use std::ops::RangeInclusive;
use std::time::Duration;

use serde_json::{json, Value};

/// Time allowed to open a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The connect timeouts accepted, in seconds.
pub const CONNECT_TIMEOUT_SECS: RangeInclusive<f64> = 0.05..=300.0;

/// Time allowed for one whole request, connection included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// The request timeouts accepted, in seconds.
pub const REQUEST_TIMEOUT_SECS: RangeInclusive<f64> = 0.05..=600.0;

/// Time allowed for one whole operation, retries and read-backs included.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(60);
/// The operation timeouts accepted, in seconds.
pub const OPERATION_TIMEOUT_SECS: RangeInclusive<f64> = 0.1..=3600.0;

/// Requests (and publishers) in flight at once in bulk work.
pub const CONCURRENCY: usize = 16;
/// The concurrencies accepted.
pub const CONCURRENCY_RANGE: RangeInclusive<usize> = 1..=256;

/// How many times a read is repeated after a failure another try may not meet.
pub const READ_RETRIES: u32 = 2;
/// The most read retries accepted.
pub const MAX_READ_RETRIES: u32 = 10;
/// The first pause before a repeated read; it doubles each time.
pub const RETRY_BACKOFF: Duration = Duration::from_millis(200);

/// Rows asked for per page when listing.
pub const PAGE_SIZE: usize = 500;
/// The page sizes accepted.
pub const PAGE_SIZE_RANGE: RangeInclusive<usize> = 1..=10_000;

/// The largest response body accepted.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
/// The smallest response limit accepted.
pub const MIN_RESPONSE_BYTES: usize = 1024;

/// Most rows one listing keeps, so memory stays bounded whatever the server sends.
pub const MAX_LISTED_ROWS: usize = 1_000_000;

/// Seconds of work per request of the addon's Save Settings run.
pub const STEP_SECONDS: u32 = 10;
/// The step lengths accepted, in seconds (keep well below `max_execution_time`).
pub const STEP_SECONDS_RANGE: RangeInclusive<u32> = 1..=20;

/// Seconds of the addon's daily reconcile; the rest continues the next run.
pub const CRON_SECONDS: u32 = 60;
/// The reconcile budgets accepted, in seconds.
pub const CRON_SECONDS_RANGE: RangeInclusive<u32> = 5..=600;

// Checked when compiling: the defaults that are plain numbers are within their bounds.
const _: () = assert!(READ_RETRIES <= MAX_READ_RETRIES);
const _: () = assert!(MAX_RESPONSE_BYTES >= MIN_RESPONSE_BYTES);

/// The defaults and bounds PHP reads, as `Aflexi\defaults()` returns them: by setting name
/// (the names of the INI settings and of the addon's settings), each
/// `{"default", "min", "max"}`, times in seconds.
pub fn for_php() -> Value {
    let secs = |d: Duration, range: &RangeInclusive<f64>| json!({"default": d.as_secs(), "min": range.start(), "max": range.end()});
    let whole =
        |default: u64, min: u64, max: u64| json!({"default": default, "min": min, "max": max});
    json!({
        "connect_timeout": secs(CONNECT_TIMEOUT, &CONNECT_TIMEOUT_SECS),
        "timeout": secs(REQUEST_TIMEOUT, &REQUEST_TIMEOUT_SECS),
        "operation_timeout": secs(OPERATION_TIMEOUT, &OPERATION_TIMEOUT_SECS),
        "concurrency": whole(
            CONCURRENCY as u64,
            *CONCURRENCY_RANGE.start() as u64,
            *CONCURRENCY_RANGE.end() as u64,
        ),
        "step_seconds": whole(
            STEP_SECONDS.into(),
            (*STEP_SECONDS_RANGE.start()).into(),
            (*STEP_SECONDS_RANGE.end()).into(),
        ),
        "cron_seconds": whole(
            CRON_SECONDS.into(),
            (*CRON_SECONDS_RANGE.start()).into(),
            (*CRON_SECONDS_RANGE.end()).into(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_is_within_its_bounds() {
        let inside = |d: Duration, r: &RangeInclusive<f64>| r.contains(&d.as_secs_f64());
        assert!(inside(CONNECT_TIMEOUT, &CONNECT_TIMEOUT_SECS));
        assert!(inside(REQUEST_TIMEOUT, &REQUEST_TIMEOUT_SECS));
        assert!(inside(OPERATION_TIMEOUT, &OPERATION_TIMEOUT_SECS));
        assert!(CONCURRENCY_RANGE.contains(&CONCURRENCY));
        assert!(PAGE_SIZE_RANGE.contains(&PAGE_SIZE));
        assert!(STEP_SECONDS_RANGE.contains(&STEP_SECONDS));
        assert!(CRON_SECONDS_RANGE.contains(&CRON_SECONDS));
    }

    #[test]
    fn php_reads_each_setting_as_default_min_max() {
        let table = for_php();
        assert_eq!(
            table["concurrency"],
            json!({"default": 16, "min": 1, "max": 256})
        );
        assert_eq!(
            table["operation_timeout"],
            json!({"default": 60, "min": 0.1, "max": 3600.0})
        );
        assert_eq!(
            table["step_seconds"],
            json!({"default": 10, "min": 1, "max": 20})
        );
        for (name, entry) in table.as_object().unwrap() {
            let (default, min, max) = (
                entry["default"].as_f64().unwrap(),
                entry["min"].as_f64().unwrap(),
                entry["max"].as_f64().unwrap(),
            );
            assert!(min <= default && default <= max, "{name}: {entry}");
        }
    }
}
