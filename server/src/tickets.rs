//! Tickets as the runtime posts them: the body's shape and limits, the idempotency
//! rule, and the check of the user's HMAC.
//!
//! Owns what a valid ticket request is and how one becomes an
//! [`OutboundTicket`](crate::helpdesk::OutboundTicket). Storing it is
//! [`crate::db::tickets`]'s job, delivering it [`crate::outbox`]'s.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use waymark::validate::Problem;

use crate::helpdesk::{OutboundTicket, Requester};

/// `POST /v1/apps/{app}/tickets`'s body: one declaration in the core's wire contract,
/// with this module's rules ([`TicketRules`]).
pub use waymark::wire::{TicketRequest, TicketUser};

pub const MAX_SUBJECT: usize = 200;
pub const MAX_DESCRIPTION: usize = 64 * 1024;
pub const MAX_KEY: usize = 200;

/// The server's rules for a [`TicketRequest`]: what makes one valid, its hash, and
/// the ticket it becomes for the help desk.
pub trait TicketRules {
    /// Every problem with the request, at its JSON path.
    fn problems(&self) -> Vec<Problem>;
    /// The app's `user.email` when a help desk would refuse it as a requester
    /// (`root@localhost`, `nope`): the ticket keeps it as text in its description.
    fn unsendable_email(&self) -> Option<&str>;
    /// The SHA-256 of the request's canonical JSON: a retry with the same key must
    /// carry the same ticket.
    fn hash(&self) -> String;
    /// The ticket for the help desk, with the page and guide added to the body.
    fn outbound(&self, id: &str, key: &str, app: &str) -> OutboundTicket;
}

impl TicketRules for TicketRequest {
    fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut add = |path: &str, message: String| {
            out.push(Problem {
                path: path.into(),
                message,
            })
        };
        let subject = self.subject.trim();
        if subject.is_empty() {
            add("subject", "must not be empty".into());
        } else if subject.chars().count() > MAX_SUBJECT {
            add(
                "subject",
                format!(
                    "too long ({} characters, at most {MAX_SUBJECT})",
                    subject.chars().count()
                ),
            );
        }
        if self.description.len() > MAX_DESCRIPTION {
            add(
                "description",
                format!(
                    "too long ({} bytes, at most {MAX_DESCRIPTION})",
                    self.description.len()
                ),
            );
        }
        if let Some(c) = &self.category {
            if c.trim().is_empty() || c.len() > 100 {
                add(
                    "category",
                    "give 1 to 100 characters, or leave it out".into(),
                );
            }
        }
        // `user.email` is the host app's, not something the user can fix: an address
        // a help desk would refuse is kept in the description instead (see
        // [`TicketRequest::unsendable_email`]), never a reason to refuse the ticket.
        out
    }

    fn unsendable_email(&self) -> Option<&str> {
        let email = self.user.as_ref()?.email.as_deref()?;
        (!sendable_email(email)).then_some(email)
    }

    fn hash(&self) -> String {
        let canonical = serde_json::to_vec(self).expect("a ticket request always serializes");
        hex::encode(Sha256::digest(canonical))
    }

    fn outbound(&self, id: &str, key: &str, app: &str) -> OutboundTicket {
        let user = self.user.clone().unwrap_or(TicketUser {
            id: None,
            name: None,
            email: None,
            hash: None,
        });
        let mut body = self.description.trim_end().to_owned();
        let mut email = user.email;
        if let Some(given) = email.as_deref().filter(|e| !sendable_email(e)) {
            body.push_str(&format!(
                "\n\nRequester e-mail as given by the app: {given}"
            ));
            email = None;
        }
        body.push_str(&format!(
            "\n\n--\nFiled through Waymark (ticket {id}, app {app})"
        ));
        OutboundTicket {
            id: id.to_owned(),
            idempotency_key: key.to_owned(),
            subject: self.subject.trim().to_owned(),
            body,
            category: self.category.clone(),
            priority: self.priority,
            requester: Requester {
                name: user.name,
                email,
                user_id: user.id,
            },
            app: app.to_owned(),
            guide: self.guide.clone(),
            may_exist: false,
            route: None,
        }
    }
}

