//! Bandwidth in WHMCS's units: what the server module's UsageUpdate writes to
//! `tblhosting.bwusage` and `bwlimit`.
//!
//! WHMCS keeps both figures in MB in `int(11)` columns; Aflexi states a package's limit in GB
//! (1 GB = 1024 MB, as WHMCS's own modules convert) and reports usage in MB. A limit that does
//! not fit the column (2,097,152 GB = 2 PB and above) is written as 0, unlimited: no bill can
//! reach it, and a clamped figure would be a limit Aflexi does not have. A usage figure beyond
//! the column is refused, never clamped.
//!
//! ```
//! use aflexi_core::usage::{limit_mb, usage_mb, Limit};
//! assert_eq!(limit_mb(Some(100)), Limit::Mb(102_400));
//! assert_eq!(limit_mb(None), Limit::Mb(0)); // unlimited
//! assert_eq!(limit_mb(Some(2_097_152)), Limit::BeyondColumn);
//! assert_eq!(usage_mb(512).unwrap(), 512);
//! assert!(usage_mb(i64::MAX).is_err());
//! ```

use crate::{Error, Result};

/// The largest value of WHMCS's `int(11)` `bwusage` and `bwlimit` columns (MB).
pub const COLUMN_MAX_MB: i64 = i32::MAX as i64;

/// MB per GB, as WHMCS's own modules convert.
pub const MB_PER_GB: i64 = 1024;

/// The largest package limit (GB) whose MB fit the column.
pub const MAX_LIMIT_GB: i64 = COLUMN_MAX_MB / MB_PER_GB;

/// A package's limit for `bwlimit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The limit in MB; 0 means unlimited.
    Mb(i64),
    /// A limit the column cannot hold: written as 0 (unlimited) and named in the module log.
    BeyondColumn,
}

impl Limit {
    /// The figure written to `bwlimit`: the MB, or 0 (unlimited) beyond the column.
    pub fn column_value(self) -> i64 {
        match self {
            Limit::Mb(mb) => mb,
            Limit::BeyondColumn => 0,
        }
    }
}

/// The `bwlimit` of a package whose limit is `gb` (the client's `bandwidth_limit_gb`; `None`,
/// 0 or negative is unlimited).
pub fn limit_mb(gb: Option<i64>) -> Limit {
    match gb {
        Some(gb) if gb > MAX_LIMIT_GB => Limit::BeyondColumn,
        Some(gb) if gb > 0 => Limit::Mb(gb * MB_PER_GB),
        _ => Limit::Mb(0),
    }
}

/// The `bwusage` figure of a usage Aflexi reported in MB: a negative figure counts as 0.
///
/// # Errors
///
/// [`Error::InvalidInput`] (field `usage`) when the figure does not fit the column (2 PB in a
/// month, only from a broken or hostile answer): the service keeps its last figures.
pub fn usage_mb(mb: i64) -> Result<i64> {
    if mb > COLUMN_MAX_MB {
        return Err(Error::invalid(
            "usage",
            format!("{mb} MB is beyond the bwusage column (at most {COLUMN_MAX_MB} MB)"),
        ));
    }
    Ok(mb.max(0))
}

/// A figure in MB as the client reads it, in binary units as Aflexi's GB limits: 850 →
/// "850 MB", 1536 → "1.5 GB", 3,145,728 → "3 TB" (at most two decimals, thousands
/// separated; a negative figure reads as 0 MB). The one home of this wording: the chart, its
/// table and the alert e-mail use it.
pub fn format_mb(mb: i64) -> String {
    let mb = mb.max(0);
    for (unit, size) in [("TB", MB_PER_GB * MB_PER_GB), ("GB", MB_PER_GB)] {
        if mb >= size {
            return format!("{} {unit}", decimal(mb as f64 / size as f64));
        }
    }
    format!("{} MB", thousands(mb.to_string()))
}

/// A number with at most two decimals, trailing zeros cut, thousands separated: 1234.5 →
/// "1,234.5".
pub fn decimal(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let whole = thousands(whole.to_string());
    if fraction.is_empty() {
        whole
    } else {
        format!("{whole}.{fraction}")
    }
}

fn thousands(digits: String) -> String {
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest.to_string()),
        None => ("", digits),
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// The GB of a usage Aflexi reported in MB, for WHMCS's Usage Billing (its bandwidth metric is
/// in GB: 1 GB = 1024 MB, as [`MB_PER_GB`]); a negative figure counts as 0. Exact to the
/// 6 decimals WHMCS stores (`tbltenant_stats.value` is `decimal(19,6)`).
pub fn usage_gb(mb: i64) -> f64 {
    mb.max(0) as f64 / MB_PER_GB as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_in_mb_gb_and_tb_of_1024() {
        assert_eq!(format_mb(0), "0 MB");
        assert_eq!(format_mb(-3), "0 MB");
        assert_eq!(format_mb(850), "850 MB");
        assert_eq!(format_mb(1023), "1,023 MB");
        assert_eq!(format_mb(1024), "1 GB");
        assert_eq!(format_mb(1536), "1.5 GB");
        assert_eq!(format_mb(1_000_000), "976.56 GB");
        assert_eq!(format_mb(1_500_000), "1.43 TB");
        assert_eq!(format_mb(3 * 1024 * 1024), "3 TB");
        assert_eq!(decimal(0.126), "0.13");
        assert_eq!(decimal(1234.5), "1,234.5");
    }

    #[test]
    fn usage_in_gb_is_mb_over_1024_and_never_negative() {
        assert_eq!(usage_gb(1536), 1.5);
        assert_eq!(usage_gb(0), 0.0);
        assert_eq!(usage_gb(-7), 0.0);
        assert_eq!(usage_gb(1), 0.0009765625);
    }

    #[test]
    fn a_limit_in_gb_is_written_in_mb_of_1024() {
        assert_eq!(limit_mb(Some(1)), Limit::Mb(1024));
        assert_eq!(limit_mb(Some(1000)), Limit::Mb(1_024_000));
    }

    #[test]
    fn no_limit_zero_and_negative_are_unlimited() {
        for gb in [None, Some(0), Some(-1)] {
            assert_eq!(limit_mb(gb), Limit::Mb(0), "{gb:?}");
        }
    }

    #[test]
    fn the_largest_limit_that_fits_the_column_is_kept_and_the_next_is_unlimited() {
        assert_eq!(MAX_LIMIT_GB, 2_097_151);
        assert_eq!(limit_mb(Some(MAX_LIMIT_GB)), Limit::Mb(2_147_482_624));
        assert!(limit_mb(Some(MAX_LIMIT_GB)).column_value() <= COLUMN_MAX_MB);
        assert_eq!(limit_mb(Some(MAX_LIMIT_GB + 1)), Limit::BeyondColumn);
        assert_eq!(limit_mb(Some(i64::MAX)).column_value(), 0);
    }

    #[test]
    fn usage_up_to_the_column_is_kept_beyond_it_refused_below_zero_zero() {
        assert_eq!(usage_mb(COLUMN_MAX_MB).unwrap(), COLUMN_MAX_MB);
        assert_eq!(usage_mb(-5).unwrap(), 0);
        let err = usage_mb(COLUMN_MAX_MB + 1).unwrap_err();
        assert!(matches!(err, Error::InvalidInput { field: "usage", .. }));
        assert!(err.to_string().contains("beyond the bwusage column"));
    }
}
