//! The XML-RPC methods: authentication and one function per method (docs/AFLEXI-API.md#credentials, #methods).
//!
//! [`call`] is the dispatcher behind both `/core/xmlrpc` and `/stats/xmlrpc` (docs/AFLEXI-API.md#endpoints). Every
//! method except `system.listMethods` takes the login and the secret as params 1 and 2 and
//! runs as the user they resolve to (or the `?su=` target). Methods read and change the
//! [`State`] they are given; the caller holds the lock for the duration of one call.

use serde_json::{json, Map, Value};

use crate::api_fault::ApiFault;
use crate::filter::{expect_struct, Criterion, Filter, Options};
use crate::query;
use crate::state::{Link, LinkStatus, Package, Role, State, Theme, User};
use crate::stats;

/// The methods the emulator implements and whether each one changes the state.
pub const METHODS: &[(&str, bool)] = &[
    ("user.get", false),
    ("user.getByUsername", false),
    ("user.create", true),
    ("user.update", true),
    ("publisherLink.get", false),
    ("publisherLink.update", true),
    ("publisherLink.delete", true),
    ("bandwidthPackage.get", false),
    ("bandwidthPackage.create", true),
    ("bandwidthPackage.update", true),
    ("security.update", true),
    ("themability.get", false),
    ("stats.getSummaries", false),
    ("system.listMethods", false),
];

/// True for the methods that change the state.
pub fn is_mutating(method: &str) -> bool {
    METHODS
        .iter()
        .any(|(name, mutating)| *name == method && *mutating)
}

/// The minimum length of a password.
pub const MIN_PASSWORD: usize = 6;

/// Settings a method may depend on.
#[derive(Clone, Debug)]
pub struct Context {
    /// `publisherLink.delete` removes the link instead of marking it `DELETED`.
    pub hard_delete: bool,
    /// The seed of the traffic figures.
    pub seed: u64,
    /// See [`crate::Settings::refused_publishers`].
    pub refused_publishers: Vec<i64>,
}

/// Runs one method call.
pub fn call(
    state: &mut State,
    ctx: &Context,
    method: &str,
    params: &[Value],
) -> Result<Value, ApiFault> {
    if method == "system.listMethods" {
        return Ok(Value::Array(
            METHODS.iter().map(|(name, _)| json!(name)).collect(),
        ));
    }
    if !METHODS.iter().any(|(name, _)| *name == method) {
        return Err(ApiFault::new(
            crate::api_fault::UNKNOWN_METHOD,
            format!("method {method:?} does not exist"),
        ));
    }
    let caller = authenticate(state, params)?;
    let p = Params(params);
    match method {
        "user.get" => user_get(state, caller, &p),
        "user.getByUsername" => user_get_by_username(state, caller, &p),
        "user.create" => user_create(state, caller, &p),
        "user.update" => user_update(state, caller, &p),
        "publisherLink.get" => link_get(state, caller, &p),
        "publisherLink.update" => link_update(state, caller, &p),
        "publisherLink.delete" => link_delete(state, ctx, caller, &p),
        "bandwidthPackage.get" => package_get(state, caller, &p),
        "bandwidthPackage.create" => package_create(state, caller, &p),
        "bandwidthPackage.update" => package_update(state, caller, &p),
        "security.update" => security_update(state, caller, &p),
        "themability.get" => themability_get(state, caller, &p),
        "stats.getSummaries" => {
            stats::get_summaries(state, ctx.seed, &ctx.refused_publishers, caller, params)
        }
        _ => Err(ApiFault::new(
            crate::api_fault::UNKNOWN_METHOD,
            format!("method {method:?} does not exist"),
        )),
    }
}

// ---- parameters ---------------------------------------------------------------------------

struct Params<'a>(&'a [Value]);

