//! `Aflexi\Client`: the core's blocking client, one PHP method per operation.
//!
//! Every method converts its arguments, runs one operation of the core through
//! [`BlockingClient::run`] (bounded by the operation timeout) and converts the result; the
//! bulk sync runs through [`BlockingClient::run_shared`] bounded by its time budget plus the
//! operation timeout. Nothing network- or thread-related happens before the first call, and
//! the core builds its runtime and HTTP client per process, so a client made before a
//! `fork()` (PHP-FPM, `pcntl_fork`) works in the child.

// PHP sees the Rust parameter names, and PHP's own names are camelCase (`$authKey`).
#![allow(non_snake_case)]

use std::collections::BTreeMap;
use std::time::Duration;

use aflexi_core::client::{self, BlockingClient, ClientConfig, Consumer, NewPublisher, Profile};
use aflexi_core::Secret;
use aflexi_core::{defaults, sync};
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};

use crate::convert::{
    count, flag, members, seconds, shorten, text, variant_name, whole_number, ArrayArg, IntArg,
    Key, PhpArray, StringArg,
};
use crate::desired::{add_to_plan, add_to_report, desired_publishers, Desired};
use crate::exception::Failure;
use crate::ini;
use crate::publisher_pages::PublisherPages;
use crate::sync_job::SyncJob;
use crate::usage_batches::UsageBatches;

/// A client of the Aflexi API for one operator account.
///
/// Publisher, package and operator arrays have snake_case keys (`id`, `username`, `email`,
/// `name`, `status`, `package` => [`id`, `name`, `bandwidth_limit_gb`]). Every method throws
/// an `Aflexi\Exception` subclass on failure; a wait never lasts longer than the operation
/// timeout.
#[php_class]
#[php(name = "Aflexi\\Client")]
pub struct Client {
    inner: BlockingClient,
}

/// The options of `new Client(...)`.
const CLIENT_OPTIONS: &str = "connect_timeout, timeout, operation_timeout, retries, verify_tls, \
                              ca_file, concurrency, page_size, max_listed_rows, \
                              max_response_bytes, operator_id";

/// The options of `Client::sync`.
const SYNC_OPTIONS: &str = "concurrency, time_budget_ms";

/// The keys of a `createPublisher` array.
const PUBLISHER_KEYS: &str = "username, email, name, password, package";

#[php_impl]
impl Client {
    /// A client for the operator `$login` at `$endpoint` (see `Aflexi\endpoint_from_server`).
    /// Nothing is sent until the first call.
    ///
    /// `$options`: `connect_timeout`, `timeout` (one request), `operation_timeout` (seconds;
    /// defaults from the INI settings `aflexi.*`), `retries`, `verify_tls`, `concurrency`
    /// (default `aflexi.concurrency`), `page_size`, `operator_id`, `ca_file` (a PEM file of CA
    /// certificates to trust besides the system store), `max_listed_rows`, `max_response_bytes`.
    ///
    /// @throws \Aflexi\InvalidInputException for an invalid endpoint, login, key or option
    #[php(defaults(options = Some(ArrayArg::Empty)))]
    pub fn __construct(
        endpoint: StringArg,
        login: StringArg,
        authKey: StringArg,
        options: Option<ArrayArg>,
    ) -> Result<Self, Failure> {
        let endpoint = text("$endpoint", endpoint.0)?;
        let login = text("$login", login.0)?;
        let auth_key = Secret::new(text("$authKey", authKey.0)?);
        let mut config = ClientConfig::new(endpoint, login, auth_key)?;
        apply_ini_defaults(&mut config)?;
        if let Some(table) = ArrayArg::or_empty(options).table("$options")? {
            apply_options(&mut config, table)?;
        }
        Ok(Client {
            inner: BlockingClient::new(config)?,
        })
    }

    /// Checks the login and auth key against the API (always asks): the account must be an
    /// operator. Returns the operator: id, username, email, name.
    pub fn verify_credentials(&self) -> Result<PhpArray, Failure> {
        let operator = self.inner.run(|c| c.verify_credentials())?;
        PhpArray::of(&operator)
    }

