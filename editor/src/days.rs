//! UTC calendar days as the Insights API counts them: whole days since the Unix
//! epoch (`by_day[].day`), written `YYYY-MM-DD` in queries and file names, and as
//! short labels ("3 Nov") on chart axes. Pure arithmetic, no clock: the caller
//! passes today.

const DAY_MS: f64 = 86_400_000.0;
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The UTC day of a time in milliseconds since the epoch.
pub fn day_of_ms(ms: f64) -> i64 {
    (ms / DAY_MS).floor() as i64
}

/// (year, month 1–12, day 1–31) of a day since the epoch (Howard Hinnant's
/// `civil_from_days`, valid for the proleptic Gregorian calendar).
pub fn civil(day: i64) -> (i64, u32, u32) {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The day since the epoch of a calendar date; the inverse of [`civil`].
pub fn from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2026-11-23`, as `<input type=date>` and the API write a day.
pub fn iso(day: i64) -> String {
    let (y, m, d) = civil(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The day of a `YYYY-MM-DD` date; `None` for anything else, impossible dates
/// (`2026-02-30`) included.
pub fn parse_iso(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let day = from_civil(y, m, d);
    (civil(day) == (y, m, d)).then_some(day)
}

/// "3 Nov", for axis labels.
pub fn short_label(day: i64) -> String {
    let (_, m, d) = civil(day);
    format!("{d} {}", MONTHS[(m - 1) as usize])
}

/// "3 Nov 2026", for titles and descriptions.
pub fn long_label(day: i64) -> String {
    let (y, _, _) = civil(day);
    format!("{} {y}", short_label(day))
}

/// The `days` days that end with `today`, both ends included: (from, to).
pub fn last_days(today: i64, days: i64) -> (i64, i64) {
    (today - (days.max(1) - 1), today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_the_epoch_read_as_utc_dates_and_back() {
        assert_eq!(iso(0), "1970-01-01");
        assert_eq!(iso(-1), "1969-12-31");
        // 2024 is a leap year: 29 February exists, and 1 March follows it.
        let leap = parse_iso("2024-02-29").unwrap();
        assert_eq!(iso(leap + 1), "2024-03-01");
        for day in [-700_000, -1, 0, 59, 10_957, 20_415, 20_780, 100_000] {
            assert_eq!(parse_iso(&iso(day)), Some(day), "day {day}");
        }
        assert_eq!(
            day_of_ms(1_763_856_000_000.0),
            parse_iso("2025-11-23").unwrap()
        );
        assert_eq!(
            day_of_ms(1_763_855_999_999.0),
            parse_iso("2025-11-22").unwrap()
        );
    }

    #[test]
    fn only_real_dates_in_the_iso_form_parse() {
        for bad in [
            "",
            "2026-02-30",
            "2026-13-01",
            "2026-00-10",
            "26-11-23",
            "2026-1-23",
            "2026/11/23",
            "yesterday",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad:?}");
        }
        assert_eq!(
            parse_iso(" 2026-11-23 ").map(iso).as_deref(),
            Some("2026-11-23")
        );
    }

    #[test]
    fn labels_name_the_day_and_month() {
        let day = parse_iso("2026-11-03").unwrap();
        assert_eq!(short_label(day), "3 Nov");
        assert_eq!(long_label(day), "3 Nov 2026");
        assert_eq!(short_label(parse_iso("2027-01-31").unwrap()), "31 Jan");
    }

    #[test]
    fn the_last_thirty_days_include_today() {
        let today = parse_iso("2026-11-23").unwrap();
        let (from, to) = last_days(today, 30);
        assert_eq!(
            (iso(from).as_str(), iso(to).as_str()),
            ("2026-10-25", "2026-11-23")
        );
        assert_eq!(to - from + 1, 30);
        assert_eq!(last_days(today, 0), (today, today), "at least today");
    }
}