impl<'a> Params<'a> {
    fn get(&self, index: usize, name: &str) -> Result<&'a Value, ApiFault> {
        self.0
            .get(index)
            .ok_or_else(|| ApiFault::invalid(format!("param {} ({name}) is missing", index + 1)))
    }

    fn opt(&self, index: usize) -> Option<&'a Value> {
        self.0.get(index)
    }

    fn int(&self, index: usize, name: &str) -> Result<i64, ApiFault> {
        self.get(index, name)?.as_i64().ok_or_else(|| {
            ApiFault::invalid(format!("param {} ({name}) must be an int", index + 1))
        })
    }

    fn string(&self, index: usize, name: &str) -> Result<&'a str, ApiFault> {
        self.get(index, name)?.as_str().ok_or_else(|| {
            ApiFault::invalid(format!("param {} ({name}) must be a string", index + 1))
        })
    }

    fn strukt(&self, index: usize, name: &str) -> Result<&'a Map<String, Value>, ApiFault> {
        expect_struct(
            self.get(index, name)?,
            &format!("param {} ({name})", index + 1),
        )
    }
}

/// A text member that PHP may have sent as an int (numeric strings become ints, docs/AFLEXI-API.md#wire-format).
fn text_member(map: &Map<String, Value>, key: &str) -> Result<Option<String>, ApiFault> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(Some(n.to_string())),
        Some(_) => Err(ApiFault::invalid(format!("{key} must be a string"))),
    }
}

fn int_member(map: &Map<String, Value>, key: &str) -> Result<Option<i64>, ApiFault> {
    match map.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| ApiFault::invalid(format!("{key} must be an int"))),
    }
}

fn bool_member(map: &Map<String, Value>, key: &str) -> Result<Option<bool>, ApiFault> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(v) if v.as_i64() == Some(0) => Ok(Some(false)),
        Some(v) if v.as_i64() == Some(1) => Ok(Some(true)),
        Some(_) => Err(ApiFault::invalid(format!("{key} must be a boolean"))),
    }
}

/// `{id: int}`, the form of every entity reference in a struct.
fn ref_id(value: &Value, what: &str) -> Result<i64, ApiFault> {
    expect_struct(value, what)?
        .get("id")
        .and_then(Value::as_i64)
        .ok_or_else(|| ApiFault::invalid(format!("{what} must be a struct with an int id")))
}

fn check_email(email: &str) -> Result<(), ApiFault> {
    match email.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !domain.contains('@') =>
        {
            Ok(())
        }
        _ => Err(ApiFault::invalid("email must contain exactly one @")),
    }
}

fn check_password(password: &str) -> Result<(), ApiFault> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(ApiFault::invalid(format!(
            "password must be at least {MIN_PASSWORD} characters"
        )));
    }
    Ok(())
}

// ---- authentication -----------------------------------------------------------------------

/// The users a login may name: by username, by `email/agentId`, by email (docs/AFLEXI-API.md#credentials).
pub fn login_candidates(state: &State, login: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    if let Some(id) = state.user_id_by_username(login) {
        ids.push(id);
    }
    if let Some((email, agent)) = login.rsplit_once('/') {
        if let Ok(agent) = agent.parse::<i64>() {
            ids.extend(
                state
                    .user_ids_by_email(email)
                    .iter()
                    .filter(|id| state.user(**id).is_some_and(|u| u.agent == Some(agent))),
            );
        }
    }
    ids.extend(state.user_ids_by_email(login));
    let mut seen = Vec::with_capacity(ids.len());
    for id in ids {
        if !seen.contains(&id) {
            seen.push(id);
        }
    }
    seen
}

fn secret_matches(user: &User, secret: &str) -> bool {
    !secret.is_empty()
        && (user.auth_keys.iter().any(|k| k == secret) || user.password.as_deref() == Some(secret))
}

