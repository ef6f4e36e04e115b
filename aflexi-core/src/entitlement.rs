//! Who is entitled to CDN through the addon: the facts WHMCS holds about a service in, the
//! publisher's desired state out.
//!
//! The addon reads the rows (service, client, product, invoices, the "Aflexi CDN" product
//! addon) and hands their facts to [`decide`]; the rule of which facts give which answer lives
//! here only. A service is entitled (desired Active) when, checked in this order:
//!
//! 1. no hook event has asked for it to be suspended (the event has not reached the tables);
//! 2. its product is CDN-enabled;
//! 3. the product is not free ([`product_is_free`]);
//! 4. the service is Active;
//! 5. its client is Active;
//! 6. no hook has put it on hold (an invoice of it was marked unpaid, refunded or cancelled);
//! 7. its latest invoice is neither Refunded nor Cancelled;
//! 8. when the "Aflexi CDN" product addon has a price, the service has that addon Active.
//!
//! The first check that fails gives the reason. A service that is not entitled but has a
//! synchronized publisher is desired Suspended; one that never had a publisher is left out
//! (free products and their users are not synchronized).
//!
//! ```
//! use aflexi_core::entitlement::{decide, Desired, Reason, ServiceFacts};
//!
//! let facts = ServiceFacts {
//!     cdn_enabled: true,
//!     service_status: "Active".into(),
//!     client_status: Some("Active".into()),
//!     ..ServiceFacts::default()
//! };
//! assert_eq!(decide(&facts).desired, Some(Desired::Active));
//!
//! let closed = ServiceFacts { client_status: Some("Closed".into()), synchronized: true, ..facts };
//! let decision = decide(&closed);
//! assert_eq!(decision.desired, Some(Desired::Suspended));
//! assert_eq!(decision.reason, Some(Reason::ClientNotActive));
//! assert_eq!(decision.message.as_deref(), Some("the client is Closed"));
//! ```

use serde::Serialize;

/// The invoice statuses that take CDN away when the latest invoice of a service has one.
pub const REVERSED_INVOICE_STATUSES: [&str; 2] = ["Refunded", "Cancelled"];

/// An invoice of the service: the latest one (highest id) among its Hosting lines and the
/// Addon lines of its "Aflexi CDN" addon.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invoice {
    /// The invoice id.
    pub id: u64,
    /// WHMCS's status of the invoice (`Paid`, `Unpaid`, `Refunded`, `Cancelled`, ...).
    pub status: String,
}

/// What WHMCS holds about one service, as the addon reads it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceFacts {
    /// Why a hook event asks for the service to be suspended now, if one does.
    pub suspend_event: Option<String>,
    /// The product is CDN-enabled on the addon's page.
    pub cdn_enabled: bool,
    /// The product is free ([`product_is_free`]).
    pub product_free: bool,
    /// The service's status (`tblhosting.domainstatus`).
    pub service_status: String,
    /// The client's status; `None` when the client is gone.
    pub client_status: Option<String>,
    /// Why a hook put the service on hold (the record's `hold`), if one did.
    pub hold: Option<String>,
    /// The latest invoice of the service, if it has one.
    pub latest_invoice: Option<Invoice>,
    /// The "Aflexi CDN" product addon has a price: the service needs it Active.
    pub addon_required: bool,
    /// The service has the "Aflexi CDN" product addon Active.
    pub addon_active: bool,
    /// The service has a synchronized publisher (a record of the addon).
    pub synchronized: bool,
}

/// The publisher's desired state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Desired {
    /// Entitled: the publisher should be active.
    Active,
    /// Not entitled, and synchronized before: the publisher should be suspended.
    Suspended,
}

/// Why a service is not entitled: a code to branch on (the message is for people).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// A hook event asks for the service to be suspended.
    SuspendEvent,
    /// The product is not CDN-enabled.
    NotCdnEnabled,
    /// The product is free.
    FreeProduct,
    /// The service is not Active.
    ServiceNotActive,
    /// The client is not Active, or gone.
    ClientNotActive,
    /// A hook put the service on hold.
    OnHold,
    /// The latest invoice was refunded or cancelled.
    InvoiceReversed,
    /// The "Aflexi CDN" addon is priced and not active on the service.
    AddonNotActive,
}

