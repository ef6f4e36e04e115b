//! What the benchmark and the fault drill share: the desired publishers they sync.

use aflexi_core::sync::{DesiredPublisher, DesiredStatus};

/// `n` Active publishers `<prefix><i>_example.com_<i>` on one package, keyed by their index.
pub fn desired(n: usize, prefix: &str, package: &str) -> Vec<DesiredPublisher> {
    (0..n)
        .map(|i| DesiredPublisher {
            key: i.to_string(),
            username: format!("{prefix}{i}_example.com_{i}"),
            email: format!("{prefix}{i}@example.com"),
            name: format!("Client {i}"),
            package: package.into(),
            status: DesiredStatus::Active,
            password: None,
        })
        .collect()
}