/// Resolves params 1 and 2 to the user the call runs as (docs/AFLEXI-API.md#credentials, #impersonation). The first candidate of the
/// login whose auth key or password equals the secret is the caller; with
/// `?su=<username>`, the call runs as that publisher if its agent is the caller.
pub fn authenticate(state: &State, params: &[Value]) -> Result<i64, ApiFault> {
    let p = Params(params);
    let login = p.string(0, "login")?;
    let secret = p.string(1, "secret")?;
    let (base, su) = match login.split_once("?su=") {
        Some((base, target)) => (base, Some(target)),
        None => (login, None),
    };
    let caller = login_candidates(state, base)
        .into_iter()
        .find(|id| state.user(*id).is_some_and(|u| secret_matches(u, secret)))
        .ok_or_else(ApiFault::unauthorized)?;
    match su {
        None => Ok(caller),
        Some(target) => state
            .user_id_by_username(target)
            .filter(|id| state.user(*id).is_some_and(|u| u.agent == Some(caller)))
            .ok_or_else(ApiFault::unauthorized),
    }
}

fn role(state: &State, id: i64) -> Option<Role> {
    state.user(id).map(|u| u.role)
}

fn require_operator(state: &State, caller: i64) -> Result<(), ApiFault> {
    match role(state, caller) {
        Some(Role::Operator) => Ok(()),
        _ => Err(ApiFault::forbidden("only an operator may do this")),
    }
}

/// True when `caller` is the user or its agent.
fn manages(state: &State, caller: i64, user: i64) -> bool {
    user == caller || state.user(user).is_some_and(|u| u.agent == Some(caller))
}

// ---- user.* -------------------------------------------------------------------------------

fn user_get(state: &State, caller: i64, p: &Params) -> Result<Value, ApiFault> {
    let map = p.strukt(2, "filter")?;
    let options = Options::parse(p.opt(3))?;
    let mut filter = Filter::new(options.disjunction);
    for (key, value) in map {
        if key == "self" {
            match value {
                Value::Bool(true) => filter.push(Criterion::ids("id", &[caller])),
                Value::Bool(false) => {}
                _ => return Err(ApiFault::invalid("filter \"self\" must be a boolean")),
            }
        } else if let Some(kind) = query::user_kind(key) {
            filter.push(Criterion::new(key, kind, value)?);
        }
    }
    let results = query::users(state, &filter, &options, |u| {
        u.id == caller || u.agent == Some(caller)
    });
    Ok(json!({ "results": results }))
}

fn user_get_by_username(state: &State, caller: i64, p: &Params) -> Result<Value, ApiFault> {
    let username = match p.get(2, "username")? {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return Err(ApiFault::invalid("param 3 (username) must be a string")),
    };
    state
        .user_id_by_username(&username)
        .filter(|id| manages(state, caller, *id))
        .and_then(|id| state.user(id))
        .map(|u| query::user_value(state, u))
        .ok_or_else(|| ApiFault::not_found(format!("user {username:?} not found")))
}

fn user_create(state: &mut State, caller: i64, p: &Params) -> Result<Value, ApiFault> {
    require_operator(state, caller)?;
    let user = p.strukt(2, "user")?;
    let package_id = ref_id(
        p.get(3, "bandwidthPackageRef")?,
        "param 4 (bandwidthPackageRef)",
    )?;
    if let Some(role) = user.get("role") {
        if role.as_str() != Some("PUBLISHER") {
            return Err(ApiFault::invalid("role must be \"PUBLISHER\""));
        }
    }
    let username = text_member(user, "username")?
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| ApiFault::invalid("username is required"))?;
    let suffix = format!("/{caller}");
    let username = if username.ends_with(&suffix) {
        username
    } else {
        format!("{username}{suffix}")
    };
    let email =
        text_member(user, "email")?.ok_or_else(|| ApiFault::invalid("email is required"))?;
    check_email(&email)?;
    let name = text_member(user, "name")?.unwrap_or_default();
    let password = match user.get("password") {
        None => None,
        Some(Value::String(s)) => {
            check_password(s)?;
            Some(s.clone())
        }
        Some(_) => return Err(ApiFault::invalid("password must be a string")),
    };
    bool_member(user, "sendEmail")?;
    bool_member(user, "includePassword")?;
    if state.user_id_by_username(&username).is_some() {
        return Err(ApiFault::duplicate(format!(
            "username {username:?} already exists"
        )));
    }
    if state
        .package(package_id)
        .is_none_or(|pkg| pkg.owner != caller)
    {
        return Err(ApiFault::not_found(format!(
            "bandwidth package {package_id} not found"
        )));
    }
    let id = state.insert_user(User {
        id: 0,
        username,
        email,
        name,
        role: Role::Publisher,
        status: "ACTIVE".to_string(),
        agent: Some(caller),
        password,
        auth_keys: Vec::new(),
    });
    state.insert_link(Link {
        publisher: id,
        operator: caller,
        status: LinkStatus::Active,
        package: package_id,
    });
    Ok(json!(id))
}

