//! The sync engine: desired state → plan → apply.
//!
//! The addon's Save Settings, its hooks and the cron reconcile all say what Aflexi should
//! look like (one [`DesiredPublisher`] per WHMCS service) and leave the how to this engine:
//!
//! 1. [`plan`] reads Aflexi's state with filtered lookups (100 usernames a call, several in
//!    flight) and the package list, then decides per publisher what to do: create, reactivate,
//!    suspend, change package, update profile, or nothing;
//! 2. [`apply`] carries the plan out with bounded concurrency ([`crate::defaults::CONCURRENCY`]
//!    by default) on the caller's runtime, one result per publisher: done, unchanged, failed
//!    with the reason, or pending (not started before the deadline, so a caller can cut work
//!    into bounded steps, or not started because Aflexi stopped answering: one outage fails
//!    the publishers in flight, never every publisher after them).
//!
//! Because the plan compares with what Aflexi really holds, applying the same desired state
//! twice writes nothing the second time, and a run cut short (a fault, a timeout, a killed
//! process) is finished by running it again.

mod passwords;
mod plan;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;

use crate::client::{Client, LinkChange, LinkStatus, NewPublisher, Profile};
use crate::{defaults, password, Result, Secret};

pub use passwords::{passwords, HeldPassword};
pub use plan::{plan, Plan, PlanEntry, INVALID_INPUT};

/// What WHMCS wants for a publisher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DesiredStatus {
    /// The service is entitled to CDN.
    #[serde(alias = "active", alias = "ACTIVE")]
    Active,
    /// The service is not (any more): suspend the publisher if it exists.
    #[serde(alias = "suspended", alias = "SUSPENDED")]
    Suspended,
}

/// One publisher as WHMCS wants it.
#[derive(Debug, Clone, Deserialize)]
pub struct DesiredPublisher {
    /// The caller's reference, returned with the result (e.g. the WHMCS service id).
    pub key: String,
    /// Username, local part (see [`crate::username`]).
    pub username: String,
    /// E-mail address.
    pub email: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Package name (see [`crate::package`]).
    pub package: String,
    /// Wanted status.
    pub status: DesiredStatus,
    /// Password for a publisher that has to be created; generated when absent.
    #[serde(default)]
    pub password: Option<Secret>,
}

/// One thing the engine does to a publisher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Create the publisher (or revive it when the username already exists).
    Create,
    /// Re-activate a suspended or terminated link.
    Reactivate,
    /// Move to another package.
    ChangePackage,
    /// Set e-mail and name.
    UpdateProfile,
    /// Suspend the link.
    Suspend,
}

/// How one publisher's sync ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every planned action was applied.
    Done,
    /// Aflexi already matched; nothing was written.
    Unchanged,
    /// Something failed; see the error. Running the sync again retries it.
    Failed,
    /// Not started before the deadline, or after Aflexi stopped answering (several
    /// publishers in a row failed for an outage); run again to continue.
    Pending,
}

/// The result for one publisher.
#[derive(Debug, Clone, Serialize)]
pub struct SyncResult {
    /// The keys of every desired entry that named this publisher.
    pub keys: Vec<String>,
    /// Full username.
    pub username: String,
    /// Publisher id, when it exists.
    pub publisher_id: Option<i64>,
    /// What was planned.
    pub actions: Vec<Action>,
    /// How it ended.
    pub outcome: Outcome,
    /// Why it failed.
    pub error: Option<String>,
    /// What kind of failure `error` is, for code to branch on: `invalid_input` (the desired
    /// entry itself), `internal` (a bug), else the [`crate::Error::kind`] of the failed call.
    pub error_kind: Option<&'static str>,
    /// The failure was Aflexi not answering ([`crate::Error::is_outage`]): nothing says the
    /// publisher is wrong, and a later run is expected to succeed. A failure of any other
    /// kind would repeat as it is.
    pub outage: bool,
    /// Package name now on the link.
    pub package: String,
    /// Link status now (`ACTIVE`, `SUSPENDED`, `DELETED`, or empty when there is none).
    pub status: String,
    /// The password a created publisher got, for its owner to keep (encrypted).
    #[serde(serialize_with = "crate::secret::serialize_exposed")]
    pub password: Option<Secret>,
}

