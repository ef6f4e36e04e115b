//! Package names: which Aflexi bandwidth package a WHMCS product maps to.
//!
//! Aflexi packages belong to the operator and are matched to WHMCS products **by name**
//! (names are unique per operator, docs/AFLEXI-API.md#package-names). The product documents give the rule:
//! the package is the module's "Package name" setting when it is set, otherwise the hosting
//! package name (for a product on a hosting module such as cPanel, that module's package
//! setting), otherwise the product name, and `default` when all of these are blank.
//!
//! Names are strings for the API, so Unicode is kept and the comparison is case-sensitive.
//! [`normalize`] only tidies what an administrator cannot see: surrounding and repeated
//! whitespace (every run of Unicode whitespace, tabs and line breaks included, becomes one
//! space), control characters and the two non-characters U+FFFE and U+FFFF (which XML 1.0
//! cannot carry) are dropped, and the result is capped at [`MAX_LEN`] characters.
//!
//! ```
//! use aflexi_core::package::{normalize, package_name, same_name, DEFAULT_NAME};
//!
//! assert_eq!(package_name("CDN Gold", "gold_plan", "Gold CDN"), "CDN Gold");
//! assert_eq!(package_name("  ", "gold_plan", "Gold CDN"), "gold_plan");
//! assert_eq!(package_name("", "", "  Gold\t CDN "), "Gold CDN");
//! assert_eq!(package_name("", "", ""), DEFAULT_NAME);
//! assert_eq!(normalize("  Paquete\u{a0}\u{a0}Básico\n"), "Paquete Básico");
//! assert!(same_name("Gold  CDN", " Gold CDN"));
//! assert!(!same_name("gold cdn", "Gold CDN"));
//! ```

use serde_json::Value;

/// The longest package name produced, in characters.
pub const MAX_LEN: usize = 64;

/// The package used when a product gives no name at all.
pub const DEFAULT_NAME: &str = "default";

/// The Aflexi package name for a WHMCS product: the first of the module's package setting,
/// the hosting package name and the product name that is not blank after [`normalize`], or
/// [`DEFAULT_NAME`]. Never empty, at most [`MAX_LEN`] characters.
///
/// ```
/// use aflexi_core::package::package_name;
/// assert_eq!(package_name("", "reseller_2", "Reseller 2"), "reseller_2");
/// ```
pub fn package_name(module_setting: &str, hosting_package: &str, product_name: &str) -> String {
    [module_setting, hosting_package, product_name]
        .into_iter()
        .map(normalize)
        .find(|name| !name.is_empty())
        .unwrap_or_else(|| DEFAULT_NAME.to_owned())
}

/// A package name tidied for sending and comparing: trimmed, control characters (and
/// U+FFFE, U+FFFF) removed, every run of whitespace made one space, capped at [`MAX_LEN`]
/// characters and trimmed again. Idempotent; may return an empty string.
///
/// Whitespace is found before control characters are dropped, so a tab or line break
/// separates words rather than joining them.
///
/// ```
/// use aflexi_core::package::normalize;
/// assert_eq!(normalize("Gold\tCDN"), "Gold CDN");
/// assert_eq!(normalize("Gold\u{0}CDN"), "GoldCDN");
/// ```
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len().min(MAX_LEN * 4));
    let mut count = 0;
    let mut space_pending = false;
    for c in name.chars() {
        if c.is_whitespace() {
            space_pending = count > 0;
            continue;
        }
        if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') {
            continue;
        }
        let needed = if space_pending { 2 } else { 1 };
        if count + needed > MAX_LEN {
            // The cut falls here; a space right before it would be trimmed anyway.
            break;
        }
        if space_pending {
            out.push(' ');
            space_pending = false;
        }
        out.push(c);
        count += needed;
    }
    out
}

/// True when `a` and `b` name the same Aflexi package: equal after [`normalize`], case
/// included (Aflexi package names are case-sensitive strings).
pub fn same_name(a: &str, b: &str) -> bool {
    normalize(a) == normalize(b)
}

