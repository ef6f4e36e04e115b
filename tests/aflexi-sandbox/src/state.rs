//! The emulated platform's data: users, bandwidth packages, publisher links and themes.
//!
//! The model follows docs/AFLEXI-API.md#entities: one user table for both roles (a publisher's `agent` is its
//! operator), packages owned by an operator with names unique per operator, and links keyed
//! by `(publisherId, operatorId)` with their own status and package. Users and packages each
//! have one id sequence starting at 1.
//!
//! Lookups that tests run against 10,000–100,000 publishers go through indexes: users by id
//! and by lower-cased username (a `BTreeMap` and a `HashMap`), links by
//! `(publisher, operator)` in a `BTreeMap`, so "the links of publisher P" is a range.
//!
//! [`State::version`] grows with every change; the state-file writer compares it with the
//! version it last saved.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The `portalUrl` of an operator without branding (docs/AFLEXI-API.md#themability-get).
pub const DEFAULT_PORTAL_URL: &str = "http://portal.aflexi.net";

/// The role of a user (docs/AFLEXI-API.md#user-get).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Role {
    /// A CDN operator: owns packages and publishers, holds auth keys.
    Operator,
    /// A publisher created by an operator (its `agent`).
    Publisher,
}

impl Role {
    /// The wire name, `OPERATOR` or `PUBLISHER`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "OPERATOR",
            Role::Publisher => "PUBLISHER",
        }
    }
}

/// A user of either role.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// From the user id sequence.
    pub id: i64,
    /// Unique platform-wide, compared case-insensitively.
    pub username: String,
    /// Not unique: the same email may exist under several operators.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Operator or publisher.
    pub role: Role,
    /// `ACTIVE` on creation; independent of the link status (docs/AFLEXI-API.md#user-get).
    pub status: String,
    /// For a publisher, the id of its operator.
    #[serde(default)]
    pub agent: Option<i64>,
    /// Write-only: never returned by the API nor by the state view.
    #[serde(default)]
    pub password: Option<String>,
    /// The secrets an operator logs in with (docs/AFLEXI-API.md#credentials).
    #[serde(default)]
    pub auth_keys: Vec<String>,
}

/// The status of a publisher link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum LinkStatus {
    /// Serving.
    Active,
    /// Suspended by the operator.
    Suspended,
    /// Soft-deleted by `publisherLink.delete` (docs/AFLEXI-API.md#publisher-link-delete).
    Deleted,
}

impl LinkStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkStatus::Active => "ACTIVE",
            LinkStatus::Suspended => "SUSPENDED",
            LinkStatus::Deleted => "DELETED",
        }
    }

    /// Parses a wire name (exact, upper case).
    pub fn parse(text: &str) -> Option<LinkStatus> {
        match text {
            "ACTIVE" => Some(LinkStatus::Active),
            "SUSPENDED" => Some(LinkStatus::Suspended),
            "DELETED" => Some(LinkStatus::Deleted),
            _ => None,
        }
    }
}

/// A bandwidth package owned by an operator (docs/AFLEXI-API.md#bandwidth-package).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Package {
    /// From the package id sequence.
    pub id: i64,
    /// The operator that owns it.
    pub owner: i64,
    /// Unique per operator; an int name sent by PHP is stored as its text.
    pub name: String,
    /// Always `PUBLISHER_LINK`, the only type seen.
    #[serde(rename = "type")]
    pub kind: String,
    /// GB per month; `-1` (and the legacy `0`) mean unlimited.
    pub bandwidth_limit: i64,
    /// Unknown unit, stored as given.
    pub disk_space_limit: i64,
    /// Unknown unit, stored as given.
    pub speed_limit: i64,
    /// The number of CDN hostnames allowed.
    pub resource_limit: i64,
    /// Feature flag.
    pub dedicated_bandwidth: bool,
    /// Feature flag.
    pub streaming_allowed: bool,
    /// Feature flag.
    pub ssl_enabled: bool,
    /// Feature flag.
    pub serving_all_locations: bool,
    /// Capability flag seen in the cPanel cache (docs/AFLEXI-API.md#bandwidth-package), default true.
    pub can_have_http_pull: bool,
    /// Capability flag, default false.
    pub can_have_http_push: bool,
    /// Capability flag, default false.
    pub can_have_live: bool,
    /// Capability flag, default false.
    pub can_have_vod: bool,
}

