//! A typed client of the Aflexi API.
//!
//! [`Client`] is async; [`BlockingClient`] runs it on a per-process runtime for callers that
//! are not async (the PHP extension). Each operation is a method named for what it does, with
//! the fewest calls that still give a true answer:
//!
//! * the operator's identity is looked up once and cached for the process;
//! * publishers are found by a filtered, projected `publisherLink.get`, never by listing all;
//! * an operation on a missing or terminated publisher is [`Error::NotFound`], not a silent
//!   success (the old plugin's bug), except [`Client::terminate`], where gone is done;
//! * reads are retried after transport failures; a write whose answer was lost is read back
//!   before it is repeated, so repeating an operation never doubles it.
//!
//! Publisher usernames travel in their full form `<local>/<operatorId>` (API doc Q1): the
//! naming rules of [`crate::username`] produce the local part and the client adds the rest.

mod blocking;
mod config;
mod model;
mod per_process;
mod transport;
mod trust;

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use once_cell::sync::Lazy;
use serde::Serialize;
use serde_json::{json, Map, Value};

pub use blocking::BlockingClient;
pub use config::{endpoint_from_server, ClientConfig, CORE_PATH, STATS_PATH};
pub use model::{LinkStatus, Operator, Package, Publisher};
pub use per_process::PerProcess;
pub use transport::CallRecord;
pub(crate) use transport::{read_limited, redirect_target, transport_error};

use crate::{package, password, xmlrpc, Error, Result, Secret};
use model::{
    int_member, link_extract, operator_from, package_extract, package_from, publisher_from, results,
};
use transport::{Endpoint, Transport};

/// The unbranded portal; an operator with a vanity name is reached under `/p/<name>`.
pub const DEFAULT_PORTAL_URL: &str = "http://portal.aflexi.net";

/// How many usernames one filtered lookup asks for.
const USERNAMES_PER_LOOKUP: usize = 100;
/// Publishers per `stats.getSummaries` query of [`Client::bandwidth_usage_of`]: a month of
/// daily figures for 200 publishers is about 2.5 MB of XML, far below the response limit.
pub const USAGE_PUBLISHERS_PER_QUERY: usize = 200;
/// Most pages one listing reads: 10,000 pages of the default 500 rows is 5 million rows, far
/// above any operator; a server that never sends an empty page is stopped here.
pub const MAX_PAGES: usize = 10_000;

/// What a publisher is created with.
#[derive(Debug, Clone)]
pub struct NewPublisher {
    /// Local part of the username (see [`crate::username`]); the client adds `/<operatorId>`.
    pub username: String,
    /// E-mail address (required by Aflexi).
    pub email: String,
    /// Display name.
    pub name: String,
    /// Initial password.
    pub password: Secret,
    /// Package name; created on Aflexi when missing.
    pub package: String,
}

/// Whether a create made a new publisher or brought back one that already existed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CreateOutcome {
    /// A new publisher and link.
    Created,
    /// The username existed (for instance after a Terminate): its link was re-activated with
    /// the wanted package, and its password and profile set to the new values.
    Revived,
}

/// The result of [`Client::create_publisher`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Created {
    /// The publisher as it now is.
    pub publisher: Publisher,
    /// New or revived.
    pub outcome: CreateOutcome,
}

/// Whether a state-changing operation had anything to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// The change was written.
    Applied,
    /// Aflexi was already in the wanted state; nothing was written.
    AlreadyDone,
}

/// The result of [`Client::terminate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Terminated {
    /// The link was deleted now.
    Deleted,
    /// There was nothing left to delete.
    AlreadyGone,
}

/// Profile fields to set on a publisher; empty fields are left alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    /// New e-mail address.
    pub email: String,
    /// New display name.
    pub name: String,
}

/// A change to a publisher link: status, package, or both in one write.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkChange {
    /// The new status.
    pub status: Option<LinkStatus>,
    /// The new package id.
    pub package_id: Option<i64>,
}

/// The operator's publishers, one page at a time ([`PublisherPages::next`]): a caller that
/// handles each page and drops it keeps only one page in memory, whatever the operator's size.
/// The guards of [`Pager`] apply.
#[derive(Debug)]
pub struct PublisherPages {
    pager: Pager,
}

impl PublisherPages {
    /// A listing from the first publisher.
    pub fn new() -> Self {
        PublisherPages {
            pager: Pager::new("publisherLink.get", link_extract()),
        }
    }

    /// The next page of publishers not seen on an earlier page, or `None` at the end.
    pub async fn next(&mut self, client: &Client) -> Result<Option<Vec<Publisher>>> {
        let filter = json!({"operator": client.operator_id().await?});
        self.pager
            .next(client, &filter, &publisher_from, &|p: &Publisher| p.id)
            .await
    }
}

impl Default for PublisherPages {
    fn default() -> Self {
        Self::new()
    }
}

/// Reads a `.get` in pages of `page_size`, each row turned into a `T` as it arrives (the raw
/// page is dropped), rows with an id already read skipped.
///
/// It stops at the first empty page rather than at the first short one, so a server that caps
/// pages below the size asked for cannot make it lose rows (API doc §4.2). A server that
/// ignores the paging options cannot make it loop or grow without end: a page larger than
/// asked, a page of nothing but rows already read (the offset was not honoured), or more than
/// [`MAX_PAGES`] pages or [`ClientConfig::max_listed_rows`] rows is an error that says so.
#[derive(Debug)]
struct Pager {
    method: &'static str,
    extract: Value,
    offset: usize,
    pages: usize,
    seen: std::collections::HashSet<i64>,
    done: bool,
}

