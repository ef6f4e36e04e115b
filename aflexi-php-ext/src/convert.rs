//! Conversions between PHP values and the Rust values of the core.
//!
//! PHP in, Rust out: WHMCS hands over ids as numeric strings, `''` for "not set" and
//! check boxes as `'on'`/`''`, so arguments are taken as raw [`Zval`]s and converted here, with
//! an [`InvalidInputException`](crate::exception::INVALID_INPUT) naming the argument when a
//! value cannot stand for what is expected: an array or an object where a string is
//! expected, a string that is not valid UTF-8, a number that is not a whole number. Nothing
//! here throws PHP's own `TypeError`, and nothing panics.
//!
//! Rust out, PHP in: results are serialized with serde into [`serde_json::Value`] (its
//! `preserve_order` feature keeps the core's field order) and built into PHP arrays by
//! [`json_to_zval`]; [`zval_to_json`] is the way back for structured input. Both stop at
//! [`MAX_DEPTH`] levels of nesting, so a self-referencing PHP array is an error, not a stack
//! overflow.

use std::fmt;

use ext_php_rs::boxed::ZBox;
use ext_php_rs::convert::{FromZval, IntoZval, StubLiteral};
use ext_php_rs::error::Error as ZendError;
use ext_php_rs::flags::DataType;
use ext_php_rs::types::array::Iter;
use ext_php_rs::types::{ZendHashTable, Zval};
use serde::Serialize;
use serde_json::{Map, Number, Value};

use crate::exception::Failure;

/// The deepest nesting accepted or produced (the extension's own data is at most 4 deep).
pub const MAX_DEPTH: usize = 32;

// ------------------------------------------------------------------ declared argument types

/// An argument declared `string` in PHP, converted with [`text`].
///
/// It accepts whatever the caller passed (PHP does not check the declared types of
/// internal functions), so that a wrong type becomes an `InvalidInputException` naming the
/// argument rather than a `TypeError`.
pub struct StringArg<'a>(pub &'a Zval);

impl<'a> FromZval<'a> for StringArg<'a> {
    const TYPE: DataType = DataType::String;

    fn from_zval(zval: &'a Zval) -> Option<Self> {
        Some(StringArg(zval))
    }
}

/// An argument declared `int` in PHP, converted with [`whole_number`]; `Default` when the
/// caller left out an optional one.
pub enum IntArg<'a> {
    /// What the caller passed.
    Given(&'a Zval),
    /// The declared default.
    Default(i64),
}

impl<'a> FromZval<'a> for IntArg<'a> {
    const TYPE: DataType = DataType::Long;

    fn from_zval(zval: &'a Zval) -> Option<Self> {
        Some(IntArg::Given(zval))
    }
}

impl From<i64> for IntArg<'_> {
    fn from(value: i64) -> Self {
        IntArg::Default(value)
    }
}

impl StubLiteral for IntArg<'_> {
    fn stub_literal(&self) -> String {
        match self {
            IntArg::Default(value) => value.to_string(),
            IntArg::Given(_) => "null".to_string(),
        }
    }
}

impl IntArg<'_> {
    /// The value as a whole number, `default` when it is left out or null.
    pub fn get_or(arg: Option<Self>, name: &str, default: i64) -> Result<i64, Failure> {
        match arg {
            Some(IntArg::Given(zval)) if zval.dereference().is_null() => Ok(default),
            Some(arg) => arg.get(name),
            None => Ok(default),
        }
    }

    /// The value as a whole number.
    pub fn get(&self, name: &str) -> Result<i64, Failure> {
        match self {
            IntArg::Given(zval) => whole_number(name, zval),
            IntArg::Default(value) => Ok(*value),
        }
    }
}

/// An argument declared `array` in PHP; `Empty` when the caller left out an optional one.
pub enum ArrayArg<'a> {
    /// What the caller passed.
    Given(&'a Zval),
    /// The declared default `[]`.
    Empty,
}

impl<'a> FromZval<'a> for ArrayArg<'a> {
    const TYPE: DataType = DataType::Array;

    fn from_zval(zval: &'a Zval) -> Option<Self> {
        Some(ArrayArg::Given(zval))
    }
}

impl StubLiteral for ArrayArg<'_> {
    fn stub_literal(&self) -> String {
        "[]".to_string()
    }
}

impl<'a> ArrayArg<'a> {
    /// An optional array argument, `null` (`None`) taken as `[]`.
    pub fn or_empty(arg: Option<Self>) -> Self {
        arg.unwrap_or(ArrayArg::Empty)
    }