    /// The operator (id, username, email, name), looked up once per process.
    pub fn operator(&self) -> Result<PhpArray, Failure> {
        let operator = self.inner.run(|c| c.operator())?;
        PhpArray::of(&operator)
    }

    /// Every package of the operator.
    pub fn list_packages(&self) -> Result<PhpArray, Failure> {
        let packages = self.inner.run(|c| c.list_packages())?;
        PhpArray::of(&packages)
    }

    /// The operator's package of that name, or null.
    pub fn find_package(&self, name: StringArg) -> Result<Option<PhpArray>, Failure> {
        let name = text("$name", name.0)?;
        let package = self.inner.run(|c| c.find_package(&name))?;
        package.as_ref().map(PhpArray::of).transpose()
    }

    /// The package of that name, created on Aflexi when missing.
    pub fn ensure_package(&self, name: StringArg) -> Result<PhpArray, Failure> {
        let name = text("$name", name.0)?;
        let package = self.inner.run(|c| c.ensure_package(&name))?;
        PhpArray::of(&package)
    }

    /// The publisher with that username (local part or full `name/operatorId`), or null.
    pub fn find_publisher(&self, username: StringArg) -> Result<Option<PhpArray>, Failure> {
        let username = text("$username", username.0)?;
        let publisher = self.inner.run(|c| c.find_publisher(&username))?;
        publisher.as_ref().map(PhpArray::of).transpose()
    }

    /// The publisher with that id, in any status.
    ///
    /// `$id` is the publisher id (an int or a numeric string).
    ///
    /// @throws \Aflexi\NotFoundException when it is not a publisher of this operator
    pub fn get_publisher(&self, id: &Zval) -> Result<PhpArray, Failure> {
        let id = whole_number("$id", id)?;
        let publisher = self.inner.run(|c| c.get_publisher(id))?;
        PhpArray::of(&publisher)
    }

    /// Every publisher of the operator, read page by page.
    pub fn list_publishers(&self) -> Result<PhpArray, Failure> {
        let publishers = self.inner.run(|c| c.list_publishers())?;
        PhpArray::of(&publishers)
    }

    /// The operator's publishers one page at a time (`next()` until null), so that only one
    /// page is in PHP's memory at once.
    pub fn publisher_pages(&self) -> PublisherPages {
        PublisherPages::new(self.inner.clone())
    }

    /// One page of the operator's publishers, ordered by id.
    ///
    /// `$offset` and `$limit` (1 to 10000) are ints or numeric strings.
    pub fn list_publishers_page(&self, offset: &Zval, limit: &Zval) -> Result<PhpArray, Failure> {
        let offset = to_usize("$offset", count("$offset", offset)?)?;
        let limit = to_usize("$limit", count("$limit", limit)?)?;
        let publishers = self.inner.run(|c| c.list_publishers_page(offset, limit))?;
        PhpArray::of(&publishers)
    }

    /// Creates a publisher with its package (created when missing) and password; an existing
    /// publisher of that username is revived instead. Returns
    /// ['publisher' => [...], 'outcome' => 'created'|'revived'].
    ///
    /// `$publisher` has the keys `username` (local part), `email`, `name`, `password`,
    /// `package`.
    pub fn create_publisher(&self, publisher: ArrayArg) -> Result<PhpArray, Failure> {
        let new = new_publisher(publisher.table("$publisher")?)?;
        let created = self.inner.run(|c| c.create_publisher(&new))?;
        PhpArray::of(&created)
    }

    /// Suspends the publisher: 'applied' or 'already_done'.
    ///
    /// `$id` is the publisher id (an int or a numeric string).
    pub fn suspend(&self, id: &Zval) -> Result<String, Failure> {
        let id = whole_number("$id", id)?;
        variant_name(&self.inner.run(|c| c.suspend(id))?)
    }

