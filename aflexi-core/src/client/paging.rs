//! Listing a `.get` page by page, with guards against a server that does not honour the
//! paging options.

use serde_json::{json, Value};

use super::model::{link_extract, publisher_from, results};
use super::{Client, Publisher};
use crate::{Error, Result};

/// Most pages one listing reads: 10,000 pages of the default 500 rows is 5 million rows, far
/// above any operator; a server that never sends an empty page is stopped here.
pub const MAX_PAGES: usize = 10_000;

/// The operator's publishers, one page at a time ([`PublisherPages::next`]): a caller that
/// handles each page and drops it keeps only one page in memory, whatever the operator's size.
/// The guards of the pager below (`Pager`) apply.
#[derive(Debug)]
pub struct PublisherPages {
    pager: Pager,
}

impl PublisherPages {
    /// A listing from the first publisher.
    pub fn new() -> Self {
        PublisherPages {
            pager: Pager::new("publisherLink.get", link_extract()),
        }
    }

    /// The next page of publishers not seen on an earlier page, or `None` at the end.
    pub async fn next(&mut self, client: &Client) -> Result<Option<Vec<Publisher>>> {
        let filter = json!({"operator": client.operator_id().await?});
        self.pager
            .next(client, &filter, &publisher_from, &|p: &Publisher| p.id)
            .await
    }
}

impl Default for PublisherPages {
    fn default() -> Self {
        Self::new()
    }
}

/// Reads a `.get` in pages of `page_size`, each row turned into a `T` as it arrives (the raw
/// page is dropped), rows with an id already read skipped.
///
/// It stops at the first empty page rather than at the first short one, so a server that caps
/// pages below the size asked for cannot make it lose rows (docs/AFLEXI-API.md#paging). A server that
/// ignores the paging options cannot make it loop or grow without end: a page larger than
/// asked, a page of nothing but rows already read (the offset was not honoured), or more than
/// [`MAX_PAGES`] pages or [`ClientConfig::max_listed_rows`](super::ClientConfig::max_listed_rows) rows is an error that says so.
#[derive(Debug)]
struct Pager {
    method: &'static str,
    extract: Value,
    offset: usize,
    pages: usize,
    seen: std::collections::HashSet<i64>,
    done: bool,
}

impl Pager {
    fn new(method: &'static str, extract: Value) -> Self {
        Pager {
            method,
            extract,
            offset: 0,
            pages: 0,
            seen: std::collections::HashSet::new(),
            done: false,
        }
    }

    async fn next<T>(
        &mut self,
        client: &Client,
        filter: &Value,
        read: &impl Fn(&Value, &str) -> Result<T>,
        id: &impl Fn(&T) -> i64,
    ) -> Result<Option<Vec<T>>> {
        if self.done {
            return Ok(None);
        }
        let method = self.method;
        let size = client.config().page_size;
        let offset = self.offset;
        if self.pages == MAX_PAGES {
            return Err(Error::Protocol(format!(
                "{method} still had rows after {MAX_PAGES} pages of {size}; listing stopped (a server that does not honour firstResultIndex?)"
            )));
        }
        self.pages += 1;
        let options = json!({
            "firstResultIndex": offset,
            "maximumResults": size,
            "extract": self.extract,
        });
        let answer = client
            .transport
            .read(method, vec![filter.clone(), options])
            .await?;
        let page = results(answer, method)?;
        if page.is_empty() {
            self.done = true;
            return Ok(None);
        }
        if page.len() > size {
            return Err(Error::Protocol(format!(
                "{method} answered {} rows for a page of at most {size} (at offset {offset}): the server does not honour maximumResults; listing stopped",
                page.len()
            )));
        }
        let mut items = Vec::with_capacity(page.len());
        for row in &page {
            let item = read(row, method)?;
            if self.seen.insert(id(&item)) {
                items.push(item);
            }
        }
        if items.is_empty() {
            return Err(Error::Protocol(format!(
                "{method} answered the page at offset {offset} with only rows already read: the server does not honour firstResultIndex; listing stopped"
            )));
        }
        let max_rows = client.config().max_listed_rows;
        if self.seen.len() > max_rows {
            return Err(Error::Protocol(format!(
                "{method} listed more than {max_rows} rows (the max_listed_rows setting); listing stopped to bound memory"
            )));
        }
        self.offset += page.len();
        Ok(Some(items))
    }
}

impl Client {
    /// Reads every row of a `.get` through a [`Pager`], each row turned into a `T` by `read`.
    pub(super) async fn read_all<T>(
        &self,
        method: &'static str,
        filter: Value,
        extract: Value,
        read: impl Fn(&Value, &str) -> Result<T>,
        id: impl Fn(&T) -> i64,
    ) -> Result<Vec<T>> {
        let mut pager = Pager::new(method, extract);
        let mut all = Vec::new();
        while let Some(page) = pager.next(self, &filter, &read, &id).await? {
            all.extend(page);
        }
        Ok(all)
    }
}