    /// The array, or `None` for `[]` left out or `null`.
    pub fn table(&self, name: &str) -> Result<Option<&'a ZendHashTable>, Failure> {
        match self {
            ArrayArg::Empty => Ok(None),
            ArrayArg::Given(zval) => {
                let zval = zval.dereference();
                if zval.is_null() {
                    return Ok(None);
                }
                zval.array().map(Some).ok_or_else(|| {
                    Failure::input(name, format!("{} given, an array expected", kind(zval)))
                })
            }
        }
    }
}

// ------------------------------------------------------------------ scalars

/// What kind of PHP value `zval` is, for messages ("an array", "an object of class X").
pub fn kind(zval: &Zval) -> String {
    let zval = zval.dereference();
    if zval.is_array() {
        "an array".to_string()
    } else if let Some(object) = zval.object() {
        match object.get_class_name() {
            Ok(class) => format!("an object of class {class}"),
            Err(_) => "an object".to_string(),
        }
    } else if zval.is_string() {
        "a string".to_string()
    } else if zval.is_long() {
        "an int".to_string()
    } else if zval.is_double() {
        "a float".to_string()
    } else if zval.is_bool() {
        "a bool".to_string()
    } else if zval.is_null() {
        "null".to_string()
    } else if zval.is_resource() {
        "a resource".to_string()
    } else {
        "an unsupported value".to_string()
    }
}

/// A string argument: strings (valid UTF-8), ints, floats and bools as PHP turns them into
/// strings, `null` as `''`. Arrays, objects and invalid UTF-8 are rejected.
pub fn text(name: &str, zval: &Zval) -> Result<String, Failure> {
    let zval = zval.dereference();
    if let Some(s) = zval.zend_str() {
        return match std::str::from_utf8(s.as_bytes()) {
            Ok(s) => Ok(s.to_string()),
            Err(e) => Err(Failure::input(
                name,
                format!(
                    "the string is not valid UTF-8 (bad byte at offset {})",
                    e.valid_up_to()
                ),
            )),
        };
    }
    if zval.is_long() || zval.is_double() || zval.is_bool() || zval.is_null() {
        // Scalars only: `coerce_to_string` would also call an object's __toString.
        if let Some(s) = zval.coerce_to_string() {
            return Ok(s);
        }
    }
    Err(Failure::input(
        name,
        format!("{} given, a string expected", kind(zval)),
    ))
}

/// A whole number: ints, numeric strings (surrounding spaces allowed), floats without a
/// fraction; `''` and `null` are 0 ("not set"). Bools, other strings, arrays and objects are
/// rejected.
pub fn whole_number(name: &str, zval: &Zval) -> Result<i64, Failure> {
    let zval = zval.dereference();
    if let Some(n) = zval.long() {
        return Ok(n);
    }
    if zval.is_null() {
        return Ok(0);
    }
    if let Some(f) = zval.double() {
        // i64::MAX as f64 rounds up to 2^63, so the upper bound is exclusive.
        if f.is_finite() && f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 {
            return Ok(f as i64);
        }
        return Err(Failure::input(
            name,
            "the float is not a whole number in range",
        ));
    }
    if let Some(s) = zval.zend_str() {
        let trimmed = std::str::from_utf8(s.as_bytes()).map(str::trim);
        return match trimmed {
            Ok("") => Ok(0),
            Ok(digits) => parse_whole(digits)
                .ok_or_else(|| Failure::input(name, "the string is not a whole number")),
            Err(_) => Err(Failure::input(name, "the string is not valid UTF-8")),
        };
    }
    Err(Failure::input(
        name,
        format!("{} given, an int or a numeric string expected", kind(zval)),
    ))
}

