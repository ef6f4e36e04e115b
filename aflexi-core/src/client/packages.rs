//! The operator's bandwidth packages: listed, found by name, created when missing, and kept
//! by name for the process so a single operation rarely asks again.

use std::collections::HashMap;
use std::sync::Mutex;

use once_cell::sync::Lazy;
use serde_json::json;

use super::model::{self, id_of, package_extract, package_from, results};
use super::{lock, Client, Package};
use crate::{package, Error, Result};

/// Package ids by (endpoint, operator id) and name, for single operations.
type PackageKey = (String, i64);
static PACKAGES: Lazy<Mutex<HashMap<PackageKey, HashMap<String, Package>>>> =
    Lazy::new(|| Mutex::new(HashMap::new()));

impl Client {
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

    pub(super) async fn forget_packages(&self) {
        if let Ok(op) = self.operator_id().await {
            lock(&PACKAGES).remove(&(self.config().endpoint.clone(), op));
        }
    }

    /// The package of that name from this process's memory when seen before (`true`), else
    /// from the API, created when missing (`false`).
    pub(super) async fn package_named(&self, name: &str) -> Result<(Package, bool)> {
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
}
