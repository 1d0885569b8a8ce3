//! The editor's words for UTC days: short labels ("3 Nov") on chart axes, long ones
//! in titles, and the last days up to today. Days are counted as the Insights API
//! counts them (`by_day[].day`, days since the Unix epoch); the calendar arithmetic
//! and the `YYYY-MM-DD` form are the core's [`Day`]. No clock: the caller passes
//! today.

use waymark::wire::Day;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The UTC day of a time in milliseconds since the epoch, as `js_sys::Date::now()`
/// gives it.
pub fn day_of_ms(ms: f64) -> i64 {
    Day::of_ms(ms.floor() as i64).0
}

/// "3 Nov", for axis labels.
pub fn short_label(day: i64) -> String {
    let (_, m, d) = Day(day).civil();
    format!("{d} {}", MONTHS[(m - 1) as usize])
}

/// "3 Nov 2026", for titles and descriptions.
pub fn long_label(day: i64) -> String {
    let (y, _, _) = Day(day).civil();
    format!("{} {y}", short_label(day))
}

/// The `days` days that end with `today`, both ends included: (from, to).
pub fn last_days(today: i64, days: i64) -> (i64, i64) {
    (today - (days.max(1) - 1), today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> i64 {
        Day::parse(text).unwrap().0
    }

    #[test]
    fn a_time_falls_on_its_utc_day() {
        assert_eq!(day_of_ms(1_763_856_000_000.0), day("2025-11-23"));
        assert_eq!(day_of_ms(1_763_855_999_999.0), day("2025-11-22"));
        assert_eq!(day_of_ms(1_763_855_999_999.5), day("2025-11-22"));
        assert_eq!(day_of_ms(-0.5), day("1969-12-31"));
    }

    #[test]
    fn labels_name_the_day_and_month() {
        let d = day("2026-11-03");
        assert_eq!(short_label(d), "3 Nov");
        assert_eq!(long_label(d), "3 Nov 2026");
        assert_eq!(short_label(day("2027-01-31")), "31 Jan");
        assert_eq!(long_label(day("1969-12-31")), "31 Dec 1969");
    }

    #[test]
    fn the_last_thirty_days_include_today() {
        let today = day("2026-11-23");
        let (from, to) = last_days(today, 30);
        assert_eq!(
            (Day(from).to_string(), Day(to).to_string()),
            ("2026-10-25".to_owned(), "2026-11-23".to_owned())
        );
        assert_eq!(to - from + 1, 30);
        assert_eq!(last_days(today, 0), (today, today), "at least today");
    }
}
