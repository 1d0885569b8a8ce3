//! API tokens: making them, hashing them, and the roles they carry.
//!
//! A token is `wmk_` and 64 hex digits of operating-system randomness (256 bits), so
//! a plain SHA-256 is a safe stored form: nothing to brute-force. Owns the token
//! format only; storing is [`crate::db::tokens`], checking a request is
//! [`crate::http::auth`]. A token value must never be logged or echoed, except once,
//! in the response that creates it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const PREFIX: &str = "wmk_";

/// What a token may do. An admin may do everything an agent may.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Support agents: write, publish and roll back guides; export.
    Agent,
    /// Admins: also apps and their origins, tokens, and import.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "agent" => Some(Role::Agent),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// 32 random bytes as hex, with a prefix.
fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf).expect("the operating system's random source");
    hex::encode(buf)
}

/// A new secret token.
pub fn generate() -> String {
    format!("{PREFIX}{}", random_hex(32))
}

/// A new id for a stored record (not secret).
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_hex(8))
}

/// The stored form of a token.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_unique_and_hashed_to_64_hex_digits() {
        let a = generate();
        let b = generate();
        assert!(a.starts_with("wmk_") && a.len() == 4 + 64);
        assert_ne!(a, b);
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), hash(&b));
        assert!(!hash(&a).contains(&a[4..]));
    }

    #[test]
    fn an_admin_outranks_an_agent() {
        assert!(Role::Admin > Role::Agent);
        assert_eq!(Role::parse("admin"), Some(Role::Admin));
        assert_eq!(Role::parse("root"), None);
    }
}
