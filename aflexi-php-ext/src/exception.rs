//! The exception classes of the extension, and the mapping from the core's errors to them.
//!
//! ```text
//! \RuntimeException
//! └── Aflexi\Exception
//!     ├── Aflexi\InvalidInputException    a value was rejected before anything was sent
//!     ├── Aflexi\AuthenticationException  the operator login or auth key was refused
//!     ├── Aflexi\FaultException           Aflexi answered a fault; getCode() is its code
//!     ├── Aflexi\NotFoundException        the publisher (or package) does not exist
//!     └── Aflexi\TransportException       the request did not complete (a broken
//!         │                               connection is this class itself)
//!         ├── Aflexi\ConnectException          the connection could not be opened
//!         │   ├── Aflexi\ConnectionRefusedException  nothing listens on that port
//!         │   ├── Aflexi\DnsException              the host name is not known
//!         │   └── Aflexi\TlsException              the TLS handshake failed
//!         ├── Aflexi\TimeoutException          no answer in time (a write may have been applied)
//!         ├── Aflexi\HttpStatusException       an HTTP error status; getCode() is the status
//!         ├── Aflexi\ResponseTooLargeException the answer passed the size limit
//!         ├── Aflexi\RedirectException        the endpoint redirects (never followed: the
//!         │                                   request carries the auth key); getCode() is
//!         │                                   the status, the message names the target
//!         └── Aflexi\ProtocolException         the answer was not valid XML-RPC of the
//!                                             expected shape
//! ```
//!
//! One class per kind of the core's errors ([`aflexi_core::Error::kind`]), so PHP code
//! branches with `instanceof` and never on message text.
//!
//! The classes are plain `ClassBuilder` classes registered at MINIT (not `#[php_class]`), so
//! that they keep PHP's own `Exception` object handler: a thrown exception has its real file,
//! line and trace, and PHP code can construct and extend them. Their parent
//! `\RuntimeException` is an SPL data symbol, resolved with `dlsym` when the class is
//! registered rather than linked, which keeps `cargo php stubs` working.
//!
//! Class entries are looked up by name each time one is thrown and never kept in a static:
//! a module restart makes new ones.
//!
//! Messages are the core's `Display` text (which never contains an auth key or a password)
//! or a sentence of this binding naming the offending argument; no message formats an
//! options array, a password or the client.

use std::ffi::CStr;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

use aflexi_core::error::TransportKind;
use ext_php_rs::builders::ClassBuilder;
use ext_php_rs::exception::PhpException;
use ext_php_rs::zend::{ce, ClassEntry};

/// The base class of every exception of the extension.
pub const BASE: &str = "Aflexi\\Exception";
/// A value was rejected before anything was sent.
pub const INVALID_INPUT: &str = "Aflexi\\InvalidInputException";
/// The operator's credentials were refused.
pub const AUTHENTICATION: &str = "Aflexi\\AuthenticationException";
/// The API answered with an XML-RPC fault.
pub const FAULT: &str = "Aflexi\\FaultException";
/// The publisher or package does not exist on Aflexi.
pub const NOT_FOUND: &str = "Aflexi\\NotFoundException";
/// The request did not complete, or the answer was not valid XML-RPC.
pub const TRANSPORT: &str = "Aflexi\\TransportException";
/// The connection could not be opened (another reason than the three below).
pub const CONNECT: &str = "Aflexi\\ConnectException";
/// The host refused the connection.
pub const REFUSED: &str = "Aflexi\\ConnectionRefusedException";
/// The host name could not be resolved.
pub const DNS: &str = "Aflexi\\DnsException";
/// The TLS handshake failed.
pub const TLS: &str = "Aflexi\\TlsException";
/// The request timed out.
pub const TIMEOUT: &str = "Aflexi\\TimeoutException";
/// An HTTP error status without a fault.
pub const HTTP_STATUS: &str = "Aflexi\\HttpStatusException";
/// The answer was larger than the limit.
pub const TOO_LARGE: &str = "Aflexi\\ResponseTooLargeException";
pub const REDIRECT: &str = "Aflexi\\RedirectException";
/// The answer was not valid XML-RPC of the expected shape.
pub const PROTOCOL: &str = "Aflexi\\ProtocolException";

/// Each class with its parent, in registration order (a parent before its subclasses).
const CLASSES: [(&str, &str); 14] = [
    (INVALID_INPUT, BASE),
    (AUTHENTICATION, BASE),
    (FAULT, BASE),
    (NOT_FOUND, BASE),
    (TRANSPORT, BASE),
    (CONNECT, TRANSPORT),
    (REFUSED, CONNECT),
    (DNS, CONNECT),
    (TLS, CONNECT),
    (TIMEOUT, TRANSPORT),
    (HTTP_STATUS, TRANSPORT),
    (TOO_LARGE, TRANSPORT),
    (REDIRECT, TRANSPORT),
    (PROTOCOL, TRANSPORT),
];

