//! The Insights page's filters as the query string of `GET …/insights` (and of the
//! page's own address), with the percent-encoding both need, in plain Rust so it is
//! tested natively.

/// What the Insights page asks for: inclusive UTC days `YYYY-MM-DD`, and a guide
/// id and a segment, each empty for all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InsightsQuery {
    pub from: String,
    pub to: String,
    pub guide: String,
    pub segment: String,
}

impl InsightsQuery {
    /// `?from=…&to=…` with only the filters that are set, values percent-encoded.
    pub fn query_string(&self) -> String {
        let pairs = [
            ("from", &self.from),
            ("to", &self.to),
            ("guide", &self.guide),
            ("segment", &self.segment),
        ];
        let set: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", encode_component(v.trim())))
            .collect();
        if set.is_empty() {
            String::new()
        } else {
            format!("?{}", set.join("&"))
        }
    }
}

impl InsightsQuery {
    /// The filters of a query string (`from=…&guide=…`, with or without `?`), as
    /// [`InsightsQuery::query_string`] writes it; other parameters are ignored.
    pub fn parse(query: &str) -> InsightsQuery {
        let mut q = InsightsQuery::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode_component(value);
            match key {
                "from" => q.from = value,
                "to" => q.to = value,
                "guide" => q.guide = value,
                "segment" => q.segment = value,
                _ => {}
            }
        }
        q
    }
}

/// Undoes [`encode_component`] (and `+` for a space, as forms write it); a broken
/// escape is kept as it is.
pub fn decode_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes all but RFC 3986's unreserved characters, as
/// `encodeURIComponent` does; plain Rust so it is tested natively.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insights_queries_carry_only_the_filters_that_are_set() {
        let all = InsightsQuery {
            from: "2026-10-25".into(),
            to: "2026-11-23".into(),
            ..InsightsQuery::default()
        };
        assert_eq!(all.query_string(), "?from=2026-10-25&to=2026-11-23");
        let narrowed = InsightsQuery {
            guide: "raise-requisition".into(),
            segment: "Finance & Ops/EU".into(),
            ..all.clone()
        };
        assert_eq!(
            narrowed.query_string(),
            "?from=2026-10-25&to=2026-11-23&guide=raise-requisition&segment=Finance%20%26%20Ops%2FEU"
        );
        assert_eq!(InsightsQuery::default().query_string(), "");
        assert_eq!(encode_component("é?=#"), "%C3%A9%3F%3D%23");
    }

    #[test]
    fn a_query_string_reads_back_as_the_same_filters() {
        let q = InsightsQuery {
            from: "2026-10-25".into(),
            to: "2026-11-23".into(),
            guide: "raise-requisition".into(),
            segment: "Finance & Ops/EU é".into(),
        };
        assert_eq!(InsightsQuery::parse(&q.query_string()), q);
        assert_eq!(InsightsQuery::parse(""), InsightsQuery::default());
        assert_eq!(
            InsightsQuery::parse("segment=a+b&x=1&guide"),
            InsightsQuery {
                segment: "a b".into(),
                ..InsightsQuery::default()
            }
        );
        assert_eq!(decode_component("100%"), "100%", "a broken escape stays");
        assert_eq!(decode_component("%zz%4"), "%zz%4");
    }
}