/// The answer for one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The publisher's desired state; `None` when the service is left out of the sync (not
    /// entitled and never synchronized).
    pub desired: Option<Desired>,
    /// Why the service is not entitled; `None` when it is.
    pub reason: Option<Reason>,
    /// The reason as the operator reads it (e.g. `invoice #12 is Refunded`).
    pub message: Option<String>,
}

/// The decision for one service: see the [module documentation](self) for the rule.
pub fn decide(facts: &ServiceFacts) -> Decision {
    match why_not_entitled(facts) {
        None => Decision {
            desired: Some(Desired::Active),
            reason: None,
            message: None,
        },
        Some((reason, message)) => Decision {
            desired: facts.synchronized.then_some(Desired::Suspended),
            reason: Some(reason),
            message: Some(message),
        },
    }
}

/// The first check that fails, with its message, or `None` when the service is entitled.
fn why_not_entitled(facts: &ServiceFacts) -> Option<(Reason, String)> {
    let blank = |s: &Option<String>| s.as_deref().is_none_or(str::is_empty);
    if let Some(event) = facts.suspend_event.as_ref() {
        return Some((Reason::SuspendEvent, event.clone()));
    }
    if !facts.cdn_enabled {
        return Some((
            Reason::NotCdnEnabled,
            "the product is not CDN enabled".into(),
        ));
    }
    if facts.product_free {
        return Some((Reason::FreeProduct, "the product is free".into()));
    }
    if facts.service_status != "Active" {
        let message = format!("the service is {}", facts.service_status);
        return Some((Reason::ServiceNotActive, message));
    }
    match facts.client_status.as_deref() {
        Some("Active") => {}
        status => {
            let message = format!("the client is {}", status.unwrap_or("gone"));
            return Some((Reason::ClientNotActive, message));
        }
    }
    if !blank(&facts.hold) {
        return Some((Reason::OnHold, facts.hold.clone().unwrap_or_default()));
    }
    if let Some(invoice) = facts
        .latest_invoice
        .as_ref()
        .filter(|i| REVERSED_INVOICE_STATUSES.contains(&i.status.as_str()))
    {
        let message = format!("invoice #{} is {}", invoice.id, invoice.status);
        return Some((Reason::InvoiceReversed, message));
    }
    if facts.addon_required && !facts.addon_active {
        let message = "the \"Aflexi CDN\" addon is not active on the service".into();
        return Some((Reason::AddonNotActive, message));
    }
    None
}

