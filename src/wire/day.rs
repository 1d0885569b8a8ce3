//! A UTC calendar day as the API counts it: whole days since 1970-01-01 in numbers
//! (`by_day[].day` of the Insights), `YYYY-MM-DD` in queries, CSV cells and file names.
//!
//! The one implementation of day ↔ date for the server and the editor: proleptic
//! Gregorian arithmetic after Howard Hinnant's `days_from_civil` / `civil_from_days`,
//! no clock.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;

/// A UTC day: days since 1970-01-01 (negative before). Serializes as that number.
/// Written and read as `YYYY-MM-DD` ([`fmt::Display`], [`Day::parse`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Day(pub i64);

/// Why a text is not a `YYYY-MM-DD` date; its message names the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayError {
    text: String,
    why: Why,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Why {
    NotTheForm,
    NoMonth(i64),
    NoDay(i64),
}

impl fmt::Display for DayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = &self.text;
        match self.why {
            Why::NotTheForm => write!(f, "`{text}` is not a date: use YYYY-MM-DD, e.g. 2026-11-23"),
            Why::NoMonth(m) => write!(f, "`{text}`: there is no month {m}"),
            Why::NoDay(d) => write!(f, "`{text}`: that month has no day {d}"),
        }
    }
}

impl std::error::Error for DayError {}

/// Days in `month` (1–12) of `year`; `None` for a month that does not exist.
fn days_in_month(year: i64, month: i64) -> Option<i64> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    Some(match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    })
}

impl Day {
    /// The UTC day a time falls on, in milliseconds since the epoch (earlier times
    /// fall on earlier days: `-1` is 1969-12-31).
    pub fn of_ms(ms: i64) -> Day {
        Day(ms.div_euclid(DAY_MS))
    }

    /// The first millisecond of the day.
    pub fn start_ms(self) -> i64 {
        self.0.saturating_mul(DAY_MS)
    }

    /// The day of a calendar date; `None` when the date does not exist
    /// (`2026-02-30`, month 13).
    pub fn from_civil(year: i64, month: u32, day: u32) -> Option<Day> {
        let (m, d) = (i64::from(month), i64::from(day));
        if !(1..=days_in_month(year, m)?).contains(&d) {
            return None;
        }
        let y = if m <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Day(era * 146_097 + doe - 719_468))
    }

    /// (year, month 1–12, day 1–31) of the day.
    pub fn civil(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (yoe + era * 400 + i64::from(m <= 2), m, d)
    }

    /// The day of a `YYYY-MM-DD` date (four, two and two ASCII digits), or why the
    /// text is not one. Nothing around it is allowed: trim first if a person typed it.
    pub fn parse(text: &str) -> Result<Day, DayError> {
        let fail = |why| DayError {
            text: text.to_owned(),
            why,
        };
        let mut parts = text.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(fail(Why::NotTheForm));
        };
        let number = |s: &str, len: usize| -> Result<i64, DayError> {
            if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().map_err(|_| fail(Why::NotTheForm))
            } else {
                Err(fail(Why::NotTheForm))
            }
        };
        let (y, m, d) = (number(y, 4)?, number(m, 2)?, number(d, 2)?);
        let last = days_in_month(y, m).ok_or_else(|| fail(Why::NoMonth(m)))?;
        if !(1..=last).contains(&d) {
            return Err(fail(Why::NoDay(d)));
        }
        // The numbers were checked above, so the date exists.
        Day::from_civil(y, m as u32, d as u32).ok_or_else(|| fail(Why::NotTheForm))
    }
}

impl fmt::Display for Day {
    /// `2026-11-23`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl FromStr for Day {
    type Err = DayError;
    fn from_str(text: &str) -> Result<Day, DayError> {
        Day::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    #[test]
    fn days_count_from_the_epoch_in_utc() {
        assert_eq!(day("1970-01-01"), Day(0));
        assert_eq!(day("2026-11-23"), Day(20_780));
        assert_eq!(Day(-1).to_string(), "1969-12-31");
        assert_eq!(Day(20_780).to_string(), "2026-11-23");
        // 2024 is a leap year: 29 February exists, and 1 March follows it.
        assert_eq!(Day(day("2024-02-29").0 + 1).to_string(), "2024-03-01");
        assert_eq!(Day(day("2000-02-29").0 + 1).to_string(), "2000-03-01");
        assert_eq!(day("0000-01-01").to_string(), "0000-01-01");
        assert_eq!(day("9999-12-31").civil(), (9999, 12, 31));
    }

    #[test]
    fn a_time_falls_on_its_utc_day() {
        assert_eq!(Day::of_ms(1_763_856_000_000), day("2025-11-23"));
        assert_eq!(Day::of_ms(1_763_855_999_999), day("2025-11-22"));
        assert_eq!(Day::of_ms(-1), day("1969-12-31"));
        assert_eq!(day("2025-11-23").start_ms(), 1_763_856_000_000);
    }

    #[test]
    fn a_date_that_does_not_exist_says_which_part() {
        let why = |t: &str| Day::parse(t).unwrap_err().to_string();
        assert_eq!(why("2026-13-01"), "`2026-13-01`: there is no month 13");
        assert_eq!(why("2026-00-10"), "`2026-00-10`: there is no month 0");
        assert_eq!(why("2025-02-29"), "`2025-02-29`: that month has no day 29");
        assert_eq!(why("1900-02-29"), "`1900-02-29`: that month has no day 29");
        assert_eq!(why("2026-04-00"), "`2026-04-00`: that month has no day 0");
        assert_eq!(Day::from_civil(2026, 2, 30), None);
        assert_eq!(Day::from_civil(2026, 13, 1), None);
    }

    #[test]
    fn only_the_yyyy_mm_dd_form_parses() {
        for bad in [
            "",
            "2026-1-01",
            "26-01-01",
            "2026/01/01",
            "yesterday",
            "2026-01-0x",
            "+026-01-01",
            "2026-01-01-01",
            " 2026-01-01",
            "2026-01-01 ",
        ] {
            let why = Day::parse(bad).unwrap_err().to_string();
            assert!(why.contains("YYYY-MM-DD"), "{bad:?}: {why}");
            assert!(why.contains(&format!("`{bad}`")), "names the text: {why}");
        }
        assert_eq!("2026-11-23".parse::<Day>(), Ok(Day(20_780)));
    }

    #[test]
    fn a_day_is_its_number_in_json() {
        assert_eq!(serde_json::to_string(&Day(20_780)).unwrap(), "20780");
        assert_eq!(serde_json::from_str::<Day>("-3").unwrap(), Day(-3));
    }

    proptest! {
        #[test]
        fn every_day_of_years_0_to_9999_writes_and_reads_back(
            n in -719_528i64..=2_932_896
        ) {
            let text = Day(n).to_string();
            prop_assert_eq!(text.len(), 10);
            prop_assert_eq!(Day::parse(&text), Ok(Day(n)));
            let (y, m, d) = Day(n).civil();
            prop_assert_eq!(Day::from_civil(y, m, d), Some(Day(n)));
        }

        #[test]
        fn every_date_of_the_form_parses_to_itself_or_says_why(
            y in 0i64..=9999, m in 0u32..=14, d in 0u32..=32
        ) {
            let text = format!("{y:04}-{m:02}-{d:02}");
            match Day::parse(&text) {
                Ok(day) => prop_assert_eq!(day.to_string(), text),
                Err(e) => {
                    let why = e.to_string();
                    prop_assert!(why.contains("no month") || why.contains("no day"), "{}", why);
                }
            }
        }
    }
}
