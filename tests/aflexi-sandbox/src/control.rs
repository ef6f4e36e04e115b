//! The `/_sandbox/*` test controls: JSON in, JSON out, no fault injection, no latency.
//!
//! | request | body | answer |
//! |---|---|---|
//! | `GET /_sandbox/state` | | the state, secrets redacted |
//! | `GET /_sandbox/calls` | | `{"<method>": n, ..., "total": n}` |
//! | `POST /_sandbox/reset` | | `{"reset": true}` |
//! | `POST /_sandbox/release` | | `{"released": true}`: the calls held in their latency or hang now go on (a hang then drops its connection) |
//! | `GET /_sandbox/idle[?received=N]` | | `{"received": n}` once at least N XML-RPC calls arrived since the start and none is unanswered (504 after 30 s) |
//! | `GET /_sandbox/received?at_least=N` | | `{"received": n}` once at least N XML-RPC calls arrived since the start, answered or not: a call held in its latency or a hang has arrived (504 after 30 s) |
//! | `GET /_sandbox/answered?method=M[&at_least=N]` | | `{"answered": n}` once at least N calls of M (`writes`: every mutating method) were answered since the start (504 after 30 s) |
//! | `POST /_sandbox/config` | any of `latency_ms`, `fault_rate`, `fault_kinds`, `hang_ms`, `seed`, `hard_delete`, `refused_publishers` | the whole config |
//! | `POST /_sandbox/seed-publishers` | `{"operator", "count", "package", "prefix", "status"}` | `{"first", "last", "count", "package"}` |
//! | `POST /_sandbox/theme` | `{"operator", "portalUrl", "portalName"}` | the theme |
//! | `POST /_sandbox/operators` | `{"username", "authKey"}` | `{"id"}` |
//! | `GET /_sandbox/usage?year=Y&month=M&publisher=ID[,ID...]` | | `{"year", "month", "mb": {"<id>": n}}` |
//!
//! Errors are `{"error": "..."}` with status 400 (bad body), 404 (unknown operator) or 409
//! (taken username).

use serde_json::{json, Map, Value};

use crate::faults::FaultKind;
use crate::state::{LinkStatus, Role, Theme};
use crate::stats::{format_day, parse_day, usage_mb, DATA_EPOCH};
use crate::Shared;

/// An HTTP status and a JSON body.
pub type Answer = (u16, Value);

fn error(status: u16, message: impl Into<String>) -> Answer {
    (status, json!({ "error": message.into() }))
}

fn object(body: &[u8]) -> Result<Map<String, Value>, Answer> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(error(400, "the body must be a JSON object")),
        Err(e) => Err(error(400, format!("the body is not JSON: {e}"))),
    }
}

fn string<'a>(map: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, Answer> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(error(400, format!("{key} must be a string"))),
    }
}

fn operator_id(shared: &Shared, username: &str) -> Result<i64, Answer> {
    let state = shared.state();
    state
        .user_id_by_username(username)
        .filter(|id| state.user(*id).is_some_and(|u| u.role == Role::Operator))
        .ok_or_else(|| error(404, format!("no operator named {username:?}")))
}

/// `GET /_sandbox/state`.
pub fn state(shared: &Shared) -> Answer {
    (200, shared.state().redacted_json())
}

/// `GET /_sandbox/calls`.
pub fn calls(shared: &Shared) -> Answer {
    (200, json!(shared.calls()))
}

/// `GET /_sandbox/usage?year=Y&month=M&publisher=ID[,ID...]`: for each publisher, the MB
/// that `stats.getSummaries` reports for that whole calendar month with the current seed,
/// HTTP and RTMP added (days before the data epoch count 0). Read-only: lets a test outside
/// Rust know the exact figure a monthly usage reader must find.
pub fn usage(shared: &Shared, query: &str) -> Answer {
    let mut year = None;
    let mut month = None;
    let mut ids = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = value.replace("%2C", ",").replace("%2c", ",");
        match key {
            "year" => {
                year = value
                    .parse::<i64>()
                    .ok()
                    .filter(|y| (1970..=9999).contains(y))
            }
            "month" => month = value.parse::<i64>().ok().filter(|m| (1..=12).contains(m)),
            "publisher" => {
                for id in value.split(',') {
                    match id.trim().parse::<i64>() {
                        Ok(id) => ids.push(id),
                        Err(_) => return error(400, format!("publisher {id:?} is not an integer")),
                    }
                }
            }
            other => return error(400, format!("unknown parameter {other:?}")),
        }
    }
    let (Some(year), Some(month)) = (year, month) else {
        return error(400, "year (1970-9999) and month (1-12) are required");
    };
    if ids.is_empty() {
        return error(
            400,
            "publisher (one id or a comma-separated list) is required",
        );
    }
    let first = parse_day(&format!("{year:04}{month:02}01")).unwrap_or(0);
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let next = parse_day(&format!("{next_year:04}{next_month:02}01")).unwrap_or(first);
    let start = first.max(parse_day(DATA_EPOCH).unwrap_or(0));
    let seed = shared.settings().seed;
    let mut mb = Map::new();
    for id in ids {
        let mut total = 0i64;
        for day in start..next {
            let name = format_day(day);
            for kind in ["HTTP", "RTMP"] {
                total += usage_mb(seed, id, &name, kind)[2];
            }
        }
        mb.insert(id.to_string(), json!(total));
    }
    (200, json!({"year": year, "month": month, "mb": mb}))
}

