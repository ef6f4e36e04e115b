//! Publisher usernames: the local part of the Aflexi username of a WHMCS customer.
//!
//! The product documents say that a CDN account is named after the WHMCS service's username
//! and, when there is none, after the client's email address: `user@domain.com` becomes
//! `user_domain.com`, and the server module adds the service id, `user_domain.com_<id>`, so
//! that one client may hold several CDN services. This module owns that rule. The API client
//! adds the operator suffix `/<operatorId>` afterwards; it is not part of what is built here.
//!
//! The rule, step by step:
//!
//! 1. **Base.** The WHMCS service username when it is not blank, otherwise the client's email
//!    address (its `@` becomes `_`, its dots are kept). A service username that sanitises to
//!    nothing (say `"例え"`) also falls back to the email.
//! 2. **Sanitise.** Lowercase (Unicode-aware, so `Ä` first becomes `ä`), then keep only the
//!    conservative safe set `a-z 0-9 . _ -`; every other character (spaces, `+`, `/`, quotes,
//!    XML metacharacters, control characters, anything not ASCII) becomes `_`. Runs of `_`
//!    collapse to one and leading or trailing `_ . -` are trimmed.
//! 3. **Suffix** (server module only). Append `_<service id>` unless the base already ends
//!    with exactly that, so the rule applied to its own output changes nothing. The old module
//!    appended it again on every re-run of CreateAccount (docs/AFLEXI-API.md#bug-username-drift).
//! 4. **Cap.** At most [`MAX_LEN`] characters, suffix included: the base is truncated, never
//!    the suffix, and a `_ . -` left at the cut is trimmed.
//!
//! Nothing is silently invented: a service id of 0, a missing or malformed email address
//! when it is needed, and inputs with no usable character at all are
//! [`Error::InvalidInput`] naming the field (`service id`,
//! `email`, `username`).
//!
//! ```
//! use aflexi_core::username::{for_addon, for_service, from_email};
//!
//! // The server module: email-derived when the service has no username...
//! assert_eq!(
//!     for_service("", "John.Doe+cdn@Example.com", 42).unwrap(),
//!     "john.doe_cdn_example.com_42"
//! );
//! // ...the service username otherwise, sanitised...
//! assert_eq!(for_service("Bob Smith", "bob@example.com", 7).unwrap(), "bob_smith_7");
//! // ...and idempotent: a re-run does not append the id twice.
//! assert_eq!(for_service("bob_smith_7", "bob@example.com", 7).unwrap(), "bob_smith_7");
//!
//! // The addon: the same base, no suffix.
//! assert_eq!(for_addon("", "user@domain.com").unwrap(), "user_domain.com");
//! assert_eq!(for_addon("Jürgen", "j@example.de").unwrap(), "j_rgen");
//! assert_eq!(from_email("User@Domain.com").unwrap(), "user_domain.com");
//!
//! // Rejected inputs name their field.
//! let err = for_service("", "  ", 42).unwrap_err();
//! assert!(err.to_string().starts_with("invalid email:"));
//! ```

use crate::{Error, Result};

/// The longest local part produced, suffix included (the operator suffix `/<operatorId>` that
/// the API client adds comes on top).
pub const MAX_LEN: usize = 64;

/// The longest email address accepted (the practical limit of RFC 5321), in bytes.
const MAX_EMAIL_LEN: usize = 254;

/// The characters trimmed from both ends of a username.
const TRIMMED: [char; 3] = ['_', '.', '-'];

/// The username of the server module's publisher for WHMCS service `service_id`: the
/// sanitised service username (or email, when the service username is blank or unusable)
/// followed by `_<service_id>`, at most [`MAX_LEN`] characters. See the [module
/// documentation](self) for the rule.
///
/// Idempotent: `for_service(&for_service(u, e, id)?, e, id)` gives the same string.
///
/// # Errors
///
/// [`Error::InvalidInput`] for the field `service id` when `service_id` is 0, `email` when the
/// email is needed but blank or malformed, and `username` when neither input has any usable
/// character.
///
/// ```
/// use aflexi_core::username::for_service;
/// assert_eq!(for_service("", "user@domain.com", 12).unwrap(), "user_domain.com_12");
/// assert_eq!(for_service("user_domain.com_12", "", 12).unwrap(), "user_domain.com_12");
/// ```
pub fn for_service(service_username: &str, email: &str, service_id: u64) -> Result<String> {
    if service_id == 0 {
        return Err(Error::invalid(
            "service id",
            "it is 0, which is not a WHMCS service id",
        ));
    }
    let suffix = format!("_{service_id}");
    let base = base_name(service_username, email)?;
    Ok(append_suffix(base, &suffix))
}

