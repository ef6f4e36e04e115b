//! Entities as the API shows them, and the `.get` queries over the state.
//!
//! For each entity this module gives its filter schema (which paths exist and how they
//! compare), a field reader for the filter, the wire struct (nested entities whole, no
//! password, docs/AFLEXI-API.md#user-get, #publisher-link-get, #bandwidth-package) and the query itself: visibility, filter, order by id
//! (links by publisher id, then operator id), paging and projection.
//!
//! A filter that requires `id` (users, packages), `username` (users), or `publisher`,
//! `publisher.id` or `publisher.username` (links) is answered from an index; any other filter
//! scans in order and stops as soon as the page is full.

use serde_json::{json, Map, Value};

use crate::filter::{FieldKind, Filter, Options, Scalar};
use crate::state::{Link, Package, State, User};

fn split(path: &str) -> (&str, Option<&str>) {
    match path.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (path, None),
    }
}

// ---- users --------------------------------------------------------------------------------

/// The filter schema of a user, nested paths through `agent`.
pub fn user_kind(path: &str) -> Option<FieldKind> {
    match split(path) {
        ("id", None) | ("agent", None) => Some(FieldKind::Id),
        ("username", None) | ("email", None) => Some(FieldKind::TextNoCase),
        ("name", None) | ("role", None) | ("status", None) => Some(FieldKind::Text),
        ("agent", Some(rest)) => user_kind(rest),
        _ => None,
    }
}

/// Reads a user field by path.
pub fn user_field<'a>(state: &'a State, user: &'a User, path: &str) -> Scalar<'a> {
    match split(path) {
        ("id", None) => Scalar::Int(user.id),
        ("username", None) => Scalar::Text(&user.username),
        ("email", None) => Scalar::Text(&user.email),
        ("name", None) => Scalar::Text(&user.name),
        ("role", None) => Scalar::Text(user.role.as_str()),
        ("status", None) => Scalar::Text(&user.status),
        ("agent", None) => user.agent.map_or(Scalar::Missing, Scalar::Int),
        ("agent", Some(rest)) => match user.agent.and_then(|a| state.user(a)) {
            Some(agent) => user_field(state, agent, rest),
            None => Scalar::Missing,
        },
        _ => Scalar::Missing,
    }
}

/// The wire struct of a user: `id, username, email, name, role, status` and, for a
/// publisher, `agent` as a nested user (whose own agent is reduced to `{id}`).
pub fn user_value(state: &State, user: &User) -> Value {
    let mut v = user_value_flat(user);
    if let Some(agent) = user.agent {
        let nested = match state.user(agent) {
            Some(a) => {
                let mut nested = user_value_flat(a);
                if let (Some(grand), Value::Object(map)) = (a.agent, &mut nested) {
                    map.insert("agent".into(), json!({ "id": grand }));
                }
                nested
            }
            None => json!({ "id": agent }),
        };
        if let Value::Object(map) = &mut v {
            map.insert("agent".into(), nested);
        }
    }
    v
}

fn user_value_flat(user: &User) -> Value {
    json!({
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "name": user.name,
        "role": user.role.as_str(),
        "status": user.status,
    })
}

/// Which rows a query reads: some keys from an index, or everything in order.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// Only these ids (sorted, deduplicated).
    Keys(Vec<i64>),
    /// All rows in order.
    Scan,
}

fn sorted(mut ids: Vec<i64>) -> Plan {
    ids.sort_unstable();
    ids.dedup();
    Plan::Keys(ids)
}

/// The plan of a user query.
pub fn plan_users(state: &State, filter: &Filter) -> Plan {
    if let Some(ids) = filter.required(&["id"]).and_then(|c| c.int_values()) {
        return sorted(ids);
    }
    if let Some(c) = filter.required(&["username"]) {
        let ids = c
            .text_values()
            .into_iter()
            .filter_map(|name| state.user_id_by_username(name))
            .collect();
        return sorted(ids);
    }
    Plan::Scan
}

/// `user.get`: the users for which `visible` holds and the filter matches, paged and
/// projected.
pub fn users(
    state: &State,
    filter: &Filter,
    options: &Options,
    visible: impl Fn(&User) -> bool,
) -> Vec<Value> {
    let keep = |u: &&User| visible(u) && filter.matches(|p| user_field(state, u, p));
    let rows: Vec<&User> = match plan_users(state, filter) {
        Plan::Keys(ids) => options
            .page(ids.iter().filter_map(|id| state.user(*id)).filter(keep))
            .collect(),
        Plan::Scan => options.page(state.users().values().filter(keep)).collect(),
    };
    rows.into_iter()
        .map(|u| options.project(user_value(state, u)))
        .collect()
}

// ---- packages -----------------------------------------------------------------------------

/// The filter schema of a package, nested paths through `user` (the owner).
pub fn package_kind(path: &str) -> Option<FieldKind> {
    match split(path) {
        ("id", None) | ("user", None) => Some(FieldKind::Id),
        ("name", None) | ("type", None) => Some(FieldKind::Text),
        ("bandwidthLimit" | "diskSpaceLimit" | "speedLimit" | "resourceLimit", None) => {
            Some(FieldKind::Int)
        }
        (flag, None) if package_flag(flag).is_some() => Some(FieldKind::Bool),
        ("user", Some(rest)) => user_kind(rest),
        _ => None,
    }
}

