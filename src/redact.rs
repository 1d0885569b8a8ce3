//! Redaction: personal data and secrets removed from text before it leaves the page.
//!
//! Owns the built-in detectors (email addresses, phone numbers, payment card numbers
//! that pass the Luhn check, bearer tokens, JWTs, secret query parameters) and the way
//! an app adds its own. It runs inside the runtime, so it uses no regex engine: each
//! detector is a small scanner over the text, linear in its length. Custom patterns
//! come in as a function, so the runtime can back them with the browser's RegExp.

use std::ops::Range;

/// Which built-in detectors run; all by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detectors {
    /// Email addresses.
    pub emails: bool,
    /// Phone numbers.
    pub phones: bool,
    /// Payment card numbers: those that pass the Luhn check, and other runs of 13 to 19 digits.
    pub cards: bool,
    /// Bearer tokens and JWTs.
    pub tokens: bool,
    /// The values of secret query parameters ([`SECRET_PARAMS`]); their names stay.
    pub secret_params: bool,
}

impl Default for Detectors {
    fn default() -> Detectors {
        Detectors {
            emails: true,
            phones: true,
            cards: true,
            tokens: true,
            secret_params: true,
        }
    }
}

/// Finds the byte ranges an app wants hidden (for example with a RegExp of its own).
pub type CustomPattern = Box<dyn Fn(&str) -> Vec<Range<usize>>>;

/// Query parameter names whose values are secrets.
pub const SECRET_PARAMS: &[&str] = &[
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "api_key",
    "apikey",
    "key",
    "secret",
    "client_secret",
    "password",
    "passwd",
    "pwd",
    "session",
    "sessionid",
    "sid",
    "auth",
    "code",
    "signature",
    "sig",
    "otp",
];

/// Removes personal data and secrets from text: the built-in detectors and the app's own patterns.
#[derive(Default)]
pub struct Redactor {
    /// Which built-in detectors run.
    pub detectors: Detectors,
    custom: Vec<(String, CustomPattern)>,
}

impl Redactor {
    /// Adds an app-configured pattern; matches are replaced with `[label]`.
    pub fn with_pattern(mut self, label: &str, find: CustomPattern) -> Redactor {
        self.custom.push((label.to_owned(), find));
        self
    }

    /// The text with every detected item replaced by a bracketed label (`[email]`).
    pub fn redact(&self, text: &str) -> String {
        // Labels are borrowed, not owned: no string per hit to make and drop.
        let mut hits: Vec<(Range<usize>, &str)> = Vec::new();
        let mut add = |ranges: Vec<Range<usize>>, label: &'static str| {
            for r in ranges {
                hits.push((r, label));
            }
        };
        let d = self.detectors;
        if d.secret_params {
            add(secret_params(text), "redacted");
        }
        if d.tokens {
            add(bearer_tokens(text), "token");
            add(jwts(text), "jwt");
        }
        if d.emails {
            add(emails(text), "email");
        }
        for run in digit_runs(text) {
            let s = text.get(run.clone()).unwrap_or_default();
            let label = if d.cards && is_card(s) {
                "card"
            } else if d.phones && is_phone(s) {
                "phone"
            } else if d.cards && (13..=19).contains(&digits_of(s).len()) {
                // A mistyped card number is still a card number.
                "number"
            } else {
                continue;
            };
            hits.push((run, label));
        }
        for (label, find) in &self.custom {
            for r in find(text) {
                if r.start < r.end
                    && r.end <= text.len()
                    && text.is_char_boundary(r.start)
                    && text.is_char_boundary(r.end)
                {
                    hits.push((r, label));
                }
            }
        }
        replace(text, hits)
    }
}