impl Pager {
    fn new(method: &'static str, extract: Value) -> Self {
        Pager {
            method,
            extract,
            offset: 0,
            pages: 0,
            seen: std::collections::HashSet::new(),
            done: false,
        }
    }

    async fn next<T>(
        &mut self,
        client: &Client,
        filter: &Value,
        read: &impl Fn(&Value, &str) -> Result<T>,
        id: &impl Fn(&T) -> i64,
    ) -> Result<Option<Vec<T>>> {
        if self.done {
            return Ok(None);
        }
        let method = self.method;
        let size = client.config().page_size;
        let offset = self.offset;
        if self.pages == MAX_PAGES {
            return Err(Error::Protocol(format!(
                "{method} still had rows after {MAX_PAGES} pages of {size}; listing stopped (a server that does not honour firstResultIndex?)"
            )));
        }
        self.pages += 1;
        let options = json!({
            "firstResultIndex": offset,
            "maximumResults": size,
            "extract": self.extract,
        });
        let answer = client
            .transport
            .read(method, vec![filter.clone(), options])
            .await?;
        let page = results(answer, method)?;
        if page.is_empty() {
            self.done = true;
            return Ok(None);
        }
        if page.len() > size {
            return Err(Error::Protocol(format!(
                "{method} answered {} rows for a page of at most {size} (at offset {offset}): the server does not honour maximumResults; listing stopped",
                page.len()
            )));
        }
        let mut items = Vec::with_capacity(page.len());
        for row in &page {
            let item = read(row, method)?;
            if self.seen.insert(id(&item)) {
                items.push(item);
            }
        }
        if items.is_empty() {
            return Err(Error::Protocol(format!(
                "{method} answered the page at offset {offset} with only rows already read: the server does not honour firstResultIndex; listing stopped"
            )));
        }
        let max_rows = client.config().max_listed_rows;
        if self.seen.len() > max_rows {
            return Err(Error::Protocol(format!(
                "{method} listed more than {max_rows} rows (the max_listed_rows setting); listing stopped to bound memory"
            )));
        }
        self.offset += page.len();
        Ok(Some(items))
    }
}

/// Operators seen by this process, so a PHP worker looks its operator up once.
type OperatorKey = (String, String, u64);
static OPERATORS: Lazy<Mutex<HashMap<OperatorKey, Operator>>> =
    Lazy::new(|| Mutex::new(HashMap::new()));
/// Package ids by (endpoint, operator id) and name, for single operations.
type PackageKey = (String, i64);
static PACKAGES: Lazy<Mutex<HashMap<PackageKey, HashMap<String, Package>>>> =
    Lazy::new(|| Mutex::new(HashMap::new()));

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The async Aflexi client. Cheap to share behind an `Arc`.
pub struct Client {
    transport: Transport,
    operator: Mutex<Option<Operator>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", self.transport.config())
            .finish()
    }
}

impl Client {
    /// A client with validated settings. Nothing is connected until the first call.
    pub fn new(config: ClientConfig) -> Result<Self> {
        Ok(Client {
            transport: Transport::new(config)?,
            operator: Mutex::new(None),
        })
    }

    /// The settings.
    pub fn config(&self) -> &ClientConfig {
        self.transport.config()
    }

    /// API calls made by this client, by method (every attempt counts).
    pub fn call_counts(&self) -> BTreeMap<String, u64> {
        self.transport.counts()
    }

    /// The API calls made since the last time the log was taken (at most the last 200), for
    /// the WHMCS module log. Passwords are redacted and the credentials are not included.
    pub fn take_call_log(&self) -> Vec<CallRecord> {
        self.transport.take_log()
    }

    /// Sets the call counters back to zero.
    pub fn reset_call_counts(&self) {
        self.transport.reset_counts()
    }

    /// Checks the credentials: the login and auth key must be accepted and belong to an
    /// OPERATOR account. Always asks the API; caches the identity on success.
    pub async fn verify_credentials(&self) -> Result<Operator> {
        let filter = json!({"self": true});
        let options = json!({"extract": {"id": true, "username": true, "email": true, "name": true, "role": true}});
        let login = &self.config().login;
        let answer = match self.transport.read("user.get", vec![filter, options]).await {
            Ok(v) => v,
            // An unknown login may also come back as a "not found" fault. The fault's own
            // text is in the call log; the message is ours.
            Err(e @ (Error::Fault { .. } | Error::NotFound(_))) => {
                let fault = match e {
                    Error::Fault { code, .. } => format!("fault {code}"),
                    _ => "not found".to_string(),
                };
                return Err(Error::Authentication(format!(
                    "the Aflexi API rejected the login '{login}' or its auth key ({fault}); check the server record's username and password/access hash"
                )));
            }
            Err(e) => return Err(e),
        };
        let rows = results(answer, "user.get")?;
        let user = rows.first().ok_or_else(|| {
            Error::Authentication(format!(
                "the Aflexi API knows no user for the login '{login}' with this auth key"
            ))
        })?;
        let role = model::str_member(user, "role", "user.get")?;
        if !role.eq_ignore_ascii_case("OPERATOR") {
            return Err(Error::Authentication(format!(
                "the account '{login}' has the role {}; an OPERATOR account is required",
                if role.is_empty() { "(none)" } else { &role }
            )));
        }
        let operator = operator_from(user, "user.get")?;
        *lock(&self.operator) = Some(operator.clone());
        lock(&OPERATORS).insert(self.operator_key(), operator.clone());
        Ok(operator)
    }

