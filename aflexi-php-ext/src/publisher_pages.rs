//! `Aflexi\PublisherPages`: the operator's publishers one page at a time, so PHP holds one
//! page, not the whole listing. The core's paging guards apply (a server that
//! ignores the paging options gets an `Aflexi\ProtocolException`, never a loop).

use aflexi_core::client::{self, BlockingClient};
use ext_php_rs::prelude::*;

use crate::convert::PhpArray;
use crate::exception::Failure;

/// The operator's publishers, one page at a time: `Aflexi\Client::publisherPages` returns one.
#[php_class]
#[php(name = "Aflexi\\PublisherPages")]
pub struct PublisherPages {
    client: BlockingClient,
    pages: client::PublisherPages,
}

impl PublisherPages {
    pub(crate) fn new(client: BlockingClient) -> Self {
        PublisherPages {
            client,
            pages: client::PublisherPages::new(),
        }
    }
}

#[php_impl]
impl PublisherPages {
    /// The next page of publishers (arrays as `listPublishers` gives, none seen on an earlier
    /// page), or null after the last. Each page is one API call, bounded by the operation
    /// timeout.
    ///
    /// @throws \Aflexi\ProtocolException when the server does not honour the paging options
    // PHP's name for it; a fallible PHP method cannot be Rust's `Iterator::next`.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<PhpArray>, Failure> {
        match self.client.next_publisher_page(&mut self.pages)? {
            Some(page) => Ok(Some(PhpArray::of(&page)?)),
            None => Ok(None),
        }
    }
}
