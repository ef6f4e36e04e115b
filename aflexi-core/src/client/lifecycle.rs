//! Changing publishers: create (or revive), status, package, password, profile, terminate.
//! A write whose answer was lost is read back before it is repeated.

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::model::{self, id_of, int_member, results};
use super::{Client, LinkStatus, Package, Publisher};
use crate::{package, password, Error, Result, Secret};

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

impl Client {
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
}
