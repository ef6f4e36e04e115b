//! `Aflexi\UsageBatches`: a month's bandwidth of many publishers, the core's concurrent
//! queries handed to PHP one answer at a time, so PHP holds one batch of totals.

use aflexi_core::client::{self, BlockingClient, UsageRow};
use ext_php_rs::prelude::*;
use serde_json::{json, Value};

use crate::convert::PhpArray;
use crate::exception::Failure;

/// The month's usage of a list of publishers: `Aflexi\Client::usageBatches` returns one.
#[php_class]
#[php(name = "Aflexi\\UsageBatches")]
pub struct UsageBatches {
    client: BlockingClient,
    batches: client::UsageBatches,
}

impl UsageBatches {
    pub(crate) fn new(client: BlockingClient, batches: client::UsageBatches) -> Self {
        UsageBatches { client, batches }
    }
}

/// A row as PHP sees it: `mb` null when Aflexi reports no traffic; `error` and `kind` (the
/// core's error kind, for code to branch on) when this publisher's figure could not be read.
fn row(row: UsageRow) -> Value {
    match row.usage {
        Ok(mb) => json!({"publisher": row.publisher, "mb": mb, "error": null, "kind": null}),
        Err(e) => {
            json!({"publisher": row.publisher, "mb": null, "error": e.to_string(), "kind": e.kind()})
        }
    }
}

#[php_impl]
impl UsageBatches {
    /// The rows of the next query to finish (a list of `['publisher' => int, 'mb' => ?int,
    /// 'error' => ?string, 'kind' => ?string]`, one per publisher of that query), or null
    /// when every publisher asked for has had its row. A failed query fails only its own
    /// rows; the queries keep running up to the client's concurrency while this waits.
    ///
    /// @throws \Aflexi\TimeoutException when no query finishes within the operation timeout
    // PHP's name for it; a fallible PHP method cannot be Rust's `Iterator::next`.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<PhpArray>, Failure> {
        match self.client.next_usage_batch(&mut self.batches)? {
            Some(rows) => {
                let rows: Vec<Value> = rows.into_iter().map(row).collect();
                Ok(Some(PhpArray::of(&rows)?))
            }
            None => Ok(None),
        }
    }
}
