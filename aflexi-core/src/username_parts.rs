//! The parts of a full Aflexi username, so that no caller parses what the core produced.
//!
//! Aflexi keeps a publisher's username as `<local>/<operatorId>` (the client adds the
//! operator suffix to the local part that [`crate::username`] builds); WHMCS keeps the local
//! part. [`parts`] splits a full username the client returned; a name without the suffix is
//! all local part.
//!
//! ```
//! use aflexi_core::username_parts::parts;
//! let p = parts("john_example.com_5/3");
//! assert_eq!((p.local.as_str(), p.operator_id), ("john_example.com_5", Some(3)));
//! assert_eq!(parts("bob").operator_id, None);
//! ```

use serde::Serialize;

/// A username split into its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parts {
    /// The local part, as WHMCS keeps it (`john_example.com_5`).
    pub local: String,
    /// The operator id of the suffix, when the name has one.
    pub operator_id: Option<i64>,
    /// The username as given, trimmed (`john_example.com_5/3`).
    pub full: String,
}

/// Splits `username` (surrounding whitespace ignored): a trailing `/<digits>` is the operator
/// suffix, everything before it the local part.
pub fn parts(username: &str) -> Parts {
    let full = username.trim();
    let split = full
        .rsplit_once('/')
        .filter(|(_, digits)| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
    match split {
        Some((local, digits)) => Parts {
            local: local.to_string(),
            operator_id: digits.parse().ok(),
            full: full.to_string(),
        },
        None => Parts {
            local: full.to_string(),
            operator_id: None,
            full: full.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operator_suffix_is_split_off() {
        let p = parts(" john_example.com_5/3 ");
        assert_eq!(p.local, "john_example.com_5");
        assert_eq!(p.operator_id, Some(3));
        assert_eq!(p.full, "john_example.com_5/3");
    }

    #[test]
    fn a_name_without_a_numeric_suffix_is_all_local() {
        for name in ["bob", "bob/", "bob/x1", "a/b/c", ""] {
            let p = parts(name);
            assert_eq!((p.local.as_str(), p.operator_id), (name, None), "{name:?}");
        }
    }

    #[test]
    fn only_the_last_suffix_is_the_operators() {
        let p = parts("a/1/2");
        assert_eq!((p.local.as_str(), p.operator_id), ("a/1", Some(2)));
    }

    #[test]
    fn a_suffix_too_long_for_an_id_is_still_stripped_from_the_local_part() {
        let p = parts("bob/99999999999999999999999");
        assert_eq!((p.local.as_str(), p.operator_id), ("bob", None));
    }
}