fn package_flag(name: &str) -> Option<fn(&Package) -> bool> {
    Some(match name {
        "dedicatedBandwidth" => |p| p.dedicated_bandwidth,
        "streamingAllowed" => |p| p.streaming_allowed,
        "sslEnabled" => |p| p.ssl_enabled,
        "servingAllLocations" => |p| p.serving_all_locations,
        "canHaveHttpPull" => |p| p.can_have_http_pull,
        "canHaveHttpPush" => |p| p.can_have_http_push,
        "canHaveLive" => |p| p.can_have_live,
        "canHaveVod" => |p| p.can_have_vod,
        _ => return None,
    })
}

/// Reads a package field by path.
pub fn package_field<'a>(state: &'a State, package: &'a Package, path: &str) -> Scalar<'a> {
    match split(path) {
        ("id", None) => Scalar::Int(package.id),
        ("user", None) => Scalar::Int(package.owner),
        ("name", None) => Scalar::Text(&package.name),
        ("type", None) => Scalar::Text(&package.kind),
        ("bandwidthLimit", None) => Scalar::Int(package.bandwidth_limit),
        ("diskSpaceLimit", None) => Scalar::Int(package.disk_space_limit),
        ("speedLimit", None) => Scalar::Int(package.speed_limit),
        ("resourceLimit", None) => Scalar::Int(package.resource_limit),
        ("user", Some(rest)) => match state.user(package.owner) {
            Some(owner) => user_field(state, owner, rest),
            None => Scalar::Missing,
        },
        (flag, None) => match package_flag(flag) {
            Some(read) => Scalar::Bool(read(package)),
            None => Scalar::Missing,
        },
        _ => Scalar::Missing,
    }
}