    /// The operator's identity, cached for the process after the first lookup.
    pub async fn operator(&self) -> Result<Operator> {
        if let Some(op) = lock(&self.operator).clone() {
            return Ok(op);
        }
        if let Some(op) = lock(&OPERATORS).get(&self.operator_key()).cloned() {
            *lock(&self.operator) = Some(op.clone());
            return Ok(op);
        }
        self.verify_credentials().await
    }

    /// The operator's id: from the settings when known, else from [`Client::operator`].
    pub async fn operator_id(&self) -> Result<i64> {
        match self.config().operator_id {
            Some(id) => Ok(id),
            None => Ok(self.operator().await?.id),
        }
    }

    fn operator_key(&self) -> OperatorKey {
        use std::hash::{Hash, Hasher};
        let c = self.config();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        c.auth_key.expose().hash(&mut h);
        (c.endpoint.clone(), c.login.clone(), h.finish())
    }

    /// `<local>/<operatorId>`, unless `username` already ends in `/<operatorId>`.
    pub async fn full_username(&self, username: &str) -> Result<String> {
        let username = username.trim();
        if username.is_empty() {
            return Err(Error::invalid(
                "username",
                "the publisher username is empty",
            ));
        }
        let suffix = format!("/{}", self.operator_id().await?);
        if username.ends_with(&suffix) {
            Ok(username.to_string())
        } else {
            Ok(format!("{username}{suffix}"))
        }
    }

    // ---------------------------------------------------------------- packages

    /// Every package of the operator, page by page.
    pub async fn list_packages(&self) -> Result<Vec<Package>> {
        let login = self.config().login.clone();
        let packages = self
            .read_all(
                "bandwidthPackage.get",
                json!({"user": login}),
                package_extract(),
                package_from,
                |p| p.id,
            )
            .await?;
        let op = self.operator_id().await?;
        let mut cache = lock(&PACKAGES);
        let entry = cache
            .entry((self.config().endpoint.clone(), op))
            .or_default();
        for p in &packages {
            entry.insert(p.name.clone(), p.clone());
        }
        Ok(packages)
    }

    /// The operator's package of that name, if any (names compare as strings).
    pub async fn find_package(&self, name: &str) -> Result<Option<Package>> {
        let name = package::normalize(name);
        if name.is_empty() {
            return Err(Error::invalid("package name", "the package name is empty"));
        }
        let filter = json!({"user": self.config().login, "name": name});
        let answer = self
            .transport
            .read(
                "bandwidthPackage.get",
                vec![filter, json!({"extract": package_extract()})],
            )
            .await?;
        let found = results(answer, "bandwidthPackage.get")?
            .iter()
            .map(|row| package_from(row, "bandwidthPackage.get"))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .find(|p| package::same_name(&p.name, &name));
        if let Some(p) = &found {
            self.remember_package(p).await;
        }
        Ok(found)
    }

