//! `publisherLink.get/update/delete` (docs/AFLEXI-API.md#publisher-link-get, #publisher-link-update, #publisher-link-delete), over HTTP.

mod common;

use std::collections::HashSet;

use common::*;
use serde_json::{json, Value};

fn publisher_ids(links: &[Value]) -> Vec<i64> {
    links
        .iter()
        .map(|l| l["publisher"]["id"].as_i64().expect("publisher.id"))
        .collect()
}

fn link_get(sb: &aflexi_sandbox::Sandbox, filter: Value, options: Value) -> Vec<Value> {
    results(ok(acme(sb, "publisherLink.get", &[filter, options])))
}

#[test]
fn a_link_is_shown_with_nested_entities_and_no_id() {
    let sb = sandbox();
    let ids = sb.seed_publishers("acme", 1, "gold", "p");
    let links = link_get(&sb, json!({"operator": 1}), json!({"disjunction": false}));
    assert_eq!(links.len(), 1);
    let link = links[0].as_object().unwrap();
    let keys: Vec<&str> = link.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["publisher", "operator", "status", "bandwidthPackage"]
    );
    assert_eq!(link["publisher"]["id"], ids[0]);
    assert_eq!(link["publisher"]["username"], "p1/1");
    assert_eq!(link["publisher"]["agent"]["id"], 1);
    assert_eq!(link["operator"]["username"], "acme");
    assert_eq!(link["bandwidthPackage"]["name"], "gold");
    assert_eq!(link["bandwidthPackage"]["bandwidthLimit"], -1);
}

#[test]
fn equality_and_dotted_filters_select_links() {
    let sb = sandbox();
    let gold = sb.seed_publishers("acme", 3, "gold", "g");
    let silver = sb.seed_publishers("acme", 2, "silver", "s");
    ok(acme(
        &sb,
        "publisherLink.update",
        &[
            json!(format!("{},1", gold[1])),
            json!({"status": "SUSPENDED"}),
        ],
    ));
    assert_eq!(
        publisher_ids(&link_get(&sb, json!({"status": "SUSPENDED"}), json!({}))),
        vec![gold[1]]
    );
    assert_eq!(
        publisher_ids(&link_get(
            &sb,
            json!({"bandwidthPackage.name": "silver"}),
            json!({})
        )),
        silver
    );
    assert_eq!(
        publisher_ids(&link_get(
            &sb,
            json!({"publisher.username": "G3/1"}),
            json!({})
        )),
        vec![gold[2]]
    );
    assert_eq!(
        publisher_ids(&link_get(
            &sb,
            json!({"publisher.email": "s1@publishers.sandbox.test"}),
            json!({})
        )),
        vec![silver[0]]
    );
    assert_eq!(
        publisher_ids(&link_get(
            &sb,
            json!({"publisher.id": silver[1]}),
            json!({})
        )),
        vec![silver[1]]
    );
    assert_eq!(
        publisher_ids(&link_get(
            &sb,
            json!({"operator": 1, "bandwidthPackage.name": "gold", "status": "ACTIVE"}),
            json!({})
        )),
        vec![gold[0], gold[2]]
    );
}

#[test]
fn an_array_value_means_in() {
    let sb = sandbox();
    let gold = sb.seed_publishers("acme", 2, "gold", "g");
    let silver = sb.seed_publishers("acme", 2, "silver", "s");
    sb.seed_publishers("acme", 2, "bronze", "b");
    let got = link_get(
        &sb,
        json!({"operator": 1, "bandwidthPackage.name": ["gold", "silver", "platinum"]}),
        json!({}),
    );
    assert_eq!(publisher_ids(&got), [gold, silver.clone()].concat());
    let got = link_get(
        &sb,
        json!({"publisher.username": ["s2/1", "S1/1", "nobody/1"]}),
        json!({}),
    );
    assert_eq!(publisher_ids(&got), silver);
    assert!(link_get(&sb, json!({"publisher": []}), json!({})).is_empty());
}

#[test]
fn disjunction_ors_the_filter_keys() {
    let sb = sandbox();
    let gold = sb.seed_publishers("acme", 2, "gold", "g");
    let silver = sb.seed_publishers("acme", 2, "silver", "s");
    let filter = json!({"bandwidthPackage.name": "gold", "publisher.username": "s2/1"});
    assert!(link_get(&sb, filter.clone(), json!({"disjunction": false})).is_empty());
    let got = link_get(&sb, filter, json!({"disjunction": true}));
    assert_eq!(publisher_ids(&got), vec![gold[0], gold[1], silver[1]]);
}

#[test]
fn unknown_filter_and_option_keys_are_ignored() {
    let sb = sandbox();
    let ids = sb.seed_publishers("acme", 2, "gold", "g");
    let got = link_get(
        &sb,
        json!({"_hack": true}),
        json!({"_hack": true, "orderBy": "nonsense"}),
    );
    assert_eq!(publisher_ids(&got), ids);
}