fn user_update(state: &mut State, caller: i64, p: &Params) -> Result<Value, ApiFault> {
    let id = p.int(2, "id")?;
    let fields = p.strukt(3, "user")?;
    if state.user(id).is_none() {
        return Err(ApiFault::not_found(format!("user {id} not found")));
    }
    if !manages(state, caller, id) {
        return Err(ApiFault::forbidden(format!("user {id} is not yours")));
    }
    let email = text_member(fields, "email")?;
    if let Some(email) = &email {
        check_email(email)?;
    }
    let name = text_member(fields, "name")?;
    let status = match fields.get("status") {
        None => None,
        Some(Value::String(s)) if s == "ACTIVE" || s == "SUSPENDED" => Some(s.clone()),
        Some(_) => {
            return Err(ApiFault::invalid(
                "status must be \"ACTIVE\" or \"SUSPENDED\"",
            ))
        }
    };
    if let Some(email) = email {
        state.set_user_email(id, &email);
    }
    if let Some(user) = state.user_mut(id) {
        if let Some(name) = name {
            user.name = name;
        }
        if let Some(status) = status {
            user.status = status;
        }
    }
    Ok(json!(true))
}

// ---- publisherLink.* ----------------------------------------------------------------------

fn link_get(state: &State, caller: i64, p: &Params) -> Result<Value, ApiFault> {
    let map = p.strukt(2, "filter")?;
    let options = Options::parse(p.opt(3))?;
    let filter = Filter::from_map(map, options.disjunction, query::link_kind)?;
    Ok(json!({ "results": query::links(state, &filter, &options, caller) }))
}

/// Parses `"<publisherId>,<operatorId>"`.
fn link_id(p: &Params) -> Result<(i64, i64), ApiFault> {
    let bad =
        || ApiFault::invalid("param 3 (link id) must be a string \"<publisherId>,<operatorId>\"");
    let text = p.string(2, "link id").map_err(|_| bad())?;
    let (publisher, operator) = text.split_once(',').ok_or_else(bad)?;
    let publisher = publisher.trim().parse::<i64>().map_err(|_| bad())?;
    let operator = operator.trim().parse::<i64>().map_err(|_| bad())?;
    Ok((publisher, operator))
}

fn link_update(state: &mut State, caller: i64, p: &Params) -> Result<Value, ApiFault> {
    let (publisher, operator) = link_id(p)?;
    let changes = p.strukt(3, "link")?;
    if operator != caller {
        return Err(ApiFault::forbidden(format!(
            "link {publisher},{operator} belongs to another operator"
        )));
    }
    let status = match changes.get("status") {
        None => None,
        Some(v) => Some(
            v.as_str()
                .and_then(LinkStatus::parse)
                .ok_or_else(|| ApiFault::invalid("status must be ACTIVE, SUSPENDED or DELETED"))?,
        ),
    };
    let package = match changes.get("bandwidthPackage") {
        None => None,
        Some(v) => {
            let id = ref_id(v, "bandwidthPackage")?;
            if state.package(id).is_none_or(|pkg| pkg.owner != operator) {
                return Err(ApiFault::not_found(format!(
                    "bandwidth package {id} not found"
                )));
            }
            Some(id)
        }
    };
    if state.link(publisher, operator).is_some() {
        if let Some(link) = state.link_mut(publisher, operator) {
            if let Some(status) = status {
                link.status = status;
            }
            if let Some(package) = package {
                link.package = package;
            }
        }
        return Ok(json!(true));
    }
    // No link, but the caller's own publisher: re-create it (after a hard delete).
    if state
        .user(publisher)
        .is_some_and(|u| u.agent == Some(caller))
    {
        let package = package.ok_or_else(|| {
            ApiFault::invalid("bandwidthPackage is required to re-create a deleted link")
        })?;
        state.insert_link(Link {
            publisher,
            operator,
            status: status.unwrap_or(LinkStatus::Active),
            package,
        });
        return Ok(json!(true));
    }
    Err(ApiFault::not_found(format!(
        "publisher link {publisher},{operator} not found"
    )))
}

