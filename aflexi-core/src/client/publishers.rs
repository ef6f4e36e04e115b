//! Reading the operator's publishers: by username, by id, a page, or all of them.

use serde_json::{json, Value};

use super::model::{link_extract, publisher_from, results};
use super::{Client, Publisher, PublisherPages};
use crate::{Error, Result};

/// How many usernames one filtered lookup asks for.
pub(super) const USERNAMES_PER_LOOKUP: usize = 100;

impl Client {
    /// The publisher with that username (local or full form), if linked to this operator.
    pub async fn find_publisher(&self, username: &str) -> Result<Option<Publisher>> {
        let full = self.full_username(username).await?;
        let mut found = self.find_publishers(std::slice::from_ref(&full)).await?;
        Ok(found.pop())
    }

    /// The publishers with these usernames (local or full form) that are linked to this
    /// operator, found with filtered lookups of up to 100 usernames each.
    pub async fn find_publishers(&self, usernames: &[String]) -> Result<Vec<Publisher>> {
        let op = self.operator_id().await?;
        let mut full = Vec::with_capacity(usernames.len());
        for u in usernames {
            full.push(self.full_username(u).await?);
        }
        let mut found = Vec::new();
        for chunk in full.chunks(USERNAMES_PER_LOOKUP) {
            let names: Vec<Value> = chunk.iter().cloned().map(Value::String).collect();
            let filter = json!({"operator": op, "publisher.username": names});
            for p in self.read_links(filter).await? {
                if chunk.iter().any(|u| u.eq_ignore_ascii_case(&p.username)) {
                    found.push(p);
                }
            }
        }
        Ok(found)
    }

    /// The publisher with that id as linked to this operator, in any status.
    pub async fn get_publisher(&self, publisher_id: i64) -> Result<Publisher> {
        if publisher_id <= 0 {
            return Err(Error::invalid("publisher id", "must be a positive number"));
        }
        let op = self.operator_id().await?;
        let filter = json!({"operator": op, "publisher": publisher_id});
        self.read_links(filter)
            .await?
            .into_iter()
            .find(|p| p.id == publisher_id)
            .ok_or_else(|| Error::NotFound(format!("publisher #{publisher_id}")))
    }

    /// The links matching `filter`, projected to what the integration uses.
    async fn read_links(&self, filter: Value) -> Result<Vec<Publisher>> {
        let options = json!({"extract": link_extract()});
        let answer = self
            .transport
            .read("publisherLink.get", vec![filter, options])
            .await?;
        results(answer, "publisherLink.get")?
            .iter()
            .map(|link| publisher_from(link, "publisherLink.get"))
            .collect()
    }

    /// One page of the operator's publishers, ordered by id.
    pub async fn list_publishers_page(
        &self,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Publisher>> {
        let op = self.operator_id().await?;
        let limit = limit.clamp(1, 10_000);
        let options = json!({
            "firstResultIndex": offset,
            "maximumResults": limit,
            "extract": link_extract(),
        });
        let answer = self
            .transport
            .read("publisherLink.get", vec![json!({"operator": op}), options])
            .await?;
        let page = results(answer, "publisherLink.get")?;
        if page.len() > limit {
            return Err(Error::Protocol(format!(
                "publisherLink.get answered {} rows for a page of at most {limit}: the server does not honour maximumResults",
                page.len()
            )));
        }
        page.iter()
            .map(|link| publisher_from(link, "publisherLink.get"))
            .collect()
    }

    /// Every publisher of the operator, page by page.
    pub async fn list_publishers(&self) -> Result<Vec<Publisher>> {
        let mut pages = PublisherPages::new();
        let mut all = Vec::new();
        while let Some(page) = pages.next(self).await? {
            all.extend(page);
        }
        Ok(all)
    }
}