/// The username of the addon's publisher: the sanitised service username (or email, when the
/// service username is blank or unusable), without a suffix, at most [`MAX_LEN`] characters.
///
/// # Errors
///
/// [`Error::InvalidInput`] for the field `email` when the email is needed but blank or
/// malformed, and `username` when neither input has any usable character.
///
/// ```
/// use aflexi_core::username::for_addon;
/// assert_eq!(for_addon("cpanel-bob", "bob@example.com").unwrap(), "cpanel-bob");
/// assert_eq!(for_addon(" ", "Bob@Example.com").unwrap(), "bob_example.com");
/// ```
pub fn for_addon(service_username: &str, email: &str) -> Result<String> {
    base_name(service_username, email).map(cap)
}

/// The username derived from an email address alone: `"User@Domain.com"` gives
/// `"user_domain.com"` (sanitised and capped like every username).
///
/// # Errors
///
/// [`Error::InvalidInput`] for the field `email` when the address is blank or malformed, and
/// `username` when it has no usable character (`"例え@例え.日本"`).
///
/// ```
/// use aflexi_core::username::from_email;
/// assert_eq!(from_email("User@Domain.com").unwrap(), "user_domain.com");
/// assert!(from_email("not an email").is_err());
/// ```
pub fn from_email(email: &str) -> Result<String> {
    let email = checked_email(email, "it is empty")?;
    nonempty(sanitize(email), NOTHING_IN_EMAIL).map(cap)
}

/// The sanitised base: the service username when it leaves something, else the email.
fn base_name(service_username: &str, email: &str) -> Result<String> {
    let from_service = sanitize(service_username);
    if !from_service.is_empty() {
        return Ok(from_service);
    }
    if service_username.trim().is_empty() {
        let email = checked_email(
            email,
            "it is empty, and it is needed because the service has no username",
        )?;
        nonempty(sanitize(email), NOTHING_IN_EMAIL)
    } else {
        let email = checked_email(
            email,
            "it is empty, and it is needed because the service username has none of the \
             characters a-z 0-9 . _ -",
        )?;
        nonempty(sanitize(email), NOTHING_IN_EITHER)
    }
}

const NOTHING_IN_EMAIL: &str = "the email address has none of the characters a-z 0-9 . _ - \
                                (after lowercasing), so no username can be made from it";

const NOTHING_IN_EITHER: &str = "neither the service username nor the email address has any \
                                 of the characters a-z 0-9 . _ - (after lowercasing), so no \
                                 username can be made from them";

/// `name`, or the `username` error with `reason` when nothing usable was left.
fn nonempty(name: String, reason: &'static str) -> Result<String> {
    if name.is_empty() {
        Err(Error::invalid("username", reason))
    } else {
        Ok(name)
    }
}

/// The email address, trimmed, when it is plausible enough to name an account after.
fn checked_email<'a>(email: &'a str, when_blank: &str) -> Result<&'a str> {
    let email = email.trim();
    let reason = if email.is_empty() {
        when_blank.to_owned()
    } else if email.len() > MAX_EMAIL_LEN {
        format!("it is longer than {MAX_EMAIL_LEN} bytes")
    } else if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        "it contains whitespace or control characters".to_owned()
    } else {
        match email.split_once('@') {
            None => "it has no @".to_owned(),
            Some((_, domain)) if domain.contains('@') => "it has more than one @".to_owned(),
            Some(("", _)) => "the part before the @ is empty".to_owned(),
            Some((_, "")) => "the part after the @ is empty".to_owned(),
            Some(_) => return Ok(email),
        }
    };
    Err(Error::invalid("email", reason))
}

/// Lowercases `input` and keeps the safe set, collapsing `_` runs and trimming `_ . -`.
///
/// Linear in the input and allocation-free per character. It stops reading once more than
/// [`MAX_LEN`] characters are out and the last one would not be trimmed: whatever follows can
/// then only lengthen a name that [`cap`]/[`append_suffix`] cut before it anyway, so the
/// result of every public function is the same as with a full scan (a test checks this
/// against a plain implementation).
fn sanitize(input: &str) -> String {
    let mut out = String::with_capacity(input.len().min(MAX_LEN + 1));
    for c in input.chars() {
        if c.is_ascii() {
            push_safe(&mut out, c.to_ascii_lowercase());
        } else {
            for lower in c.to_lowercase() {
                push_safe(&mut out, lower);
            }
        }
        if out.len() > MAX_LEN && !out.ends_with(TRIMMED) {
            break;
        }
    }
    trim_end(&mut out);
    out
}

