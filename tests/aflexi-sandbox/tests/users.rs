//! Authentication (docs/AFLEXI-API.md#credentials) and the `user.*` methods (#user-get, #user-create), over HTTP.

mod common;

use common::*;
use serde_json::json;

#[test]
fn an_operator_logs_in_with_its_username() {
    let sb = sandbox();
    let me = results(ok(acme(&sb, "user.get", &[json!({"self": true})])));
    assert_eq!(me.len(), 1);
    assert_eq!(me[0]["id"], 1);
    assert_eq!(me[0]["role"], "OPERATOR");
    assert_eq!(me[0]["email"], "acme@operators.sandbox.test");
    assert!(me[0].get("agent").is_none());
}

#[test]
fn an_operator_logs_in_with_its_email() {
    let sb = sandbox();
    let me = results(ok(call_as(
        &sb,
        "ACME@operators.sandbox.test",
        ACME_KEY,
        "user.get",
        &[json!({"self": true})],
    )));
    assert_eq!(me[0]["username"], "acme");
}

#[test]
fn a_publisher_logs_in_with_email_slash_agent_id_and_its_password() {
    let sb = sandbox();
    let pkg = acme_package(&sb, "gold");
    let pub_id = ok(acme(
        &sb,
        "user.create",
        &[
            json!({"username": "shop", "email": "owner@shop.test", "password": "pa55word"}),
            json!({"id": pkg}),
        ],
    ))
    .as_i64()
    .unwrap();
    let me = results(ok(call_as(
        &sb,
        "owner@shop.test/1",
        "pa55word",
        "user.get",
        &[json!({"self": true})],
    )));
    assert_eq!(me[0]["id"], pub_id);
    assert_eq!(me[0]["agent"]["id"], 1);
    let wrong_agent = fault(call_as(
        &sb,
        "owner@shop.test/2",
        "pa55word",
        "user.get",
        &[json!({"self": true})],
    ));
    assert_eq!(wrong_agent.code, 401);
}

#[test]
fn a_wrong_key_is_fault_401_without_the_key_in_the_message() {
    let sb = sandbox();
    let f = fault(call_as(
        &sb,
        "acme",
        "not-the-key",
        "user.get",
        &[json!({"self": true})],
    ));
    assert_eq!(f.code, 401);
    assert!(f.message.starts_with("Given credential rejected by server"));
    assert!(!f.message.contains("not-the-key"));
    let unknown = fault(call_as(
        &sb,
        "nobody",
        ACME_KEY,
        "user.get",
        &[json!({"self": true})],
    ));
    assert_eq!(unknown.code, 401);
    // Another operator's key does not open acme.
    assert_eq!(
        fault(call_as(&sb, "acme", RIVAL_KEY, "user.get", &[json!({})])).code,
        401
    );
}

#[test]
fn credentials_that_are_not_strings_are_fault_400() {
    let sb = sandbox();
    let f = fault(call(
        &sb,
        "user.get",
        &[json!("acme"), json!(12345), json!({})],
    ));
    assert_eq!(f.code, 400);
    assert_eq!(fault(call(&sb, "user.get", &[json!("acme")])).code, 400);
}

#[test]
fn su_runs_the_call_as_the_operators_own_publisher() {
    let sb = sandbox();
    let pkg = acme_package(&sb, "gold");
    let id = acme_publisher(&sb, "shop", pkg);
    let me = results(ok(call_as(
        &sb,
        "acme?su=shop/1",
        ACME_KEY,
        "user.get",
        &[json!({"self": true})],
    )));
    assert_eq!(me[0]["id"], id);
    assert_eq!(me[0]["role"], "PUBLISHER");
    // The operator email works as the base login too (the legacy form).
    let me = results(ok(call_as(
        &sb,
        "acme@operators.sandbox.test?su=SHOP/1",
        ACME_KEY,
        "user.get",
        &[json!({"self": true})],
    )));
    assert_eq!(me[0]["id"], id);
}