/// Whether help desks take `email` as a requester: one `@`, a local part, a dotted
/// domain, no spaces, at most 254 bytes.
pub fn sendable_email(email: &str) -> bool {
    email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty()
                && !d.contains('@')
                && d.split('.').count() >= 2
                && d.split('.').all(|part| !part.is_empty())
        })
}

/// `hex(HMAC-SHA256(secret, user_id))`.
pub fn user_hash(secret: &str, user_id: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(user_id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether the request's user is proven by the app's secret (in constant time).
pub fn user_verified(secret: &str, user: Option<&TicketUser>) -> bool {
    let Some((id, hash)) = user.and_then(|u| Some((u.id.as_deref()?, u.hash.as_deref()?))) else {
        return false;
    };
    let Ok(given) = hex::decode(hash) else {
        return false;
    };
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(id.as_bytes());
    mac.verify_slice(&given).is_ok()
}

/// A new local ticket id: `wm-` and 16 random hex digits.
pub fn new_id() -> String {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).expect("the OS random source is available");
    format!("wm-{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use waymark::guide::Priority;

    fn request() -> TicketRequest {
        serde_json::from_value(serde_json::json!({
            "subject": "Stuck at step 5", "description": "Guide: x", "priority": "high",
            "user": {"id": "u-1", "email": "ann@acme.example"}
        }))
        .unwrap()
    }

    #[test]
    fn the_same_request_hashes_the_same_and_a_changed_one_differently() {
        assert_eq!(request().hash(), request().hash());
        let mut other = request();
        other.subject.push('!');
        assert_ne!(request().hash(), other.hash());
    }

    #[test]
    fn problems_name_the_field() {
        let mut r = request();
        r.subject = " ".into();
        r.category = Some(String::new());
        let paths: Vec<String> = r.problems().into_iter().map(|p| p.to_string()).collect();
        assert_eq!(
            paths,
            vec![
                "subject: must not be empty",
                "category: give 1 to 100 characters, or leave it out"
            ]
        );
    }

    #[test]
    fn an_intranet_email_keeps_the_ticket_and_travels_in_the_description() {
        let mut r = request();
        r.user.as_mut().unwrap().email = Some("root@localhost".into());
        assert!(
            r.problems().is_empty(),
            "the app's email never refuses the ticket"
        );
        assert_eq!(r.unsendable_email(), Some("root@localhost"));
        let t = r.outbound("wm-1", "key", "demo");
        assert_eq!(t.requester.email, None, "not sent as the requester");
        assert!(
            t.body
                .contains("Requester e-mail as given by the app: root@localhost"),
            "{}",
            t.body
        );
        for ok in ["ann@acme.example", "a.b+c@mail.acme.co.uk"] {
            assert!(sendable_email(ok), "{ok}");
        }
        for bad in [
            "root@localhost",
            "nope",
            "@acme.example",
            "a@b@c.d",
            "a b@c.d",
            "a@.d",
            "a@c.",
        ] {
            assert!(!sendable_email(bad), "{bad}");
        }
    }

    #[test]
    fn a_user_is_verified_only_with_the_right_hmac() {
        let mut user = request().user.unwrap();
        assert!(!user_verified("s3cret", Some(&user)), "no hash");
        user.hash = Some(user_hash("s3cret", "u-1"));
        assert!(user_verified("s3cret", Some(&user)));
        assert!(!user_verified("other", Some(&user)));
        user.id = Some("u-2".into());
        assert!(
            !user_verified("s3cret", Some(&user)),
            "a hash for another user"
        );
        user.hash = Some("zz".into());
        assert!(!user_verified("s3cret", Some(&user)), "not hex");
    }

    #[test]
    fn the_outbound_ticket_keeps_the_request_and_names_its_origin() {
        let t = request().outbound("wm-1", "key", "demo");
        assert_eq!(
            (t.subject.as_str(), t.priority),
            ("Stuck at step 5", Priority::High)
        );
        assert!(t
            .body
            .ends_with("Filed through Waymark (ticket wm-1, app demo)"));
        assert_eq!(t.requester.email.as_deref(), Some("ann@acme.example"));
    }
}
