//! Which password a publisher the sync creates keeps, decided before the sync.
//!
//! A created publisher's password must be stored (pending) by the caller BEFORE the create
//! call: a process killed after Aflexi's answer and before the caller wrote it down then loses
//! nothing, and the next run creates with, or finds the publisher made with, that password.
//! [`passwords`] says what to store:
//!
//! * an Active entry that carries a password (the one a run stored pending earlier, which may
//!   have created the publisher and died before recording it) keeps it, and nothing new is
//!   stored;
//! * the other Active entries are planned, and each publisher the plan creates gets one new
//!   password, shared by every entry naming it, to be stored before the sync;
//! * a publisher that already exists gets none (its password is not ours to show), nor does a
//!   Suspended entry.
//!
//! The caller passes only the entries whose publisher it has not seen on Aflexi yet, then
//! gives each entry its password for the sync.

use std::sync::Arc;

use serde::Serialize;

use super::{plan, Action, DesiredPublisher, DesiredStatus};
use crate::client::Client;
use crate::{password, Result, Secret};

/// The password of one desired entry.
#[derive(Debug, Clone, Serialize)]
pub struct HeldPassword {
    /// The entry's key.
    pub key: String,
    /// The password the publisher is created with.
    #[serde(serialize_with = "exposed")]
    pub password: Secret,
    /// A new password: store it pending before the sync (false: the entry brought it).
    pub new: bool,
}

/// The passwords of the entries whose publisher the sync may create; see the [module
/// documentation](self). Entries not listed get no password.
///
/// # Errors
///
/// What [`plan`] fails with (the operator's package list could not be read): then nothing is
/// stored, the sync fails the same way, and the next run retries.
pub async fn passwords(
    client: &Arc<Client>,
    desired: Vec<DesiredPublisher>,
    concurrency: usize,
) -> Result<Vec<HeldPassword>> {
    let mut held = Vec::new();
    let mut fresh = Vec::new();
    for entry in desired {
        if entry.status != DesiredStatus::Active {
            continue;
        }
        match entry.password.as_ref().filter(|p| !p.is_empty()) {
            Some(password) => held.push(HeldPassword {
                key: entry.key.clone(),
                password: password.clone(),
                new: false,
            }),
            None => fresh.push(entry),
        }
    }
    if fresh.is_empty() {
        return Ok(held);
    }
    for entry in plan(client, fresh, concurrency).await?.entries {
        if entry.error.is_some() || !entry.actions.contains(&Action::Create) {
            continue;
        }
        let password = password::generate()?;
        held.extend(entry.keys.into_iter().map(|key| HeldPassword {
            key,
            password: password.clone(),
            new: true,
        }));
    }
    Ok(held)
}

/// Serializes the password itself: the caller stores it for the publisher's owner.
fn exposed<S: serde::Serializer>(
    secret: &Secret,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose())
}