/// The package name in an API value, as a string.
///
/// The API may return a numeric-looking name as an XML-RPC integer (PHP turned `"123"` into
/// `123`), so integers give their decimal text like strings give themselves; anything else
/// (null, booleans, doubles, arrays, structs) gives `None`. The string is returned as sent:
/// compare it with [`same_name`].
///
/// ```
/// use aflexi_core::package::name_of;
/// use serde_json::json;
/// assert_eq!(name_of(&json!("Gold")).as_deref(), Some("Gold"));
/// assert_eq!(name_of(&json!(123)).as_deref(), Some("123"));
/// assert_eq!(name_of(&json!(null)), None);
/// ```
pub fn name_of(value: &Value) -> Option<String> {
    match value {
        Value::String(name) => Some(name.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    // The rule of the product documents.

    #[test]
    fn the_module_setting_wins_when_set() {
        assert_eq!(package_name("CDN Gold", "gold", "Gold Hosting"), "CDN Gold");
    }

    #[test]
    fn the_hosting_package_is_used_when_the_module_setting_is_blank() {
        assert_eq!(package_name("", "gold", "Gold Hosting"), "gold");
        assert_eq!(package_name(" \t", "gold", "Gold Hosting"), "gold");
    }

    #[test]
    fn the_product_name_is_used_when_there_is_no_package_setting() {
        assert_eq!(package_name("", "", "Gold Hosting"), "Gold Hosting");
    }

    #[test]
    fn default_is_used_when_everything_is_blank() {
        assert_eq!(package_name("", " ", "\n\t"), "default");
        assert_eq!(package_name("", "", ""), DEFAULT_NAME);
    }

    #[test]
    fn a_name_of_only_control_characters_counts_as_blank() {
        assert_eq!(package_name("\0\u{1}\u{7f}", "", "Gold"), "Gold");
    }

    #[test]
    fn the_chosen_name_is_normalized() {
        assert_eq!(package_name("  CDN   Gold  ", "", ""), "CDN Gold");
    }

    // normalize.

    #[test]
    fn normalize_trims() {
        assert_eq!(normalize("  Gold \n"), "Gold");
    }

    #[test]
    fn normalize_collapses_unicode_whitespace_runs_to_one_space() {
        assert_eq!(
            normalize("a \t\n\r b\u{a0}\u{3000}c\u{2028}\u{2009}d"),
            "a b c d"
        );
    }

    #[test]
    fn normalize_drops_control_characters() {
        assert_eq!(normalize("Go\0ld\u{1b}[31m\u{7f}\u{9f}"), "Gold[31m");
    }

    #[test]
    fn a_dropped_control_character_does_not_split_a_whitespace_run() {
        assert_eq!(normalize("a \0 b"), "a b");
    }

    #[test]
    fn normalize_drops_characters_xml_cannot_carry() {
        assert_eq!(normalize("a\u{FFFE}b\u{FFFF}"), "ab");
    }

    #[test]
    fn normalize_keeps_unicode_letters_and_emoji() {
        assert_eq!(
            normalize("Paquete Básico 例え 🚀"),
            "Paquete Básico 例え 🚀"
        );
    }

    #[test]
    fn normalize_keeps_case_and_xml_metacharacters() {
        assert_eq!(
            normalize("<Gold> & \"Silver\" 'x'"),
            "<Gold> & \"Silver\" 'x'"
        );
    }

    #[test]
    fn normalize_caps_at_max_len_characters_on_a_char_boundary() {
        let name = normalize(&"例".repeat(100));
        assert_eq!(name.chars().count(), MAX_LEN);
        assert_eq!(name, "例".repeat(MAX_LEN));
    }

    #[test]
    fn normalize_trims_a_space_left_at_the_cut() {
        let name = format!("{} b", "a".repeat(MAX_LEN - 1));
        assert_eq!(normalize(&name), "a".repeat(MAX_LEN - 1));
    }

    #[test]
    fn a_name_of_exactly_max_len_is_kept() {
        let name = format!("{} {}", "a".repeat(30), "b".repeat(MAX_LEN - 31));
        assert_eq!(name.chars().count(), MAX_LEN);
        assert_eq!(normalize(&name), name);
    }

    #[test]
    fn normalize_handles_a_megabyte_name() {
        let name = normalize(&" x\t".repeat(350_000));
        assert_eq!(name.chars().count(), MAX_LEN - 1);
        assert!(name.starts_with("x x"));
    }

    // same_name.

    #[test]
    fn same_name_ignores_whitespace_differences() {
        assert!(same_name("CDN  Gold ", "\tCDN Gold"));
    }

    #[test]
    fn same_name_is_case_sensitive() {
        assert!(!same_name("gold", "Gold"));
    }

    #[test]
    fn same_name_compares_unicode_exactly() {
        assert!(same_name("Básico", "Básico"));
        // "á" precomposed versus "a" + combining acute: different strings for the API.
        assert!(!same_name("B\u{e1}sico", "Ba\u{301}sico"));
    }

    #[test]
    fn same_name_matches_a_number_sent_back_as_an_int() {
        let sent_back = name_of(&json!(123)).unwrap();
        assert!(same_name("123", &sent_back));
    }

    // name_of.

    #[test]
    fn name_of_a_string_is_the_string() {
        assert_eq!(name_of(&json!("Gold")).as_deref(), Some("Gold"));
        assert_eq!(name_of(&json!("")).as_deref(), Some(""));
    }

    #[test]
    fn name_of_an_int_is_its_decimal_text() {
        assert_eq!(name_of(&json!(123)).as_deref(), Some("123"));
        assert_eq!(name_of(&json!(-5)).as_deref(), Some("-5"));
        assert_eq!(name_of(&json!(0)).as_deref(), Some("0"));
        assert_eq!(
            name_of(&json!(u64::MAX)).as_deref(),
            Some("18446744073709551615")
        );
    }

    #[test]
    fn name_of_anything_else_is_none() {
        for value in [
            json!(null),
            json!(true),
            json!(1.5),
            json!(["Gold"]),
            json!({"name": "Gold"}),
        ] {
            assert_eq!(name_of(&value), None, "{value}");
        }
    }

    proptest! {
        #[test]
        fn normalize_is_idempotent(name in any::<String>()) {
            let once = normalize(&name);
            prop_assert_eq!(normalize(&once), once);
        }

        #[test]
        fn normalize_is_idempotent_on_whitespace_heavy_names(
            name in "([a-zA-Zé例]|[ \t\n\u{a0}\u{3000}]|\u{0}){0,200}",
        ) {
            let once = normalize(&name);
            prop_assert_eq!(normalize(&once), once);
        }

        #[test]
        fn normalized_names_are_tidy(name in any::<String>()) {
            let n = normalize(&name);
            prop_assert!(n.chars().count() <= MAX_LEN);
            prop_assert_eq!(n.trim(), n.as_str());
            prop_assert!(!n.contains("  "));
            prop_assert!(!n.chars().any(|c| c.is_control()));
            prop_assert!(!n.chars().any(|c| c.is_whitespace() && c != ' '));
        }

        #[test]
        fn package_name_is_never_empty_and_within_max_len(
            a in any::<String>(),
            b in any::<String>(),
            c in any::<String>(),
        ) {
            let name = package_name(&a, &b, &c);
            prop_assert!(!name.is_empty());
            prop_assert!(name.chars().count() <= MAX_LEN);
        }

        #[test]
        fn package_name_of_blank_inputs_is_default(
            a in "[ \t\n\u{0}\u{a0}]{0,10}",
            b in "[ \t\n\u{0}\u{a0}]{0,10}",
            c in "[ \t\n\u{0}\u{a0}]{0,10}",
        ) {
            prop_assert_eq!(package_name(&a, &b, &c), DEFAULT_NAME);
        }
    }
}
