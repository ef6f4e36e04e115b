//! Publisher passwords: generating them, and checking the ones WHMCS hands over.
//!
//! The old plugins made 8-character passwords from `time()` and `md5(rand())` (docs/AFLEXI-API.md#bug-weak-passwords). Here a password is drawn from the operating system's CSPRNG
//! ([`rand::rngs::OsRng`], which seeds a ChaCha generator once per password, so a password
//! costs one system call rather than one per character) with unbiased uniform sampling over an alphabet of ASCII letters and
//! digits without the look-alikes `0 O o 1 l I`: 56 characters, so a default 16-character
//! password carries about 92 bits. Nothing in it can break an e-mail template, XML or a shell.
//!
//! Each password holds at least one lowercase letter, one uppercase letter and one digit, as
//! password policies commonly demand. That is obtained by rejection (a whole password lacking
//! a class is drawn again), which keeps every valid password equally likely.
//!
//! ```
//! use aflexi_core::password;
//!
//! let secret = password::generate().unwrap();
//! assert_eq!(secret.expose().len(), password::DEFAULT_LEN);
//! assert!(password::validate(secret.expose()).is_ok());
//! assert!(password::generate_with_len(4).is_err());
//! ```

use rand::distr::{Distribution, Uniform};
use rand::rngs::{OsRng, StdRng};
use rand::{Rng, SeedableRng};

use crate::{Error, Result, Secret};

/// The length of [`generate`]'s passwords.
pub const DEFAULT_LEN: usize = 16;
/// The shortest password [`generate_with_len`] makes.
pub const MIN_LEN: usize = 8;
/// The longest password [`generate_with_len`] makes and [`validate`] accepts, in characters.
pub const MAX_LEN: usize = 128;

/// The characters of generated passwords: ASCII letters and digits minus `0 O o 1 l I`.
const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

const _: () = assert!(!ALPHABET.is_empty() && ALPHABET.len() <= u8::MAX as usize);

/// A new password of [`DEFAULT_LEN`] characters.
///
/// # Errors
///
/// Only if the operating system's random source fails.
pub fn generate() -> Result<Secret> {
    generate_with_len(DEFAULT_LEN)
}

/// A new password of `len` characters.
///
/// # Errors
///
/// [`Error::InvalidInput`] for the field `password length` when `len` is outside
/// [`MIN_LEN`]`..=`[`MAX_LEN`].
///
/// Also an error, never a panic, if the operating system's random source fails.
///
/// ```
/// let secret = aflexi_core::password::generate_with_len(24).unwrap();
/// assert_eq!(secret.expose().len(), 24);
/// ```
pub fn generate_with_len(len: usize) -> Result<Secret> {
    if !(MIN_LEN..=MAX_LEN).contains(&len) {
        return Err(Error::invalid(
            "password length",
            format!("{len} is outside {MIN_LEN} to {MAX_LEN} characters"),
        ));
    }
    let mut rng = StdRng::try_from_rng(&mut OsRng).map_err(|e| {
        Error::invalid(
            "password",
            format!("the operating system's random source failed: {e}"),
        )
    })?;
    Ok(generate_from(&mut rng, len))
}

/// Draws whole passwords of `len` (at least 3) characters until one has all three classes.
fn generate_from<R: Rng + ?Sized>(rng: &mut R, len: usize) -> Secret {
    let pick = alphabet_index();
    let mut password = String::with_capacity(len);
    loop {
        password.clear();
        password.extend((0..len).map(|_| char::from(ALPHABET[usize::from(pick.sample(rng))])));
        if has_every_class(&password) {
            return Secret::new(password);
        }
    }
}

/// The uniform distribution over the indices of [`ALPHABET`] (Lemire's method with
/// rejection: exactly uniform, unlike `% len`).
fn alphabet_index() -> Uniform<u8> {
    // ALPHABET is a non-empty constant of fewer than 256 bytes (asserted at compile time),
    // so the range is never empty.
    match Uniform::new(0, ALPHABET.len() as u8) {
        Ok(uniform) => uniform,
        Err(_) => unreachable!("the password alphabet is not empty"),
    }
}

