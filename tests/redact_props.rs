//! Redaction holds for any text: it never panics, and what it must hide never survives.

use proptest::prelude::*;
use waymark::redact::Redactor;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn redaction_never_panics_on_any_text(s in "\\PC{0,200}") {
        let _ = Redactor::default().redact(&s);
    }

    #[test]
    fn an_email_inside_any_text_never_survives(
        before in "[a-z ,;:()]{0,20}", local in "[a-z][a-z0-9.+_-]{0,10}[a-z0-9]", host in "[a-z]{1,10}", tld in "[a-z]{2,4}", after in "[ ,;:()]{0,20}"
    ) {
        let email = format!("{local}@{host}.{tld}");
        let out = Redactor::default().redact(&format!("{before} {email}{after}"));
        prop_assert!(!out.contains(&email), "{}", out);
        prop_assert!(out.contains("[email]"));
    }

    #[test]
    fn a_luhn_valid_card_number_never_survives(body in prop::collection::vec(0u8..10, 15), sep in prop_oneof![Just(""), Just(" "), Just("-")]) {
        // Complete 15 digits with the Luhn check digit.
        let sum: u32 = body.iter().rev().enumerate().map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 0 { let x = d * 2; if x > 9 { x - 9 } else { x } } else { d }
        }).sum();
        let mut digits: Vec<u8> = body.clone();
        digits.push(((10 - sum % 10) % 10) as u8);
        let text: String = digits.chunks(4).map(|c| c.iter().map(|d| char::from(b'0' + d)).collect::<String>()).collect::<Vec<_>>().join(sep);
        let out = Redactor::default().redact(&format!("paid with {text} today"));
        prop_assert_eq!(out, "paid with [card] today");
    }
}