    /// Re-activates the publisher: 'applied' or 'already_done'.
    ///
    /// `$id` is the publisher id (an int or a numeric string).
    pub fn activate(&self, id: &Zval) -> Result<String, Failure> {
        let id = whole_number("$id", id)?;
        variant_name(&self.inner.run(|c| c.activate(id))?)
    }

    /// Moves the publisher to the package of that name (created when missing): 'applied' or
    /// 'already_done'.
    ///
    /// `$id` is the publisher id (an int or a numeric string).
    pub fn change_package(&self, id: &Zval, package: StringArg) -> Result<String, Failure> {
        let id = whole_number("$id", id)?;
        let package = text("$package", package.0)?;
        variant_name(&self.inner.run(|c| c.change_package(id, &package))?)
    }

    /// Sets a new password for the publisher.
    ///
    /// `$id` is the publisher id (an int or a numeric string).
    pub fn change_password(&self, id: &Zval, password: StringArg) -> Result<(), Failure> {
        let id = whole_number("$id", id)?;
        let password = Secret::new(text("$password", password.0)?);
        Ok(self.inner.run(|c| c.change_password(id, &password))?)
    }

    /// Sets the publisher's e-mail address and/or name; empty values are left alone.
    ///
    /// `$id` is the publisher id; `$profile` has the keys `email` and `name`.
    pub fn update_profile(&self, id: &Zval, profile: ArrayArg) -> Result<(), Failure> {
        let id = whole_number("$id", id)?;
        let profile = profile_of(profile.table("$profile")?)?;
        Ok(self.inner.run(|c| c.update_profile(id, &profile))?)
    }

    /// Terminates the publisher's CDN account: 'deleted' or 'already_gone'.
    ///
    /// `$id` is the publisher id (an int or a numeric string).
    pub fn terminate(&self, id: &Zval) -> Result<String, Failure> {
        let id = whole_number("$id", id)?;
        variant_name(&self.inner.run(|c| c.terminate(id))?)
    }

    /// The URL where the operator's publishers log in.
    pub fn portal_url(&self) -> Result<String, Failure> {
        Ok(self.inner.run(|c| c.portal_url())?)
    }

    /// Registers the publisher's single sign-on consumer on the portal at `$portalUrl`: a
    /// `delegate` consumer locked to that publisher. Returns `['key' => ..., 'secret' => ...]`;
    /// register once per publisher and keep the secret encrypted.
    pub fn register_sso_consumer(
        &self,
        portalUrl: StringArg,
        publisher: StringArg,
        callback: StringArg,
    ) -> Result<BTreeMap<String, String>, Failure> {
        let portal = text("$portalUrl", portalUrl.0)?;
        let publisher = text("$publisher", publisher.0)?;
        let callback = text("$callback", callback.0)?;
        let consumer = self.inner.run(|c| async move {
            c.register_sso_consumer(&portal, &publisher, &callback)
                .await
        })?;
        Ok(BTreeMap::from([
            ("key".to_string(), consumer.key),
            ("secret".to_string(), consumer.secret.expose().to_string()),
        ]))
    }

    /// The portal URL that logs the publisher in (one signed `oauth/request` for a token).
    pub fn sso_login_url(
        &self,
        portalUrl: StringArg,
        consumerKey: StringArg,
        consumerSecret: StringArg,
        publisher: StringArg,
    ) -> Result<String, Failure> {
        let portal = text("$portalUrl", portalUrl.0)?;
        let consumer = Consumer {
            key: text("$consumerKey", consumerKey.0)?,
            secret: Secret::new(text("$consumerSecret", consumerSecret.0)?),
        };
        let publisher = text("$publisher", publisher.0)?;
        Ok(self
            .inner
            .run(|c| async move { c.sso_login_url(&portal, &consumer, &publisher).await })?)
    }