fn has_every_class(password: &str) -> bool {
    let bytes = password.as_bytes();
    bytes.iter().any(u8::is_ascii_lowercase)
        && bytes.iter().any(u8::is_ascii_uppercase)
        && bytes.iter().any(u8::is_ascii_digit)
}

/// Checks a password given by WHMCS (a client's or an admin's choice) before it is sent to
/// Aflexi: not empty or blank, at most [`MAX_LEN`] characters, no control characters, and
/// only characters that XML 1.0 can carry. No strength rule is applied: WHMCS enforces its own.
///
/// # Errors
///
/// [`Error::InvalidInput`] for the field `password`, whose reason never quotes the password.
///
/// ```
/// use aflexi_core::password::validate;
/// assert!(validate("correct horse battery staple").is_ok());
/// assert!(validate("tab\there").is_err());
/// ```
pub fn validate(password: &str) -> Result<()> {
    let reject = |reason: String| Err(Error::invalid("password", reason));
    if password.is_empty() {
        return reject("it is empty".to_owned());
    }
    let mut count = 0;
    let mut blank = true;
    for c in password.chars() {
        count += 1;
        if count > MAX_LEN {
            return reject(format!("it is longer than {MAX_LEN} characters"));
        }
        if c.is_control() {
            return reject(
                "it contains a control character (a tab, a line break or similar)".to_owned(),
            );
        }
        if matches!(c, '\u{FFFE}' | '\u{FFFF}') {
            return reject("it contains a character that XML cannot carry".to_owned());
        }
        blank &= c.is_whitespace();
    }
    if blank {
        return reject("it is only spaces".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    fn field_of(result: Result<impl std::fmt::Debug>) -> &'static str {
        match result {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    fn many(n: usize) -> Vec<String> {
        (0..n)
            .map(|_| generate().unwrap().expose().to_owned())
            .collect()
    }

    #[test]
    fn the_alphabet_is_letters_and_digits_without_look_alikes() {
        assert_eq!(ALPHABET.len(), 56);
        assert!(ALPHABET.iter().all(u8::is_ascii_alphanumeric));
        for look_alike in b"0Oo1lI" {
            assert!(!ALPHABET.contains(look_alike), "{}", *look_alike as char);
        }
        let distinct: HashSet<_> = ALPHABET.iter().collect();
        assert_eq!(distinct.len(), ALPHABET.len());
    }

    #[test]
    fn generate_gives_the_default_length() {
        assert_eq!(generate().unwrap().expose().len(), DEFAULT_LEN);
    }

    #[test]
    fn generate_with_len_gives_that_length_across_the_range() {
        for len in MIN_LEN..=MAX_LEN {
            assert_eq!(generate_with_len(len).unwrap().expose().len(), len);
        }
    }

    #[test]
    fn every_password_has_a_lowercase_an_uppercase_and_a_digit() {
        for password in many(10_000) {
            assert!(has_every_class(&password), "{password}");
        }
    }

    #[test]
    fn the_shortest_passwords_also_have_every_class() {
        for _ in 0..2_000 {
            let secret = generate_with_len(MIN_LEN).unwrap();
            assert!(has_every_class(secret.expose()));
        }
    }

    #[test]
    fn passwords_only_use_the_alphabet() {
        for password in many(10_000) {
            assert!(
                password.bytes().all(|b| ALPHABET.contains(&b)),
                "{password}"
            );
        }
    }

    #[test]
    fn ten_thousand_passwords_are_all_different() {
        let passwords = many(10_000);
        let distinct: HashSet<_> = passwords.iter().collect();
        assert_eq!(distinct.len(), passwords.len());
    }

    #[test]
    fn generated_passwords_pass_validation() {
        for password in many(1_000) {
            assert!(validate(&password).is_ok());
        }
    }

    #[test]
    fn character_frequencies_are_roughly_uniform() {
        // 12,500 passwords of 16 = 200,000 characters, about 3,571 per character. Requiring a
        // digit lifts the digits about 9 % above that and lowers the letters about 1.5 %;
        // the random spread is about 1.7 %. A ±25 % bound never flakes, and within one class
        // (where the rejection treats every character alike) ±10 % is still over 6 sigma.
        let mut counts: HashMap<u8, usize> = HashMap::new();
        let mut total = 0usize;
        for _ in 0..12_500 {
            for b in generate().unwrap().expose().bytes() {
                *counts.entry(b).or_default() += 1;
                total += 1;
            }
        }
        let expected = total as f64 / ALPHABET.len() as f64;
        for &c in ALPHABET {
            let seen = counts.get(&c).copied().unwrap_or(0) as f64;
            assert!(
                (seen - expected).abs() <= 0.25 * expected,
                "{} seen {seen} times, expected about {expected}",
                c as char
            );
        }
        let classes: [fn(&u8) -> bool; 3] = [
            u8::is_ascii_lowercase,
            u8::is_ascii_uppercase,
            u8::is_ascii_digit,
        ];
        for class in classes {
            let members: Vec<u8> = ALPHABET.iter().copied().filter(class).collect();
            let class_total: usize = members.iter().map(|b| counts[b]).sum();
            let class_mean = class_total as f64 / members.len() as f64;
            for b in members {
                let seen = counts[&b] as f64;
                assert!(
                    (seen - class_mean).abs() <= 0.10 * class_mean,
                    "{} seen {seen} times, its class averages {class_mean}",
                    b as char
                );
            }
        }
    }

    #[test]
    fn generated_passwords_are_redacted_when_printed() {
        let secret = generate().unwrap();
        assert_eq!(format!("{secret:?} {secret}"), "[redacted] [redacted]");
    }

    #[test]
    fn lengths_below_the_minimum_are_rejected() {
        assert_eq!(field_of(generate_with_len(MIN_LEN - 1)), "password length");
        assert_eq!(field_of(generate_with_len(0)), "password length");
    }

    #[test]
    fn lengths_above_the_maximum_are_rejected() {
        assert_eq!(field_of(generate_with_len(MAX_LEN + 1)), "password length");
        assert_eq!(field_of(generate_with_len(usize::MAX)), "password length");
    }

    #[test]
    fn validate_accepts_ordinary_passwords() {
        assert!(validate("hunter2").is_ok());
        assert!(validate("correct horse battery staple").is_ok());
        assert!(validate("p@ss<w>rd&\"'").is_ok());
    }

    #[test]
    fn validate_accepts_unicode() {
        assert!(validate("pässwörd-例え-🚀").is_ok());
    }

    #[test]
    fn validate_rejects_an_empty_password() {
        assert_eq!(field_of(validate("")), "password");
    }

    #[test]
    fn validate_rejects_a_password_of_only_spaces() {
        assert_eq!(field_of(validate("   ")), "password");
    }

    #[test]
    fn validate_counts_characters_not_bytes() {
        assert!(validate(&"ü".repeat(MAX_LEN)).is_ok());
        assert_eq!(field_of(validate(&"ü".repeat(MAX_LEN + 1))), "password");
    }

    #[test]
    fn validate_rejects_a_megabyte_password() {
        assert_eq!(field_of(validate(&"a".repeat(1 << 20))), "password");
    }

    #[test]
    fn validate_rejects_control_characters() {
        for bad in [
            "a\0b",
            "tab\there",
            "line\nbreak",
            "cr\r",
            "del\u{7f}",
            "nel\u{85}",
        ] {
            assert_eq!(field_of(validate(bad)), "password", "{bad:?}");
        }
    }

    #[test]
    fn validate_rejects_characters_xml_cannot_carry() {
        assert_eq!(field_of(validate("a\u{FFFE}b")), "password");
        assert_eq!(field_of(validate("a\u{FFFF}b")), "password");
    }

    #[test]
    fn validation_errors_never_quote_the_password() {
        let err = validate("s3cret\u{1}").unwrap_err();
        assert!(!err.to_string().contains("s3cret"));
    }
}