/// Why a call of the extension failed: an error of the core, or an argument this binding
/// could not convert.
#[derive(Debug)]
pub enum Failure {
    /// An error of the core, thrown as the class that matches its kind.
    Core(aflexi_core::Error),
    /// An argument that could not be converted: thrown as `InvalidInputException`.
    Input(String),
    /// A PHP value could not be built from a result (out of the ordinary; base class).
    Output(String),
}

impl Failure {
    /// An [`Failure::Input`] about the PHP argument or array member `what`.
    pub fn input(what: impl std::fmt::Display, reason: impl std::fmt::Display) -> Self {
        Failure::Input(format!("invalid {what}: {reason}"))
    }
}

impl From<aflexi_core::Error> for Failure {
    fn from(error: aflexi_core::Error) -> Self {
        Failure::Core(error)
    }
}

/// The class name, message and code an error is thrown with.
fn class_message_code(failure: Failure) -> (&'static str, String, i32) {
    use aflexi_core::Error;
    match failure {
        Failure::Input(message) => (INVALID_INPUT, message, 0),
        Failure::Output(message) => (BASE, message, 0),
        Failure::Core(error) => {
            let message = error.to_string();
            match error {
                Error::InvalidInput { .. } => (INVALID_INPUT, message, 0),
                Error::Authentication(_) => (AUTHENTICATION, message, 0),
                Error::Fault { code, .. } => (FAULT, message, saturate(code)),
                Error::NotFound(_) => (NOT_FOUND, message, 0),
                Error::Transport { kind, .. } => match kind {
                    TransportKind::Status(status) => (HTTP_STATUS, message, i32::from(status)),
                    TransportKind::Connect => (CONNECT, message, 0),
                    TransportKind::Refused => (REFUSED, message, 0),
                    TransportKind::Dns => (DNS, message, 0),
                    TransportKind::Tls => (TLS, message, 0),
                    TransportKind::Timeout => (TIMEOUT, message, 0),
                    TransportKind::TooLarge => (TOO_LARGE, message, 0),
                    TransportKind::Redirect(status) => (REDIRECT, message, i32::from(status)),
                    TransportKind::Io => (TRANSPORT, message, 0),
                },
                Error::Protocol(_) => (PROTOCOL, message, 0),
            }
        }
    }
}

/// A fault code as PHP's exception code (ext-php-rs takes an `i32`; XML-RPC codes are `i4`).
fn saturate(code: i64) -> i32 {
    i32::try_from(code).unwrap_or(if code < 0 { i32::MIN } else { i32::MAX })
}

impl From<Failure> for PhpException {
    fn from(failure: Failure) -> Self {
        let (class, message, code) = class_message_code(failure);
        // A NUL byte would make the exception unthrowable (it would become a plain `Error`):
        // show it instead, as the core shows other control characters it quotes.
        let message = if message.contains('\0') {
            message.replace('\0', "\\0")
        } else {
            message
        };
        PhpException::new(message, code, class_entry(class))
    }
}

/// The class entry to throw: the extension's class of that name, else `\RuntimeException`,
/// else `\Exception` (only if registration failed, which stops the module from loading).
fn class_entry(name: &str) -> &'static ClassEntry {
    ClassEntry::try_find(name)
        .or_else(runtime_exception)
        .unwrap_or_else(ce::exception)
}

/// `\RuntimeException`, from the SPL's exported class-entry pointer.
fn runtime_exception() -> Option<&'static ClassEntry> {
    exported_class_entry(c"spl_ce_RuntimeException")
}

/// The class entry a PHP data symbol of type `zend_class_entry *` points to.
fn exported_class_entry(symbol: &CStr) -> Option<&'static ClassEntry> {
    // SAFETY: dlsym only reads the symbol tables of the loaded objects. The symbols asked for
    // are `zend_class_entry *` globals of the PHP binary; once the engine has started (we run
    // in MINIT or later) they point to class entries that live until module shutdown.
    unsafe {
        let address = libc::dlsym(libc::RTLD_DEFAULT, symbol.as_ptr());
        let slot = address.cast::<*mut ClassEntry>().as_ref()?;
        slot.as_ref()
    }
}

/// The parent of the class being registered, set just before its registration.
///
/// The builder asks for a parent through a plain `fn` (no captures), and neither
/// `ClassEntry::try_find` (request time only) nor the compiler's class table (private in
/// ext-php-rs) is available to it at MINIT; so [`register_classes`] parks the parent's entry
/// here (and each new entry in [`REGISTERED`]) and clears both when done. Nothing reads them
/// at throw time.
static PARENT: AtomicPtr<ClassEntry> = AtomicPtr::new(ptr::null_mut());
/// The entry of the class registered last, from its registration callback.
static REGISTERED: AtomicPtr<ClassEntry> = AtomicPtr::new(ptr::null_mut());

