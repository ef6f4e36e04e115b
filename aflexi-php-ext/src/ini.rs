//! The INI settings of the extension: defaults for every `Aflexi\Client`.
//!
//! | setting | default | meaning |
//! |---|---|---|
//! | `aflexi.connect_timeout` | [`defaults::CONNECT_TIMEOUT`] | seconds to open a connection |
//! | `aflexi.timeout` | [`defaults::REQUEST_TIMEOUT`] | seconds for one whole HTTP request |
//! | `aflexi.operation_timeout` | [`defaults::OPERATION_TIMEOUT`] | seconds for one whole operation, retries included |
//! | `aflexi.concurrency` | [`defaults::CONCURRENCY`] | requests in flight at once in bulk work |
//! | `aflexi.ca_file` | (empty) | a PEM file of CA certificates HTTPS also trusts (php.ini only) |
//!
//! PHP needs the defaults as static text, so they are spelled here once more; a test pins each
//! to the core's number.
//!
//! [`defaults::CONNECT_TIMEOUT`]: aflexi_core::defaults::CONNECT_TIMEOUT
//! [`defaults::REQUEST_TIMEOUT`]: aflexi_core::defaults::REQUEST_TIMEOUT
//! [`defaults::OPERATION_TIMEOUT`]: aflexi_core::defaults::OPERATION_TIMEOUT
//! [`defaults::CONCURRENCY`]: aflexi_core::defaults::CONCURRENCY
//!
//! The operation timeout bounds every wait inside the extension, because neither PHP's
//! `max_execution_time` nor PHP-FPM's `request_terminate_timeout` can interrupt a call that
//! waits in Rust; its default stays below PHP-FPM's usual limits. Options passed to
//! `new Aflexi\Client(...)` override these per client.

use std::ffi::CStr;

use ext_php_rs::ffi::zend_ini_entry;
use ext_php_rs::flags::IniEntryPermission;
use ext_php_rs::zend::{ExecutorGlobals, IniEntryDef, IniEntryDefs};

/// `aflexi.connect_timeout`.
pub const CONNECT_TIMEOUT: &str = "aflexi.connect_timeout";
/// `aflexi.timeout`.
pub const TIMEOUT: &str = "aflexi.timeout";
/// `aflexi.operation_timeout`.
pub const OPERATION_TIMEOUT: &str = "aflexi.operation_timeout";
/// `aflexi.concurrency`.
pub const CONCURRENCY: &str = "aflexi.concurrency";
/// `aflexi.ca_file`: which certificates to trust is the host's decision, so only php.ini sets it.
pub const CA_FILE: &str = "aflexi.ca_file";

/// The INI defaults as PHP reads them (and `phpinfo()` shows them): the core's
/// [`aflexi_core::defaults`], written out.
pub const CONNECT_TIMEOUT_DEFAULT: &CStr = c"5";
/// See [`CONNECT_TIMEOUT_DEFAULT`].
pub const TIMEOUT_DEFAULT: &CStr = c"20";
/// See [`CONNECT_TIMEOUT_DEFAULT`].
pub const OPERATION_TIMEOUT_DEFAULT: &CStr = c"60";
/// See [`CONNECT_TIMEOUT_DEFAULT`].
pub const CONCURRENCY_DEFAULT: &CStr = c"16";

/// The definitions handed to PHP at MINIT; PHP keeps pointing into them, hence a static.
pub static ENTRIES: IniEntryDefs<6> = IniEntryDefs::new([
    IniEntryDef::new(
        c"aflexi.connect_timeout",
        CONNECT_TIMEOUT_DEFAULT,
        IniEntryPermission::All,
    ),
    IniEntryDef::new(c"aflexi.timeout", TIMEOUT_DEFAULT, IniEntryPermission::All),
    IniEntryDef::new(
        c"aflexi.operation_timeout",
        OPERATION_TIMEOUT_DEFAULT,
        IniEntryPermission::All,
    ),
    IniEntryDef::new(
        c"aflexi.concurrency",
        CONCURRENCY_DEFAULT,
        IniEntryPermission::All,
    ),
    IniEntryDef::new(c"aflexi.ca_file", c"", IniEntryPermission::System),
    IniEntryDef::end(),
]);

/// The current value of an INI setting (after php.ini, `-d` and `ini_set`), if it is set
/// and valid UTF-8. Request time only.
pub fn value(name: &str) -> Option<String> {
    let globals = ExecutorGlobals::get();
    // SAFETY: `EG(ini_directives)` is null before the engine's INI startup and a live table
    // afterwards; its members are `zend_ini_entry` pointers owned by the engine, and every
    // reference below ends before `globals` is dropped.
    unsafe {
        let table = globals.ini_directives.as_ref()?;
        let entry = table.get(name)?.ptr::<zend_ini_entry>()?.as_ref()?;
        let text = entry.value.as_ref()?;
        std::str::from_utf8(text.as_bytes()).ok().map(str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aflexi_core::defaults;

    fn number(text: &CStr) -> u64 {
        text.to_str().unwrap().parse().unwrap()
    }

    #[test]
    fn the_ini_defaults_are_the_cores() {
        assert_eq!(
            number(CONNECT_TIMEOUT_DEFAULT),
            defaults::CONNECT_TIMEOUT.as_secs()
        );
        assert_eq!(number(TIMEOUT_DEFAULT), defaults::REQUEST_TIMEOUT.as_secs());
        assert_eq!(
            number(OPERATION_TIMEOUT_DEFAULT),
            defaults::OPERATION_TIMEOUT.as_secs()
        );
        assert_eq!(number(CONCURRENCY_DEFAULT), defaults::CONCURRENCY as u64);
    }
}