#[test]
fn a_filter_sent_as_an_array_is_fault_400() {
    let sb = sandbox();
    sb.seed_publishers("acme", 1, "gold", "g");
    assert_eq!(
        fault(acme(&sb, "publisherLink.get", &[json!([])])).code,
        400
    );
    assert_eq!(
        fault(acme(&sb, "publisherLink.get", &[json!({}), json!([])])).code,
        400
    );
    assert_eq!(
        fault(acme(
            &sb,
            "publisherLink.get",
            &[json!({"operator": "acme"})]
        ))
        .code,
        400
    );
    assert_eq!(fault(acme(&sb, "publisherLink.get", &[])).code, 400);
}

#[test]
fn links_of_other_operators_are_invisible() {
    let sb = sandbox();
    sb.seed_publishers("rival", 3, "gold", "r");
    assert!(link_get(&sb, json!({}), json!({})).is_empty());
    assert!(link_get(&sb, json!({"operator": 2}), json!({})).is_empty());
}

#[test]
fn pages_of_75_concatenate_to_exactly_the_full_ordered_set() {
    let sb = sandbox();
    let ids = sb.seed_publishers("acme", 1000, "gold", "p");
    sb.seed_publishers("rival", 50, "gold", "r");
    let mut conn = KeepAlive::open(sb.addr());
    let mut seen = Vec::new();
    let mut first = 0;
    loop {
        let page = results(conn.call("publisherLink.get", &[json!("acme"), json!(ACME_KEY), json!({"operator": 1}),
            json!({"firstResultIndex": first, "maximumResults": 75, "extract": {"publisher": {"id": true}}})]).unwrap());
        assert!(page.len() <= 75);
        seen.extend(publisher_ids(&page));
        if page.len() < 75 {
            break;
        }
        first += 75;
    }
    assert_eq!(seen, ids);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 1000);
    // The last page is exactly the remainder.
    let last = link_get(
        &sb,
        json!({"operator": 1}),
        json!({"firstResultIndex": 975, "maximumResults": 75}),
    );
    assert_eq!(last.len(), 25);
    let none = link_get(
        &sb,
        json!({"operator": 1}),
        json!({"firstResultIndex": 5000, "maximumResults": 75}),
    );
    assert!(none.is_empty());
    // No options: everything.
    assert_eq!(link_get(&sb, json!({"operator": 1}), json!({})).len(), 1000);
}

#[test]
fn extract_projects_nested_fields_strictly() {
    let sb = sandbox();
    sb.seed_publishers("acme", 2, "gold", "p");
    let got = link_get(
        &sb,
        json!({}),
        json!({"extract": {"publisher": {"username": true, "name": true, "email": true, "id": true}, "status": true, "bandwidthPackage": true}}),
    );
    let first = got[0].as_object().unwrap();
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        ["publisher", "status", "bandwidthPackage"]
    );
    let publisher = first["publisher"].as_object().unwrap();
    assert_eq!(
        publisher.keys().collect::<Vec<_>>(),
        ["id", "username", "email", "name"]
    );
    assert_eq!(first["bandwidthPackage"]["canHaveHttpPull"], true);
    // Without publisher.id the ids are gone (commit b87a172).
    let got = link_get(
        &sb,
        json!({}),
        json!({"extract": {"publisher": {"username": true}}}),
    );
    assert_eq!(got[0], json!({"publisher": {"username": "p1/1"}}));
}

#[test]
fn update_changes_status_and_package_and_ignores_identity_members() {
    let sb = sandbox();
    let ids = sb.seed_publishers("acme", 1, "gold", "p");
    let silver = acme_package(&sb, "silver");
    let id = format!("{},1", ids[0]);
    let r = ok(acme(
        &sb,
        "publisherLink.update",
        &[
            json!(id),
            json!({
        "publisher": {"id": ids[0]}, "operator": {"id": 1}, "status": "SUSPENDED",
        "bandwidthPackage": {"id": silver, "user": {"id": ids[0]}, "type": "PUBLISHER_LINK"},
        "password": "abcdef12"}),
        ],
    ));
    assert_eq!(r, json!(true));
    let link = &link_get(&sb, json!({"publisher": ids[0]}), json!({}))[0];
    assert_eq!(link["status"], "SUSPENDED");
    assert_eq!(link["bandwidthPackage"]["id"], silver);
    assert_eq!(sb.state()["publishers"][0]["hasPassword"], false);
}