impl Package {
    /// A package with the defaults of the WHMCS column of docs/AFLEXI-API.md#bandwidth-package.
    pub fn with_defaults(id: i64, owner: i64, name: String) -> Package {
        Package {
            id,
            owner,
            name,
            kind: "PUBLISHER_LINK".to_string(),
            bandwidth_limit: -1,
            disk_space_limit: 999_999,
            speed_limit: 9_999,
            resource_limit: 99,
            dedicated_bandwidth: false,
            streaming_allowed: false,
            ssl_enabled: false,
            serving_all_locations: true,
            can_have_http_pull: true,
            can_have_http_push: false,
            can_have_live: false,
            can_have_vod: false,
        }
    }
}

/// The association of a publisher with an operator (docs/AFLEXI-API.md#publisher-link-get).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Publisher user id.
    pub publisher: i64,
    /// Operator user id.
    pub operator: i64,
    /// Link status.
    pub status: LinkStatus,
    /// Package id (one of the operator's).
    pub package: i64,
}

impl Link {
    /// The wire id `"<publisherId>,<operatorId>"`.
    pub fn id_string(&self) -> String {
        format!("{},{}", self.publisher, self.operator)
    }
}

/// The branding of an operator's portal (docs/AFLEXI-API.md#themability-get).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Theme {
    /// `http://portal.aflexi.net` means unbranded.
    pub portal_url: String,
    /// A vanity slug, empty by default.
    pub portal_name: String,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            portal_url: DEFAULT_PORTAL_URL.to_string(),
            portal_name: String::new(),
        }
    }
}

/// The form written to the state file: everything, secrets included (it is test data).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Persisted {
    format: u32,
    next_user_id: i64,
    next_package_id: i64,
    users: Vec<User>,
    packages: Vec<Package>,
    links: Vec<Link>,
    themes: BTreeMap<i64, Theme>,
}

/// The whole emulated platform.
#[derive(Debug, Default)]
pub struct State {
    users: BTreeMap<i64, User>,
    by_username: HashMap<String, i64>,
    by_email: HashMap<String, Vec<i64>>,
    packages: BTreeMap<i64, Package>,
    links: BTreeMap<(i64, i64), Link>,
    themes: BTreeMap<i64, Theme>,
    next_user_id: i64,
    next_package_id: i64,
    version: u64,
}

/// The key of the username and email indexes.
pub fn fold(text: &str) -> String {
    text.to_lowercase()
}

impl State {
    /// An empty platform with the given operators, which get ids 1..n in order; their email
    /// is `<username>@operators.sandbox.test` and their name the username.
    pub fn with_operators(operators: &[(String, String)]) -> State {
        let mut state = State {
            next_user_id: 1,
            next_package_id: 1,
            ..State::default()
        };
        for (username, key) in operators {
            state.ensure_operator(username, key);
        }
        state
    }

    /// Adds an operator, or adds the key to an existing user of that username. Returns its id.
    pub fn ensure_operator(&mut self, username: &str, auth_key: &str) -> i64 {
        if let Some(id) = self.user_id_by_username(username) {
            if let Some(user) = self.users.get_mut(&id) {
                if !user.auth_keys.iter().any(|k| k == auth_key) {
                    user.auth_keys.push(auth_key.to_string());
                    self.version += 1;
                }
            }
            return id;
        }
        self.insert_user(User {
            id: 0,
            username: username.to_string(),
            email: format!("{username}@operators.sandbox.test"),
            name: username.to_string(),
            role: Role::Operator,
            status: "ACTIVE".to_string(),
            agent: None,
            password: None,
            auth_keys: vec![auth_key.to_string()],
        })
    }

    /// Increases with every change.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Sets the version (a reset keeps counting up so that the new state is saved).
    pub fn set_version(&mut self, version: u64) {
        self.version = version;
    }

    /// Marks a change made through one of the `*_mut` accessors.
    pub fn touch(&mut self) {
        self.version += 1;
    }

    // ---- users -------------------------------------------------------------------------

    /// All users by id.
    pub fn users(&self) -> &BTreeMap<i64, User> {
        &self.users
    }