    /// Bandwidth used in a month, in MB, by publisher id.
    ///
    /// The keys of the array are publisher ids.
    pub fn bandwidth_usage(
        &self,
        year: IntArg,
        month: IntArg,
    ) -> Result<BTreeMap<i64, i64>, Failure> {
        let year = i32::try_from(year.get("$year")?)
            .map_err(|_| Failure::input("$year", "it is out of range"))?;
        let month = u32::try_from(month.get("$month")?)
            .map_err(|_| Failure::input("$month", "it is out of range"))?;
        Ok(self.inner.run(|c| c.bandwidth_usage(year, month))?)
    }

    /// Bandwidth used in a month by these publishers, in MB, by publisher id; publishers
    /// Aflexi reports no traffic for are absent.
    ///
    /// `$publishers` is a list of publisher ids (ints or numeric strings). They are asked 200
    /// at a time (two calls each, HTTP and RTMP), so that every answer stays small however
    /// many publishers the operator has.
    pub fn bandwidth_usage_of(
        &self,
        year: IntArg,
        month: IntArg,
        publishers: ArrayArg,
    ) -> Result<BTreeMap<i64, i64>, Failure> {
        let year = i32::try_from(year.get("$year")?)
            .map_err(|_| Failure::input("$year", "it is out of range"))?;
        let month = u32::try_from(month.get("$month")?)
            .map_err(|_| Failure::input("$month", "it is out of range"))?;
        let ids = publisher_ids(publishers)?;
        Ok(self
            .inner
            .run(|c| async move { c.bandwidth_usage_of(year, month, &ids).await })?)
    }

    /// Bandwidth of one publisher per day, in MB (HTTP and RTMP added), keyed `YYYY-MM-DD`,
    /// from `$from` to `$to` (`YYYY-MM-DD`, both included, at most 62 days); days without
    /// traffic are absent. Two calls: `stats.getSummaries` for HTTP, then RTMP.
    pub fn daily_bandwidth(
        &self,
        publisherId: IntArg,
        from: &Zval,
        to: &Zval,
    ) -> Result<BTreeMap<String, i64>, Failure> {
        let publisher = publisherId.get("$publisherId")?;
        let from = text("$from", from)?;
        let to = text("$to", to)?;
        Ok(self
            .inner
            .run(|c| async move { c.daily_bandwidth(publisher, &from, &to).await })?)
    }

    /// The month's bandwidth of these publishers as concurrent queries (200 publishers each,
    /// up to the client's `concurrency` in flight), read one answer at a time with
    /// `next()`: each publisher gets one row, with its MB or its own error. Nothing is sent
    /// before the first `next()`.
    ///
    /// `$publishers` is a list of publisher ids (ints or numeric strings).
    ///
    /// @throws \Aflexi\InvalidInputException for a bad month or id
    pub fn usage_batches(
        &self,
        year: IntArg,
        month: IntArg,
        publishers: ArrayArg,
    ) -> Result<UsageBatches, Failure> {
        let year = i32::try_from(year.get("$year")?)
            .map_err(|_| Failure::input("$year", "it is out of range"))?;
        let month = u32::try_from(month.get("$month")?)
            .map_err(|_| Failure::input("$month", "it is out of range"))?;
        let ids = publisher_ids(publishers)?;
        let concurrency = self.inner.client().config().concurrency;
        let batches = client::UsageBatches::new(year, month, &ids, concurrency)?;
        Ok(UsageBatches::new(self.inner.clone(), batches))
    }

    /// Seconds this client has spent decoding answers (the benchmarks' decoder share).
    pub fn decode_seconds(&self) -> f64 {
        self.inner.client().decode_time().as_secs_f64()
    }

    /// What a sync of `$desired` would do, without doing it (the core's plan).
    ///
    /// `$desired` is a list of arrays with the keys `key` (the caller's reference, e.g. the
    /// service id), `username` (local part), `email`, `name`, `package`, `status` (`Active`
    /// or `Suspended`) and optionally `password` (generated for a created publisher when
    /// absent).
    pub fn sync_plan(&self, desired: ArrayArg) -> Result<PhpArray, Failure> {
        let desired = desired_publishers(desired.table("$desired")?)?;
        let config = self.inner.client().config();
        let (limit, concurrency) = (config.operation_timeout, config.concurrency);
        let publishers = desired.publishers;
        let plan = self.inner.run_shared(limit, |client| async move {
            sync::plan(&client, publishers, concurrency).await
        })?;
        let mut plan = PhpArray::of(&plan)?;
        add_to_plan(&mut plan.0, &desired.rejected);
        Ok(plan)
    }