/// Whether a product is free, so that its services get no CDN: its payment type is `free`
/// (any case), or no price of it is above zero in any currency or billing cycle.
///
/// ```
/// use aflexi_core::entitlement::product_is_free;
/// assert!(product_is_free("Free", true));
/// assert!(product_is_free("recurring", false));
/// assert!(!product_is_free("recurring", true));
/// ```
pub fn product_is_free(paytype: &str, has_price_above_zero: bool) -> bool {
    paytype.eq_ignore_ascii_case("free") || !has_price_above_zero
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entitled() -> ServiceFacts {
        ServiceFacts {
            cdn_enabled: true,
            service_status: "Active".into(),
            client_status: Some("Active".into()),
            synchronized: true,
            ..ServiceFacts::default()
        }
    }

    fn refused(facts: ServiceFacts) -> (Reason, String) {
        let decision = decide(&facts);
        assert_eq!(decision.desired, Some(Desired::Suspended), "{facts:?}");
        (decision.reason.unwrap(), decision.message.unwrap())
    }

    #[test]
    fn a_paid_active_service_of_an_active_client_on_an_enabled_product_is_active() {
        let decision = decide(&entitled());
        assert_eq!(decision.desired, Some(Desired::Active));
        assert_eq!((decision.reason, decision.message), (None, None));
    }

    #[test]
    fn each_fact_refuses_with_the_text_operators_read() {
        let cases = [
            (
                ServiceFacts {
                    cdn_enabled: false,
                    ..entitled()
                },
                Reason::NotCdnEnabled,
                "the product is not CDN enabled",
            ),
            (
                ServiceFacts {
                    product_free: true,
                    ..entitled()
                },
                Reason::FreeProduct,
                "the product is free",
            ),
            (
                ServiceFacts {
                    service_status: "Suspended".into(),
                    ..entitled()
                },
                Reason::ServiceNotActive,
                "the service is Suspended",
            ),
            (
                ServiceFacts {
                    client_status: Some("Closed".into()),
                    ..entitled()
                },
                Reason::ClientNotActive,
                "the client is Closed",
            ),
            (
                ServiceFacts {
                    client_status: None,
                    ..entitled()
                },
                Reason::ClientNotActive,
                "the client is gone",
            ),
            (
                ServiceFacts {
                    hold: Some("invoice #7 was marked Unpaid".into()),
                    ..entitled()
                },
                Reason::OnHold,
                "invoice #7 was marked Unpaid",
            ),
            (
                ServiceFacts {
                    latest_invoice: Some(Invoice {
                        id: 12,
                        status: "Refunded".into(),
                    }),
                    ..entitled()
                },
                Reason::InvoiceReversed,
                "invoice #12 is Refunded",
            ),
            (
                ServiceFacts {
                    latest_invoice: Some(Invoice {
                        id: 13,
                        status: "Cancelled".into(),
                    }),
                    ..entitled()
                },
                Reason::InvoiceReversed,
                "invoice #13 is Cancelled",
            ),
            (
                ServiceFacts {
                    addon_required: true,
                    ..entitled()
                },
                Reason::AddonNotActive,
                "the \"Aflexi CDN\" addon is not active on the service",
            ),
            (
                ServiceFacts {
                    suspend_event: Some("the client was closed".into()),
                    ..entitled()
                },
                Reason::SuspendEvent,
                "the client was closed",
            ),
        ];
        for (facts, reason, message) in cases {
            assert_eq!(refused(facts), (reason, message.to_string()));
        }
    }

    #[test]
    fn the_first_failing_check_gives_the_reason() {
        let facts = ServiceFacts {
            product_free: true,
            service_status: "Terminated".into(),
            client_status: None,
            ..entitled()
        };
        assert_eq!(refused(facts).0, Reason::FreeProduct);
        let event_wins = ServiceFacts {
            suspend_event: Some("hook".into()),
            cdn_enabled: false,
            ..entitled()
        };
        assert_eq!(refused(event_wins).0, Reason::SuspendEvent);
    }

    #[test]
    fn a_paid_invoice_an_empty_hold_and_a_free_addon_take_nothing_away() {
        let facts = ServiceFacts {
            hold: Some(String::new()),
            latest_invoice: Some(Invoice {
                id: 3,
                status: "Paid".into(),
            }),
            addon_required: false,
            ..entitled()
        };
        assert_eq!(decide(&facts).desired, Some(Desired::Active));
        let with_addon = ServiceFacts {
            addon_required: true,
            addon_active: true,
            ..entitled()
        };
        assert_eq!(decide(&with_addon).desired, Some(Desired::Active));
    }

    #[test]
    fn a_service_never_synchronized_and_not_entitled_is_left_out() {
        let facts = ServiceFacts {
            product_free: true,
            synchronized: false,
            ..entitled()
        };
        let decision = decide(&facts);
        assert_eq!(decision.desired, None);
        assert_eq!(decision.reason, Some(Reason::FreeProduct));
        let new_and_entitled = ServiceFacts {
            synchronized: false,
            ..entitled()
        };
        assert_eq!(decide(&new_and_entitled).desired, Some(Desired::Active));
    }

    #[test]
    fn statuses_are_compared_as_whmcs_writes_them() {
        let lower = ServiceFacts {
            service_status: "active".into(),
            ..entitled()
        };
        assert_eq!(refused(lower).0, Reason::ServiceNotActive);
    }

    #[test]
    fn a_product_is_free_by_its_paytype_or_for_want_of_a_price() {
        assert!(product_is_free("free", true));
        assert!(product_is_free("FREE", true));
        assert!(product_is_free("onetime", false));
        assert!(!product_is_free("onetime", true));
        assert!(!product_is_free("", true));
    }
}
