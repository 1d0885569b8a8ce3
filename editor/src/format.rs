//! Small text helpers for what the editor shows: times, counts, statuses, and the
//! Insights page's rates, amounts and durations. A figure that cannot be computed
//! (no sessions yet, a NaN) comes back as `None`, for the page to show "—".

/// "just now", "5 min ago", "3 h ago", "2 days ago"; older times as a date.
pub fn ago(now_ms: i64, then_ms: i64) -> Option<String> {
    let s = (now_ms - then_ms).max(0) / 1000;
    Some(match s {
        0..=59 => "just now".to_owned(),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=86_399 => format!("{} h ago", s / 3600),
        86_400..=604_799 => match s / 86_400 {
            1 => "yesterday".to_owned(),
            n => format!("{n} days ago"),
        },
        _ => return None,
    })
}

/// A time for people: relative when recent, else the local date and time.
pub fn when(ms: i64) -> String {
    let now = js_sys::Date::now() as i64;
    ago(now, ms).unwrap_or_else(|| {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
        String::from(date.to_locale_string("en-GB", &wasm_bindgen::JsValue::UNDEFINED))
    })
}

/// "1 problem", "3 problems".
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "72%" for a share between 0 and 1; "<1%" and ">99%" near the ends, so a
/// rounded figure never claims none or all when that is not so.
pub fn percent(share: Option<f64>) -> Option<String> {
    let share = share.filter(|s| s.is_finite())?.clamp(0.0, 1.0);
    Some(match share {
        s if s > 0.0 && s < 0.005 => "<1%".to_owned(),
        s if s < 1.0 && s > 0.995 => ">99%".to_owned(),
        s => format!("{:.0}%", s * 100.0),
    })
}

/// A ratio such as the self-service score: "3.2".
pub fn ratio(value: Option<f64>) -> Option<String> {
    value.filter(|v| v.is_finite()).map(|v| format!("{v:.1}"))
}

/// "12,345".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An amount in the admin's currency: "1,320", or "1,320.50" when it has cents.
pub fn amount(value: f64) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    let cents = (value.abs() * 100.0).round() as u64;
    let sign = if value < 0.0 && cents > 0 { "-" } else { "" };
    let whole = thousands((cents / 100) as usize);
    Some(match cents % 100 {
        0 => format!("{sign}{whole}"),
        c => format!("{sign}{whole}.{c:02}"),
    })
}

/// "45 s", "2 min 05 s", "1 h 12 min": a duration read at a glance.
pub fn duration(ms: u64) -> String {
    let s = (ms + 500) / 1000;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_to_whole_percents_but_never_to_none_or_all() {
        assert_eq!(percent(Some(0.724)).as_deref(), Some("72%"));
        assert_eq!(percent(Some(0.0)).as_deref(), Some("0%"));
        assert_eq!(percent(Some(1.0)).as_deref(), Some("100%"));
        assert_eq!(percent(Some(0.001)).as_deref(), Some("<1%"));
        assert_eq!(percent(Some(0.999)).as_deref(), Some(">99%"));
        assert_eq!(percent(None), None);
        assert_eq!(percent(Some(f64::NAN)), None, "never NaN%");
        assert_eq!(percent(Some(f64::INFINITY)), None);
        assert_eq!(ratio(Some(3.24)).as_deref(), Some("3.2"));
        assert_eq!(ratio(Some(f64::NAN)), None);
    }

    #[test]
    fn counts_amounts_and_durations_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(amount(1320.0).as_deref(), Some("1,320"));
        assert_eq!(amount(1320.5).as_deref(), Some("1,320.50"));
        assert_eq!(amount(0.0).as_deref(), Some("0"));
        assert_eq!(amount(-22.0).as_deref(), Some("-22"));
        assert_eq!(amount(f64::NAN), None);
        assert_eq!(duration(0), "0 s");
        assert_eq!(duration(44_600), "45 s");
        assert_eq!(duration(125_000), "2 min 05 s");
        assert_eq!(duration(4_320_000), "1 h 12 min");
    }

    #[test]
    fn recent_times_read_as_relative_and_old_ones_fall_back_to_a_date() {
        let now = 10_000_000_000;
        assert_eq!(ago(now, now - 5_000).as_deref(), Some("just now"));
        assert_eq!(ago(now, now - 5 * 60_000).as_deref(), Some("5 min ago"));
        assert_eq!(ago(now, now - 3 * 3_600_000).as_deref(), Some("3 h ago"));
        assert_eq!(ago(now, now - 86_400_000).as_deref(), Some("yesterday"));
        assert_eq!(
            ago(now, now - 3 * 86_400_000).as_deref(),
            Some("3 days ago")
        );
        assert_eq!(ago(now, now - 30 * 86_400_000), None);
        assert_eq!(
            ago(now, now + 5_000).as_deref(),
            Some("just now"),
            "clock skew"
        );
        assert_eq!(count(1, "problem", "problems"), "1 problem");
        assert_eq!(count(0, "problem", "problems"), "0 problems");
    }
}