    /// The passwords of the publishers a sync of `$desired` would create, to store (pending)
    /// before the sync: a list of `['key' => ..., 'password' => ..., 'new' => bool]`. An Active
    /// entry that brings a `password` (one stored pending by an earlier run) keeps it
    /// (`new` false); the others are planned, and each publisher the plan creates gets one new
    /// password, shared by every entry naming it (`new` true: store it). A publisher that
    /// already exists, and a Suspended entry, get none. Nothing is written on Aflexi.
    ///
    /// `$desired` is as for `syncPlan`: pass the entries whose publisher is not known yet.
    pub fn sync_passwords(&self, desired: ArrayArg) -> Result<PhpArray, Failure> {
        let desired = desired_publishers(desired.table("$desired")?)?;
        let config = self.inner.client().config();
        let (limit, concurrency) = (config.operation_timeout, config.concurrency);
        let publishers = desired.publishers;
        let held = self.inner.run_shared(limit, |client| async move {
            sync::passwords(&client, publishers, concurrency).await
        })?;
        PhpArray::of(&held)
    }

    /// Brings Aflexi in line with `$desired`: plans, then applies with bounded concurrency.
    /// Returns the core's report (results, counts, packages_created, elapsed_ms); created
    /// publishers' results carry their password.
    ///
    /// `$desired` is as for `syncPlan`. `$options`: `concurrency` (default
    /// `aflexi.concurrency`; 1 is the sequential strategy) and `time_budget_ms` (default the
    /// operation timeout): publishers not started by then are `pending`, to be finished by
    /// the next run. The call waits at most the time budget plus the operation timeout.
    #[php(defaults(options = Some(ArrayArg::Empty)))]
    pub fn sync(&self, desired: ArrayArg, options: Option<ArrayArg>) -> Result<PhpArray, Failure> {
        let (desired, options, limit) = self.sync_args(desired, options)?;
        let publishers = desired.publishers;
        let mut report = self.inner.run_shared(limit, |client| async move {
            sync::sync(client, publishers, &options).await
        })?;
        add_to_report(&mut report, &desired.rejected);
        PhpArray::of(&report)
    }

    /// Starts the same sync as `sync()` on a background thread and returns at once, so PHP
    /// can do other work (its database) meanwhile; `$job->wait()` returns what `sync()`
    /// would have returned, or throws what it would have thrown. Bad input throws here.
    #[php(defaults(options = Some(ArrayArg::Empty)))]
    pub fn sync_start(
        &self,
        desired: ArrayArg,
        options: Option<ArrayArg>,
    ) -> Result<SyncJob, Failure> {
        let (desired, options, limit) = self.sync_args(desired, options)?;
        SyncJob::start(self.inner.clone(), desired, options, limit)
    }

    /// API calls made by this client so far, by method name.
    pub fn call_counts(&self) -> Result<PhpArray, Failure> {
        PhpArray::of(&self.inner.client().call_counts())
    }

    /// The API calls made since the log was last taken (at most the last 200), oldest first,
    /// for the WHMCS module log: method, params (passwords redacted, credentials not
    /// included), outcome ('ok' or the error), elapsed_ms. Taking the log empties it.
    pub fn take_call_log(&self) -> Result<PhpArray, Failure> {
        PhpArray::of(&self.inner.client().take_call_log())
    }

    /// Sets the call counters back to zero.
    pub fn reset_call_counts(&self) {
        self.inner.client().reset_call_counts();
    }
}