#[test]
fn update_refuses_bad_ids_other_operators_and_foreign_packages() {
    let sb = sandbox();
    let ids = sb.seed_publishers("acme", 1, "gold", "p");
    let theirs = sb.seed_publishers("rival", 1, "gold", "r");
    let rival_pkg = ok(call_as(
        &sb,
        "rival",
        RIVAL_KEY,
        "bandwidthPackage.get",
        &[json!({"user": "rival"})],
    ));
    let rival_pkg = results(rival_pkg)[0]["id"].clone();
    let upd = |id: Value, body: Value| fault(acme(&sb, "publisherLink.update", &[id, body])).code;
    assert_eq!(upd(json!("garbage"), json!({"status": "ACTIVE"})), 400);
    assert_eq!(upd(json!(ids[0]), json!({"status": "ACTIVE"})), 400);
    assert_eq!(
        upd(
            json!(format!("{},2", theirs[0])),
            json!({"status": "ACTIVE"})
        ),
        403
    );
    assert_eq!(
        upd(
            json!(format!("{},1", ids[0])),
            json!({"bandwidthPackage": {"id": rival_pkg}})
        ),
        404
    );
    assert_eq!(
        upd(json!(format!("{},1", ids[0])), json!({"status": "PAUSED"})),
        400
    );
    assert_eq!(upd(json!("999,1"), json!({"status": "ACTIVE"})), 404);
}

#[test]
fn delete_is_soft_by_default_and_idempotent() {
    let sb = sandbox();
    let ids = sb.seed_publishers("acme", 2, "gold", "p");
    let id = format!("{},1", ids[0]);
    assert_eq!(
        ok(acme(&sb, "publisherLink.delete", &[json!(id)])),
        json!(true)
    );
    assert_eq!(
        ok(acme(&sb, "publisherLink.delete", &[json!(id)])),
        json!(true)
    );
    // Still listed without a status filter, hidden by one.
    let all = link_get(&sb, json!({}), json!({}));
    assert_eq!(all[0]["status"], "DELETED");
    assert_eq!(
        publisher_ids(&link_get(&sb, json!({"status": "ACTIVE"}), json!({}))),
        vec![ids[1]]
    );
    // The publisher user is kept, and an update revives the link.
    assert!(ok(acme(&sb, "user.getByUsername", &[json!("p1/1")])).is_object());
    ok(acme(
        &sb,
        "publisherLink.update",
        &[json!(id), json!({"status": "ACTIVE"})],
    ));
    assert_eq!(
        link_get(&sb, json!({"publisher": ids[0]}), json!({}))[0]["status"],
        "ACTIVE"
    );
    assert_eq!(
        fault(acme(&sb, "publisherLink.delete", &[json!("999,1")])).code,
        404
    );
    assert_eq!(
        fault(call_as(
            &sb,
            "rival",
            RIVAL_KEY,
            "publisherLink.delete",
            &[json!(id)]
        ))
        .code,
        403
    );
}

#[test]
fn hard_delete_removes_the_link_and_update_with_a_package_recreates_it() {
    let sb = sandbox();
    sb.set_hard_delete(true);
    let ids = sb.seed_publishers("acme", 1, "gold", "p");
    let gold = sb.state()["packages"][0]["id"].as_i64().unwrap();
    let id = format!("{},1", ids[0]);
    ok(acme(&sb, "publisherLink.delete", &[json!(id)]));
    assert!(link_get(&sb, json!({}), json!({})).is_empty());
    assert_eq!(
        fault(acme(&sb, "publisherLink.delete", &[json!(id)])).code,
        404
    );
    // The username is still taken...
    let f = fault(acme(
        &sb,
        "user.create",
        &[
            json!({"username": "p1", "email": "p@x.y"}),
            json!({"id": gold}),
        ],
    ));
    assert_eq!(f.code, 409);
    // ...so the operator revives its own publisher with an update (a package is required).
    assert_eq!(
        fault(acme(
            &sb,
            "publisherLink.update",
            &[json!(id), json!({"status": "ACTIVE"})]
        ))
        .code,
        400
    );
    ok(acme(
        &sb,
        "publisherLink.update",
        &[json!(id), json!({"bandwidthPackage": {"id": gold}})],
    ));
    let links = link_get(&sb, json!({}), json!({}));
    assert_eq!(publisher_ids(&links), ids);
    assert_eq!(links[0]["status"], "ACTIVE");
    // Another operator cannot adopt it.
    let rival_pkg = ok(call_as(
        &sb,
        "rival",
        RIVAL_KEY,
        "bandwidthPackage.create",
        &[json!({"name": "r"})],
    ));
    let f = fault(call_as(
        &sb,
        "rival",
        RIVAL_KEY,
        "publisherLink.update",
        &[
            json!(format!("{},2", ids[0])),
            json!({"bandwidthPackage": {"id": rival_pkg}}),
        ],
    ));
    assert_eq!(f.code, 404);
}

#[test]
fn a_publisher_sees_its_own_links() {
    let sb = sandbox();
    let pkg = acme_package(&sb, "gold");
    ok(acme(
        &sb,
        "user.create",
        &[
            json!({"username": "shop", "email": "s@x.y", "password": "secret1"}),
            json!({"id": pkg}),
        ],
    ));
    sb.seed_publishers("acme", 3, "gold", "p");
    let mine = results(ok(call_as(
        &sb,
        "shop/1",
        "secret1",
        "publisherLink.get",
        &[json!({})],
    )));
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["publisher"]["username"], "shop/1");
}
