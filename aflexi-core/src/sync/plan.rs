//! Planning: compare what WHMCS wants with what Aflexi holds.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;
use tokio::task::JoinSet;

use super::{Action, DesiredPublisher, DesiredStatus, Outcome, SyncResult};
use crate::client::{Client, LinkStatus, Package, Publisher};
use crate::{package, Result, Secret};

/// Usernames per lookup call while reading Aflexi's state.
const LOOKUP_CHUNK: usize = 100;

/// What to do to one publisher.
#[derive(Debug, Clone, Serialize)]
pub struct PlanEntry {
    /// The keys of every desired entry that named this publisher.
    pub keys: Vec<String>,
    /// Full username.
    pub username: String,
    /// The publisher's id when it exists.
    pub publisher_id: Option<i64>,
    /// The actions, in the order they are applied; empty when nothing is to be done.
    pub actions: Vec<Action>,
    /// Link status on Aflexi now (empty when there is no publisher).
    pub current_status: String,
    /// Package on Aflexi now.
    pub current_package: String,
    /// Set when this entry cannot be planned (bad input, lookup failed).
    pub error: Option<String>,
    /// What kind of failure `error` is, for code to branch on: `invalid_input` (the entry
    /// itself), else the [`crate::Error::kind`] of the call that failed.
    pub error_kind: Option<&'static str>,
    #[serde(skip)]
    pub(super) desired: DesiredPublisher,
}

impl PlanEntry {
    pub(super) fn into_result(self, outcome: Outcome, password: Option<Secret>) -> SyncResult {
        SyncResult {
            keys: self.keys,
            username: self.username,
            publisher_id: self.publisher_id,
            actions: self.actions,
            outcome,
            error: self.error,
            error_kind: self.error_kind,
            outage: false,
            package: self.current_package,
            status: self.current_status,
            password,
        }
    }
}

/// The plan: one entry per publisher, in the order first named.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Per publisher.
    pub entries: Vec<PlanEntry>,
    /// Entries by action (and `unchanged`, `invalid`).
    pub counts: BTreeMap<String, usize>,
    /// Packages the apply step will create.
    pub packages_missing: Vec<String>,
    /// The operator's packages by name.
    #[serde(skip)]
    pub(super) packages: BTreeMap<String, Package>,
}

/// Reads Aflexi's state for the desired publishers and decides what to do.
///
/// Desired entries naming the same publisher are merged: an Active entry beats a Suspended
/// one, and among equals the first decides package, e-mail and name. A lookup that fails
/// marks its publishers as failed (a later run retries them) instead of failing the plan;
/// the package list must be read, or the plan fails.
pub async fn plan(
    client: &Arc<Client>,
    desired: Vec<DesiredPublisher>,
    concurrency: usize,
) -> Result<Plan> {
    let mut entries: Vec<PlanEntry> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for wanted in desired {
        let mut wanted = wanted;
        wanted.package = package::normalize(&wanted.package);
        wanted.email = wanted.email.trim().to_string();
        wanted.name = wanted.name.trim().to_string();
        let (username, error, error_kind) = match client.full_username(&wanted.username).await {
            Ok(full) => {
                let problem = input_problem(&wanted);
                let kind = problem.as_ref().map(|_| INVALID_INPUT);
                (full, problem, kind)
            }
            Err(e) => (wanted.username.clone(), Some(e.to_string()), Some(e.kind())),
        };
        let key = username.to_ascii_lowercase();
        match index.get(&key) {
            Some(&i) => {
                let entry = &mut entries[i];
                entry.keys.push(wanted.key.clone());
                let upgrade = entry.desired.status == DesiredStatus::Suspended
                    && wanted.status == DesiredStatus::Active;
                if upgrade || (entry.error.is_some() && error.is_none()) {
                    entry.desired = wanted;
                    entry.error = error;
                    entry.error_kind = error_kind;
                }
            }
            None => {
                index.insert(key, entries.len());
                entries.push(PlanEntry {
                    keys: vec![wanted.key.clone()],
                    username,
                    publisher_id: None,
                    actions: Vec::new(),
                    current_status: String::new(),
                    current_package: String::new(),
                    error,
                    error_kind,
                    desired: wanted,
                });
            }
        }
    }

    let packages: BTreeMap<String, Package> = client
        .list_packages()
        .await?
        .into_iter()
        .map(|p| (p.name.clone(), p))
        .collect();

    let (found, failed) = look_up(client, &entries, concurrency).await;
    let mut packages_missing: Vec<String> = Vec::new();
    for entry in &mut entries {
        if entry.error.is_some() {
            continue;
        }
        let key = entry.username.to_ascii_lowercase();
        if let Some((reason, kind)) = failed.get(&key) {
            entry.error = Some(reason.clone());
            entry.error_kind = Some(kind);
            continue;
        }
        let current = found.get(&key);
        if let Some(p) = current {
            entry.publisher_id = Some(p.id);
            entry.current_status = p.status.as_str().to_string();
            entry.current_package = p
                .package
                .as_ref()
                .map(|p| p.name.clone())
                .unwrap_or_default();
        }
        entry.actions = decide(&entry.desired, current);
        let needs_package = entry
            .actions
            .iter()
            .any(|a| matches!(a, Action::Create | Action::ChangePackage));
        if needs_package
            && !packages.contains_key(&entry.desired.package)
            && !packages_missing.contains(&entry.desired.package)
        {
            packages_missing.push(entry.desired.package.clone());
        }
    }

    let mut counts = BTreeMap::new();
    for e in &entries {
        if e.error.is_some() {
            *counts.entry("invalid".to_string()).or_insert(0) += 1;
        } else if e.actions.is_empty() {
            *counts.entry("unchanged".to_string()).or_insert(0) += 1;
        }
        for a in &e.actions {
            let name = serde_json::to_value(a)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            *counts.entry(name).or_insert(0) += 1;
        }
    }
    Ok(Plan {
        entries,
        counts,
        packages_missing,
        packages,
    })
}

