//! Small text helpers for what the editor shows: times, counts, statuses.

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

#[cfg(test)]
mod tests {
    use super::*;

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