/// How long `GET /_sandbox/idle` waits before answering 504, so that a call stuck in a hang
/// cannot block a test for ever.
const IDLE_WAIT_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The parameters of a waiting control: `key=value` pairs, each key at most once.
fn query_pairs(query: &str, known: &[&str]) -> Result<Map<String, Value>, Answer> {
    let mut pairs = Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if !known.contains(&key) || pairs.contains_key(key) {
            return Err(error(400, format!("unknown or repeated parameter {key}")));
        }
        pairs.insert(key.to_string(), Value::String(value.to_string()));
    }
    Ok(pairs)
}

fn count_param(pairs: &Map<String, Value>, key: &str) -> Result<u64, Answer> {
    match pairs.get(key).and_then(Value::as_str) {
        None => Ok(0),
        Some(text) => text
            .parse()
            .map_err(|_| error(400, format!("{key} must be a count, not {text:?}"))),
    }
}

/// Waits for `wait`, at most [`IDLE_WAIT_LIMIT`].
async fn bounded(wait: impl std::future::Future<Output = u64>, key: &str, failure: &str) -> Answer {
    match tokio::time::timeout(IDLE_WAIT_LIMIT, wait).await {
        Ok(n) => (200, json!({ key: n })),
        Err(_) => error(504, failure),
    }
}

/// `GET /_sandbox/idle[?received=N]`: waits for the calls in flight (`progress::Calls::idle`).
pub async fn idle(shared: &Shared, query: &str) -> Answer {
    let received = match query_pairs(query, &["received"]).and_then(|p| count_param(&p, "received"))
    {
        Ok(n) => n,
        Err(answer) => return answer,
    };
    let wait = shared.progress().idle(received);
    bounded(
        wait,
        "received",
        "calls still unanswered, or fewer received than asked",
    )
    .await
}

/// `GET /_sandbox/received?at_least=N`: waits until N calls have arrived
/// (`progress::Calls::received`).
pub async fn received(shared: &Shared, query: &str) -> Answer {
    let at_least = match query_pairs(query, &["at_least"]).and_then(|p| count_param(&p, "at_least"))
    {
        Ok(n) => n,
        Err(answer) => return answer,
    };
    let wait = shared.progress().received(at_least);
    bounded(wait, "received", "fewer calls received than asked").await
}

/// `GET /_sandbox/answered?method=M[&at_least=N]`: waits until N calls of M (`writes`: of
/// every mutating method) have been answered (`progress::Calls::answered`).
pub async fn answered(shared: &Shared, query: &str) -> Answer {
    let (method, at_least) = match query_pairs(query, &["method", "at_least"]).and_then(|p| {
        let method = p
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if method.is_empty() {
            return Err(error(400, "method is required (a method name, or writes)"));
        }
        Ok((method, count_param(&p, "at_least")?))
    }) {
        Ok(both) => both,
        Err(answer) => return answer,
    };
    let wait = shared.progress().answered(&method, at_least);
    bounded(wait, "answered", "fewer calls answered than asked").await
}

/// `POST /_sandbox/release`.
pub fn release(shared: &Shared) -> Answer {
    shared.progress().release();
    (200, json!({ "released": true }))
}

/// `POST /_sandbox/reset`.
pub fn reset(shared: &Shared) -> Answer {
    shared.reset();
    (200, json!({ "reset": true }))
}