/// A decimal integer with an optional sign, nothing else.
fn parse_whole(digits: &str) -> Option<i64> {
    let unsigned = digits.strip_prefix(['+', '-']).unwrap_or(digits);
    if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A whole number that must not be negative.
pub fn count(name: &str, zval: &Zval) -> Result<u64, Failure> {
    let n = whole_number(name, zval)?;
    u64::try_from(n).map_err(|_| Failure::input(name, "it is negative"))
}

/// A yes/no value as WHMCS sends check boxes: bools, ints, floats, `null` (no), and the
/// strings `on`/`yes`/`true`/`1` and `''`/`off`/`no`/`false`/`0` (any case).
pub fn flag(name: &str, zval: &Zval) -> Result<bool, Failure> {
    let zval = zval.dereference();
    if let Some(b) = zval.bool() {
        return Ok(b);
    }
    if let Some(n) = zval.long() {
        return Ok(n != 0);
    }
    if let Some(f) = zval.double() {
        return Ok(f != 0.0);
    }
    if zval.is_null() {
        return Ok(false);
    }
    if let Some(s) = zval.zend_str() {
        let word = String::from_utf8_lossy(s.as_bytes())
            .trim()
            .to_ascii_lowercase();
        return match word.as_str() {
            "on" | "yes" | "true" | "1" => Ok(true),
            "" | "off" | "no" | "false" | "0" => Ok(false),
            _ => Err(Failure::input(
                name,
                "the string is not one of on, yes, true, 1, off, no, false, 0 or ''",
            )),
        };
    }
    Err(Failure::input(
        name,
        format!("{} given, a bool or 'on'/'' expected", kind(zval)),
    ))
}

/// A number of seconds (int, float or numeric string), not negative, finite.
pub fn seconds(name: &str, zval: &Zval) -> Result<std::time::Duration, Failure> {
    let zval = zval.dereference();
    let value = if let Some(n) = zval.long() {
        Some(n as f64)
    } else if let Some(f) = zval.double() {
        Some(f)
    } else if let Some(s) = zval.zend_str() {
        std::str::from_utf8(s.as_bytes())
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok())
    } else {
        None
    };
    value
        .and_then(|secs| std::time::Duration::try_from_secs_f64(secs).ok())
        .ok_or_else(|| {
            Failure::input(
                name,
                format!(
                    "{} given, a number of seconds (0 or more) expected",
                    kind(zval)
                ),
            )
        })
}

// ------------------------------------------------------------------ arrays

/// The key of a PHP array member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// An integer key.
    Index(i64),
    /// A string key.
    Name(String),
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Index(i) => write!(f, "[{i}]"),
            Key::Name(name) => write!(f, "['{}']", shorten(name)),
        }
    }
}

/// At most 64 characters of `name`, control characters shown as `?`, for messages.
pub fn shorten(name: &str) -> String {
    let mut out: String = name
        .chars()
        .take(64)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if name.chars().count() > 64 {
        out.push('…');
    }
    out
}

/// The members of a PHP array in order, with their keys.
///
/// Unlike `ZendHashTable::iter`, a string key that is not valid UTF-8 is an error here,
/// not a panic.
pub fn members<'a>(
    name: &'a str,
    table: &'a ZendHashTable,
) -> impl Iterator<Item = Result<(Key, &'a Zval), Failure>> + 'a {
    let mut iter = Iter::new(table);
    std::iter::from_fn(move || {
        let (key, value) = iter.next_zval()?;
        let key = if let Some(i) = key.long() {
            Ok(Key::Index(i))
        } else {
            match key.zend_str().map(|s| std::str::from_utf8(s.as_bytes())) {
                Some(Ok(s)) => Ok(Key::Name(s.to_string())),
                _ => Err(Failure::input(name, "an array key is not valid UTF-8")),
            }
        };
        Some(key.map(|key| (key, value)))
    })
}

/// Where in an argument a conversion failed, e.g. `$desired[3]['email']`.
struct Located {
    path: Vec<Key>,
    reason: String,
}

impl Located {
    fn new(reason: impl Into<String>) -> Self {
        Located {
            path: Vec::new(),
            reason: reason.into(),
        }
    }

    fn under(mut self, key: Key) -> Self {
        self.path.push(key);
        self
    }

    fn into_failure(self, name: &str) -> Failure {
        let mut what = name.to_string();
        for key in self.path.iter().rev() {
            what.push_str(&key.to_string());
        }
        Failure::input(what, self.reason)
    }
}

/// A PHP value as JSON: arrays with keys 0, 1, 2… become lists (so does `[]`), other arrays
/// objects with their keys as strings; strings must be UTF-8 and floats finite. Objects and
/// resources are rejected, so is nesting deeper than [`MAX_DEPTH`].
pub fn zval_to_json(name: &str, zval: &Zval) -> Result<Value, Failure> {
    to_json(zval, 0).map_err(|located| located.into_failure(name))
}

fn to_json(zval: &Zval, depth: usize) -> Result<Value, Located> {
    let zval = zval.dereference();
    if zval.is_null() {
        return Ok(Value::Null);
    }
    if let Some(b) = zval.bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = zval.long() {
        return Ok(Value::Number(n.into()));
    }
    if let Some(f) = zval.double() {
        return Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| Located::new("the float is not finite"));
    }
    if let Some(s) = zval.zend_str() {
        return std::str::from_utf8(s.as_bytes())
            .map(|s| Value::String(s.to_string()))
            .map_err(|_| Located::new("the string is not valid UTF-8"));
    }
    let Some(table) = zval.array() else {
        return Err(Located::new(format!(
            "{} given; only arrays, strings, numbers, bools and null are accepted",
            kind(zval)
        )));
    };
    if depth >= MAX_DEPTH {
        return Err(Located::new(format!(
            "the arrays are nested more than {MAX_DEPTH} levels deep"
        )));
    }
    let mut list = Vec::new();
    let mut map = Map::new();
    let mut is_list = true;
    let mut iter = Iter::new(table);
    while let Some((key, value)) = iter.next_zval() {
        let key = if let Some(i) = key.long() {
            Key::Index(i)
        } else {
            match key.zend_str().map(|s| std::str::from_utf8(s.as_bytes())) {
                Some(Ok(s)) => Key::Name(s.to_string()),
                _ => return Err(Located::new("an array key is not valid UTF-8")),
            }
        };
        let value = to_json(value, depth + 1).map_err(|e| e.under(key.clone()))?;
        if is_list && key == Key::Index(list.len() as i64) {
            list.push(value);
            continue;
        }
        if is_list {
            is_list = false;
            for (i, earlier) in std::mem::take(&mut list).into_iter().enumerate() {
                map.insert(i.to_string(), earlier);
            }
        }
        let key = match key {
            Key::Index(i) => i.to_string(),
            Key::Name(name) => name,
        };
        map.insert(key, value);
    }
    Ok(if is_list {
        Value::Array(list)
    } else {
        Value::Object(map)
    })
}