/// The error kind of an entry that cannot be synced as it is (see [`input_problem`]).
pub const INVALID_INPUT: &str = "invalid_input";

/// What must be true of a desired entry before anything is planned for it.
fn input_problem(wanted: &DesiredPublisher) -> Option<String> {
    if wanted.package.is_empty() {
        return Some("invalid package name: it is empty".into());
    }
    if wanted.status == DesiredStatus::Active {
        let email = &wanted.email;
        let at = email.matches('@').count();
        if email.is_empty() {
            return Some(
                "invalid email: the client has no e-mail address; Aflexi requires one".into(),
            );
        }
        if at != 1 || email.starts_with('@') || email.ends_with('@') || email.len() > 254 {
            return Some(format!("invalid email: '{email}' is not an e-mail address"));
        }
    }
    None
}

/// The actions that bring `current` to `wanted`.
fn decide(wanted: &DesiredPublisher, current: Option<&Publisher>) -> Vec<Action> {
    let Some(p) = current else {
        return match wanted.status {
            DesiredStatus::Active => vec![Action::Create],
            DesiredStatus::Suspended => Vec::new(),
        };
    };
    let mut actions = Vec::new();
    match wanted.status {
        DesiredStatus::Active => {
            if p.status != LinkStatus::Active {
                actions.push(Action::Reactivate);
            }
            let same_package = p
                .package
                .as_ref()
                .is_some_and(|pkg| package::same_name(&pkg.name, &wanted.package));
            if !same_package {
                actions.push(Action::ChangePackage);
            }
        }
        DesiredStatus::Suspended => {
            if p.status == LinkStatus::Active {
                actions.push(Action::Suspend);
            }
        }
    }
    let terminated_and_staying =
        p.status == LinkStatus::Deleted && wanted.status == DesiredStatus::Suspended;
    let email_differs =
        !wanted.email.is_empty() && !wanted.email.eq_ignore_ascii_case(p.email.trim());
    let name_differs = !wanted.name.is_empty() && wanted.name != p.name.trim();
    if !terminated_and_staying && (email_differs || name_differs) {
        actions.push(Action::UpdateProfile);
    }
    actions
}