/// Appends `c`, or `_` for a character outside the safe set, unless it would start the name
/// with `_ . -` or double an `_`.
fn push_safe(out: &mut String, c: char) {
    let c = match c {
        'a'..='z' | '0'..='9' | '.' | '-' | '_' => c,
        _ => '_',
    };
    let skip = match c {
        '_' | '.' | '-' if out.is_empty() => true,
        '_' => out.ends_with('_'),
        _ => false,
    };
    if !skip {
        out.push(c);
    }
}

/// Removes trailing `_ . -` (the name is ASCII, so byte truncation is safe).
fn trim_end(name: &mut String) {
    let kept = name.trim_end_matches(TRIMMED).len();
    name.truncate(kept);
}

/// Caps a sanitised name at [`MAX_LEN`], trimming what the cut leaves at the end.
fn cap(mut name: String) -> String {
    if name.len() > MAX_LEN {
        name.truncate(MAX_LEN);
        trim_end(&mut name);
    }
    name
}

/// `base` ending in `suffix` exactly once, at most [`MAX_LEN`] characters, the base being cut
/// when needed and never the suffix.
fn append_suffix(mut base: String, suffix: &str) -> String {
    if base.ends_with(suffix) {
        base.truncate(base.len() - suffix.len());
    }
    // A u64 id has at most 20 digits, so there is always room for part of the base; and the
    // base starts with a character that is not trimmed, so the cut never empties it.
    let room = MAX_LEN - suffix.len();
    if base.len() > room {
        base.truncate(room);
        trim_end(&mut base);
    }
    base.push_str(suffix);
    base
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn field_of(result: Result<String>) -> &'static str {
        match result {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    fn is_valid_name(name: &str) -> bool {
        !name.is_empty()
            && name.len() <= MAX_LEN
            && name
                .bytes()
                .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-'))
            && !name.starts_with(TRIMMED)
            && !name.ends_with(TRIMMED)
    }

    /// The rule written plainly (full scan, then cut), to check the early stop against.
    fn reference_sanitize(input: &str) -> String {
        let mapped: String = input
            .chars()
            .flat_map(char::to_lowercase)
            .map(|c| match c {
                'a'..='z' | '0'..='9' | '.' | '-' | '_' => c,
                _ => '_',
            })
            .collect();
        let mut collapsed = String::new();
        for c in mapped.chars() {
            if !(c == '_' && collapsed.ends_with('_')) {
                collapsed.push(c);
            }
        }
        collapsed.trim_matches(TRIMMED).to_owned()
    }

    fn reference_for_service(username: &str, id: u64) -> String {
        let suffix = format!("_{id}");
        let base = reference_sanitize(username);
        let stem = base.strip_suffix(&suffix).unwrap_or(&base);
        let room = MAX_LEN - suffix.len();
        let stem = if stem.len() > room {
            stem[..room].trim_end_matches(TRIMMED)
        } else {
            stem
        };
        format!("{stem}{suffix}")
    }

    // The seed's examples.

    #[test]
    fn email_without_a_service_username_gives_user_domain_com_with_the_service_id() {
        assert_eq!(
            for_service("", "user@domain.com", 42).unwrap(),
            "user_domain.com_42"
        );
    }

    #[test]
    fn email_plus_and_uppercase_are_sanitised_and_dots_kept() {
        assert_eq!(
            for_service("", "John.Doe+cdn@Example.com", 42).unwrap(),
            "john.doe_cdn_example.com_42"
        );
    }

    #[test]
    fn from_email_lowercases_and_replaces_the_at() {
        assert_eq!(from_email("User@Domain.com").unwrap(), "user_domain.com");
    }

    #[test]
    fn the_service_username_is_used_when_it_exists() {
        assert_eq!(
            for_service("bobsmith", "other@example.com", 9).unwrap(),
            "bobsmith_9"
        );
    }

    #[test]
    fn multiple_services_of_one_client_get_distinct_usernames() {
        let a = for_service("", "user@domain.com", 1).unwrap();
        let b = for_service("", "user@domain.com", 2).unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn addon_uses_the_service_username_without_suffix() {
        assert_eq!(
            for_addon("Bob.Smith", "bob@example.com").unwrap(),
            "bob.smith"
        );
    }

    #[test]
    fn addon_falls_back_to_the_email_when_there_is_no_username() {
        assert_eq!(for_addon("", "user@domain.com").unwrap(), "user_domain.com");
    }

    // Idempotence and the suffix.

    #[test]
    fn rerunning_on_its_own_output_does_not_append_the_id_twice() {
        let once = for_service("", "user@domain.com", 42).unwrap();
        assert_eq!(for_service(&once, "user@domain.com", 42).unwrap(), once);
    }

    #[test]
    fn a_base_ending_in_another_number_still_gets_the_suffix() {
        assert_eq!(for_service("bob_142", "", 42).unwrap(), "bob_142_42");
        assert_eq!(for_service("bob42", "", 42).unwrap(), "bob42_42");
        assert_eq!(for_service("bob_0042", "", 42).unwrap(), "bob_0042_42");
    }

    #[test]
    fn a_base_that_is_only_the_id_gets_the_suffix() {
        assert_eq!(for_service("42", "", 42).unwrap(), "42_42");
        assert_eq!(for_service("_42", "", 42).unwrap(), "42_42");
    }

    #[test]
    fn the_largest_service_id_fits() {
        let name = for_service(&"a".repeat(100), "", u64::MAX).unwrap();
        assert_eq!(name.len(), MAX_LEN);
        assert!(name.ends_with(&format!("_{}", u64::MAX)));
    }

    // Caps.

    #[test]
    fn a_long_username_is_cut_but_the_suffix_is_kept() {
        let name = for_service(&"x".repeat(200), "", 12345).unwrap();
        assert_eq!(name.len(), MAX_LEN);
        assert_eq!(name, format!("{}_12345", "x".repeat(MAX_LEN - 6)));
    }

    #[test]
    fn a_long_email_is_cut_but_the_suffix_is_kept() {
        let email = format!("{}@example.com", "u".repeat(200));
        let name = for_service("", &email, 7).unwrap();
        assert_eq!(name, format!("{}_7", "u".repeat(MAX_LEN - 2)));
    }

    #[test]
    fn a_long_username_that_already_ends_with_the_suffix_keeps_one_suffix() {
        let name = for_service(&format!("{}_7", "y".repeat(100)), "", 7).unwrap();
        assert_eq!(name, format!("{}_7", "y".repeat(MAX_LEN - 2)));
    }

    #[test]
    fn a_separator_left_at_the_cut_is_trimmed() {
        // The cut falls right after "." for the service and after "-" for the addon.
        let service = format!("{}.bbbb", "a".repeat(MAX_LEN - 3));
        assert_eq!(
            for_service(&service, "", 7).unwrap(),
            format!("{}_7", "a".repeat(MAX_LEN - 3))
        );
        let addon = format!("{}-bbbb", "a".repeat(MAX_LEN - 1));
        assert_eq!(for_addon(&addon, "").unwrap(), "a".repeat(MAX_LEN - 1));
    }

    #[test]
    fn addon_names_are_capped() {
        assert_eq!(
            for_addon(&"z".repeat(500), "").unwrap(),
            "z".repeat(MAX_LEN)
        );
    }

    #[test]
    fn a_username_of_exactly_max_len_is_kept_by_the_addon() {
        let name = "q".repeat(MAX_LEN);
        assert_eq!(for_addon(&name, "").unwrap(), name);
    }

    #[test]
    fn names_around_the_cut_match_the_plain_rule() {
        let tails = [
            "", "_7", "._7", "-_7", "__7", "7", "..", "_77", "+7", "例_7",
        ];
        for n in MAX_LEN - 8..MAX_LEN + 8 {
            for sep in ["a", ".", "-", "_", " ", "例"] {
                for tail in tails {
                    let username = format!("{}{sep}b{tail}", "a".repeat(n));
                    assert_eq!(
                        for_service(&username, "", 7).unwrap(),
                        reference_for_service(&username, 7),
                        "{username:?}"
                    );
                }
            }
        }
    }

    // Hostile and unusual inputs.

    #[test]
    fn unicode_email_keeps_its_ascii_and_replaces_the_rest() {
        assert_eq!(
            for_service("", "Jürgen@例え.jp", 3).unwrap(),
            "j_rgen_.jp_3"
        );
    }

    #[test]
    fn unicode_lowercasing_that_lands_in_ascii_is_kept() {
        // KELVIN SIGN lowercases to an ASCII k; DOTTED CAPITAL I to i + a combining dot.
        assert_eq!(for_addon("\u{212A}elvin", "").unwrap(), "kelvin");
        assert_eq!(for_addon("\u{130}stanbul", "").unwrap(), "i_stanbul");
    }

    #[test]
    fn emoji_become_underscores() {
        assert_eq!(for_addon("rocket🚀🚀man", "").unwrap(), "rocket_man");
    }

    #[test]
    fn control_characters_and_nul_become_underscores() {
        assert_eq!(
            for_addon("a\0b\tc\nd\u{7f}e\u{85}f", "").unwrap(),
            "a_b_c_d_e_f"
        );
    }

    #[test]
    fn xml_metacharacters_are_replaced() {
        assert_eq!(
            for_service("<b>&amp;\"x\"'y'</b>", "", 5).unwrap(),
            "b_amp_x_y_b_5"
        );
    }

    #[test]
    fn sql_ish_quotes_are_replaced() {
        assert_eq!(
            for_addon("bob'; DROP TABLE users; --", "").unwrap(),
            "bob_drop_table_users"
        );
    }

    #[test]
    fn slashes_question_marks_commas_and_spaces_are_replaced() {
        assert_eq!(for_addon("a/b?c,d e", "").unwrap(), "a_b_c_d_e");
    }

    #[test]
    fn leading_and_trailing_separators_are_trimmed() {
        assert_eq!(for_addon("__..--bob--..__", "").unwrap(), "bob");
    }

    #[test]
    fn runs_of_replaced_characters_collapse_to_one_underscore() {
        assert_eq!(for_addon("a   +++   b", "").unwrap(), "a_b");
    }

    #[test]
    fn a_username_that_sanitises_to_nothing_falls_back_to_the_email() {
        assert_eq!(
            for_service("例え", "user@domain.com", 8).unwrap(),
            "user_domain.com_8"
        );
        assert_eq!(
            for_addon("___", "user@domain.com").unwrap(),
            "user_domain.com"
        );
    }

    #[test]
    fn a_blank_username_falls_back_to_the_email() {
        assert_eq!(
            for_service(" \t ", "user@domain.com", 8).unwrap(),
            "user_domain.com_8"
        );
    }

    #[test]
    fn surrounding_whitespace_of_the_email_is_ignored() {
        assert_eq!(
            from_email("  user@domain.com \n").unwrap(),
            "user_domain.com"
        );
    }

    #[test]
    fn the_email_is_not_checked_when_the_username_is_used() {
        assert_eq!(for_service("bob", "garbage", 1).unwrap(), "bob_1");
        assert_eq!(for_addon("bob", "").unwrap(), "bob");
    }

    #[test]
    fn a_megabyte_username_is_handled_quickly() {
        let huge = "Ab+".repeat(350_000);
        let name = for_service(&huge, "", 77).unwrap();
        assert!(is_valid_name(&name));
        assert!(name.ends_with("_77"));
        assert_eq!(name.len(), MAX_LEN);
    }

    #[test]
    fn a_megabyte_of_unusable_characters_falls_back_to_the_email() {
        let huge = "例".repeat(350_000);
        assert_eq!(
            for_service(&huge, "user@domain.com", 1).unwrap(),
            "user_domain.com_1"
        );
    }

    #[test]
    fn a_megabyte_username_ending_with_the_suffix_gives_the_same_name_as_without() {
        let stem = "b".repeat(1 << 20);
        assert_eq!(
            for_service(&format!("{stem}_9"), "", 9).unwrap(),
            for_service(&stem, "", 9).unwrap()
        );
    }

    #[test]
    fn a_megabyte_email_is_rejected_as_too_long() {
        let email = format!("{}@example.com", "e".repeat(1 << 20));
        assert_eq!(field_of(for_service("", &email, 1)), "email");
    }

    // Every rejection names its field.

    #[test]
    fn service_id_zero_is_rejected() {
        assert_eq!(
            field_of(for_service("bob", "bob@example.com", 0)),
            "service id"
        );
    }

    #[test]
    fn an_empty_email_is_rejected_when_it_is_needed() {
        assert_eq!(field_of(for_service("", "", 1)), "email");
        assert_eq!(field_of(for_addon("", "   ")), "email");
        assert_eq!(field_of(from_email("")), "email");
    }

    #[test]
    fn an_empty_email_behind_an_unusable_username_is_rejected_as_email() {
        let err = for_service("例え", "", 1).unwrap_err();
        assert!(matches!(err, Error::InvalidInput { field: "email", .. }));
        assert!(err.to_string().contains("service username"));
    }

    #[test]
    fn an_email_without_at_is_rejected() {
        assert_eq!(field_of(from_email("user.domain.com")), "email");
    }

    #[test]
    fn an_email_with_two_ats_is_rejected() {
        assert_eq!(field_of(from_email("a@b@c.com")), "email");
    }

    #[test]
    fn an_email_with_an_empty_local_part_is_rejected() {
        assert_eq!(field_of(from_email("@domain.com")), "email");
    }

    #[test]
    fn an_email_with_an_empty_domain_is_rejected() {
        assert_eq!(field_of(from_email("user@")), "email");
    }

    #[test]
    fn an_email_with_inner_whitespace_or_control_characters_is_rejected() {
        assert_eq!(field_of(from_email("us er@domain.com")), "email");
        assert_eq!(field_of(from_email("user@dom\0ain.com")), "email");
        assert_eq!(field_of(from_email("user@dom\u{a0}ain.com")), "email");
    }

    #[test]
    fn an_email_over_254_bytes_is_rejected_and_254_is_accepted() {
        let ok = format!("{}@example.com", "a".repeat(254 - 12));
        assert_eq!(ok.len(), 254);
        assert!(from_email(&ok).is_ok());
        let long = format!("a{ok}");
        assert_eq!(field_of(from_email(&long)), "email");
    }

    #[test]
    fn an_email_with_no_usable_character_is_rejected_as_username() {
        assert_eq!(field_of(from_email("例え@例え.日本")), "username");
        assert_eq!(field_of(for_addon("", "例え@例え")), "username");
        assert_eq!(field_of(for_service("🚀", "例え@例え", 3)), "username");
    }

    #[test]
    fn rejection_reasons_read_as_sentences() {
        let err = from_email("例え@例え.日本").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid username: the email address has none of the characters a-z 0-9 . _ - \
             (after lowercasing), so no username can be made from it"
        );
        let err = for_service("例え", "例え@例え", 3).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid username: neither the service username nor the email address has any of \
             the characters a-z 0-9 . _ - (after lowercasing), so no username can be made from \
             them"
        );
    }

    proptest! {
        #[test]
        fn service_names_are_always_safe_capped_and_suffixed(
            username in any::<String>(),
            local in "[A-Za-z0-9.+_-]{1,80}",
            id in 1u64..,
        ) {
            let email = format!("{local}@example.com");
            let name = for_service(&username, &email, id).unwrap();
            prop_assert!(is_valid_name(&name), "{name:?}");
            let suffix = format!("_{id}");
            prop_assert!(name.ends_with(&suffix));
        }

        #[test]
        fn for_service_is_idempotent(
            username in any::<String>(),
            local in "[A-Za-z0-9.+_-]{1,80}",
            id in 1u64..,
        ) {
            let email = format!("{local}@example.com");
            let once = for_service(&username, &email, id).unwrap();
            prop_assert_eq!(for_service(&once, &email, id).unwrap(), once);
        }

        #[test]
        fn for_service_is_idempotent_on_names_shaped_like_its_output(
            username in "[a-z0-9._ -]{0,80}(_[0-9]{1,3})?",
            id in 1u64..1000,
        ) {
            if let Ok(once) = for_service(&username, "u@example.com", id) {
                prop_assert_eq!(for_service(&once, "", id).unwrap(), once);
            }
        }

        #[test]
        fn the_early_stop_gives_the_same_name_as_a_full_scan(
            username in "([a-zA-Z0-9]|[._+ -]|ä|例){0,200}(_[0-9]{1,2})?",
            id in 1u64..100,
        ) {
            if !reference_sanitize(&username).is_empty() {
                prop_assert_eq!(
                    for_service(&username, "", id).unwrap(),
                    reference_for_service(&username, id)
                );
            }
        }

        #[test]
        fn addon_names_are_always_safe_and_capped(username in any::<String>()) {
            let name = for_addon(&username, "fallback@example.com").unwrap();
            prop_assert!(is_valid_name(&name), "{name:?}");
        }

        #[test]
        fn from_email_gives_a_safe_name_or_an_email_or_username_error(email in any::<String>()) {
            match from_email(&email) {
                Ok(name) => prop_assert!(is_valid_name(&name), "{name:?}"),
                Err(Error::InvalidInput { field, .. }) => {
                    prop_assert!(field == "email" || field == "username")
                }
                Err(other) => prop_assert!(false, "unexpected error {other:?}"),
            }
        }
    }
}
