//! Bandwidth alerts: the thresholds of a product ("Bandwidth alert thresholds", percentages of
//! the monthly limit, default [`DEFAULT_THRESHOLDS`]) and which of them a service has reached.
//!
//! ```
//! use aflexi_core::bandwidth_alert::{reached, thresholds};
//! assert_eq!(thresholds("").unwrap(), vec![80, 100]);
//! assert_eq!(thresholds(" 100, 50% ,80").unwrap(), vec![50, 80, 100]);
//! assert!(thresholds("eighty").is_err());
//! assert_eq!(reached(850, 1000, &[80, 100]), vec![80]);
//! assert!(reached(5000, 0, &[80]).is_empty()); // unlimited: no alert
//! ```

use crate::{Error, Result};

/// The thresholds of a product whose setting is empty.
pub const DEFAULT_THRESHOLDS: &str = "80,100";
/// The largest threshold accepted (10× the limit).
pub const MAX_THRESHOLD: u32 = 1000;
/// At most this many thresholds per product.
pub const MAX_COUNT: usize = 10;

/// The thresholds of a setting: percentages separated by commas (spaces and a `%` after each
/// allowed), sorted, duplicates dropped; empty means [`DEFAULT_THRESHOLDS`].
///
/// # Errors
///
/// [`Error::InvalidInput`] (field `thresholds`) naming the first entry that is not a whole
/// percentage from 1 to [`MAX_THRESHOLD`], or when there are more than [`MAX_COUNT`].
pub fn thresholds(setting: &str) -> Result<Vec<u32>> {
    let setting = if setting.trim().is_empty() {
        DEFAULT_THRESHOLDS
    } else {
        setting
    };
    let mut out = Vec::new();
    for entry in setting.split(',') {
        let entry = entry.trim();
        let number = entry.strip_suffix('%').unwrap_or(entry).trim();
        match number.parse::<u32>() {
            Ok(n) if (1..=MAX_THRESHOLD).contains(&n) => out.push(n),
            _ => {
                return Err(Error::invalid(
                    "thresholds",
                    format!(
                        "{entry:?} is not a percentage from 1 to {MAX_THRESHOLD} (write e.g. \"80,100\")"
                    ),
                ))
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    if out.len() > MAX_COUNT {
        return Err(Error::invalid(
            "thresholds",
            format!("at most {MAX_COUNT} thresholds"),
        ));
    }
    Ok(out)
}

/// The thresholds a usage of `used_mb` has reached against a limit of `limit_mb` (reached:
/// used ≥ threshold % of the limit). None when the limit is 0 (unlimited) or negative.
pub fn reached(used_mb: i64, limit_mb: i64, thresholds: &[u32]) -> Vec<u32> {
    if limit_mb <= 0 {
        return Vec::new();
    }
    let used = i128::from(used_mb.max(0)) * 100;
    thresholds
        .iter()
        .copied()
        .filter(|t| used >= i128::from(*t) * i128::from(limit_mb))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_80_and_100() {
        assert_eq!(thresholds("  ").unwrap(), vec![80, 100]);
        assert_eq!(DEFAULT_THRESHOLDS, "80,100");
    }

    #[test]
    fn bad_settings_are_refused_naming_the_entry() {
        for bad in ["80,,100", "0", "1001", "-5", "80;100", "8 0", "1.5"] {
            let err = thresholds(bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidInput {
                        field: "thresholds",
                        ..
                    }
                ),
                "{bad}"
            );
        }
        assert!(thresholds("x").unwrap_err().to_string().contains("\"x\""));
        let many: Vec<String> = (1..=11).map(|n| n.to_string()).collect();
        assert!(thresholds(&many.join(",")).is_err());
    }

    #[test]
    fn a_threshold_is_reached_at_exactly_its_share() {
        assert_eq!(reached(799, 1000, &[80, 100]), Vec::<u32>::new());
        assert_eq!(reached(800, 1000, &[80, 100]), vec![80]);
        assert_eq!(reached(1000, 1000, &[80, 100]), vec![80, 100]);
        assert_eq!(reached(i64::MAX, i64::MAX, &[100, 1000]), vec![100]);
        assert!(reached(-1, 1000, &[1]).is_empty());
        assert!(reached(10, -1, &[1]).is_empty());
    }
}
