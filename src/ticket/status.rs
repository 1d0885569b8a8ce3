//! What the server says became of a ticket, shared by the server, the editor and the page.

use serde::{Deserialize, Serialize};

/// A ticket's status as the server's ticket API answers it (`status` of
/// `GET /v1/apps/{app}/tickets/{id}`, the inbox and its `?status=` filter). The serde
/// names are the API's strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// In the server's outbox, not tried yet.
    Queued,
    /// Tried and not delivered: the help desk is down or slow, and the outbox retries.
    /// (Stored as `queued` with a last error; the API shows it as `waiting`.)
    Waiting,
    /// The help desk has it, under its own reference.
    Delivered,
    /// The help desk refused it, or the outbox gave up: an admin may retry it.
    Failed,
}

impl TicketStatus {
    /// Every status, in the order a ticket goes through them.
    pub const ALL: [TicketStatus; 4] = [
        TicketStatus::Queued,
        TicketStatus::Waiting,
        TicketStatus::Delivered,
        TicketStatus::Failed,
    ];

    /// The API's string: `queued`, `waiting`, `delivered`, `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Queued => "queued",
            TicketStatus::Waiting => "waiting",
            TicketStatus::Delivered => "delivered",
            TicketStatus::Failed => "failed",
        }
    }

    /// The status named by the API's string; `None` for anything else.
    pub fn parse(s: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Whether the status may still change, so the page asks again: `queued` and
    /// `waiting` (a help desk outage is not an answer). `delivered` and `failed` are final.
    pub fn is_pending(self) -> bool {
        matches!(self, TicketStatus::Queued | TicketStatus::Waiting)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_and_write_the_api_strings() {
        for s in TicketStatus::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, ["\"", s.as_str(), "\""].concat());
            assert_eq!(serde_json::from_str::<TicketStatus>(&json).unwrap(), s);
            assert_eq!(TicketStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(
            TicketStatus::parse("Delivered"),
            None,
            "the API's case only"
        );
        assert_eq!(TicketStatus::parse(""), None);
        assert!(serde_json::from_str::<TicketStatus>("\"lost\"").is_err());
    }

    #[test]
    fn only_queued_and_waiting_are_pending() {
        let pending: Vec<TicketStatus> = TicketStatus::ALL
            .into_iter()
            .filter(|s| s.is_pending())
            .collect();
        assert_eq!(pending, [TicketStatus::Queued, TicketStatus::Waiting]);
    }
}
