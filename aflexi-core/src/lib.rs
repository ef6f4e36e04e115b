//! The Aflexi CDN integration for WHMCS, as a pure Rust library.
//!
//! Everything with a rule in it lives here, so that the PHP extension, the WHMCS module and
//! the addon stay thin adapters:
//!
//! * [`username`], [`password`] and [`package`]: the naming rules of the product documents;
//!   [`username_parts`] splits a full Aflexi username for the modules;
//! * [`entitlement`]: who is entitled to CDN through the addon;
//! * [`service_publisher`]: which publisher a server-module service acts on;
//! * [`usage`]: bandwidth in WHMCS's units (MB, bounded by its columns);
//! * [`usage_chart`]: the daily bandwidth chart (SVG) and [`bandwidth_alert`] its alerts;
//! * [`xmlrpc`]: the codec between XML-RPC and [`serde_json::Value`];
//! * [`client`]: a typed client of the Aflexi API, async inside with a blocking facade;
//! * [`sync`]: the engine that turns a desired state into a plan and applies it, and decides
//!   the passwords of the publishers it will create ([`sync::passwords`]);
//! * [`oauth`]: OAuth 1.0a (HMAC-SHA1) signing for the portal's single sign-on;
//! * [`whm`]: a small WHM API 1 client that turns Aflexi's cPanel feature on for a package;
//! * [`error`]: the one error type, whose messages never carry a secret;
//! * [`defaults`]: every default and bound, stated once.

pub mod bandwidth_alert;
pub mod client;
pub mod defaults;
pub mod entitlement;
pub mod error;
pub mod oauth;
pub mod package;
pub mod password;
pub mod secret;
pub mod service_publisher;
pub mod sync;
pub mod usage;
pub mod usage_chart;
pub mod username;
pub mod username_parts;
pub mod whm;
pub mod xmlrpc;

pub use error::{Error, Result};
pub use secret::Secret;