/// A JSON value as a PHP value: lists become packed arrays, objects arrays keyed by name
/// (a canonical decimal key such as `"7"` becomes the int key 7, as in PHP itself), integers
/// beyond PHP's range floats.
pub fn json_to_zval(value: Value) -> Result<Zval, ZendError> {
    build(value, 0)
}

fn build(value: Value, depth: usize) -> Result<Zval, ZendError> {
    let mut zval = Zval::new();
    match value {
        Value::Null => zval.set_null(),
        Value::Bool(b) => zval.set_bool(b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => zval.set_long(i),
            None => zval.set_double(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => zval.set_string(&s, false)?,
        Value::Array(items) => {
            if depth >= MAX_DEPTH {
                return Err(ZendError::ZvalConversion(DataType::Array));
            }
            let mut table = new_table(items.len());
            for item in items {
                table.push(build(item, depth + 1)?)?;
            }
            zval.set_hashtable(table);
        }
        Value::Object(members) => {
            if depth >= MAX_DEPTH {
                return Err(ZendError::ZvalConversion(DataType::Array));
            }
            let mut table = new_table(members.len());
            for (key, item) in members {
                table.insert(key.as_str(), build(item, depth + 1)?)?;
            }
            zval.set_hashtable(table);
        }
    }
    Ok(zval)
}

fn new_table(len: usize) -> ZBox<ZendHashTable> {
    ZendHashTable::with_capacity(u32::try_from(len).unwrap_or(u32::MAX))
}

/// A result returned to PHP as an array (declared `array`): a serialized struct or list.
pub struct PhpArray(pub Value);

impl PhpArray {
    /// Serializes a result of the core.
    pub fn of(value: &impl Serialize) -> Result<Self, Failure> {
        serde_json::to_value(value)
            .map(PhpArray)
            .map_err(|e| Failure::Output(format!("cannot convert the result for PHP: {e}")))
    }
}

impl IntoZval for PhpArray {
    const TYPE: DataType = DataType::Array;
    const NULLABLE: bool = false;

    fn set_zval(self, zv: &mut Zval, _persistent: bool) -> Result<(), ZendError> {
        *zv = json_to_zval(self.0)?;
        Ok(())
    }
}

/// The string a serde enum of the core serializes to (`"applied"`, `"deleted"`…).
pub fn variant_name(value: &impl Serialize) -> Result<String, Failure> {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => Ok(s),
        _ => Err(Failure::Output(
            "cannot convert the result for PHP: not a name".to_string(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_are_decimal_digits_with_an_optional_sign() {
        assert_eq!(parse_whole("42"), Some(42));
        assert_eq!(parse_whole("+7"), Some(7));
        assert_eq!(parse_whole("-3"), Some(-3));
        assert_eq!(parse_whole("1e3"), None);
        assert_eq!(parse_whole("0x10"), None);
        assert_eq!(parse_whole("12abc"), None);
        assert_eq!(parse_whole("-"), None);
        assert_eq!(parse_whole("99999999999999999999"), None);
    }

    #[test]
    fn long_keys_are_shortened_for_messages() {
        let key = Key::Name("x".repeat(100));
        let shown = key.to_string();
        assert!(shown.chars().count() < 80, "{shown}");
        assert_eq!(Key::Index(3).to_string(), "[3]");
        assert_eq!(shorten("a\nb"), "a?b");
    }
}