/// Applies replacements; where ranges overlap the earliest (then longest) wins.
fn replace(text: &str, mut hits: Vec<(Range<usize>, &str)>) -> String {
    // A stable insertion sort by start, longest first: each detector's hits come in
    // text order and a ticket holds few of them, and it keeps the standard library's
    // sort (about 7 KB of wasm) out of the runtime.
    let before = |a: &Range<usize>, b: &Range<usize>| (a.start, b.end) < (b.start, a.end);
    for i in 1..hits.len() {
        let mut j = i;
        while j > 0 && before(&hits[j].0, &hits[j - 1].0) {
            hits.swap(j - 1, j);
            j -= 1;
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (r, label) in hits {
        if r.start < at {
            continue;
        }
        out.push_str(text.get(at..r.start).unwrap_or_default());
        out.push('[');
        out.push_str(label);
        out.push(']');
        at = r.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `local@domain.tld` with the usual characters on each side.
fn emails(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let local = |c: u8| c.is_ascii_alphanumeric() || b"._%+-".contains(&c);
    let domain = |c: u8| c.is_ascii_alphanumeric() || c == b'.' || c == b'-';
    let mut out = Vec::new();
    let mut last_end = 0;
    for (at, _) in text.match_indices('@') {
        if at < last_end {
            continue;
        }
        let mut start = at;
        while start > last_end && local(b[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < b.len() && domain(b[end]) {
            end += 1;
        }
        while end > at + 1 && !b[end - 1].is_ascii_alphanumeric() {
            end -= 1;
        }
        let dom = text.get(at + 1..end).unwrap_or_default();
        let tld_ok = dom.rsplit_once('.').is_some_and(|(host, tld)| {
            !host.is_empty() && tld.len() >= 2 && tld.bytes().all(|c| c.is_ascii_alphabetic())
        });
        if start < at && tld_ok {
            out.push(start..end);
            last_end = end;
        }
    }
    out
}

/// Runs of digits that may include single spaces, dashes, dots or parentheses between
/// digits, and a leading `+`. Each is a candidate card or phone number.
fn digit_runs(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit()
            || ((b[i] == b'+' || b[i] == b'(') && b.get(i + 1).is_some_and(u8::is_ascii_digit));
        if !starts || (i > 0 && is_word(b[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        let mut j = i + 1;
        while j < b.len() {
            if b[j].is_ascii_digit() {
                j += 1;
                end = j;
            } else if b[j] == b')'
                || (b" -.(".contains(&b[j])
                    && b.get(j + 1)
                        .is_some_and(|c| c.is_ascii_digit() || *c == b'('))
            {
                j += 1;
            } else {
                break;
            }
        }
        // A run glued to letters (an order number like A12345678X) is not a number.
        if end < b.len() && is_word(b[end]) {
            i = end;
            continue;
        }
        out.push(start..end);
        i = end.max(start + 1);
    }
    out
}

fn digits_of(s: &str) -> Vec<u8> {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(|c| c - b'0')
        .collect()
}

/// 13 to 19 digits passing the Luhn check.
fn is_card(s: &str) -> bool {
    let d = digits_of(s);
    if !(13..=19).contains(&d.len()) || s.contains(['(', ')', '+']) {
        return false;
    }
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = u32::from(x);
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 {
                    y - 9
                } else {
                    y
                }
            } else {
                x
            }
        })
        .sum();
    sum % 10 == 0
}

/// 9 to 15 digits, or 7+ with a leading `+`; not an ISO date or a plain decimal.
fn is_phone(s: &str) -> bool {
    let n = digits_of(s).len();
    let plus = s.starts_with('+');
    let date_like =
        s.len() >= 10 && s.as_bytes().get(4) == Some(&b'-') && s.as_bytes().get(7) == Some(&b'-');
    let decimal = s.matches('.').count() == 1 && !s.contains([' ', '-', '(']);
    !date_like && !decimal && ((9..=15).contains(&n) || (plus && (7..=15).contains(&n)))
}

/// `Bearer xxx` (case-insensitive): the token part.
fn bearer_tokens(text: &str) -> Vec<Range<usize>> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    for (at, m) in lower.match_indices("bearer ") {
        if at > 0 && is_word(lower.as_bytes()[at - 1]) {
            continue;
        }
        let start = at + m.len();
        let end = start + token_len(&text.as_bytes()[start..]);
        if end > start {
            out.push(start..end);
        }
    }
    out
}

fn token_len(b: &[u8]) -> usize {
    b.iter()
        .take_while(|c| c.is_ascii_alphanumeric() || b"-._~+/=".contains(c))
        .count()
}

/// Three base64url segments joined by dots, the first starting `eyJ` (`{"`).
fn jwts(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let seg = |c: &u8| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_';
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = text.get(from..).and_then(|t| t.find("eyJ")) {
        let start = from + pos;
        if start > 0 && seg(&b[start - 1]) {
            from = start + 3;
            continue;
        }
        let mut end = start;
        let mut dots = 0;
        loop {
            let len = b[end..].iter().take_while(|c| seg(c)).count();
            end += len;
            if dots < 2 && len > 0 && b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(seg) {
                dots += 1;
                end += 1;
            } else {
                break;
            }
        }
        if dots == 2 {
            out.push(start..end);
        }
        from = end.max(start + 3);
    }
    out
}

/// Values of secret query parameters in any URL in the text (`?token=abc&x=1`).
fn secret_params(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for (i, &c) in b.iter().enumerate() {
        if c != b'?' && c != b'&' && c != b';' {
            continue;
        }
        let name_len = b[i + 1..]
            .iter()
            .take_while(|c| is_word(**c) || **c == b'-')
            .count();
        let eq = i + 1 + name_len;
        if name_len == 0 || b.get(eq) != Some(&b'=') {
            continue;
        }
        let name = text.get(i + 1..eq).unwrap_or_default().to_ascii_lowercase();
        if !SECRET_PARAMS.contains(&name.as_str()) {
            continue;
        }
        let start = eq + 1;
        let len = b[start..]
            .iter()
            .take_while(|c| !c.is_ascii_whitespace() && !b"&#;\"'<>".contains(c))
            .count();
        if len > 0 {
            out.push(start..start + len);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(text: &str) -> String {
        Redactor::default().redact(text)
    }

    #[test]
    fn emails_are_hidden() {
        assert_eq!(
            r("mail alice.o'neil+x@example.co.uk now"),
            "mail alice.o'[email] now"
        );
        assert_eq!(
            r("a@b, not@tld.x9, me@host.org."),
            "a@b, not@tld.x9, [email]."
        );
    }

    #[test]
    fn card_numbers_are_hidden_only_when_luhn_valid() {
        assert_eq!(r("card 4111 1111 1111 1111 ok"), "card [card] ok");
        assert_eq!(r("card 4111-1111-1111-1111"), "card [card]");
        assert_eq!(
            r("ref 4111 1111 1111 1112"),
            "ref [number]",
            "a mistyped card is still hidden"
        );
    }

    #[test]
    fn phone_numbers_are_hidden_but_dates_amounts_and_ids_are_not() {
        assert_eq!(r("call +44 20 7946 0958"), "call [phone]");
        assert_eq!(r("call (555) 123-4567."), "call [phone].");
        assert_eq!(r("call 01 23 45 67 89"), "call [phone]");
        assert_eq!(
            r("on 2026-11-23 at 11:37, total 1250.50, order REQ-20261123"),
            "on 2026-11-23 at 11:37, total 1250.50, order REQ-20261123"
        );
        assert_eq!(r("cost centre 4410, qty 12"), "cost centre 4410, qty 12");
        assert_eq!(r("id A123456789B"), "id A123456789B");
    }

    #[test]
    fn bearer_tokens_and_jwts_are_hidden() {
        assert_eq!(
            r("Authorization: Bearer abc.DEF-123_x=="),
            "Authorization: Bearer [token]"
        );
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nat-ure";
        assert_eq!(r(&format!("t={jwt} end")), "t=[jwt] end");
        assert_eq!(r("eyJnot.a"), "eyJnot.a");
    }

    #[test]
    fn secret_query_parameters_keep_their_name() {
        assert_eq!(
            r("GET https://x.test/a?page=2&token=s3cr3t&Api_Key=k#frag"),
            "GET https://x.test/a?page=2&token=[redacted]&Api_Key=[redacted]#frag"
        );
        assert_eq!(r("/cb?code=abc123;x=1"), "/cb?code=[redacted];x=1");
    }

    #[test]
    fn custom_patterns_come_from_the_host() {
        let red = Redactor::default().with_pattern(
            "employee-id",
            Box::new(|t: &str| {
                t.match_indices("EMP-")
                    .map(|(i, _)| i..(i + 8).min(t.len()))
                    .collect()
            }),
        );
        assert_eq!(red.redact("by EMP-1234 today"), "by [employee-id] today");
        #[allow(clippy::reversed_empty_ranges)]
        let bad = Redactor::default().with_pattern("x", Box::new(|_: &str| vec![5..2, 0..999]));
        assert_eq!(
            bad.redact("safe"),
            "safe",
            "nonsense ranges are ignored, never a panic"
        );
    }

    #[test]
    fn detectors_can_be_switched_off() {
        let mut red = Redactor::default();
        red.detectors.emails = false;
        assert_eq!(red.redact("a@b.com"), "a@b.com");
    }

    #[test]
    fn multibyte_text_is_left_intact() {
        assert_eq!(
            r("Müller — jo@ex.de ✓ +33 1 23 45 67 89 é"),
            "Müller — [email] ✓ [phone] é"
        );
    }
}
