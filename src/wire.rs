//! The wire contract of the server's API v1: the JSON bodies the server answers and
//! reads, declared once for the server, the editor and the page (feature `wire`).
//!
//! The server serializes these types and derives its OpenAPI document from them
//! (feature `openapi`: `utoipa::ToSchema` on each); the editor deserializes the same
//! types. A guide travels as plain JSON (`guide`) so each side reads it with its own
//! rules: the server with [`crate::validate`], the editor with
//! [`crate::validate::from_json`]. Ticket status is [`TicketStatus`], the one enum the
//! page's ticket machine reads too, and a calendar day is [`Day`].
//!
//! Times are milliseconds since the Unix epoch (`i64`), as the server stores them.
//!
//! [`TicketStatus`]: crate::ticket::TicketStatus
//! [`Day`]: crate::wire::Day

mod day;

use serde::{Deserialize, Serialize};

pub use crate::ticket::TicketStatus;
pub use day::{Day, DayError};

use crate::guide::Priority;

/// A guide as authors see it in a list: `GET /v1/apps/{app}/drafts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftSummary {
    /// The guide's id, unique in its app.
    pub id: String,
    /// `tour`, `tip` or `checklist`.
    pub kind: String,
    /// The guide's title in its default locale.
    pub title: String,
    /// The version users get, or null when never published.
    pub live_version: Option<i64>,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    /// Milliseconds since the Unix epoch.
    pub updated_at: i64,
    /// The token that saved the draft last.
    pub updated_by: Option<String>,
}

/// A guide's draft: `GET /v1/apps/{app}/drafts/{guide}`, and the answer to saving it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Draft {
    /// The guide as listed.
    #[serde(flatten)]
    pub summary: DraftSummary,
    /// The draft, in the guide format (`/v1/guide-schema.json`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub guide: serde_json::Value,
}

/// A published version: `GET …/versions` (without `guide`), `GET …/versions/{n}`,
/// and the answer to publishing and rolling back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Version {
    /// The version number, from 1.
    pub version: i64,
    /// Milliseconds since the Unix epoch.
    pub published_at: i64,
    /// The token that published it.
    pub published_by: Option<String>,
    /// The note kept with the version.
    pub note: Option<String>,
    /// The guide as published; absent in lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub guide: Option<serde_json::Value>,
}

/// `POST …/publish`: an optional note kept with the version.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// Why it was published; left out for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `POST …/rollback`: the version whose content becomes live again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RollbackRequest {
    /// An earlier version of the guide.
    pub version: i64,
}

/// What an import did: `POST /v1/bundle`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Apps the bundle added.
    #[serde(default)]
    pub apps_created: u64,
    /// Guides the bundle added.
    #[serde(default)]
    pub guides_created: u64,
    /// Drafts written.
    #[serde(default)]
    pub drafts_saved: u64,
    /// Versions added.
    #[serde(default)]
    pub versions_imported: u64,
    /// Versions already there with the same content.
    #[serde(default)]
    pub versions_unchanged: u64,
}

/// `POST /v1/apps/{app}/tickets`: the draft the user reviewed and sent. What makes
/// one valid is the server's rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TicketRequest {
    /// The ticket's subject line.
    pub subject: String,
    /// The description with the attachments the user kept, as plain text.
    pub description: String,
    /// The help desk category the guide names.
    #[serde(default)]
    pub category: Option<String>,
    /// `low`, `normal`, `high` or `urgent`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "normal"))]
    pub priority: Priority,
    /// The guide the user was on, if any.
    #[serde(default)]
    pub guide: Option<String>,
    /// The step the user was on, if any.
    #[serde(default)]
    pub step: Option<String>,
    /// The page the user was on.
    #[serde(default)]
    pub page_url: Option<String>,
    /// Who the host app says the user is.
    #[serde(default)]
    pub user: Option<TicketUser>,
}

/// The user of a ticket, as the host app passed it to the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TicketUser {
    /// The host app's user id.
    pub id: Option<String>,
    /// The user's name.
    pub name: Option<String>,
    /// The user's e-mail address.
    pub email: Option<String>,
    /// `hex(HMAC-SHA256(app secret, id))`, required when the app has a secret.
    pub hash: Option<String>,
}

