//! The PHP extension `aflexi`: the Aflexi CDN integration for WHMCS, in-process.
//!
//! A thin adapter over [`aflexi_core`]: each PHP function or method converts its arguments,
//! makes one call into the core and converts the result. The rules, the API client and the
//! sync engine all live in the core; nothing here decides anything about publishers.
//!
//! | PHP | here |
//! |---|---|
//! | `Aflexi\username_for_service()`, `username_for_addon()`, `generate_password()`, `package_name()`, `endpoint_from_server()` | [`functions`] |
//! | `Aflexi\entitlement()`, `product_is_free()`, `username_parts()`, `publisher_of_service()`, `bandwidth_limit()`, `bandwidth_usage_mb()`, `bandwidth_usage_gb()` | [`rules`] |
//! | `Aflexi\Client` | [`client`] |
//! | `Aflexi\SyncJob` (`Client::syncStart`: a sync on a background thread) | [`sync_job`] |
//! | `Aflexi\PublisherPages` (`Client::publisherPages`: a listing page by page) | [`publisher_pages`] |
//! | `Aflexi\UsageBatches` (`Client::usageBatches`: a month's usage, concurrent queries, one answer at a time) | [`usage_batches`] |
//! | `Aflexi\Whm` (cPanel's WHM: the `cdn` feature of a package) | [`whm`] |
//! | `Aflexi\xmlrpc_decode_response()` (an answer decoded as the client decodes it) | [`xmlrpc`] |
//! | `Aflexi\Exception` and its subclasses | [`exception`] |
//! | `Aflexi\defaults()` (the core's defaults and bounds) | [`defaults`] |
//! | INI `aflexi.*` | [`ini`] |
//! | PHP values ↔ Rust values | [`convert`] |
//!
//! Safety rules of the module (docs/ARCHITECTURE.md; docs/RELIABILITY.md for fork and PHP-FPM): nothing network- or
//! thread-related happens in `get_module` or at MINIT (the core builds its runtime and HTTP
//! client lazily, per process, so PHP-FPM workers and `pcntl_fork` children build their
//! own); the startup and info hooks only register and print, and cannot panic into PHP;
//! errors become exceptions, never panics; every wait is bounded by the operation timeout.

// A panic must unwind to ext-php-rs's handler, which turns it into a PHP `Error`; with
// `panic = "abort"` any panic would kill the PHP-FPM worker or the cron run.
#[cfg(not(panic = "unwind"))]
compile_error!("aflexi-php-ext must be built with panic = \"unwind\"");

pub mod client;
pub mod convert;
pub mod defaults;
pub mod desired;
pub mod exception;
pub mod functions;
pub mod ini;
pub mod publisher_pages;
pub mod rules;
pub mod sync_job;
pub mod usage_batches;
pub mod whm;
pub mod xmlrpc;

use ext_php_rs::ffi::{
    php_info_print_table_end, php_info_print_table_row, php_info_print_table_start,
};
use ext_php_rs::prelude::*;
use ext_php_rs::zend::{IniEntryDef, ModuleEntry};

/// The version PHP reports (`phpversion('aflexi')`), NUL-terminated for phpinfo.
const VERSION: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
) {
    Ok(version) => version,
    Err(_) => c"unknown",
};

/// MINIT, before ext-php-rs registers `Aflexi\Client`: registers the INI settings and the
/// exception classes, nothing else. Returns PHP's SUCCESS (0) or FAILURE (-1); a failure
/// makes PHP report "Unable to start aflexi module" after our warning.
fn startup(_ty: i32, module_number: i32) -> i32 {
    // This runs inside an `extern "C"` frame that ext-php-rs does not guard, where a panic
    // would abort the PHP process: keep any unwind here.
    let outcome = std::panic::catch_unwind(|| {
        IniEntryDef::register(ini::ENTRIES.as_slice(), module_number);
        exception::register()
    });
    match outcome {
        Ok(Ok(())) => 0,
        Ok(Err(message)) => {
            warn_at_startup(&message);
            -1
        }
        Err(_) => {
            warn_at_startup("the extension panicked while registering its classes");
            -1
        }
    }
}

/// Writes a startup problem to stderr, where PHP's own startup errors go.
fn warn_at_startup(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "PHP Warning:  aflexi: {message}");
}

/// The `phpinfo()` / `php --ri aflexi` section: constant text only.
extern "C" fn info(_module: *mut ModuleEntry) {
    let rows: [(&std::ffi::CStr, &std::ffi::CStr); 7] = [
        (c"aflexi support", c"enabled"),
        (c"Version", VERSION),
        (c"TLS backend", c"rustls (aws-lc-rs)"),
        (
            c"aflexi.connect_timeout default (s)",
            ini::CONNECT_TIMEOUT_DEFAULT,
        ),
        (c"aflexi.timeout default (s)", ini::TIMEOUT_DEFAULT),
        (
            c"aflexi.operation_timeout default (s)",
            ini::OPERATION_TIMEOUT_DEFAULT,
        ),
        (c"aflexi.concurrency default", ini::CONCURRENCY_DEFAULT),
    ];
    // SAFETY: PHP's own phpinfo printers, called from the info hook as designed, with
    // NUL-terminated strings that outlive the calls.
    unsafe {
        php_info_print_table_start();
        for (name, value) in rows {
            php_info_print_table_row(2, name.as_ptr(), value.as_ptr());
        }
        php_info_print_table_end();
    }
}

/// The module: nothing is created here but the description PHP reads.
#[php_module]
#[php(startup = startup)]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    let module = module
        .name("aflexi")
        .info_function(info)
        .class::<client::Client>()
        .class::<sync_job::SyncJob>()
        .class::<publisher_pages::PublisherPages>()
        .class::<usage_batches::UsageBatches>()
        .class::<whm::Whm>();
    xmlrpc::register(defaults::register(rules::register(functions::register(
        module,
    ))))
}