impl Client {
    /// The converted arguments of `sync`/`syncStart` and how long the sync may take: the time
    /// budget plus the operation timeout.
    fn sync_args(
        &self,
        desired: ArrayArg,
        options: Option<ArrayArg>,
    ) -> Result<(Desired, sync::Options, Duration), Failure> {
        let desired = desired_publishers(desired.table("$desired")?)?;
        let config = self.inner.client().config();
        let mut sync_options = sync::Options {
            concurrency: config.concurrency,
            time_budget: Some(config.operation_timeout),
        };
        if let Some(table) = ArrayArg::or_empty(options).table("$options")? {
            apply_sync_options(&mut sync_options, table)?;
        }
        let limit = sync_options
            .time_budget
            .unwrap_or_default()
            .saturating_add(config.operation_timeout);
        Ok((desired, sync_options, limit))
    }
}

/// Sets the timeouts, concurrency and CA file from the INI settings.
fn apply_ini_defaults(config: &mut ClientConfig) -> Result<(), Failure> {
    let ini_seconds = |name: &str| -> Result<Option<Duration>, Failure> {
        match ini::value(name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
                .map(Some)
                .ok_or_else(|| {
                    Failure::input(
                        format!("INI setting {name}"),
                        "it is not a number of seconds (0 or more)",
                    )
                }),
        }
    };
    if let Some(d) = ini_seconds(ini::CONNECT_TIMEOUT)? {
        config.connect_timeout = d;
    }
    if let Some(d) = ini_seconds(ini::TIMEOUT)? {
        config.request_timeout = d;
    }
    if let Some(d) = ini_seconds(ini::OPERATION_TIMEOUT)? {
        config.operation_timeout = d;
    }
    if let Some(v) = ini::value(ini::CONCURRENCY) {
        config.concurrency = v.trim().parse().map_err(|_| {
            Failure::input(
                format!("INI setting {}", ini::CONCURRENCY),
                "it is not a whole number (1 or more)",
            )
        })?;
    }
    if let Some(path) = ini::value(ini::CA_FILE).filter(|p| !p.trim().is_empty()) {
        config.ca_file = Some(path.trim().into());
    }
    Ok(())
}

/// Applies the `$options` of `new Client(...)`; the core checks the ranges.
fn apply_options(config: &mut ClientConfig, table: &ZendHashTable) -> Result<(), Failure> {
    for member in members("$options", table) {
        let (key, value) = member?;
        let name = option_name("$options", &key, CLIENT_OPTIONS)?;
        let what = format!("$options['{name}']");
        match name.as_str() {
            "connect_timeout" => config.connect_timeout = seconds(&what, value)?,
            "timeout" => config.request_timeout = seconds(&what, value)?,
            "operation_timeout" => config.operation_timeout = seconds(&what, value)?,
            "retries" => {
                config.read_retries = u32::try_from(count(&what, value)?)
                    .map_err(|_| Failure::input(&what, "it is out of range"))?
            }
            "verify_tls" => config.verify_tls = flag(&what, value)?,
            "ca_file" => {
                let path = text(&what, value)?;
                config.ca_file = (!path.trim().is_empty()).then(|| path.trim().into());
            }
            "max_listed_rows" => {
                config.max_listed_rows = to_usize(&what, count(&what, value)?)?.max(1)
            }
            "max_response_bytes" => {
                config.max_response_bytes = to_usize(&what, count(&what, value)?)?.max(1)
            }
            "concurrency" => config.concurrency = to_usize(&what, count(&what, value)?)?,
            "page_size" => config.page_size = to_usize(&what, count(&what, value)?)?,
            "operator_id" => {
                let id = whole_number(&what, value)?;
                config.operator_id = (id != 0).then_some(id);
            }
            _ => return Err(unknown_option("$options", &name, CLIENT_OPTIONS)),
        }
    }
    Ok(())
}