/// `POST /_sandbox/config`: validates everything before changing anything.
pub fn config(shared: &Shared, body: &[u8]) -> Answer {
    let map = match object(body) {
        Ok(map) => map,
        Err(answer) => return answer,
    };
    let mut next = shared.settings();
    for (key, value) in &map {
        let bad = |what: &str| error(400, format!("{key} must be {what}"));
        match key.as_str() {
            "latency_ms" => match value.as_u64() {
                Some(v) => next.latency_ms = v,
                None => return bad("a non-negative integer"),
            },
            "hang_ms" => match value.as_u64() {
                Some(v) => next.hang_ms = v,
                None => return bad("a non-negative integer"),
            },
            "seed" => match value.as_u64() {
                Some(v) => next.seed = v,
                None => return bad("a non-negative integer"),
            },
            "fault_rate" => match value.as_f64() {
                Some(v) if (0.0..=1.0).contains(&v) => next.fault_rate = v,
                _ => return bad("a number from 0 to 1"),
            },
            "hard_delete" => match value.as_bool() {
                Some(v) => next.hard_delete = v,
                None => return bad("a boolean"),
            },
            "refused_publishers" => match value.as_array() {
                Some(ids) if ids.iter().all(|v| v.as_i64().is_some()) => {
                    next.refused_publishers = ids.iter().filter_map(Value::as_i64).collect();
                }
                _ => return bad("an array of publisher ids"),
            },
            "fault_kinds" => {
                let parsed = match value {
                    Value::String(s) => FaultKind::parse_list(s),
                    Value::Array(items) => items
                        .iter()
                        .map(|v| {
                            v.as_str()
                                .ok_or_else(|| "fault_kinds must hold strings".to_string())
                                .and_then(str::parse)
                        })
                        .collect(),
                    _ => Err("fault_kinds must be an array or a comma-separated string".into()),
                };
                match parsed {
                    Ok(kinds) => next.fault_kinds = kinds,
                    Err(message) => return error(400, message),
                }
            }
            other => return error(400, format!("unknown config key {other:?}")),
        }
    }
    let settings = shared.update_settings(|s| *s = next);
    (200, settings.to_json())
}

/// `POST /_sandbox/seed-publishers`.
pub fn seed_publishers(shared: &Shared, body: &[u8]) -> Answer {
    let run = || -> Result<Answer, Answer> {
        let map = object(body)?;
        let operator =
            string(&map, "operator")?.ok_or_else(|| error(400, "operator is required"))?;
        let count = map
            .get("count")
            .and_then(Value::as_u64)
            .and_then(|c| usize::try_from(c).ok())
            .ok_or_else(|| error(400, "count must be a non-negative integer"))?;
        let package = string(&map, "package")?.unwrap_or("default");
        let prefix = string(&map, "prefix")?.unwrap_or("pub");
        let status = match string(&map, "status")? {
            None => LinkStatus::Active,
            Some(s) => LinkStatus::parse(s)
                .ok_or_else(|| error(400, "status must be ACTIVE, SUSPENDED or DELETED"))?,
        };
        operator_id(shared, operator)?;
        let (ids, package_id) = shared
            .seed_publishers(operator, count, package, prefix, status)
            .map_err(|message| error(409, message))?;
        Ok((
            200,
            json!({
                "first": ids.first(),
                "last": ids.last(),
                "count": ids.len(),
                "package": package_id,
            }),
        ))
    };
    run().unwrap_or_else(|answer| answer)
}

/// `POST /_sandbox/theme`: missing fields keep their current value.
pub fn theme(shared: &Shared, body: &[u8]) -> Answer {
    let run = || -> Result<Answer, Answer> {
        let map = object(body)?;
        let operator =
            string(&map, "operator")?.ok_or_else(|| error(400, "operator is required"))?;
        let id = operator_id(shared, operator)?;
        let mut state = shared.state();
        let current = state.theme(id);
        let theme = Theme {
            portal_url: string(&map, "portalUrl")?
                .map(str::to_string)
                .unwrap_or(current.portal_url),
            portal_name: string(&map, "portalName")?
                .map(str::to_string)
                .unwrap_or(current.portal_name),
        };
        state.set_theme(id, theme.clone());
        Ok((
            200,
            json!({"operator": id, "portalUrl": theme.portal_url, "portalName": theme.portal_name}),
        ))
    };
    run().unwrap_or_else(|answer| answer)
}

/// `POST /_sandbox/operators`.
pub fn add_operator(shared: &Shared, body: &[u8]) -> Answer {
    let run = || -> Result<Answer, Answer> {
        let map = object(body)?;
        let username = string(&map, "username")?
            .filter(|u| !u.is_empty())
            .ok_or_else(|| error(400, "username is required"))?;
        let key = string(&map, "authKey")?
            .filter(|k| !k.is_empty())
            .ok_or_else(|| error(400, "authKey is required"))?;
        let mut state = shared.state();
        if state.user_id_by_username(username).is_some() {
            return Err(error(409, format!("username {username:?} already exists")));
        }
        let id = state.ensure_operator(username, key);
        Ok((200, json!({ "id": id })))
    };
    run().unwrap_or_else(|answer| answer)
}