    /// The package of that name, created when missing. Two callers creating it at once both
    /// end up with the one package: a failed create is answered by reading it again.
    pub async fn ensure_package(&self, name: &str) -> Result<Package> {
        if let Some(p) = self.find_package(name).await? {
            return Ok(p);
        }
        let name = package::normalize(name);
        let op = self.operator_id().await?;
        let fields = json!({
            "name": name,
            "user": {"id": op},
            "type": "PUBLISHER_LINK",
            "dedicatedBandwidth": false,
            "bandwidthLimit": -1,
            "diskSpaceLimit": 999_999,
            "speedLimit": 9999,
            "resourceLimit": 99,
            "streamingAllowed": false,
            "sslEnabled": false,
            "servingAllLocations": true,
        });
        match self
            .transport
            .write("bandwidthPackage.create", vec![fields.clone()], &[])
            .await
        {
            Ok(id) => match model::whole_number(&id) {
                Some(id) => {
                    let p = Package {
                        id,
                        name,
                        bandwidth_limit_gb: None,
                    };
                    self.remember_package(&p).await;
                    Ok(p)
                }
                None => self.find_package(&name).await?.ok_or_else(|| {
                    Error::Protocol("bandwidthPackage.create returned no id".into())
                }),
            },
            Err(e) if matches!(e, Error::Fault { .. }) || e.is_ambiguous() => {
                match self.find_package(&name).await? {
                    Some(p) => Ok(p),
                    None if e.is_ambiguous() => {
                        let id = self
                            .transport
                            .write("bandwidthPackage.create", vec![fields], &[])
                            .await?;
                        let id = id_of(&id, "bandwidthPackage.create")?;
                        Ok(Package {
                            id,
                            name,
                            bandwidth_limit_gb: None,
                        })
                    }
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    async fn remember_package(&self, p: &Package) {
        if let Ok(op) = self.operator_id().await {
            lock(&PACKAGES)
                .entry((self.config().endpoint.clone(), op))
                .or_default()
                .insert(p.name.clone(), p.clone());
        }
    }

    async fn forget_packages(&self) {
        if let Ok(op) = self.operator_id().await {
            lock(&PACKAGES).remove(&(self.config().endpoint.clone(), op));
        }
    }

    /// The package of that name from this process's memory when seen before (`true`), else
    /// from the API, created when missing (`false`).
    async fn package_named(&self, name: &str) -> Result<(Package, bool)> {
        let op = self.operator_id().await?;
        let key = (self.config().endpoint.clone(), op);
        let known = lock(&PACKAGES)
            .get(&key)
            .and_then(|m| m.get(&package::normalize(name)).cloned());
        match known {
            Some(p) => Ok((p, true)),
            None => Ok((self.ensure_package(name).await?, false)),
        }
    }

    // ---------------------------------------------------------------- publishers

    /// The publisher with that username (local or full form), if linked to this operator.
    pub async fn find_publisher(&self, username: &str) -> Result<Option<Publisher>> {
        let full = self.full_username(username).await?;
        let mut found = self.find_publishers(std::slice::from_ref(&full)).await?;
        Ok(found.pop())
    }

    /// The publishers with these usernames (local or full form) that are linked to this
    /// operator, found with filtered lookups of up to 100 usernames each.
    pub async fn find_publishers(&self, usernames: &[String]) -> Result<Vec<Publisher>> {
        let op = self.operator_id().await?;
        let mut full = Vec::with_capacity(usernames.len());
        for u in usernames {
            full.push(self.full_username(u).await?);
        }
        let mut found = Vec::new();
        for chunk in full.chunks(USERNAMES_PER_LOOKUP) {
            let names: Vec<Value> = chunk.iter().cloned().map(Value::String).collect();
            let filter = json!({"operator": op, "publisher.username": names});
            for p in self.read_links(filter).await? {
                if chunk.iter().any(|u| u.eq_ignore_ascii_case(&p.username)) {
                    found.push(p);
                }
            }
        }
        Ok(found)
    }

    /// The publisher with that id as linked to this operator, in any status.
    pub async fn get_publisher(&self, publisher_id: i64) -> Result<Publisher> {
        if publisher_id <= 0 {
            return Err(Error::invalid("publisher id", "must be a positive number"));
        }
        let op = self.operator_id().await?;
        let filter = json!({"operator": op, "publisher": publisher_id});
        self.read_links(filter)
            .await?
            .into_iter()
            .find(|p| p.id == publisher_id)
            .ok_or_else(|| Error::NotFound(format!("publisher #{publisher_id}")))
    }

    /// The links matching `filter`, projected to what the integration uses.
    async fn read_links(&self, filter: Value) -> Result<Vec<Publisher>> {
        let options = json!({"extract": link_extract()});
        let answer = self
            .transport
            .read("publisherLink.get", vec![filter, options])
            .await?;
        results(answer, "publisherLink.get")?
            .iter()
            .map(|link| publisher_from(link, "publisherLink.get"))
            .collect()
    }

    /// One page of the operator's publishers, ordered by id.
    pub async fn list_publishers_page(
        &self,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Publisher>> {
        let op = self.operator_id().await?;
        let limit = limit.clamp(1, 10_000);
        let options = json!({
            "firstResultIndex": offset,
            "maximumResults": limit,
            "extract": link_extract(),
        });
        let answer = self
            .transport
            .read("publisherLink.get", vec![json!({"operator": op}), options])
            .await?;
        let page = results(answer, "publisherLink.get")?;
        if page.len() > limit {
            return Err(Error::Protocol(format!(
                "publisherLink.get answered {} rows for a page of at most {limit}: the server does not honour maximumResults",
                page.len()
            )));
        }
        page.iter()
            .map(|link| publisher_from(link, "publisherLink.get"))
            .collect()
    }

    /// Every publisher of the operator, page by page.
    pub async fn list_publishers(&self) -> Result<Vec<Publisher>> {
        let mut pages = PublisherPages::new();
        let mut all = Vec::new();
        while let Some(page) = pages.next(self).await? {
            all.extend(page);
        }
        Ok(all)
    }

    /// Reads every row of a `.get` through a [`Pager`], each row turned into a `T` by `read`.
    async fn read_all<T>(
        &self,
        method: &'static str,
        filter: Value,
        extract: Value,
        read: impl Fn(&Value, &str) -> Result<T>,
        id: impl Fn(&T) -> i64,
    ) -> Result<Vec<T>> {
        let mut pager = Pager::new(method, extract);
        let mut all = Vec::new();
        while let Some(page) = pager.next(self, &filter, &read, &id).await? {
            all.extend(page);
        }
        Ok(all)
    }

    /// Creates a publisher with its link, package and password; when the username already
    /// exists under this operator (after a Terminate, or a create whose answer was lost) the
    /// existing publisher is revived instead: link active, package, password and profile set.
    ///
    /// With the operator and package known to this process it takes one call (`user.create`);
    /// otherwise one more to find or create the package.
    pub async fn create_publisher(&self, new: &NewPublisher) -> Result<Created> {
        if new.email.trim().is_empty() {
            return Err(Error::invalid(
                "email",
                "the client has no e-mail address; Aflexi requires one",
            ));
        }
        password::validate(new.password.expose())?;
        let full = self.full_username(&new.username).await?;
        let (package, remembered) = self.package_named(&new.package).await?;
        match self.create_with(&full, new, &package).await {
            Err(Error::Fault { .. } | Error::NotFound(_)) if remembered => {
                // The remembered package may be gone on Aflexi: look it up again, once.
                self.forget_packages().await;
                let package = self.ensure_package(&new.package).await?;
                self.create_with(&full, new, &package).await
            }
            other => other,
        }
    }

    async fn create_with(
        &self,
        full: &str,
        new: &NewPublisher,
        package: &Package,
    ) -> Result<Created> {
        let user = json!({
            "role": "PUBLISHER",
            "username": full,
            "email": new.email.trim(),
            "name": new.name.trim(),
            "password": new.password.expose(),
            "status": "ACTIVE",
        });
        let secrets = [new.password.expose()];
        let params = vec![user, json!({"id": package.id})];
        let created = |id: i64| Created {
            publisher: Publisher {
                id,
                username: full.to_string(),
                email: new.email.trim().to_string(),
                name: new.name.trim().to_string(),
                status: LinkStatus::Active,
                package: Some(package.clone()),
            },
            outcome: CreateOutcome::Created,
        };
        match self
            .transport
            .write("user.create", params.clone(), &secrets)
            .await
        {
            Ok(id) => Ok(created(id_of(&id, "user.create")?)),
            Err(e) if e.is_ambiguous() => match self.revive(full, new, package).await? {
                Some(mut c) => {
                    c.outcome = CreateOutcome::Created;
                    Ok(c)
                }
                None => {
                    let id = self
                        .transport
                        .write("user.create", params, &secrets)
                        .await?;
                    Ok(created(id_of(&id, "user.create")?))
                }
            },
            Err(fault @ Error::Fault { .. }) => match self.revive(full, new, package).await? {
                Some(c) => Ok(c),
                None => Err(fault),
            },
            Err(e) => Err(e),
        }
    }

    /// Brings an existing publisher of this operator to the wanted state. `None` when the
    /// username is not one of this operator's publishers.
    async fn revive(
        &self,
        full: &str,
        new: &NewPublisher,
        package: &Package,
    ) -> Result<Option<Created>> {
        let existing = match self.find_publisher(full).await? {
            Some(p) => p,
            None => match self.find_unlinked_publisher(full).await? {
                Some(id) => Publisher {
                    id,
                    username: full.to_string(),
                    email: String::new(),
                    name: String::new(),
                    status: LinkStatus::Deleted,
                    package: None,
                },
                None => return Ok(None),
            },
        };
        let change = LinkChange {
            status: (existing.status != LinkStatus::Active).then_some(LinkStatus::Active),
            package_id: (existing.package.as_ref().map(|p| p.id) != Some(package.id))
                .then_some(package.id),
        };
        if change != LinkChange::default() {
            self.update_link(existing.id, &change).await?;
        }
        self.set_password(existing.id, &new.password).await?;
        let profile = Profile {
            email: new.email.trim().to_string(),
            name: new.name.trim().to_string(),
        };
        if existing.email != profile.email || existing.name != profile.name {
            self.update_profile(existing.id, &profile).await?;
        }
        Ok(Some(Created {
            publisher: Publisher {
                id: existing.id,
                username: full.to_string(),
                email: profile.email,
                name: profile.name,
                status: LinkStatus::Active,
                package: Some(package.clone()),
            },
            outcome: CreateOutcome::Revived,
        }))
    }

    /// A publisher user of this operator that has no link any more (hard-deleted link).
    async fn find_unlinked_publisher(&self, full: &str) -> Result<Option<i64>> {
        let op = self.operator_id().await?;
        let answer = self
            .transport
            .read(
                "user.get",
                vec![
                    json!({"username": full, "agent": op}),
                    json!({"extract": {"id": true, "username": true}}),
                ],
            )
            .await?;
        for user in results(answer, "user.get")? {
            if model::str_member(&user, "username", "user.get")?.eq_ignore_ascii_case(full) {
                if let Some(id) = int_member(&user, "id", "user.get")? {
                    return Ok(Some(id));
                }
            }
        }
        Ok(None)
    }

    /// Changes a link's status and/or package in one write. A write whose answer was lost is
    /// read back and repeated once only if it had not been applied.
    pub async fn update_link(&self, publisher_id: i64, change: &LinkChange) -> Result<()> {
        let op = self.operator_id().await?;
        let mut fields = Map::new();
        fields.insert("publisher".into(), json!({"id": publisher_id}));
        fields.insert("operator".into(), json!({"id": op}));
        if let Some(status) = &change.status {
            fields.insert("status".into(), Value::String(status.as_str().to_string()));
        }
        if let Some(id) = change.package_id {
            fields.insert(
                "bandwidthPackage".into(),
                json!({"id": id, "type": "PUBLISHER_LINK"}),
            );
        }
        let params = vec![
            Value::String(format!("{publisher_id},{op}")),
            Value::Object(fields),
        ];
        match self
            .transport
            .write("publisherLink.update", params.clone(), &[])
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_ambiguous() => {
                let now = self.get_publisher(publisher_id).await?;
                let applied = change.status.as_ref().is_none_or(|s| *s == now.status)
                    && change
                        .package_id
                        .is_none_or(|id| now.package.as_ref().map(|p| p.id) == Some(id));
                if applied {
                    Ok(())
                } else {
                    self.transport
                        .write("publisherLink.update", params, &[])
                        .await
                        .map(|_| ())
                }
            }
            Err(fault @ (Error::Fault { .. } | Error::NotFound(_))) => {
                // Tell "the publisher is gone" apart from any other refusal (a missing
                // package is "not found" too).
                self.get_publisher(publisher_id).await?;
                Err(fault)
            }
            Err(e) => Err(e),
        }
    }

    /// The publisher's link, which must exist and not be terminated.
    async fn live_publisher(&self, publisher_id: i64) -> Result<Publisher> {
        let p = self.get_publisher(publisher_id).await?;
        if p.status == LinkStatus::Deleted {
            return Err(Error::NotFound(format!(
                "publisher #{publisher_id} ({}; its account was terminated, run Create to re-create it)",
                p.username
            )));
        }
        Ok(p)
    }

    /// Suspends the publisher's CDN account.
    pub async fn suspend(&self, publisher_id: i64) -> Result<Change> {
        self.set_status(publisher_id, LinkStatus::Suspended).await
    }

    /// Re-activates a suspended publisher.
    pub async fn activate(&self, publisher_id: i64) -> Result<Change> {
        self.set_status(publisher_id, LinkStatus::Active).await
    }

    async fn set_status(&self, publisher_id: i64, status: LinkStatus) -> Result<Change> {
        let p = self.live_publisher(publisher_id).await?;
        if p.status == status {
            return Ok(Change::AlreadyDone);
        }
        let change = LinkChange {
            status: Some(status),
            package_id: None,
        };
        self.update_link(publisher_id, &change).await?;
        Ok(Change::Applied)
    }

    /// Moves the publisher to the package of that name (created when missing).
    pub async fn change_package(&self, publisher_id: i64, package_name: &str) -> Result<Change> {
        let wanted = package::normalize(package_name);
        if wanted.is_empty() {
            return Err(Error::invalid("package name", "the package name is empty"));
        }
        let p = self.live_publisher(publisher_id).await?;
        if p.package
            .as_ref()
            .is_some_and(|pkg| package::same_name(&pkg.name, &wanted))
        {
            return Ok(Change::AlreadyDone);
        }
        let (package, _) = self.package_named(&wanted).await?;
        let change = LinkChange {
            status: None,
            package_id: Some(package.id),
        };
        match self.update_link(publisher_id, &change).await {
            Err(Error::Fault { .. } | Error::NotFound(_)) => {
                // The remembered package may have been removed on Aflexi: look again.
                self.forget_packages().await;
                let package = self.ensure_package(&wanted).await?;
                let change = LinkChange {
                    status: None,
                    package_id: Some(package.id),
                };
                self.update_link(publisher_id, &change).await?;
            }
            other => other?,
        }
        Ok(Change::Applied)
    }

    /// Sets a new password for the publisher (an operator reset: empty old password).
    pub async fn change_password(&self, publisher_id: i64, new_password: &Secret) -> Result<()> {
        password::validate(new_password.expose())?;
        self.live_publisher(publisher_id).await?;
        self.set_password(publisher_id, new_password).await
    }

    async fn set_password(&self, publisher_id: i64, new_password: &Secret) -> Result<()> {
        let params = vec![json!(publisher_id), json!(""), json!(new_password.expose())];
        let secrets = [new_password.expose()];
        match self
            .transport
            .write("security.update", params.clone(), &secrets)
            .await
        {
            // Setting the same password twice is harmless, so a lost answer is simply repeated.
            Err(e) if e.is_ambiguous() => self
                .transport
                .write("security.update", params, &secrets)
                .await
                .map(|_| ()),
            other => other.map(|_| ()),
        }
    }

    /// Sets the publisher's e-mail and/or name (`user.update`, a project assumption: see the
    /// sandbox README).
    pub async fn update_profile(&self, publisher_id: i64, profile: &Profile) -> Result<()> {
        let mut fields = Map::new();
        let email = profile.email.trim();
        if !email.is_empty() {
            if email.matches('@').count() != 1 || email.len() > 254 {
                return Err(Error::invalid(
                    "email",
                    format!("'{email}' is not an e-mail address"),
                ));
            }
            fields.insert("email".into(), json!(email));
        }
        let name = profile.name.trim();
        if !name.is_empty() {
            fields.insert("name".into(), json!(name));
        }
        if fields.is_empty() {
            return Ok(());
        }
        let params = vec![json!(publisher_id), Value::Object(fields)];
        match self
            .transport
            .write("user.update", params.clone(), &[])
            .await
        {
            Err(e) if e.is_ambiguous() => self
                .transport
                .write("user.update", params, &[])
                .await
                .map(|_| ()),
            other => other.map(|_| ()),
        }
    }

    /// Terminates the publisher's CDN account (`publisherLink.delete`; the user is kept so a
    /// later Create can revive it). Already gone counts as done.
    pub async fn terminate(&self, publisher_id: i64) -> Result<Terminated> {
        let p = match self.get_publisher(publisher_id).await {
            Ok(p) => p,
            Err(Error::NotFound(_)) => return Ok(Terminated::AlreadyGone),
            Err(e) => return Err(e),
        };
        if p.status == LinkStatus::Deleted {
            return Ok(Terminated::AlreadyGone);
        }
        let op = self.operator_id().await?;
        let params = vec![json!(format!("{publisher_id},{op}"))];
        match self
            .transport
            .write("publisherLink.delete", params.clone(), &[])
            .await
        {
            Ok(_) => Ok(Terminated::Deleted),
            // Deleted by someone else since the read: gone is done.
            Err(Error::NotFound(_)) => Ok(Terminated::AlreadyGone),
            Err(e) if e.is_ambiguous() => match self.get_publisher(publisher_id).await {
                Err(Error::NotFound(_)) => Ok(Terminated::Deleted),
                Ok(p) if p.status == LinkStatus::Deleted => Ok(Terminated::Deleted),
                Ok(_) => {
                    self.transport
                        .write("publisherLink.delete", params, &[])
                        .await?;
                    Ok(Terminated::Deleted)
                }
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    /// The URL where the operator's publishers log in: the branded portal when the operator
    /// has one, else the unbranded portal under `/p/<portalName>` or `/p/<operatorId>`.
    pub async fn portal_url(&self) -> Result<String> {
        let op = self.operator_id().await?;
        let answer = self
            .transport
            .read("themability.get", vec![json!({"operator": op})])
            .await?;
        let theme = results(answer, "themability.get")?
            .into_iter()
            .next()
            .unwrap_or(Value::Null);
        portal_url_from(&theme, op)
    }

    /// Bandwidth used in the given month per publisher id, in MB (HTTP and RTMP added), for
    /// every publisher of the operator in one answer per type. The answer grows with the
    /// operator's size (a month of daily figures for 2,000 publishers passes the 16 MB response
    /// limit): prefer [`Client::bandwidth_usage_of`].
    pub async fn bandwidth_usage(&self, year: i32, month: u32) -> Result<BTreeMap<i64, i64>> {
        self.usage_query(year, month, None).await
    }

    /// Bandwidth used in the given month by these publishers, in MB (HTTP and RTMP added),
    /// asked [`USAGE_PUBLISHERS_PER_QUERY`] publishers at a time (two calls each: HTTP and
    /// RTMP), so that every answer stays small whatever the operator's size. Publishers Aflexi
    /// reports no traffic for are absent; figures of publishers not asked for are ignored.
    pub async fn bandwidth_usage_of(
        &self,
        year: i32,
        month: u32,
        publishers: &[i64],
    ) -> Result<BTreeMap<i64, i64>> {
        let mut ids: Vec<i64> = publishers.iter().copied().filter(|id| *id > 0).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut usage = BTreeMap::new();
        for chunk in ids.chunks(USAGE_PUBLISHERS_PER_QUERY) {
            for (id, mb) in self.usage_query(year, month, Some(chunk)).await? {
                // Kept only when asked for, in case the API does not apply the filter.
                if chunk.binary_search(&id).is_ok() {
                    usage.insert(id, mb);
                }
            }
        }
        Ok(usage)
    }

    /// One month of `stats.getSummaries` (HTTP, then RTMP), optionally for some publishers.
    async fn usage_query(
        &self,
        year: i32,
        month: u32,
        publishers: Option<&[i64]>,
    ) -> Result<BTreeMap<i64, i64>> {
        if !(1..=12).contains(&month) || !(2000..=2100).contains(&year) {
            return Err(Error::invalid(
                "month",
                format!("{year}-{month} is not a valid month"),
            ));
        }
        let op = self.operator_id().await?;
        let last = days_in_month(year, month);
        let mut usage = BTreeMap::new();
        for kind in ["HTTP", "RTMP"] {
            let mut query = json!({
                "summary": "DAILY",
                "type": kind,
                "startDate": xmlrpc::datetime(&format!("{year:04}{month:02}01T00:00:00")),
                "endDate": xmlrpc::datetime(&format!("{year:04}{month:02}{last:02}T23:59:59")),
                "resultFormat": "DETAIL",
            });
            if let Some(ids) = publishers {
                query["publisher"] = json!(ids);
            }
            let answer = self
                .transport
                .read_at(
                    Endpoint::Stats,
                    "stats.getSummaries",
                    vec![json!("groupByOperator"), query],
                )
                .await?;
            for (id, mb) in usage_totals(&answer, op)? {
                *usage.entry(id).or_insert(0) += mb;
            }
        }
        Ok(usage)
    }
}

fn id_of(value: &Value, method: &str) -> Result<i64> {
    model::whole_number(value)
        .filter(|id| *id > 0)
        .ok_or_else(|| Error::Protocol(format!("{method} did not return an id")))
}

fn portal_url_from(theme: &Value, operator_id: i64) -> Result<String> {
    let url = model::str_member(theme, "portalUrl", "themability.get")?;
    let url = url.trim().trim_end_matches('/');
    let branded = !url.is_empty() && !url.eq_ignore_ascii_case(DEFAULT_PORTAL_URL);
    if branded {
        return Ok(url.to_string());
    }
    let name = model::str_member(theme, "portalName", "themability.get")?;
    let name = name.trim();
    Ok(if name.is_empty() {
        format!("{DEFAULT_PORTAL_URL}/p/{operator_id}")
    } else {
        format!("{DEFAULT_PORTAL_URL}/p/{name}")
    })
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Sums `stats.getSummaries` totals per publisher (API doc §2.15, Q17): the whole-range
/// bucket `-1` when present, else every day bucket; within the operator, the across-packages
/// group `-1` when present, else every group; `-1` publisher keys are subtotals and skipped.
fn usage_totals(answer: &Value, operator_id: i64) -> Result<BTreeMap<i64, i64>> {
    let mut totals = BTreeMap::new();
    let buckets = match answer {
        Value::Object(buckets) => buckets,
        // An empty PHP array is encoded as an empty XML-RPC array.
        Value::Array(items) if items.is_empty() => return Ok(totals),
        other => return Err(model::unreadable(STATS, "(answer)", other, "a struct")),
    };
    let chosen: Vec<&Value> = match buckets.get("-1") {
        Some(total) => vec![total],
        None => buckets.values().collect(),
    };
    let op_key = operator_id.to_string();
    for bucket in chosen {
        let Some(groups) = bucket.get(&op_key).and_then(Value::as_object) else {
            continue;
        };
        let groups: Vec<&Value> = match groups.get("-1") {
            Some(all) => vec![all],
            None => groups.values().collect(),
        };
        for group in groups {
            let Some(publishers) = group.as_object() else {
                continue;
            };
            for (key, leaf) in publishers {
                if let Ok(id) = key.trim().parse::<i64>() {
                    if id > 0 {
                        *totals.entry(id).or_insert(0) += leaf_total(leaf, key)?;
                    }
                }
            }
        }
    }
    Ok(totals)
}

const STATS: &str = "stats.getSummaries";

/// The `total` of a `[cached, notCached, total]` leaf, summing nested leaves. Figures are MB
/// and may be fractional (rounded); anything that is not a number is an error naming the
/// publisher's member, never counted as zero.
fn leaf_total(leaf: &Value, key: &str) -> Result<i64> {
    let number = |v: &Value| match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f.round() as i64)),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(|f| f.round() as i64),
        _ => None,
    };
    match leaf {
        Value::Array(items) if items.len() >= 3 && items.iter().all(|v| number(v).is_some()) => {
            Ok(number(&items[2]).unwrap_or(0))
        }
        Value::Array(items) => items.iter().map(|v| leaf_total(v, key)).sum(),
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| k.as_str() != "-1")
            .map(|(_, v)| leaf_total(v, key))
            .sum(),
        other => number(other).ok_or_else(|| model::unreadable(STATS, key, other, "a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branded_portal_wins_then_vanity_name_then_operator_id() {
        let branded = json!({"portalUrl": "https://cdn.acme.test/", "portalName": "acme"});
        assert_eq!(
            portal_url_from(&branded, 7).unwrap(),
            "https://cdn.acme.test"
        );
        let vanity = json!({"portalUrl": DEFAULT_PORTAL_URL, "portalName": "acme"});
        assert_eq!(
            portal_url_from(&vanity, 7).unwrap(),
            "http://portal.aflexi.net/p/acme"
        );
        assert_eq!(
            portal_url_from(&Value::Null, 7).unwrap(),
            "http://portal.aflexi.net/p/7"
        );
    }

    #[test]
    fn usage_reads_the_whole_range_bucket_and_skips_subtotals() {
        let answer = json!({
            "20261101": {"3": {"-1": {"10": [1, 2, 3]}}},
            "-1": {"3": {"5": {"10": [10, 20, 30]}, "-1": {"10": [10, 20, 30], "11": [0, 5, 5], "-1": [10, 25, 35]}},
                   "4": {"-1": {"99": [1, 1, 2]}}}
        });
        let totals = usage_totals(&answer, 3).unwrap();
        assert_eq!(totals.get(&10), Some(&30));
        assert_eq!(totals.get(&11), Some(&5));
        assert_eq!(totals.get(&99), None, "another operator's publisher");
        assert_eq!(totals.len(), 2);
    }

    #[test]
    fn usage_sums_day_buckets_when_there_is_no_total() {
        let answer = json!({
            "20261101": {"3": {"8": {"10": [1, 2, 3]}}},
            "20261102": {"3": {"8": {"10": [1, 1, 2]}, "9": {"10": [0, 1, 1]}}}
        });
        assert_eq!(usage_totals(&answer, 3).unwrap().get(&10), Some(&6));
        assert!(usage_totals(&json!([]), 3).unwrap().is_empty());
        assert!(usage_totals(&json!("nothing"), 3).is_err());
    }

    #[test]
    fn usage_figures_that_are_not_numbers_are_errors_not_zero() {
        let answer = json!({"-1": {"3": {"-1": {"10": [1, 2, "lots"], "11": true}}}});
        let text = usage_totals(&answer, 3).unwrap_err().to_string();
        assert!(text.contains("stats.getSummaries"), "{text}");
        let doubles = json!({"-1": {"3": {"-1": {"10": [1.0, 2.0, 3.4]}}}});
        assert_eq!(usage_totals(&doubles, 3).unwrap().get(&10), Some(&3));
    }

    #[test]
    fn month_lengths() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2026, 11), 30);
        assert_eq!(days_in_month(2026, 12), 31);
    }
}
