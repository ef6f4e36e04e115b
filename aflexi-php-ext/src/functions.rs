//! The naming rules as PHP functions: `Aflexi\username_for_service` and friends.
//!
//! Each takes its arguments as WHMCS has them (ids as numeric strings, `''` for "not set",
//! check boxes as `'on'`/`''`), converts them, and calls the one function of the core that
//! owns the rule.

// PHP sees the Rust parameter names, and PHP's own names are camelCase (`$serviceId`).
#![allow(non_snake_case)]

use aflexi_core::{client, package, password, secret, username};
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use crate::convert::{count, flag, text, IntArg};
use crate::exception::Failure;

/// Adds the functions of this module to the extension (`wrap_function!` needs the items
/// `#[php_function]` makes, which are private to this module).
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(username_for_service))
        .function(wrap_function!(username_for_addon))
        .function(wrap_function!(generate_password))
        .function(wrap_function!(package_name))
        .function(wrap_function!(endpoint_from_server))
        .function(wrap_function!(secret_spellings))
}

/// The Aflexi username (local part) of the server module's publisher for a WHMCS service:
/// the service username, else the client's e-mail address, sanitised, with `_<serviceId>`
/// appended once.
///
/// `$serviceUsername` is the service's username ('' or null when it has none), `$email` the
/// client's e-mail address, `$serviceId` the WHMCS service id (an int or a numeric string).
/// Numbers are accepted where strings are expected; arrays, objects and invalid UTF-8 are
/// not.
///
/// @throws \Aflexi\InvalidInputException for a service id of 0, an unusable e-mail address,
///     or an argument of the wrong type
#[php_function]
#[php(name = "Aflexi\\username_for_service")]
pub fn username_for_service(
    serviceUsername: &Zval,
    email: &Zval,
    serviceId: &Zval,
) -> Result<String, Failure> {
    let service_username = text("$serviceUsername", serviceUsername)?;
    let email = text("$email", email)?;
    let service_id = count("$serviceId", serviceId)?;
    Ok(username::for_service(
        &service_username,
        &email,
        service_id,
    )?)
}

/// The Aflexi username (local part) of the addon's publisher: the service username, else the
/// client's e-mail address, sanitised, without a suffix.
///
/// `$serviceUsername` is the service's username ('' or null when it has none), `$email` the
/// client's e-mail address.
///
/// @throws \Aflexi\InvalidInputException for an unusable e-mail address, or an argument of
///     the wrong type
#[php_function]
#[php(name = "Aflexi\\username_for_addon")]
pub fn username_for_addon(serviceUsername: &Zval, email: &Zval) -> Result<String, Failure> {
    let service_username = text("$serviceUsername", serviceUsername)?;
    let email = text("$email", email)?;
    Ok(username::for_addon(&service_username, &email)?)
}

/// A new publisher password from the operating system's CSPRNG: letters and digits without
/// look-alikes, at least one lower case, one upper case and one digit.
///
/// `$length` is 8 to 128 characters; null means the default.
///
/// @throws \Aflexi\InvalidInputException for a length outside 8..128
#[php_function]
#[php(name = "Aflexi\\generate_password")]
#[php(defaults(length = Some(IntArg::Default(password::DEFAULT_LEN as i64))))]
pub fn generate_password(length: Option<IntArg>) -> Result<String, Failure> {
    let length = IntArg::get_or(length, "$length", password::DEFAULT_LEN as i64)?;
    let length =
        usize::try_from(length).map_err(|_| Failure::input("$length", "it is negative"))?;
    Ok(password::generate_with_len(length)?.expose().to_string())
}

/// The Aflexi package name for a WHMCS product: the module's package setting, else the
/// hosting package name, else the product name, else 'default'; whitespace tidied, at most
/// 64 characters.
///
/// `$moduleSetting` is the product's "Package name" module setting, `$hostingPackage` the
/// hosting package name, `$productName` the product name; '' or null when not set.
///
/// @throws \Aflexi\InvalidInputException for an argument of the wrong type
#[php_function]
#[php(name = "Aflexi\\package_name")]
pub fn package_name(
    moduleSetting: &Zval,
    hostingPackage: &Zval,
    productName: &Zval,
) -> Result<String, Failure> {
    let module_setting = text("$moduleSetting", moduleSetting)?;
    let hosting_package = text("$hostingPackage", hostingPackage)?;
    let product_name = text("$productName", productName)?;
    Ok(package::package_name(
        &module_setting,
        &hosting_package,
        &product_name,
    ))
}

/// The API endpoint URL for a WHMCS server record: its hostname (a host, host:port or a full
/// URL) and its "Secure" tick box, which picks https for a bare host.
///
/// `$hostname` is the server record's hostname, `$secure` its secure flag as WHMCS passes it
/// ('on' or '', a bool, 1 or 0).
///
/// @throws \Aflexi\InvalidInputException for an empty or invalid hostname
#[php_function]
#[php(name = "Aflexi\\endpoint_from_server")]
pub fn endpoint_from_server(hostname: &Zval, secure: &Zval) -> Result<String, Failure> {
    let hostname = text("$hostname", hostname)?;
    let secure = flag("$secure", secure)?;
    Ok(client::endpoint_from_server(&hostname, secure)?)
}

/// Every spelling under which a secret may appear in a log, a message or a page (as is,
/// XML/HTML-escaped, JSON-escaped, percent-encoded), longest first; `[]` for a secret shorter
/// than 3 characters. The modules mask each of them: the core's one rule for it.
///
/// @throws \Aflexi\InvalidInputException for an argument that is not a string or is not UTF-8
#[php_function]
#[php(name = "Aflexi\\secret_spellings")]
pub fn secret_spellings(secret: &Zval) -> Result<Vec<String>, Failure> {
    let secret = text("$secret", secret)?;
    Ok(secret::spellings(&secret))
}
