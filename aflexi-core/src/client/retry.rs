//! When a read is tried again: after a failure another try may not meet, with a growing pause
//! or the one the server asks for.

use std::time::Duration;

use serde_json::Value;

use super::transport::{Endpoint, Transport};
use crate::xmlrpc::{self, Build};
use crate::Result;

/// The longest `Retry-After` honoured: a server asking for more is not retried (the call's
/// own time budget would run out first).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// The pause a 429 or 503 answer asks for, in seconds (`Retry-After: 5`); the HTTP-date form
/// is not read (a plain backoff is used then).
pub(super) fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?;
    let seconds: u64 = value.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(seconds))
}

impl Transport {
    /// A read: repeated with a growing pause after a failure that another try may not meet
    /// ([`Error::is_retryable`]: transport failures, 5xx and 429, garbled answers), after the
    /// pause a 429 or 503 asks for in `Retry-After` when it asks for one. A fault is not
    /// repeated: the same call meets the same refusal, so a read fault costs one round trip.
    pub(crate) async fn read(&self, method: &str, params: Vec<Value>) -> Result<Value> {
        self.read_at(Endpoint::Core, method, params).await
    }

    pub(crate) async fn read_at(
        &self,
        endpoint: Endpoint,
        method: &str,
        params: Vec<Value>,
    ) -> Result<Value> {
        self.read_at_into(endpoint, method, params, &|| xmlrpc::Json)
            .await
    }

    /// [`Transport::read_at`] with the answer made by a builder from `builder` (one per try).
    pub(crate) async fn read_at_into<B: Build + Send + 'static>(
        &self,
        endpoint: Endpoint,
        method: &str,
        params: Vec<Value>,
        builder: &(impl Fn() -> B + Sync),
    ) -> Result<B::Value>
    where
        B::Value: Send + 'static,
    {
        let mut attempt = 0u32;
        loop {
            match self
                .call_into(endpoint, method, params.clone(), &[], builder)
                .await
            {
                Err(failed)
                    if failed.error.is_retryable() && attempt < self.config.read_retries =>
                {
                    let pause = match failed.retry_after {
                        Some(asked) if asked > MAX_RETRY_AFTER => return Err(failed.error),
                        Some(asked) => asked,
                        None => backoff(self.config.retry_backoff, attempt),
                    };
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                other => return other.map_err(|failed| failed.error),
            }
        }
    }
}

fn backoff(base: Duration, attempt: u32) -> Duration {
    base.saturating_mul(1u32 << attempt.min(6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let base = Duration::from_millis(100);
        assert_eq!(backoff(base, 0), Duration::from_millis(100));
        assert_eq!(backoff(base, 2), Duration::from_millis(400));
        assert_eq!(backoff(base, 30), Duration::from_millis(6400));
    }
}