type Found = HashMap<String, Publisher>;
/// Username → why it could not be read, and the error's kind.
type Failed = HashMap<String, (String, &'static str)>;

/// Looks every planned username up, `LOOKUP_CHUNK` a call, `concurrency` calls at once.
async fn look_up(
    client: &Arc<Client>,
    entries: &[PlanEntry],
    concurrency: usize,
) -> (Found, Failed) {
    let names: Vec<String> = entries
        .iter()
        .filter(|e| e.error.is_none())
        .map(|e| e.username.clone())
        .collect();
    let mut found = HashMap::new();
    let mut failed = HashMap::new();
    let mut tasks = JoinSet::new();
    let record = |joined: std::result::Result<
        (Vec<String>, Result<Vec<Publisher>>),
        tokio::task::JoinError,
    >,
                  found: &mut Found,
                  failed: &mut Failed| {
        if let Ok((chunk, result)) = joined {
            match result {
                Ok(publishers) => {
                    for p in publishers {
                        found.insert(p.username.to_ascii_lowercase(), p);
                    }
                }
                Err(e) => {
                    let reason = format!("could not read the publisher from Aflexi: {e}");
                    for name in chunk {
                        failed.insert(name.to_ascii_lowercase(), (reason.clone(), e.kind()));
                    }
                }
            }
        }
    };
    for chunk in names.chunks(LOOKUP_CHUNK) {
        while tasks.len() >= concurrency.max(1) {
            if let Some(joined) = tasks.join_next().await {
                record(joined, &mut found, &mut failed);
            }
        }
        let client = Arc::clone(client);
        let chunk = chunk.to_vec();
        tasks.spawn(async move {
            let result = client.find_publishers(&chunk).await;
            (chunk, result)
        });
    }
    while let Some(joined) = tasks.join_next().await {
        record(joined, &mut found, &mut failed);
    }
    (found, failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Package;

    fn wanted(status: DesiredStatus) -> DesiredPublisher {
        DesiredPublisher {
            key: "1".into(),
            username: "bob".into(),
            email: "bob@example.com".into(),
            name: "Bob".into(),
            package: "Gold".into(),
            status,
            password: None,
        }
    }

    fn existing(status: LinkStatus, package: &str) -> Publisher {
        Publisher {
            id: 5,
            username: "bob/1".into(),
            email: "bob@example.com".into(),
            name: "Bob".into(),
            status,
            package: Some(Package {
                id: 2,
                name: package.into(),
                bandwidth_limit_gb: None,
            }),
        }
    }

    #[test]
    fn missing_active_publisher_is_created_and_missing_suspended_one_is_left_alone() {
        assert_eq!(
            decide(&wanted(DesiredStatus::Active), None),
            vec![Action::Create]
        );
        assert!(decide(&wanted(DesiredStatus::Suspended), None).is_empty());
    }

    #[test]
    fn matching_publisher_needs_nothing() {
        let p = existing(LinkStatus::Active, "Gold");
        assert!(decide(&wanted(DesiredStatus::Active), Some(&p)).is_empty());
    }

    #[test]
    fn suspended_publisher_on_another_package_is_reactivated_and_moved() {
        let p = existing(LinkStatus::Suspended, "Silver");
        assert_eq!(
            decide(&wanted(DesiredStatus::Active), Some(&p)),
            vec![Action::Reactivate, Action::ChangePackage]
        );
    }

    #[test]
    fn active_publisher_no_longer_entitled_is_suspended_without_package_change() {
        let p = existing(LinkStatus::Active, "Silver");
        assert_eq!(
            decide(&wanted(DesiredStatus::Suspended), Some(&p)),
            vec![Action::Suspend]
        );
    }

    #[test]
    fn changed_email_is_an_update_profile() {
        let mut w = wanted(DesiredStatus::Active);
        w.email = "new@example.com".into();
        let p = existing(LinkStatus::Active, "Gold");
        assert_eq!(decide(&w, Some(&p)), vec![Action::UpdateProfile]);
        w.email = "BOB@example.com".into();
        assert!(
            decide(&w, Some(&p)).is_empty(),
            "e-mail compares case-insensitively"
        );
    }

    #[test]
    fn terminated_publisher_is_reactivated_when_wanted_and_left_when_not() {
        let p = existing(LinkStatus::Deleted, "Gold");
        assert_eq!(
            decide(&wanted(DesiredStatus::Active), Some(&p)),
            vec![Action::Reactivate]
        );
        let mut w = wanted(DesiredStatus::Suspended);
        w.name = "Other".into();
        assert!(decide(&w, Some(&p)).is_empty());
    }

    #[test]
    fn active_entry_without_email_is_invalid() {
        let mut w = wanted(DesiredStatus::Active);
        w.email = String::new();
        assert!(input_problem(&w).unwrap().contains("e-mail"));
        w.email = "a@b@c".into();
        assert!(input_problem(&w).is_some());
        w.status = DesiredStatus::Suspended;
        assert!(input_problem(&w).is_none());
    }
}
