//! `Aflexi\defaults()`: the core's defaults and bounds, for the PHP that shows or checks a
//! setting (the addon's configuration page and its settings).

use aflexi_core::defaults;
use ext_php_rs::prelude::*;

use crate::convert::PhpArray;

/// Adds `Aflexi\defaults()` to the extension.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module.function(wrap_function!(defaults))
}

/// The defaults and bounds of the settings, by name: `connect_timeout`, `timeout` and
/// `operation_timeout` (seconds; the INI settings `aflexi.*`), `concurrency`, and the addon's
/// `step_seconds` and `cron_seconds`; each `['default' => ..., 'min' => ..., 'max' => ...]`.
/// The one home of these numbers is the core (`aflexi_core::defaults`).
#[php_function]
#[php(name = "Aflexi\\defaults")]
pub fn defaults() -> PhpArray {
    PhpArray(defaults::for_php())
}
