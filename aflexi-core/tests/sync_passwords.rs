//! The passwords of the publishers a sync will create, decided before it (sync::passwords)
//! against the sandbox.

mod common;

use std::time::Duration;

use aflexi_core::sync::{self, DesiredPublisher, DesiredStatus, HeldPassword, Options};
use aflexi_core::Secret;
use common::*;

fn entry(key: &str, username: &str, status: DesiredStatus) -> DesiredPublisher {
    DesiredPublisher {
        key: key.to_string(),
        username: username.to_string(),
        email: format!("{username}@example.com"),
        name: String::new(),
        package: "Gold".to_string(),
        status,
        password: None,
    }
}

fn passwords(sb: &aflexi_sandbox::Sandbox, want: Vec<DesiredPublisher>) -> Vec<HeldPassword> {
    client(sb)
        .run_shared(Duration::from_secs(60), |client| async move {
            sync::passwords(&client, want, 4).await
        })
        .unwrap()
}

#[test]
fn only_publishers_the_sync_creates_get_a_new_password_shared_by_their_entries() {
    let sb = sandbox();
    let existing = vec![entry("1", "exists", DesiredStatus::Active)];
    client(&sb)
        .run_shared(Duration::from_secs(60), |client| async move {
            sync::sync(client, existing, &Options::default()).await
        })
        .unwrap();
    let writes = sb.writes();

    let held = passwords(
        &sb,
        vec![
            entry("1", "exists", DesiredStatus::Active),
            entry("2", "new", DesiredStatus::Active),
            entry("3", "NEW", DesiredStatus::Active),
            entry("4", "gone", DesiredStatus::Suspended),
        ],
    );

    assert_eq!(sb.writes(), writes, "deciding writes nothing on Aflexi");
    let keys: Vec<&str> = held.iter().map(|h| h.key.as_str()).collect();
    assert_eq!(keys, ["2", "3"]);
    assert!(held.iter().all(|h| h.new));
    assert_eq!(held[0].password.expose(), held[1].password.expose());
    assert!(aflexi_core::password::validate(held[0].password.expose()).is_ok());
}

#[test]
fn an_entry_that_brings_its_pending_password_keeps_it_without_a_plan() {
    let sb = sandbox();
    let mut pending = entry("7", "pending", DesiredStatus::Active);
    pending.password = Some(Secret::new("Kept-Pending-Pw9"));
    let calls = sb.calls();
    let held = passwords(&sb, vec![pending]);
    assert_eq!(held.len(), 1);
    assert_eq!(
        (held[0].key.as_str(), held[0].password.expose(), held[0].new),
        ("7", "Kept-Pending-Pw9", false)
    );
    assert_eq!(sb.calls(), calls, "no call to Aflexi");
    assert_eq!(sb.writes(), 0);
}
