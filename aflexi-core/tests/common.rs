//! Shared set-up for the integration tests: a sandbox on loopback and a client for it.
#![allow(dead_code)]

use std::time::Duration;

use aflexi_core::client::{BlockingClient, ClientConfig};
use aflexi_sandbox::{Config, Sandbox};

pub const OPERATOR: &str = "acme";
pub const AUTH_KEY: &str = "acme-auth-key-7f3a";
pub const OTHER: &str = "rival";
pub const OTHER_KEY: &str = "rival-auth-key-99c1";

pub fn sandbox() -> Sandbox {
    sandbox_with(Config::default())
}

pub fn sandbox_with(config: Config) -> Sandbox {
    let config = Config {
        operators: vec![
            (OPERATOR.to_string(), AUTH_KEY.to_string()),
            (OTHER.to_string(), OTHER_KEY.to_string()),
        ],
        ..config
    };
    Sandbox::start(config).expect("sandbox starts")
}

pub fn config(sb: &Sandbox) -> ClientConfig {
    let mut c = ClientConfig::new(sb.core_url(), OPERATOR, AUTH_KEY).unwrap();
    c.connect_timeout = Duration::from_secs(2);
    c.request_timeout = Duration::from_secs(5);
    c.retry_backoff = Duration::from_millis(5);
    c
}

pub fn client(sb: &Sandbox) -> BlockingClient {
    BlockingClient::new(config(sb)).unwrap()
}

/// Publishers in the sandbox's state, as (username, status, package name).
pub fn links(sb: &Sandbox) -> Vec<(String, String, String)> {
    let state = sb.state();
    let publishers = state["publishers"].as_array().cloned().unwrap_or_default();
    let packages = state["packages"].as_array().cloned().unwrap_or_default();
    let name_of = |id: &serde_json::Value| {
        packages
            .iter()
            .find(|p| p["id"] == *id)
            .map(|p| p["name"].as_str().unwrap_or("").to_string())
            .unwrap_or_default()
    };
    let username_of = |id: &serde_json::Value| {
        publishers
            .iter()
            .find(|p| p["id"] == *id)
            .map(|p| p["username"].as_str().unwrap_or("").to_string())
            .unwrap_or_default()
    };
    state["links"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|l| {
            (
                username_of(&l["publisher"]),
                l["status"].as_str().unwrap_or("").to_string(),
                name_of(&l["package"]),
            )
        })
        .collect()
}