    /// One user.
    pub fn user(&self, id: i64) -> Option<&User> {
        self.users.get(&id)
    }

    /// The id of the user with this username (case-insensitive).
    pub fn user_id_by_username(&self, username: &str) -> Option<i64> {
        self.by_username.get(&fold(username)).copied()
    }

    /// The ids of the users with this email (case-insensitive), ascending.
    pub fn user_ids_by_email(&self, email: &str) -> &[i64] {
        self.by_email
            .get(&fold(email))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Inserts a user with the next id (the `id` field is overwritten) and returns the id.
    pub fn insert_user(&mut self, mut user: User) -> i64 {
        let id = self.next_user_id;
        self.next_user_id += 1;
        user.id = id;
        self.index_user(&user);
        self.users.insert(id, user);
        self.version += 1;
        id
    }

    fn index_user(&mut self, user: &User) {
        self.by_username.insert(fold(&user.username), user.id);
        let ids = self.by_email.entry(fold(&user.email)).or_default();
        if let Err(at) = ids.binary_search(&user.id) {
            ids.insert(at, user.id);
        }
    }

    fn unindex_email(&mut self, user_id: i64, email: &str) {
        let key = fold(email);
        if let Some(ids) = self.by_email.get_mut(&key) {
            ids.retain(|&id| id != user_id);
            if ids.is_empty() {
                self.by_email.remove(&key);
            }
        }
    }

    /// Changes a user's email, keeping the index right.
    pub fn set_user_email(&mut self, id: i64, email: &str) {
        let Some(old) = self.users.get(&id).map(|u| u.email.clone()) else {
            return;
        };
        self.unindex_email(id, &old);
        if let Some(user) = self.users.get_mut(&id) {
            user.email = email.to_string();
        }
        let ids = self.by_email.entry(fold(email)).or_default();
        if let Err(at) = ids.binary_search(&id) {
            ids.insert(at, id);
        }
        self.version += 1;
    }

    /// A user to change a field that is not indexed (name, status, password, keys).
    pub fn user_mut(&mut self, id: i64) -> Option<&mut User> {
        self.version += 1;
        self.users.get_mut(&id)
    }

    // ---- packages ----------------------------------------------------------------------

    /// All packages by id.
    pub fn packages(&self) -> &BTreeMap<i64, Package> {
        &self.packages
    }

    /// One package.
    pub fn package(&self, id: i64) -> Option<&Package> {
        self.packages.get(&id)
    }

    /// A package to change.
    pub fn package_mut(&mut self, id: i64) -> Option<&mut Package> {
        self.version += 1;
        self.packages.get_mut(&id)
    }

    /// The operator's package with this exact name.
    pub fn package_by_name(&self, owner: i64, name: &str) -> Option<&Package> {
        self.packages
            .values()
            .find(|p| p.owner == owner && p.name == name)
    }

    /// The next package id, consumed.
    pub fn next_package_id(&mut self) -> i64 {
        let id = self.next_package_id;
        self.next_package_id += 1;
        id
    }

    /// Stores a package under its id.
    pub fn insert_package(&mut self, package: Package) {
        self.packages.insert(package.id, package);
        self.version += 1;
    }

    // ---- links -------------------------------------------------------------------------

    /// All links by `(publisher, operator)`.
    pub fn links(&self) -> &BTreeMap<(i64, i64), Link> {
        &self.links
    }

    /// The links of one publisher, in operator order.
    pub fn links_of_publisher(&self, publisher: i64) -> impl Iterator<Item = &Link> {
        self.links
            .range((publisher, i64::MIN)..=(publisher, i64::MAX))
            .map(|(_, link)| link)
    }

    /// One link.
    pub fn link(&self, publisher: i64, operator: i64) -> Option<&Link> {
        self.links.get(&(publisher, operator))
    }

    /// A link to change.
    pub fn link_mut(&mut self, publisher: i64, operator: i64) -> Option<&mut Link> {
        self.version += 1;
        self.links.get_mut(&(publisher, operator))
    }

    /// Stores (or replaces) a link.
    pub fn insert_link(&mut self, link: Link) {
        self.links.insert((link.publisher, link.operator), link);
        self.version += 1;
    }

    /// Removes a link (hard delete).
    pub fn remove_link(&mut self, publisher: i64, operator: i64) -> Option<Link> {
        self.version += 1;
        self.links.remove(&(publisher, operator))
    }

    // ---- themes ------------------------------------------------------------------------

    /// The operator's theme, the default when none was set.
    pub fn theme(&self, operator: i64) -> Theme {
        self.themes.get(&operator).cloned().unwrap_or_default()
    }

    /// Sets the operator's theme.
    pub fn set_theme(&mut self, operator: i64, theme: Theme) {
        self.themes.insert(operator, theme);
        self.version += 1;
    }

    // ---- bulk seeding ------------------------------------------------------------------

    /// Creates `count` publishers of `operator` named `<prefix><i>/<operatorId>` (i = 1..count)
    /// with email `<prefix><i>@publishers.sandbox.test`, each with a link of `status` to the
    /// package named `package` (created with defaults if missing). Returns the new user ids
    /// (consecutive) and the package id. Nothing is created when a username is taken.
    pub fn seed_publishers(
        &mut self,
        operator: &str,
        count: usize,
        package: &str,
        prefix: &str,
        status: LinkStatus,
    ) -> Result<(Vec<i64>, i64), String> {
        let op = self
            .user_id_by_username(operator)
            .filter(|id| self.user(*id).is_some_and(|u| u.role == Role::Operator))
            .ok_or_else(|| format!("no operator named {operator:?}"))?;
        let usernames: Vec<String> = (1..=count).map(|i| format!("{prefix}{i}/{op}")).collect();
        if let Some(taken) = usernames
            .iter()
            .find(|name| self.by_username.contains_key(&fold(name)))
        {
            return Err(format!("username {taken:?} already exists"));
        }
        let package_id = match self.package_by_name(op, package) {
            Some(p) => p.id,
            None => {
                let id = self.next_package_id();
                self.insert_package(Package::with_defaults(id, op, package.to_string()));
                id
            }
        };
        let mut ids = Vec::with_capacity(count);
        for (i, username) in usernames.into_iter().enumerate() {
            let n = i + 1;
            let id = self.insert_user(User {
                id: 0,
                username,
                email: format!("{prefix}{n}@publishers.sandbox.test"),
                name: format!("{prefix} {n}"),
                role: Role::Publisher,
                status: "ACTIVE".to_string(),
                agent: Some(op),
                password: None,
                auth_keys: Vec::new(),
            });
            self.insert_link(Link {
                publisher: id,
                operator: op,
                status,
                package: package_id,
            });
            ids.push(id);
        }
        Ok((ids, package_id))
    }

    // ---- views and persistence ---------------------------------------------------------

    /// The state for `GET /_sandbox/state`: auth keys and passwords are left out
    /// (`hasPassword` and `authKeys` (a count) instead).
    pub fn redacted_json(&self) -> Value {
        let user = |u: &User| {
            let mut v = json!({
                "id": u.id,
                "username": u.username,
                "email": u.email,
                "name": u.name,
                "role": u.role.as_str(),
                "status": u.status,
                "hasPassword": u.password.is_some(),
            });
            if let Some(agent) = u.agent {
                v["agent"] = json!(agent);
            }
            if u.role == Role::Operator {
                v["authKeys"] = json!(u.auth_keys.len());
            }
            v
        };
        let operators: Vec<Value> = self
            .users
            .values()
            .filter(|u| u.role == Role::Operator)
            .map(user)
            .collect();
        let publishers: Vec<Value> = self
            .users
            .values()
            .filter(|u| u.role == Role::Publisher)
            .map(user)
            .collect();
        let packages: Vec<Value> = self
            .packages
            .values()
            .map(|p| {
                json!({
                    "id": p.id,
                    "operator": p.owner,
                    "name": p.name,
                    "type": p.kind,
                    "bandwidthLimit": p.bandwidth_limit,
                    "diskSpaceLimit": p.disk_space_limit,
                    "speedLimit": p.speed_limit,
                    "resourceLimit": p.resource_limit,
                    "dedicatedBandwidth": p.dedicated_bandwidth,
                    "streamingAllowed": p.streaming_allowed,
                    "sslEnabled": p.ssl_enabled,
                    "servingAllLocations": p.serving_all_locations,
                    "canHaveHttpPull": p.can_have_http_pull,
                    "canHaveHttpPush": p.can_have_http_push,
                    "canHaveLive": p.can_have_live,
                    "canHaveVod": p.can_have_vod,
                })
            })
            .collect();
        let links: Vec<Value> = self
            .links
            .values()
            .map(|l| {
                json!({
                    "publisher": l.publisher,
                    "operator": l.operator,
                    "status": l.status.as_str(),
                    "package": l.package,
                })
            })
            .collect();
        let themes: Vec<Value> = self
            .themes
            .iter()
            .map(|(op, t)| json!({"operator": op, "portalUrl": t.portal_url, "portalName": t.portal_name}))
            .collect();
        json!({
            "operators": operators,
            "publishers": publishers,
            "packages": packages,
            "links": links,
            "themes": themes,
        })
    }

    /// The state-file form (secrets included).
    pub fn to_file_bytes(&self) -> serde_json::Result<Vec<u8>> {
        let persisted = Persisted {
            format: 1,
            next_user_id: self.next_user_id,
            next_package_id: self.next_package_id,
            users: self.users.values().cloned().collect(),
            packages: self.packages.values().cloned().collect(),
            links: self.links.values().cloned().collect(),
            themes: self.themes.clone(),
        };
        serde_json::to_vec(&persisted)
    }

    /// Reads the state-file form back, rebuilding the indexes.
    pub fn from_file_bytes(bytes: &[u8]) -> Result<State, String> {
        let p: Persisted = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if p.format != 1 {
            return Err(format!("unsupported state file format {}", p.format));
        }
        let mut state = State {
            next_user_id: p.next_user_id.max(1),
            next_package_id: p.next_package_id.max(1),
            themes: p.themes,
            ..State::default()
        };
        for user in p.users {
            state.next_user_id = state.next_user_id.max(user.id + 1);
            state.index_user(&user);
            state.users.insert(user.id, user);
        }
        for package in p.packages {
            state.next_package_id = state.next_package_id.max(package.id + 1);
            state.packages.insert(package.id, package);
        }
        for link in p.links {
            state.links.insert((link.publisher, link.operator), link);
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops() -> Vec<(String, String)> {
        vec![("acme".into(), "k1".into()), ("beta".into(), "k2".into())]
    }

    #[test]
    fn command_line_operators_get_ids_in_order() {
        let state = State::with_operators(&ops());
        assert_eq!(state.user_id_by_username("ACME"), Some(1));
        assert_eq!(
            state.user(2).map(|u| u.email.as_str()),
            Some("beta@operators.sandbox.test")
        );
    }

    #[test]
    fn seeded_publishers_are_consecutive_and_linked() {
        let mut state = State::with_operators(&ops());
        let (ids, pkg) = state
            .seed_publishers("beta", 3, "gold", "pub", LinkStatus::Active)
            .unwrap();
        assert_eq!(ids, vec![3, 4, 5]);
        assert_eq!(state.user(4).unwrap().username, "pub2/2");
        assert_eq!(state.link(5, 2).unwrap().package, pkg);
        let again = state.seed_publishers("beta", 1, "gold", "pub", LinkStatus::Active);
        assert!(again.is_err());
    }

    #[test]
    fn the_file_form_round_trips_with_indexes() {
        let mut state = State::with_operators(&ops());
        state
            .seed_publishers("acme", 2, "p", "x", LinkStatus::Suspended)
            .unwrap();
        state.set_user_email(3, "New@Example.com");
        let back = State::from_file_bytes(&state.to_file_bytes().unwrap()).unwrap();
        assert_eq!(back.user_ids_by_email("new@example.com"), &[3]);
        assert_eq!(back.user_id_by_username("X2/1"), Some(4));
        assert_eq!(back.link(4, 1).unwrap().status, LinkStatus::Suspended);
        assert_eq!(back.redacted_json(), state.redacted_json());
    }

    #[test]
    fn the_state_view_hides_secrets() {
        let mut state = State::with_operators(&ops());
        state.user_mut(1).unwrap().password = Some("hunter22".into());
        let text = state.redacted_json().to_string();
        assert!(!text.contains("hunter22"));
        assert!(!text.contains("\"k1\""));
        assert!(text.contains("\"hasPassword\":true"));
    }
}
