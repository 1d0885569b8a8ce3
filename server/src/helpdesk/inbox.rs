//! The built-in inbox: the default help desk, kept in Waymark's own database.
//!
//! Delivery is immediate: the outbox row already holds everything, and agents read it
//! in the editor's inbox. The reference is the local ticket id.

use super::{BoxFuture, Connector, Delivered, DeliveryResult, OutboundTicket};

#[derive(Clone, Copy, Debug, Default)]
pub struct Inbox;

impl Connector for Inbox {
    fn kind(&self) -> &'static str {
        "inbox"
    }

    fn deliver<'a>(&'a self, ticket: &'a OutboundTicket) -> BoxFuture<'a, DeliveryResult> {
        Box::pin(async move {
            Ok(Delivered {
                reference: ticket.id.clone(),
                url: None,
            })
        })
    }
}