#[test]
fn su_is_refused_for_another_operators_publisher() {
    let sb = sandbox();
    let pkg = acme_package(&sb, "gold");
    acme_publisher(&sb, "shop", pkg);
    let f = fault(call_as(
        &sb,
        "rival?su=shop/1",
        RIVAL_KEY,
        "user.get",
        &[json!({"self": true})],
    ));
    assert_eq!(f.code, 401);
    let f = fault(call_as(
        &sb,
        "acme?su=nobody/1",
        ACME_KEY,
        "user.get",
        &[json!({"self": true})],
    ));
    assert_eq!(f.code, 401);
}

#[test]
fn user_create_appends_the_operator_suffix_and_links_the_package() {
    let sb = sandbox();
    let pkg = acme_package(&sb, "gold");
    let id = acme_publisher(&sb, "client_42", pkg);
    let user = ok(acme(&sb, "user.getByUsername", &[json!("client_42/1")]));
    assert_eq!(user["id"], id);
    assert_eq!(user["status"], "ACTIVE");
    assert_eq!(user["agent"]["id"], 1);
    assert!(user.get("password").is_none());
    let links = results(ok(acme(
        &sb,
        "publisherLink.get",
        &[json!({"publisher": id})],
    )));
    assert_eq!(links.len(), 1);
    assert_eq!(links[0]["status"], "ACTIVE");
    assert_eq!(links[0]["bandwidthPackage"]["id"], pkg);
    assert_eq!(links[0]["operator"]["id"], 1);
}

#[test]
fn user_create_keeps_a_suffix_the_client_already_added() {
    let sb = sandbox();
    let pkg = acme_package(&sb, "gold");
    acme_publisher(&sb, "cpuser_host/1", pkg);
    assert!(ok(acme(&sb, "user.getByUsername", &[json!("cpuser_host/1")])).is_object());
    assert_eq!(
        fault(acme(&sb, "user.getByUsername", &[json!("cpuser_host/1/1")])).code,
        404
    );
}

#[test]
fn user_create_of_an_existing_username_is_fault_409_platform_wide() {
    let sb = sandbox();
    let pkg = acme_package(&sb, "gold");
    acme_publisher(&sb, "shop", pkg);
    let f = fault(acme(
        &sb,
        "user.create",
        &[
            json!({"username": "SHOP/1", "email": "a@b.c"}),
            json!({"id": pkg}),
        ],
    ));
    assert_eq!(f.code, 409);
    assert!(f.message.contains("already exists"));
    // Nothing was added.
    assert_eq!(sb.state()["publishers"].as_array().unwrap().len(), 1);
}

#[test]
fn user_create_checks_role_package_email_and_password() {
    let sb = sandbox();
    let pkg = acme_package(&sb, "gold");
    let rival_pkg = ok(call_as(
        &sb,
        "rival",
        RIVAL_KEY,
        "bandwidthPackage.create",
        &[json!({"name": "r"})],
    ));
    let create = |user: serde_json::Value, pkg: serde_json::Value| {
        fault(acme(&sb, "user.create", &[user, pkg])).code
    };
    assert_eq!(
        create(
            json!({"username": "a", "email": "a@b.c"}),
            json!({"id": rival_pkg})
        ),
        404
    );
    assert_eq!(
        create(
            json!({"username": "a", "email": "no-at-sign"}),
            json!({"id": pkg})
        ),
        400
    );
    assert_eq!(
        create(
            json!({"username": "a", "email": "a@@b"}),
            json!({"id": pkg})
        ),
        400
    );
    assert_eq!(create(json!({"email": "a@b.c"}), json!({"id": pkg})), 400);
    assert_eq!(
        create(
            json!({"username": "a", "email": "a@b.c", "password": "12345"}),
            json!({"id": pkg})
        ),
        400
    );
    assert_eq!(
        create(
            json!({"username": "a", "email": "a@b.c", "role": "OPERATOR"}),
            json!({"id": pkg})
        ),
        400
    );
    assert_eq!(
        create(
            json!({"username": "a", "email": "a@b.c"}),
            json!({"id": "1"})
        ),
        400
    );
    let f = fault(acme(&sb, "user.create", &[json!([]), json!({"id": pkg})]));
    assert_eq!(f.code, 400);
    // Optional flags are accepted and ignored.
    ok(acme(
        &sb,
        "user.create",
        &[
            json!({"username": "a", "email": "a@b.c", "sendEmail": true, "includePassword": true}),
            json!({"id": pkg}),
        ],
    ));
}

