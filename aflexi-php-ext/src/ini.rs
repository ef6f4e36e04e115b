//! The INI settings of the extension: defaults for every `Aflexi\Client`.
//!
//! | setting | default | meaning |
//! |---|---|---|
//! | `aflexi.connect_timeout` | 5 | seconds to open a connection |
//! | `aflexi.timeout` | 20 | seconds for one whole HTTP request |
//! | `aflexi.operation_timeout` | 60 | seconds for one whole operation, retries included |
//! | `aflexi.concurrency` | 16 | requests in flight at once in bulk work |
//! | `aflexi.ca_file` | (empty) | a PEM file of CA certificates HTTPS also trusts (php.ini only) |
//!
//! The operation timeout bounds every wait inside the extension, because neither PHP's
//! `max_execution_time` nor PHP-FPM's `request_terminate_timeout` can interrupt a call that
//! waits in Rust; its default stays below PHP-FPM's usual limits. Options passed to
//! `new Aflexi\Client(...)` override these per client.

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

/// The definitions handed to PHP at MINIT; PHP keeps pointing into them, hence a static.
pub static ENTRIES: IniEntryDefs<6> = IniEntryDefs::new([
    IniEntryDef::new(c"aflexi.connect_timeout", c"5", IniEntryPermission::All),
    IniEntryDef::new(c"aflexi.timeout", c"20", IniEntryPermission::All),
    IniEntryDef::new(c"aflexi.operation_timeout", c"60", IniEntryPermission::All),
    IniEntryDef::new(c"aflexi.concurrency", c"16", IniEntryPermission::All),
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