fn link_delete(
    state: &mut State,
    ctx: &Context,
    caller: i64,
    p: &Params,
) -> Result<Value, ApiFault> {
    let (publisher, operator) = link_id(p)?;
    if operator != caller {
        return Err(ApiFault::forbidden(format!(
            "link {publisher},{operator} belongs to another operator"
        )));
    }
    if state.link(publisher, operator).is_none() {
        return Err(ApiFault::not_found(format!(
            "publisher link {publisher},{operator} not found"
        )));
    }
    if ctx.hard_delete {
        state.remove_link(publisher, operator);
    } else if let Some(link) = state.link_mut(publisher, operator) {
        link.status = LinkStatus::Deleted;
    }
    Ok(json!(true))
}

// ---- bandwidthPackage.* -------------------------------------------------------------------

fn package_get(state: &State, caller: i64, p: &Params) -> Result<Value, ApiFault> {
    let map = p.strukt(2, "filter")?;
    let options = Options::parse(p.opt(3))?;
    let mut filter = Filter::new(options.disjunction);
    for (key, value) in map {
        if key == "user" {
            let refs: Vec<&Value> = match value {
                Value::Array(items) => items.iter().collect(),
                single => vec![single],
            };
            let mut ids = Vec::new();
            for r in refs {
                let id = match r {
                    Value::String(login) => login_candidates(state, login)
                        .into_iter()
                        .find(|id| *id == caller)
                        .or_else(|| state.user_id_by_username(login)),
                    v => Some(v.as_i64().ok_or_else(|| {
                        ApiFault::invalid("filter \"user\" must be a login string or an int id")
                    })?),
                };
                if id != Some(caller) {
                    return Err(ApiFault::forbidden(
                        "only the caller's own packages can be listed",
                    ));
                }
                ids.push(caller);
            }
            filter.push(Criterion::ids("user", &ids));
        } else if let Some(kind) = query::package_kind(key) {
            filter.push(Criterion::new(key, kind, value)?);
        }
    }
    Ok(json!({ "results": query::packages(state, &filter, &options, caller) }))
}

/// Applies the members of a package struct (create or update) to `pkg`.
fn apply_package_fields(pkg: &mut Package, fields: &Map<String, Value>) -> Result<(), ApiFault> {
    if let Some(kind) = fields.get("type") {
        if kind.as_str() != Some("PUBLISHER_LINK") {
            return Err(ApiFault::invalid("type must be \"PUBLISHER_LINK\""));
        }
    }
    if let Some(name) = text_member(fields, "name")? {
        if name.trim().is_empty() {
            return Err(ApiFault::invalid("name must not be empty"));
        }
        pkg.name = name;
    }
    let ints: [(&str, &mut i64); 4] = [
        ("bandwidthLimit", &mut pkg.bandwidth_limit),
        ("diskSpaceLimit", &mut pkg.disk_space_limit),
        ("speedLimit", &mut pkg.speed_limit),
        ("resourceLimit", &mut pkg.resource_limit),
    ];
    for (key, slot) in ints {
        if let Some(v) = int_member(fields, key)? {
            *slot = v;
        }
    }
    let flags: [(&str, &mut bool); 8] = [
        ("dedicatedBandwidth", &mut pkg.dedicated_bandwidth),
        ("streamingAllowed", &mut pkg.streaming_allowed),
        ("sslEnabled", &mut pkg.ssl_enabled),
        ("servingAllLocations", &mut pkg.serving_all_locations),
        ("canHaveHttpPull", &mut pkg.can_have_http_pull),
        ("canHaveHttpPush", &mut pkg.can_have_http_push),
        ("canHaveLive", &mut pkg.can_have_live),
        ("canHaveVod", &mut pkg.can_have_vod),
    ];
    for (key, slot) in flags {
        if let Some(v) = bool_member(fields, key)? {
            *slot = v;
        }
    }
    Ok(())
}

