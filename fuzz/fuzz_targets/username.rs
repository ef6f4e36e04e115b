//! The username rules (`aflexi_core::username`) on arbitrary inputs: they never panic, and
//! every name they return obeys the documented rule.
//!
//! Input: `service username 0xFF email 0xFF service id` (the id as decimal text; text that is
//! not a u64 gives 1 + its length, so short inputs still reach every branch).
#![no_main]

use aflexi_core::username::{for_addon, for_service, from_email, MAX_LEN};
use aflexi_core::Error;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let [user, email, id] = common::fields::<3>(data);
    let id = id.trim().parse::<u64>().unwrap_or(1 + id.len() as u64);

    let addon = for_addon(&user, &email);
    assert_eq!(addon, for_addon(&user, &email), "deterministic");
    check_error(&addon, &["email", "username"]);
    if let Ok(name) = &addon {
        check_name(name);
        // Idempotent, and a usable service username makes the email irrelevant.
        assert_eq!(
            for_addon(name, "").as_ref(),
            Ok(name),
            "for_addon idempotent"
        );
        if for_addon(&user, "").is_ok() {
            assert_eq!(
                for_addon(&user, "x@y.z").as_ref(),
                Ok(name),
                "email ignored"
            );
        }
    }

    let service = for_service(&user, &email, id);
    assert_eq!(service, for_service(&user, &email, id), "deterministic");
    check_error(&service, &["service id", "email", "username"]);
    assert_eq!(
        id == 0,
        matches!(
            &service,
            Err(Error::InvalidInput {
                field: "service id",
                ..
            })
        )
    );
    if let Ok(name) = &service {
        check_name(name);
        let suffix = format!("_{id}");
        let stem = name.strip_suffix(&suffix).expect("ends with _<service id>");
        assert!(!stem.is_empty(), "the base is never cut away: {name:?}");
        // The stem is the addon's name, shortened to make room for the suffix.
        let base = addon
            .as_ref()
            .expect("the addon rule accepts what the module rule accepts");
        assert!(
            base.starts_with(stem),
            "stem of {name:?} is not a prefix of {base:?}"
        );
        assert_eq!(
            for_service(name, "", id).as_ref(),
            Ok(name),
            "for_service idempotent"
        );
    } else if id != 0 {
        assert!(
            addon.is_err(),
            "the module rule refuses only what the addon rule refuses"
        );
    }

    let from = from_email(&email);
    assert_eq!(from, from_email(&email), "deterministic");
    check_error(&from, &["email", "username"]);
    if let Ok(name) = &from {
        check_name(name);
        // A blank service username falls back to exactly this.
        assert_eq!(for_addon("", &email).as_ref(), Ok(name));
    }
});

/// The invariants of every produced name.
fn check_name(name: &str) {
    assert!(!name.is_empty(), "empty name");
    assert!(name.len() <= MAX_LEN, "{} characters: {name:?}", name.len());
    assert!(
        name.bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-')),
        "outside [a-z0-9._-]: {name:?}"
    );
    assert!(
        !name.starts_with(['_', '.', '-']) && !name.ends_with(['_', '.', '-']),
        "untrimmed: {name:?}"
    );
    assert!(!name.contains("__"), "an _ run: {name:?}");
}

/// Errors are InvalidInput for one of the documented fields, with a reason.
fn check_error(result: &Result<String, Error>, fields: &[&str]) {
    if let Err(e) = result {
        match e {
            Error::InvalidInput { field, reason } => {
                assert!(fields.contains(field), "unexpected field {field}");
                assert!(!reason.is_empty());
            }
            other => panic!("unexpected error kind: {other:?}"),
        }
    }
}