/// A ticket the server has taken: the answer to a posted ticket and to
/// `GET /v1/apps/{app}/tickets/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketView {
    /// Waymark's id for the ticket (`wm-…`).
    pub id: String,
    /// `queued` (not tried yet), `waiting` (the help desk could not take it yet; it is
    /// retried until `outbox.give_up_after`, see `last_error`), `delivered` or
    /// `failed` (refused by the help desk, or given up; an admin may requeue it).
    pub status: TicketStatus,
    /// Why the last attempt did not deliver it (while `waiting` or `failed`).
    pub last_error: Option<String>,
    /// The help desk's reference once delivered (`42`, `INC0010001`).
    pub reference: Option<String>,
    /// A link to the ticket in the help desk, when it gives one.
    pub reference_url: Option<String>,
    /// The help desk that has it (`rt`, `zendesk`).
    pub helpdesk: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    /// Milliseconds since the Unix epoch.
    pub delivered_at: Option<i64>,
}

/// A ticket as the inbox shows it: `GET /v1/apps/{app}/inbox`. Its delivery, the
/// request as filed, and the last error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxTicket {
    /// Where the ticket is.
    #[serde(flatten)]
    pub view: TicketView,
    /// Delivery attempts since it was filed or requeued.
    pub attempts: i64,
    /// The host app's user id, if it gave one.
    pub user_id: Option<String>,
    /// The request as the page posted it; null if the stored one cannot be read.
    pub ticket: Option<TicketRequest>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_draft_is_its_summary_and_guide_side_by_side() {
        let draft = Draft {
            summary: DraftSummary {
                id: "hello".into(),
                kind: "tour".into(),
                title: "Hello".into(),
                live_version: None,
                created_at: 1,
                updated_at: 2,
                updated_by: Some("agent".into()),
            },
            guide: json!({"id": "hello"}),
        };
        let text = serde_json::to_string(&draft).unwrap();
        assert_eq!(
            text,
            r#"{"id":"hello","kind":"tour","title":"Hello","live_version":null,"created_at":1,"updated_at":2,"updated_by":"agent","guide":{"id":"hello"}}"#
        );
        assert_eq!(serde_json::from_str::<Draft>(&text).unwrap(), draft);
    }

    #[test]
    fn a_listed_version_has_no_guide_key() {
        let v = Version {
            version: 3,
            published_at: 5,
            published_by: None,
            note: Some("first".into()),
            guide: None,
        };
        let text = serde_json::to_string(&v).unwrap();
        assert_eq!(
            text,
            r#"{"version":3,"published_at":5,"published_by":null,"note":"first"}"#
        );
        assert_eq!(serde_json::from_str::<Version>(&text).unwrap(), v);
    }

    #[test]
    fn a_publish_without_a_note_is_an_empty_object_and_strangers_are_refused() {
        assert_eq!(
            serde_json::to_string(&PublishRequest::default()).unwrap(),
            "{}"
        );
        assert_eq!(
            serde_json::from_str::<PublishRequest>(r#"{"note":"n"}"#).unwrap(),
            PublishRequest {
                note: Some("n".into())
            }
        );
        assert!(serde_json::from_str::<PublishRequest>(r#"{"notes":"n"}"#).is_err());
        assert!(serde_json::from_str::<RollbackRequest>(r#"{"version":1,"x":0}"#).is_err());
    }

    #[test]
    fn an_inbox_ticket_is_its_view_flattened_with_the_request() {
        let ticket = InboxTicket {
            view: TicketView {
                id: "wm-1".into(),
                status: TicketStatus::Waiting,
                last_error: Some("RT is down".into()),
                reference: None,
                reference_url: None,
                helpdesk: None,
                created_at: 7,
                delivered_at: None,
            },
            attempts: 2,
            user_id: None,
            ticket: Some(TicketRequest {
                subject: "Stuck".into(),
                description: "On step 2".into(),
                category: None,
                priority: Priority::High,
                guide: Some("hello".into()),
                step: None,
                page_url: None,
                user: None,
            }),
        };
        let value = serde_json::to_value(&ticket).unwrap();
        assert_eq!(value["status"], "waiting");
        assert_eq!(value["id"], "wm-1");
        assert_eq!(value["ticket"]["priority"], "high");
        assert_eq!(value["ticket"]["user"], serde_json::Value::Null);
        assert_eq!(
            serde_json::from_value::<InboxTicket>(value).unwrap(),
            ticket
        );
    }

    #[test]
    fn an_import_report_reads_missing_counts_as_zero() {
        let r: ImportReport = serde_json::from_str(r#"{"guides_created":2}"#).unwrap();
        assert_eq!(
            r,
            ImportReport {
                guides_created: 2,
                ..ImportReport::default()
            }
        );
    }
}