/// Applies the `$options` of `sync(...)`.
fn apply_sync_options(options: &mut sync::Options, table: &ZendHashTable) -> Result<(), Failure> {
    for member in members("$options", table) {
        let (key, value) = member?;
        let name = option_name("$options", &key, SYNC_OPTIONS)?;
        let what = format!("$options['{name}']");
        match name.as_str() {
            "concurrency" => options.concurrency = to_usize(&what, count(&what, value)?)?,
            "time_budget_ms" => {
                options.time_budget = Some(Duration::from_millis(count(&what, value)?))
            }
            _ => return Err(unknown_option("$options", &name, SYNC_OPTIONS)),
        }
    }
    let range = defaults::CONCURRENCY_RANGE;
    if !range.contains(&options.concurrency) {
        return Err(Failure::input(
            "$options['concurrency']",
            format!("must be between {} and {}", range.start(), range.end()),
        ));
    }
    Ok(())
}

/// The name of an option; integer keys are not options.
fn option_name(arg: &str, key: &Key, known: &str) -> Result<String, Failure> {
    match key {
        Key::Name(name) => Ok(name.clone()),
        Key::Index(i) => Err(Failure::input(
            arg,
            format!("[{i}] is not an option; the options are {known}"),
        )),
    }
}

fn unknown_option(arg: &str, name: &str, known: &str) -> Failure {
    Failure::input(
        arg,
        format!(
            "unknown option '{}'; the options are {known}",
            shorten(name)
        ),
    )
}

fn to_usize(what: &str, n: u64) -> Result<usize, Failure> {
    usize::try_from(n).map_err(|_| Failure::input(what, "it is out of range"))
}

/// The publisher to create from a `createPublisher` array; missing keys are empty, and the
/// core says which one it needs.
fn new_publisher(table: Option<&ZendHashTable>) -> Result<NewPublisher, Failure> {
    let mut new = NewPublisher {
        username: String::new(),
        email: String::new(),
        name: String::new(),
        password: Secret::default(),
        package: String::new(),
    };
    let Some(table) = table else {
        return Ok(new);
    };
    for member in members("$publisher", table) {
        let (key, value) = member?;
        let name = option_name("$publisher", &key, PUBLISHER_KEYS)?;
        let what = format!("$publisher['{name}']");
        match name.as_str() {
            "username" => new.username = text(&what, value)?,
            "email" => new.email = text(&what, value)?,
            "name" => new.name = text(&what, value)?,
            "password" => new.password = Secret::new(text(&what, value)?),
            "package" => new.package = text(&what, value)?,
            _ => return Err(unknown_key("$publisher", &name, PUBLISHER_KEYS)),
        }
    }
    Ok(new)
}

/// The profile of an `updateProfile` array.
fn profile_of(table: Option<&ZendHashTable>) -> Result<Profile, Failure> {
    let mut profile = Profile::default();
    let Some(table) = table else {
        return Ok(profile);
    };
    for member in members("$profile", table) {
        let (key, value) = member?;
        let name = option_name("$profile", &key, "email, name")?;
        let what = format!("$profile['{name}']");
        match name.as_str() {
            "email" => profile.email = text(&what, value)?,
            "name" => profile.name = text(&what, value)?,
            _ => return Err(unknown_key("$profile", &name, "email, name")),
        }
    }
    Ok(profile)
}

pub(crate) fn unknown_key(arg: &str, name: &str, known: &str) -> Failure {
    Failure::input(
        arg,
        format!("unknown key '{}'; the keys are {known}", shorten(name)),
    )
}

/// The publisher ids of a `$publishers` list: positive whole numbers (ints or numeric
/// strings), each refused by its place in the list.
fn publisher_ids(publishers: ArrayArg) -> Result<Vec<i64>, Failure> {
    let mut ids = Vec::new();
    if let Some(table) = publishers.table("$publishers")? {
        for member in members("$publishers", table) {
            let (key, value) = member?;
            let at = format!("$publishers{key}");
            let id = whole_number(&at, value)?;
            if id <= 0 {
                return Err(Failure::input(&at, "a publisher id must be positive"));
            }
            ids.push(id);
        }
    }
    Ok(ids)
}
