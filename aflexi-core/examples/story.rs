//! The seed's story at the core level, against a running Aflexi API (the sandbox in the demo).
//!
//! `cargo run -p aflexi-core --example story -- <core endpoint URL> <operator login> <auth key>`
//!
//! Prints each step and exits non-zero when an outcome is not what the product documents say.

use std::process::ExitCode;
use std::time::Duration;

use aflexi_core::client::{
    BlockingClient, Change, ClientConfig, CreateOutcome, NewPublisher, Terminated,
};
use aflexi_core::sync::{self, DesiredPublisher, DesiredStatus, Options};
use aflexi_core::{package, password, username, Error};

fn check(ok: bool, step: &str, failures: &mut u32) {
    println!("  {} {step}", if ok { "ok  " } else { "FAIL" });
    if !ok {
        *failures += 1;
    }
}

fn writes(client: &BlockingClient) -> u64 {
    let reads = [
        "user.get",
        "publisherLink.get",
        "bandwidthPackage.get",
        "themability.get",
    ];
    client
        .client()
        .call_counts()
        .iter()
        .filter(|(m, _)| !reads.contains(&m.as_str()))
        .map(|(_, n)| n)
        .sum()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [endpoint, login, key] = match <[String; 3]>::try_from(args) {
        Ok(a) => a,
        Err(_) => {
            eprintln!("usage: story <core endpoint URL> <operator login> <auth key>");
            return ExitCode::from(2);
        }
    };
    match run(&endpoint, &login, &key) {
        Ok(0) => {
            println!("\nEvery step gave the documented outcome.");
            ExitCode::SUCCESS
        }
        Ok(n) => {
            println!("\n{n} step(s) gave a wrong outcome.");
            ExitCode::FAILURE
        }
        Err(e) => {
            println!("\nstopped: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(endpoint: &str, login: &str, key: &str) -> Result<u32, Error> {
    let mut failures = 0;
    let client = BlockingClient::new(ClientConfig::new(endpoint, login, key)?)?;

    println!("1. The operator's credentials (Test Connection)");
    let op = client.run(|c| c.verify_credentials())?;
    check(
        !op.username.is_empty(),
        &format!("operator '{}' has id {}", op.username, op.id),
        &mut failures,
    );

    println!("2. Naming rules");
    let from_email = username::for_service("", "John.Doe@Example.com", 42)?;
    check(
        from_email == "john.doe_example.com_42",
        &format!("order without a domain: username {from_email}"),
        &mut failures,
    );
    let again = username::for_service(&from_email, "John.Doe@Example.com", 42)?;
    check(
        again == from_email,
        "re-running the rule does not append the id again",
        &mut failures,
    );
    let pkg = package::package_name("", "", "CDN Starter");
    check(
        pkg == "CDN Starter",
        &format!("package from the product name: {pkg}"),
        &mut failures,
    );

    println!("3. CreateAccount");
    let pw = password::generate()?;
    let new = NewPublisher {
        username: from_email.clone(),
        email: "John.Doe@Example.com".into(),
        name: "John Doe".into(),
        password: pw.clone(),
        package: pkg.clone(),
    };
    let created = client.run(|c| c.create_publisher(&new))?;
    check(
        created.outcome == CreateOutcome::Created,
        &format!(
            "publisher {} created (#{})",
            created.publisher.username, created.publisher.id
        ),
        &mut failures,
    );
    let id = created.publisher.id;
    let twice = client.run(|c| c.create_publisher(&new))?;
    check(
        twice.outcome == CreateOutcome::Revived && twice.publisher.id == id,
        "Create again re-creates, no duplicate",
        &mut failures,
    );

    println!("4. Module commands");
    check(
        client.run(|c| c.suspend(id))? == Change::Applied,
        "Suspend",
        &mut failures,
    );
    check(
        client.run(|c| c.activate(id))? == Change::Applied,
        "Unsuspend",
        &mut failures,
    );
    check(
        client.run(|c| c.change_package(id, "CDN Pro"))? == Change::Applied,
        "Change Package to 'CDN Pro'",
        &mut failures,
    );
    let new_password = password::generate()?;
    client.run(|c| c.change_password(id, &new_password))?;
    let as_publisher = BlockingClient::new(ClientConfig::new(
        endpoint,
        created.publisher.username.as_str(),
        new_password.expose(),
    )?)?;
    let accepted = matches!(as_publisher.run(|c| c.verify_credentials()), Err(Error::Authentication(m)) if m.contains("PUBLISHER"));
    check(
        accepted,
        "Change Password: the publisher logs in with the new password",
        &mut failures,
    );
    let missing = client.run(|c| c.suspend(987_654));
    check(
        matches!(missing, Err(Error::NotFound(_))),
        "Suspend of an unknown publisher is reported, not a silent success",
        &mut failures,
    );
    check(
        client.run(|c| c.terminate(id))? == Terminated::Deleted,
        "Terminate",
        &mut failures,
    );
    let back = client.run(|c| c.create_publisher(&new))?;
    check(
        back.outcome == CreateOutcome::Revived,
        "Create after Terminate re-creates the account",
        &mut failures,
    );
    let portal = client.run(|c| c.portal_url())?;
    check(
        portal.starts_with("http"),
        &format!("portal login URL {portal}"),
        &mut failures,
    );

    println!("5. Bulk sync of 50 services (addon Save Settings)");
    let want: Vec<DesiredPublisher> = (0..50)
        .map(|i| DesiredPublisher {
            key: i.to_string(),
            username: format!("shop{i}"),
            email: format!("owner{i}@example.net"),
            name: format!("Shop {i}"),
            package: "Web Hosting Gold".into(),
            status: DesiredStatus::Active,
            password: None,
        })
        .collect();
    let first = client.run_shared(Duration::from_secs(60), |c| {
        let want = want.clone();
        async move { sync::sync(c, want, &Options::default()).await }
    })?;
    check(
        first.counts.get("create") == Some(&50),
        &format!("first run: {:?}", first.counts),
        &mut failures,
    );
    let before = writes(&client);
    let second = client.run_shared(Duration::from_secs(60), |c| async move {
        sync::sync(c, want, &Options::default()).await
    })?;
    let repeated = writes(&client) - before;
    check(
        repeated == 0 && second.counts.get("unchanged") == Some(&50),
        &format!("repeat run: {:?}, {repeated} writes", second.counts),
        &mut failures,
    );

    println!("6. Aflexi now");
    let all = client.run(|c| c.list_publishers())?;
    println!("  {:<40} {:<10} package", "username", "status");
    for p in all.iter().take(5) {
        let package = p.package.as_ref().map(|p| p.name.as_str()).unwrap_or("");
        println!("  {:<40} {:<10} {}", p.username, p.status.as_str(), package);
    }
    println!("  ... {} publishers in all", all.len());
    check(
        all.len() == 51,
        "51 publishers: one from the module, 50 from the sync",
        &mut failures,
    );
    Ok(failures)
}
