//! A month's bandwidth of many publishers, as concurrent queries whose answers are handed
//! over one at a time: the server's pace, with memory bounded by the concurrency (at most
//! that many answers are being read, and the caller holds one batch of totals, never the
//! daily figures).

use std::collections::HashMap;
use std::sync::Arc;

use tokio::task::{Id, JoinError, JoinSet};

use super::usage::check_month;
use super::{Client, USAGE_PUBLISHERS_PER_QUERY};
use crate::{defaults, Error, Result};

/// One publisher's figure for the month.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageRow {
    /// The publisher asked for.
    pub publisher: i64,
    /// MB used (HTTP and RTMP added); `Ok(None)` when Aflexi reports no traffic for it; the
    /// error of its query (every publisher of that query) or of its own figure (only it).
    pub usage: Result<Option<i64>>,
}

/// The month's usage of a list of publisher ids, [`USAGE_PUBLISHERS_PER_QUERY`] a query
/// (two calls each: HTTP and RTMP), up to `concurrency` queries in flight. Each
/// [`next`](UsageBatches::next) hands over the rows of the next query to finish; every
/// publisher asked for gets exactly one row, whatever fails.
///
/// Queries run only while `next` is awaited (the blocking client runs its runtime only
/// inside a call), so a caller that stops reading stops the traffic; dropping the batches
/// cancels the queries in flight.
pub struct UsageBatches {
    year: i32,
    month: u32,
    waiting: std::vec::IntoIter<Vec<i64>>,
    running: JoinSet<Vec<UsageRow>>,
    /// The publishers of each running query, to answer for them even if its task dies.
    asked: HashMap<Id, Vec<i64>>,
    concurrency: usize,
}

impl UsageBatches {
    /// The queries for `publishers` (ids that are not positive are dropped, repeats asked
    /// once), with `concurrency` clamped to the accepted range (1 is the sequential path).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] (field `month`) for a month the API cannot be asked about.
    pub fn new(year: i32, month: u32, publishers: &[i64], concurrency: usize) -> Result<Self> {
        check_month(year, month)?;
        let mut ids: Vec<i64> = publishers.iter().copied().filter(|id| *id > 0).collect();
        ids.sort_unstable();
        ids.dedup();
        let chunks: Vec<Vec<i64>> = ids
            .chunks(USAGE_PUBLISHERS_PER_QUERY)
            .map(<[i64]>::to_vec)
            .collect();
        Ok(UsageBatches {
            year,
            month,
            waiting: chunks.into_iter(),
            running: JoinSet::new(),
            asked: HashMap::new(),
            concurrency: concurrency.clamp(
                *defaults::CONCURRENCY_RANGE.start(),
                *defaults::CONCURRENCY_RANGE.end(),
            ),
        })
    }

    /// The rows of the next query to finish, or `None` when every publisher has had its row.
    pub async fn next(&mut self, client: &Arc<Client>) -> Option<Vec<UsageRow>> {
        while self.running.len() < self.concurrency {
            let Some(chunk) = self.waiting.next() else {
                break;
            };
            let (client, year, month) = (Arc::clone(client), self.year, self.month);
            let copy = chunk.clone();
            let handle = self
                .running
                .spawn(async move { client.usage_rows(year, month, &copy).await });
            self.asked.insert(handle.id(), chunk);
        }
        let joined = self.running.join_next_with_id().await?;
        Some(self.settle(joined))
    }

    /// A finished query's rows; a query whose task died fails each of its publishers.
    fn settle(
        &mut self,
        joined: std::result::Result<(Id, Vec<UsageRow>), JoinError>,
    ) -> Vec<UsageRow> {
        match joined {
            Ok((id, rows)) => {
                self.asked.remove(&id);
                rows
            }
            Err(died) => {
                let chunk = self.asked.remove(&died.id()).unwrap_or_default();
                let error = Error::Protocol(format!(
                    "stats.getSummaries: the query stopped before answering ({died})"
                ));
                chunk
                    .into_iter()
                    .map(|publisher| UsageRow {
                        publisher,
                        usage: Err(error.clone()),
                    })
                    .collect()
            }
        }
    }
}