/// The wire struct of a package, with `user` = the owning operator as a nested user.
pub fn package_value(state: &State, p: &Package) -> Value {
    let owner = state
        .user(p.owner)
        .map(|u| user_value(state, u))
        .unwrap_or_else(|| json!({ "id": p.owner }));
    json!({
        "id": p.id,
        "name": p.name,
        "type": p.kind,
        "user": owner,
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
}

/// The plan of a package query.
pub fn plan_packages(filter: &Filter) -> Plan {
    match filter.required(&["id"]).and_then(|c| c.int_values()) {
        Some(ids) => sorted(ids),
        None => Plan::Scan,
    }
}

/// `bandwidthPackage.get`: the packages owned by `owner` that match.
pub fn packages(state: &State, filter: &Filter, options: &Options, owner: i64) -> Vec<Value> {
    let keep =
        |p: &&Package| p.owner == owner && filter.matches(|path| package_field(state, p, path));
    let rows: Vec<&Package> = match plan_packages(filter) {
        Plan::Keys(ids) => options
            .page(ids.iter().filter_map(|id| state.package(*id)).filter(keep))
            .collect(),
        Plan::Scan => options
            .page(state.packages().values().filter(keep))
            .collect(),
    };
    rows.into_iter()
        .map(|p| options.project(package_value(state, p)))
        .collect()
}

// ---- links --------------------------------------------------------------------------------

/// The filter schema of a publisher link.
pub fn link_kind(path: &str) -> Option<FieldKind> {
    match split(path) {
        ("status", None) => Some(FieldKind::Text),
        ("publisher" | "operator" | "bandwidthPackage", None) => Some(FieldKind::Id),
        ("publisher" | "operator", Some(rest)) => user_kind(rest),
        ("bandwidthPackage", Some(rest)) => package_kind(rest),
        _ => None,
    }
}

/// Reads a link field by path.
pub fn link_field<'a>(state: &'a State, link: &'a Link, path: &str) -> Scalar<'a> {
    match split(path) {
        ("status", None) => Scalar::Text(link.status.as_str()),
        ("publisher", None) => Scalar::Int(link.publisher),
        ("operator", None) => Scalar::Int(link.operator),
        ("bandwidthPackage", None) => Scalar::Int(link.package),
        ("publisher", Some(rest)) => match state.user(link.publisher) {
            Some(u) => user_field(state, u, rest),
            None => Scalar::Missing,
        },
        ("operator", Some(rest)) => match state.user(link.operator) {
            Some(u) => user_field(state, u, rest),
            None => Scalar::Missing,
        },
        ("bandwidthPackage", Some(rest)) => match state.package(link.package) {
            Some(p) => package_field(state, p, rest),
            None => Scalar::Missing,
        },
        _ => Scalar::Missing,
    }
}

/// The wire struct of a link: `publisher`, `operator`, `status`, `bandwidthPackage`; no id
/// of its own (docs/AFLEXI-API.md#publisher-link-get).
pub fn link_value(state: &State, link: &Link) -> Value {
    let user = |id: i64| {
        state
            .user(id)
            .map(|u| user_value(state, u))
            .unwrap_or_else(|| json!({ "id": id }))
    };
    let package = state
        .package(link.package)
        .map(|p| package_value(state, p))
        .unwrap_or_else(|| json!({ "id": link.package }));
    let mut map = Map::new();
    map.insert("publisher".into(), user(link.publisher));
    map.insert("operator".into(), user(link.operator));
    map.insert("status".into(), json!(link.status.as_str()));
    map.insert("bandwidthPackage".into(), package);
    Value::Object(map)
}

/// The plan of a link query: publisher ids.
pub fn plan_links(state: &State, filter: &Filter) -> Plan {
    if let Some(ids) = filter
        .required(&["publisher", "publisher.id"])
        .and_then(|c| c.int_values())
    {
        return sorted(ids);
    }
    if let Some(c) = filter.required(&["publisher.username"]) {
        let ids = c
            .text_values()
            .into_iter()
            .filter_map(|name| state.user_id_by_username(name))
            .collect();
        return sorted(ids);
    }
    Plan::Scan
}

/// `publisherLink.get`: the links of which `caller` is the operator or the publisher.
pub fn links(state: &State, filter: &Filter, options: &Options, caller: i64) -> Vec<Value> {
    let keep = |l: &&Link| {
        (l.operator == caller || l.publisher == caller)
            && filter.matches(|p| link_field(state, l, p))
    };
    let rows: Vec<&Link> = match plan_links(state, filter) {
        Plan::Keys(ids) => options
            .page(
                ids.iter()
                    .flat_map(|id| state.links_of_publisher(*id))
                    .filter(keep),
            )
            .collect(),
        Plan::Scan => options.page(state.links().values().filter(keep)).collect(),
    };
    rows.into_iter()
        .map(|l| options.project(link_value(state, l)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::LinkStatus;

    fn state() -> State {
        let mut s =
            State::with_operators(&[("op".into(), "k".into()), ("other".into(), "k2".into())]);
        s.seed_publishers("op", 5, "gold", "p", LinkStatus::Active)
            .unwrap();
        s.seed_publishers("other", 2, "silver", "q", LinkStatus::Active)
            .unwrap();
        s
    }

    fn filter(v: Value, kind: fn(&str) -> Option<FieldKind>, or: bool) -> Filter {
        Filter::from_map(v.as_object().unwrap(), or, kind).unwrap()
    }

    #[test]
    fn keyed_filters_use_an_index() {
        let s = state();
        let f = filter(
            json!({"publisher.username": ["P2/1", "nobody", "p1/1"]}),
            link_kind,
            false,
        );
        assert_eq!(plan_links(&s, &f), Plan::Keys(vec![3, 4]));
        let f = filter(
            json!({"publisher": 7, "status": "ACTIVE"}),
            link_kind,
            false,
        );
        assert_eq!(plan_links(&s, &f), Plan::Keys(vec![7]));
        let f = filter(json!({"username": "p5/1"}), user_kind, false);
        assert_eq!(plan_users(&s, &f), Plan::Keys(vec![7]));
        let f = filter(json!({"id": [9, 1, 9]}), package_kind, false);
        assert_eq!(plan_packages(&f), Plan::Keys(vec![1, 9]));
    }

    #[test]
    fn other_filters_and_disjunctions_scan() {
        let s = state();
        let f = filter(json!({"operator": 1}), link_kind, false);
        assert_eq!(plan_links(&s, &f), Plan::Scan);
        let f = filter(json!({"publisher": 3, "status": "ACTIVE"}), link_kind, true);
        assert_eq!(plan_links(&s, &f), Plan::Scan);
    }

    #[test]
    fn indexed_and_scanned_answers_agree() {
        let s = state();
        let by_index = filter(json!({"publisher": [4, 8, 5]}), link_kind, false);
        let by_scan = filter(
            json!({"publisher.email": ["p2@publishers.sandbox.test", "p3@publishers.sandbox.test"]}),
            link_kind,
            false,
        );
        let o = Options::default();
        assert_eq!(links(&s, &by_index, &o, 1), links(&s, &by_scan, &o, 1));
        assert_eq!(links(&s, &by_index, &o, 1).len(), 2);
    }

    #[test]
    fn links_are_only_visible_to_their_operator_and_publisher() {
        let s = state();
        let all = Filter::new(false);
        let o = Options::default();
        assert_eq!(links(&s, &all, &o, 1).len(), 5);
        assert_eq!(links(&s, &all, &o, 2).len(), 2);
        assert_eq!(links(&s, &all, &o, 3).len(), 1);
    }

    #[test]
    fn a_publisher_shows_its_agent_nested() {
        let s = state();
        let v = user_value(&s, s.user(3).unwrap());
        assert_eq!(v["agent"]["username"], "op");
        assert!(v.get("password").is_none());
        assert!(user_value(&s, s.user(1).unwrap()).get("agent").is_none());
    }

    #[test]
    fn nested_paths_reach_into_the_package() {
        let s = state();
        let f = filter(
            json!({"bandwidthPackage.name": "silver", "bandwidthPackage.user.username": "other"}),
            link_kind,
            false,
        );
        let got = links(&s, &f, &Options::default(), 2);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0]["publisher"]["id"], 8);
    }
}