/// Everything a sync did.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// One result per publisher.
    pub results: Vec<SyncResult>,
    /// Results by outcome and by action applied.
    pub counts: BTreeMap<String, usize>,
    /// Packages created on Aflexi.
    pub packages_created: Vec<String>,
    /// Wall time in milliseconds.
    pub elapsed_ms: u64,
}

/// How to apply.
#[derive(Debug, Clone)]
pub struct Options {
    /// Publishers worked on at once. Default [`defaults::CONCURRENCY`].
    pub concurrency: usize,
    /// Stop starting new publishers after this long; the rest are [`Outcome::Pending`].
    pub time_budget: Option<Duration>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            concurrency: defaults::CONCURRENCY,
            time_budget: None,
        }
    }
}

/// Plans and applies in one go.
pub async fn sync(
    client: Arc<Client>,
    desired: Vec<DesiredPublisher>,
    options: &Options,
) -> Result<Report> {
    let started = Instant::now();
    let plan = plan(&client, desired, options.concurrency).await?;
    let mut options = options.clone();
    if let Some(budget) = options.time_budget {
        options.time_budget = Some(budget.saturating_sub(started.elapsed()));
    }
    let mut report = apply(client, plan, &options).await;
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// How many publishers in a row must fail for an outage before a sync stops starting more:
/// with Aflexi down every call in flight fails, while a fault among retried calls is single.
const OUTAGE_STOP: usize = 5;

/// Carries a plan out. Never fails as a whole: each publisher reports its own outcome.
pub async fn apply(client: Arc<Client>, plan: Plan, options: &Options) -> Report {
    let started = Instant::now();
    let deadline = options.time_budget.map(|b| started + b);
    let concurrency = options.concurrency.clamp(
        *defaults::CONCURRENCY_RANGE.start(),
        *defaults::CONCURRENCY_RANGE.end(),
    );
    let mut packages_created = Vec::new();
    let mut packages = plan.packages.clone();
    for name in &plan.packages_missing {
        match client.ensure_package(name).await {
            Ok(p) => {
                packages_created.push(p.name.clone());
                packages.insert(p.name.clone(), p);
            }
            // The publishers that need it fail one by one with the reason.
            Err(_) => continue,
        }
    }
    let packages = Arc::new(packages);

    let mut results: Vec<Option<SyncResult>> = Vec::with_capacity(plan.entries.len());
    // Who each running task works for, so that even a task that died still gets a result.
    let mut running: HashMap<tokio::task::Id, (usize, PlanEntry)> = HashMap::new();
    let mut tasks = JoinSet::new();
    // Publishers that failed in a row because Aflexi did not answer: at OUTAGE_STOP the rest
    // are not started (one reset among thousands of calls stops nothing).
    let mut outages = 0;
    for (index, entry) in plan.entries.into_iter().enumerate() {
        results.push(None);
        if entry.error.is_some() {
            results[index] = Some(entry.into_result(Outcome::Failed, None));
            continue;
        }
        if entry.actions.is_empty() {
            results[index] = Some(entry.into_result(Outcome::Unchanged, None));
            continue;
        }
        while tasks.len() >= concurrency {
            if let Some(joined) = tasks.join_next_with_id().await {
                outages = if settle(joined, &mut running, &mut results) {
                    outages + 1
                } else {
                    0
                };
            }
        }
        if outages >= OUTAGE_STOP || deadline.is_some_and(|d| Instant::now() >= d) {
            results[index] = Some(entry.into_result(Outcome::Pending, None));
            continue;
        }
        let client = Arc::clone(&client);
        let packages = Arc::clone(&packages);
        let copy = entry.clone();
        let handle = tasks.spawn(async move { apply_one(&client, entry, &packages).await });
        running.insert(handle.id(), (index, copy));
    }
    while let Some(joined) = tasks.join_next_with_id().await {
        settle(joined, &mut running, &mut results);
    }
    let results: Vec<SyncResult> = results.into_iter().flatten().collect();
    Report {
        counts: count(&results),
        results,
        packages_created,
        elapsed_ms: started.elapsed().as_millis() as u64,
    }
}

/// Files a finished task's result; a task that panicked reports its publisher as failed.
/// Returns whether it failed for an outage.
fn settle(
    joined: std::result::Result<(tokio::task::Id, SyncResult), tokio::task::JoinError>,
    running: &mut HashMap<tokio::task::Id, (usize, PlanEntry)>,
    results: &mut [Option<SyncResult>],
) -> bool {
    match joined {
        Ok((id, result)) => {
            let outage = result.outage;
            if let Some((index, _)) = running.remove(&id) {
                results[index] = Some(result);
            }
            outage
        }
        Err(e) => {
            if let Some((index, entry)) = running.remove(&e.id()) {
                let mut r = entry.into_result(Outcome::Failed, None);
                r.error = Some("internal error while applying; run the sync again".into());
                r.error_kind = Some("internal");
                results[index] = Some(r);
            }
            false
        }
    }
}

async fn apply_one(
    client: &Client,
    entry: PlanEntry,
    packages: &BTreeMap<String, crate::client::Package>,
) -> SyncResult {
    let outcome = apply_actions(client, &entry, packages).await;
    match outcome {
        Ok((publisher_id, password)) => {
            let package = entry.desired.package.clone();
            let status = match entry.desired.status {
                DesiredStatus::Active => LinkStatus::Active,
                DesiredStatus::Suspended => LinkStatus::Suspended,
            };
            let touched_package = entry
                .actions
                .iter()
                .any(|a| matches!(a, Action::Create | Action::ChangePackage));
            let mut r = entry.into_result(Outcome::Done, password);
            r.publisher_id = publisher_id.or(r.publisher_id);
            r.status = status.as_str().to_string();
            if touched_package {
                r.package = package;
            }
            r
        }
        Err(e) => {
            let mut r = entry.into_result(Outcome::Failed, None);
            r.error = Some(e.to_string());
            r.error_kind = Some(e.kind());
            r.outage = e.is_outage();
            r
        }
    }
}

async fn apply_actions(
    client: &Client,
    entry: &PlanEntry,
    packages: &BTreeMap<String, crate::client::Package>,
) -> Result<(Option<i64>, Option<Secret>)> {
    let wanted = &entry.desired;
    if entry.actions.contains(&Action::Create) {
        let password = match &wanted.password {
            Some(p) => p.clone(),
            None => password::generate()?,
        };
        let new = NewPublisher {
            username: wanted.username.clone(),
            email: wanted.email.clone(),
            name: wanted.name.clone(),
            password: password.clone(),
            package: wanted.package.clone(),
        };
        // A revived publisher gets this password too (create means create or re-create).
        let created = client.create_publisher(&new).await?;
        return Ok((Some(created.publisher.id), Some(password)));
    }
    let id = entry
        .publisher_id
        .ok_or_else(|| crate::Error::NotFound(format!("publisher {}", entry.username)))?;
    let mut change = LinkChange::default();
    for action in &entry.actions {
        match action {
            Action::Reactivate => change.status = Some(LinkStatus::Active),
            Action::Suspend => change.status = Some(LinkStatus::Suspended),
            Action::ChangePackage => {
                let package = match packages.get(&wanted.package) {
                    Some(p) => p.clone(),
                    None => client.ensure_package(&wanted.package).await?,
                };
                change.package_id = Some(package.id);
            }
            Action::Create | Action::UpdateProfile => {}
        }
    }
    if change != LinkChange::default() {
        client.update_link(id, &change).await?;
    }
    if entry.actions.contains(&Action::UpdateProfile) {
        let profile = Profile {
            email: wanted.email.clone(),
            name: wanted.name.clone(),
        };
        client.update_profile(id, &profile).await?;
    }
    Ok((Some(id), None))
}

fn count(results: &[SyncResult]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for r in results {
        let outcome = serde_json::to_value(r.outcome)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        *counts.entry(outcome).or_insert(0) += 1;
        if r.outcome == Outcome::Done {
            for a in &r.actions {
                let name = serde_json::to_value(a)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                *counts.entry(name).or_insert(0) += 1;
            }
        }
    }
    counts
}