fn check_package_owner_member(fields: &Map<String, Value>, caller: i64) -> Result<(), ApiFault> {
    if let Some(user) = fields.get("user") {
        if ref_id(user, "user")? != caller {
            return Err(ApiFault::forbidden(
                "a package can only be owned by the calling operator",
            ));
        }
    }
    Ok(())
}

fn package_create(state: &mut State, caller: i64, p: &Params) -> Result<Value, ApiFault> {
    require_operator(state, caller)?;
    let fields = p.strukt(2, "bandwidthPackage")?;
    if text_member(fields, "name")?.is_none() {
        return Err(ApiFault::invalid("name is required"));
    }
    check_package_owner_member(fields, caller)?;
    let mut pkg = Package::with_defaults(0, caller, String::new());
    apply_package_fields(&mut pkg, fields)?;
    if state.package_by_name(caller, &pkg.name).is_some() {
        return Err(ApiFault::duplicate(format!(
            "bandwidth package {:?} already exists",
            pkg.name
        )));
    }
    pkg.id = state.next_package_id();
    let id = pkg.id;
    state.insert_package(pkg);
    Ok(json!(id))
}

fn package_update(state: &mut State, caller: i64, p: &Params) -> Result<Value, ApiFault> {
    let id = p.int(2, "id")?;
    let fields = p.strukt(3, "bandwidthPackage")?;
    let mut pkg = match state.package(id) {
        None => {
            return Err(ApiFault::not_found(format!(
                "bandwidth package {id} not found"
            )))
        }
        Some(pkg) if pkg.owner != caller => {
            return Err(ApiFault::forbidden(format!(
                "bandwidth package {id} belongs to another operator"
            )))
        }
        Some(pkg) => pkg.clone(),
    };
    check_package_owner_member(fields, caller)?;
    apply_package_fields(&mut pkg, fields)?;
    if state
        .package_by_name(caller, &pkg.name)
        .is_some_and(|other| other.id != id)
    {
        return Err(ApiFault::duplicate(format!(
            "bandwidth package {:?} already exists",
            pkg.name
        )));
    }
    if let Some(slot) = state.package_mut(id) {
        *slot = pkg;
    }
    Ok(json!(true))
}

// ---- security.update, themability.get -----------------------------------------------------

fn security_update(state: &mut State, caller: i64, p: &Params) -> Result<Value, ApiFault> {
    let id = p.int(2, "userId")?;
    let old = p.string(3, "oldPassword")?;
    let new = p.string(4, "newPassword")?;
    let Some(user) = state.user(id) else {
        return Err(ApiFault::not_found(format!("user {id} not found")));
    };
    let current = user.password.as_deref().unwrap_or("");
    let allowed = if id == caller {
        old == current
    } else if user.agent == Some(caller) {
        old.is_empty() || old == current
    } else {
        return Err(ApiFault::forbidden(format!("user {id} is not yours")));
    };
    if !allowed {
        return Err(ApiFault::forbidden("the old password does not match"));
    }
    check_password(new)?;
    if let Some(user) = state.user_mut(id) {
        user.password = Some(new.to_string());
    }
    Ok(json!(true))
}