/// The parent of the class being registered (see [`PARENT`]).
fn parent() -> &'static ClassEntry {
    // SAFETY: the pointer is null or an entry PHP registered during this MINIT, which lives
    // until module shutdown; it is only read during the same MINIT.
    unsafe { PARENT.load(Ordering::Acquire).as_ref() }
        .or_else(runtime_exception)
        .unwrap_or_else(ce::exception)
}

/// Registers the exception classes. MINIT only.
///
/// # Errors
///
/// When `\RuntimeException` cannot be found or a class cannot be registered; the module then
/// fails to start with that message rather than run with missing classes.
pub fn register() -> Result<(), String> {
    let Some(runtime) = runtime_exception() else {
        return Err("the SPL class RuntimeException was not found".to_string());
    };
    let result = register_classes(runtime);
    PARENT.store(ptr::null_mut(), Ordering::Release);
    REGISTERED.store(ptr::null_mut(), Ordering::Release);
    result
}

fn register_classes(runtime: &'static ClassEntry) -> Result<(), String> {
    let mut entries: Vec<(&str, *mut ClassEntry)> =
        vec![("RuntimeException", ptr::from_ref(runtime).cast_mut())];
    for (name, parent_name) in std::iter::once((BASE, "RuntimeException")).chain(CLASSES) {
        let parent_entry = entries
            .iter()
            .find(|(n, _)| *n == parent_name)
            .map(|(_, entry)| *entry)
            .ok_or_else(|| format!("cannot register {name}: {parent_name} is not registered"))?;
        PARENT.store(parent_entry, Ordering::Release);
        REGISTERED.store(ptr::null_mut(), Ordering::Release);
        ClassBuilder::new(name)
            .extends((parent, parent_name))
            // The builder hands over the method tables to keep alive for the process (these
            // classes have none of their own); the registration callback is mandatory.
            .registration(|ce, tables| {
                REGISTERED.store(ptr::from_mut(ce), Ordering::Release);
                std::mem::forget(tables);
            })
            .register()
            .map_err(|e| format!("cannot register {name}: {e}"))?;
        let entry = REGISTERED.load(Ordering::Acquire);
        if entry.is_null() {
            return Err(format!("cannot register {name}: no class entry came back"));
        }
        entries.push((name, entry));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aflexi_core::Error;

    fn classify(error: Error) -> (&'static str, String, i32) {
        class_message_code(Failure::Core(error))
    }

    #[test]
    fn every_core_error_has_its_class() {
        assert_eq!(classify(Error::invalid("email", "x")).0, INVALID_INPUT);
        assert_eq!(
            classify(Error::Authentication("x".into())).0,
            AUTHENTICATION
        );
        assert_eq!(
            classify(Error::NotFound("publisher #1".into())).0,
            NOT_FOUND
        );
        assert_eq!(classify(Error::Protocol("x".into())).0, PROTOCOL);
        let connect = Error::Transport {
            kind: TransportKind::Connect,
            message: "refused".into(),
        };
        let (class, message, code) = classify(connect);
        assert_eq!((class, code), (CONNECT, 0));
        assert!(message.contains("connection failed"), "{message}");
    }

    #[test]
    fn every_transport_kind_has_its_class_under_transport() {
        let classes = [
            (TransportKind::Refused, REFUSED),
            (TransportKind::Dns, DNS),
            (TransportKind::Tls, TLS),
            (TransportKind::Timeout, TIMEOUT),
            (TransportKind::Status(500), HTTP_STATUS),
            (TransportKind::TooLarge, TOO_LARGE),
            (TransportKind::Redirect(307), REDIRECT),
            (TransportKind::Io, TRANSPORT),
        ];
        for (kind, class) in classes {
            let error = Error::Transport {
                kind,
                message: String::new(),
            };
            assert_eq!(classify(error).0, class);
        }
        // Every class has a registered parent, listed before it.
        for (at, (name, parent)) in CLASSES.iter().enumerate() {
            assert!(
                *parent == BASE || CLASSES[..at].iter().any(|(n, _)| n == parent),
                "{name}"
            );
        }
    }

    #[test]
    fn fault_and_status_codes_become_the_exception_code() {
        let fault = Error::Fault {
            code: 409,
            message: "taken".into(),
        };
        assert_eq!(
            classify(fault),
            (FAULT, "Aflexi API fault 409: taken".into(), 409)
        );
        let status = Error::Transport {
            kind: TransportKind::Status(503),
            message: "busy".into(),
        };
        assert_eq!(classify(status).2, 503);
        assert_eq!(saturate(i64::MAX), i32::MAX);
        assert_eq!(saturate(i64::MIN), i32::MIN);
    }

    #[test]
    fn binding_input_errors_name_what_was_invalid() {
        let (class, message, _) = class_message_code(Failure::input("$serviceId", "an array"));
        assert_eq!(class, INVALID_INPUT);
        assert_eq!(message, "invalid $serviceId: an array");
    }
}
