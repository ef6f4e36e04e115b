//! The package rules (`aflexi_core::package`) on arbitrary inputs: they never panic, and
//! every name they return obeys the documented rule.
//!
//! Input: `module setting 0xFF hosting package 0xFF product name`.
#![no_main]

use aflexi_core::package::{name_of, normalize, package_name, same_name, DEFAULT_NAME, MAX_LEN};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

mod common;

fuzz_target!(|data: &[u8]| {
    let [setting, hosting, product] = common::fields::<3>(data);

    for raw in [&setting, &hosting, &product] {
        let n = normalize(raw);
        check_normalized(&n);
        assert_eq!(normalize(&n), n, "normalize is idempotent");
        assert!(
            same_name(raw, &n) && same_name(&n, raw),
            "a name and its normal form match"
        );
        assert_eq!(
            name_of(&Value::String(raw.clone())).as_deref(),
            Some(raw.as_str())
        );
    }

    let name = package_name(&setting, &hosting, &product);
    assert_eq!(
        name,
        package_name(&setting, &hosting, &product),
        "deterministic"
    );
    assert!(!name.is_empty(), "never empty");
    check_normalized(&name);
    // The first source that is not blank after normalising wins, else the default.
    let expected = [&setting, &hosting, &product]
        .into_iter()
        .map(|s| normalize(s))
        .find(|n| !n.is_empty())
        .unwrap_or_else(|| DEFAULT_NAME.to_owned());
    assert_eq!(name, expected);
    assert_eq!(
        same_name(&setting, &hosting),
        normalize(&setting) == normalize(&hosting)
    );
});

/// The invariants of a normalised name: capped, trimmed, one space between words, no control
/// characters and none of the two non-characters XML cannot carry.
fn check_normalized(n: &str) {
    assert!(
        n.chars().count() <= MAX_LEN,
        "{} characters: {n:?}",
        n.chars().count()
    );
    assert_eq!(n.trim(), n, "untrimmed: {n:?}");
    assert!(
        !n.chars()
            .any(|c| c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}')),
        "{n:?}"
    );
    assert!(
        n.chars().all(|c| c == ' ' || !c.is_whitespace()),
        "whitespace other than a space: {n:?}"
    );
    assert!(!n.contains("  "), "a double space: {n:?}");
}