#[test]
fn a_publisher_cannot_create_users() {
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
    let f = fault(call_as(
        &sb,
        "shop/1",
        "secret1",
        "user.create",
        &[
            json!({"username": "x", "email": "x@y.z"}),
            json!({"id": pkg}),
        ],
    ));
    assert_eq!(f.code, 403);
}

#[test]
fn user_get_shows_the_caller_and_its_publishers_only() {
    let sb = sandbox();
    let mine = sb.seed_publishers("acme", 3, "gold", "a");
    sb.seed_publishers("rival", 2, "gold", "r");
    let all = results(ok(acme(&sb, "user.get", &[json!({"_hack": true})])));
    let ids: Vec<i64> = all.iter().map(|u| u["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [vec![1], mine.clone()].concat());
    let by_name = results(ok(acme(
        &sb,
        "user.get",
        &[
            json!({"username": "A2/1"}),
            json!({"extract": {"id": true}}),
        ],
    )));
    assert_eq!(by_name, vec![json!({"id": mine[1]})]);
    let theirs = results(ok(acme(&sb, "user.get", &[json!({"username": "r1/2"})])));
    assert!(theirs.is_empty());
    assert_eq!(
        fault(acme(&sb, "user.get", &[json!({"id": "3"})])).code,
        400
    );
    assert_eq!(fault(acme(&sb, "user.get", &[json!([])])).code, 400);
    let by_agent = results(ok(acme(
        &sb,
        "user.get",
        &[json!({"agent": 1, "email": "A3@publishers.sandbox.test"})],
    )));
    assert_eq!(by_agent.len(), 1);
}

#[test]
fn user_get_by_username_refuses_other_operators_publishers() {
    let sb = sandbox();
    sb.seed_publishers("rival", 1, "gold", "r");
    assert_eq!(
        fault(acme(&sb, "user.getByUsername", &[json!("r1/2")])).code,
        404
    );
    assert_eq!(
        ok(acme(&sb, "user.getByUsername", &[json!("acme")]))["id"],
        1
    );
}

#[test]
fn user_update_changes_its_own_publishers_profile() {
    let sb = sandbox();
    let ids = sb.seed_publishers("acme", 1, "gold", "a");
    assert_eq!(
        ok(acme(
            &sb,
            "user.update",
            &[
                json!(ids[0]),
                json!({"email": "new@mail.test", "name": "New Name", "status": "SUSPENDED", "bogus": 1, "password": "ignored!"})
            ]
        )),
        json!(true)
    );
    let u = ok(acme(&sb, "user.getByUsername", &[json!("a1/1")]));
    assert_eq!(
        (
            u["email"].as_str(),
            u["name"].as_str(),
            u["status"].as_str()
        ),
        (Some("new@mail.test"), Some("New Name"), Some("SUSPENDED"))
    );
    assert_eq!(sb.state()["publishers"][0]["hasPassword"], false);
    assert_eq!(
        fault(call_as(
            &sb,
            "rival",
            RIVAL_KEY,
            "user.update",
            &[json!(ids[0]), json!({"name": "x"})]
        ))
        .code,
        403
    );
    assert_eq!(
        fault(acme(
            &sb,
            "user.update",
            &[json!(999), json!({"name": "x"})]
        ))
        .code,
        404
    );
    assert_eq!(
        fault(acme(
            &sb,
            "user.update",
            &[json!(ids[0]), json!({"email": "bad"})]
        ))
        .code,
        400
    );
}