fn themability_get(state: &State, caller: i64, p: &Params) -> Result<Value, ApiFault> {
    let options = Options::parse(p.opt(3))?;
    let filter = match p.opt(2) {
        Some(v) => expect_struct(v, "param 3 (filter)")?.clone(),
        None => Map::new(),
    };
    let own = match state.user(caller) {
        Some(u) if u.role == Role::Publisher => u.agent.unwrap_or(caller),
        _ => caller,
    };
    let operator = match filter.get("operator") {
        None => own,
        Some(v) => v
            .as_i64()
            .ok_or_else(|| ApiFault::invalid("filter \"operator\" must be an int"))?,
    };
    if role(state, operator) != Some(Role::Operator) {
        return Err(ApiFault::not_found(format!(
            "operator {operator} not found"
        )));
    }
    if operator != own {
        return Err(ApiFault::forbidden(
            "only your own operator's theme can be read",
        ));
    }
    let Theme {
        portal_url,
        portal_name,
    } = state.theme(operator);
    let theme = json!({
        "portalUrl": portal_url,
        "portalName": portal_name,
        "operator": { "id": operator },
    });
    let results: Vec<Value> = options
        .page(std::iter::once(theme))
        .map(|t| options.project(t))
        .collect();
    Ok(json!({ "results": results }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> State {
        let mut s =
            State::with_operators(&[("op".into(), "key".into()), ("rival".into(), "rk".into())]);
        s.seed_publishers("op", 2, "gold", "p", LinkStatus::Active)
            .unwrap();
        s
    }

    fn run(s: &mut State, method: &str, params: Value) -> Result<Value, ApiFault> {
        let ctx = Context {
            hard_delete: false,
            refused_publishers: Vec::new(),
            seed: 1,
        };
        call(s, &ctx, method, params.as_array().unwrap())
    }

    #[test]
    fn a_wrong_secret_is_401_and_the_message_has_no_secret() {
        let mut s = setup();
        let err = run(&mut s, "user.get", json!(["op", "sesame", {"self": true}])).unwrap_err();
        assert_eq!(err.code, 401);
        assert!(!err.message.contains("sesame"));
    }

    #[test]
    fn non_string_credentials_are_400() {
        let mut s = setup();
        let err = run(&mut s, "user.get", json!([1, "key", {}])).unwrap_err();
        assert_eq!(err.code, 400);
    }

    #[test]
    fn su_runs_as_the_operators_own_publisher_only() {
        let mut s = setup();
        let me = run(
            &mut s,
            "user.get",
            json!(["op?su=p1/1", "key", {"self": true}]),
        )
        .unwrap();
        assert_eq!(me["results"][0]["username"], "p1/1");
        let err = run(
            &mut s,
            "user.get",
            json!(["rival?su=p1/1", "rk", {"self": true}]),
        )
        .unwrap_err();
        assert_eq!(err.code, 401);
    }

    #[test]
    fn unknown_methods_are_32601_even_without_credentials() {
        let mut s = setup();
        let err = run(&mut s, "prefs.get", json!([])).unwrap_err();
        assert_eq!(err.code, -32601);
    }

    #[test]
    fn mutating_methods_are_known() {
        assert!(is_mutating("user.create"));
        assert!(!is_mutating("user.get"));
        assert!(!is_mutating("nope"));
    }

    #[test]
    fn security_update_needs_the_old_password_for_oneself() {
        let mut s = setup();
        run(
            &mut s,
            "security.update",
            json!(["op", "key", 3, "", "secret1"]),
        )
        .unwrap();
        let err = run(
            &mut s,
            "security.update",
            json!(["p1/1", "secret1", 3, "wrong!", "secret2"]),
        )
        .unwrap_err();
        assert_eq!(err.code, 403);
        run(
            &mut s,
            "security.update",
            json!(["p1/1", "secret1", 3, "secret1", "secret2"]),
        )
        .unwrap();
        let err = run(
            &mut s,
            "security.update",
            json!(["op", "key", 3, "", "short"]),
        )
        .unwrap_err();
        assert_eq!(err.code, 400);
        assert!(!err.message.contains("short"));
    }
}
