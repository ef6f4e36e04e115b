//! Which publisher a server-module service acts on (every operation but Create).
//!
//! The publisher id recorded for the service, when there is one; without it (a service
//! installed before the module kept records, or imported), the publisher is looked up once by
//! username: the username on record, else the one the naming rule gives the service
//! ([`crate::username::for_service`]). The caller does the lookup and records what it found.
//!
//! ```
//! use aflexi_core::service_publisher::{which, Which};
//! assert_eq!(which(Some(12), "bob_7"), Which::Recorded(12));
//! assert_eq!(which(None, "bob_7"), Which::ByUsername("bob_7".into()));
//! assert_eq!(which(Some(0), ""), Which::ByServiceUsername);
//! ```

/// How to find the service's publisher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// The recorded publisher id.
    Recorded(i64),
    /// Look it up by the username on record.
    ByUsername(String),
    /// Look it up by the username the naming rule gives the service.
    ByServiceUsername,
}

/// The way to the publisher of a service whose record holds `recorded_id` (`None` or not
/// positive when none) and `recorded_username` (blank when none).
pub fn which(recorded_id: Option<i64>, recorded_username: &str) -> Which {
    match recorded_id {
        Some(id) if id > 0 => Which::Recorded(id),
        _ if recorded_username.is_empty() => Which::ByServiceUsername,
        _ => Which::ByUsername(recorded_username.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorded_id_wins_over_any_username() {
        assert_eq!(which(Some(5), ""), Which::Recorded(5));
        assert_eq!(which(Some(5), "x"), Which::Recorded(5));
    }

    #[test]
    fn without_an_id_the_recorded_username_then_the_services_own() {
        for id in [None, Some(0), Some(-3)] {
            assert_eq!(which(id, "bob_7"), Which::ByUsername("bob_7".into()));
            assert_eq!(which(id, ""), Which::ByServiceUsername);
        }
    }
}
