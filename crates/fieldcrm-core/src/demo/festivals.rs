//! The two festivals that shape a Chinese distributor's year, for the demo:
//! 春节 (Spring Festival), when the field stops for a week and the weeks before
//! are the winter stocking-up season (冬储), and 中秋 (Mid-Autumn), before which
//! shops stock up again. Their dates follow the lunar calendar, so they are a
//! table; a year outside it simply has no festival in the demo.

use chrono::{Datelike, NaiveDate};

/// A year, its 正月初一 and its 八月十五, as (month, day).
type Festivals = (i32, (u32, u32), (u32, u32));

/// The festivals of each year the table knows.
const DATES: &[Festivals] = &[
    (2015, (2, 19), (9, 27)),
    (2016, (2, 8), (9, 15)),
    (2017, (1, 28), (10, 4)),
    (2018, (2, 16), (9, 24)),
    (2019, (2, 5), (9, 13)),
    (2020, (1, 25), (10, 1)),
    (2021, (2, 12), (9, 21)),
    (2022, (2, 1), (9, 10)),
    (2023, (1, 22), (9, 29)),
    (2024, (2, 10), (9, 17)),
    (2025, (1, 29), (10, 6)),
    (2026, (2, 17), (9, 25)),
    (2027, (2, 6), (9, 15)),
    (2028, (1, 26), (10, 3)),
    (2029, (2, 13), (9, 22)),
    (2030, (2, 3), (9, 12)),
    (2031, (1, 23), (10, 1)),
    (2032, (2, 11), (9, 19)),
    (2033, (1, 31), (9, 8)),
    (2034, (2, 19), (9, 27)),
    (2035, (2, 8), (9, 16)),
];

/// Days of the 春节 holiday before and after 正月初一: from 除夕 to 初七.
const HOLIDAY_BEFORE: i64 = 1;
const HOLIDAY_AFTER: i64 = 6;

fn row(year: i32) -> Option<&'static Festivals> {
    DATES.iter().find(|(y, ..)| *y == year)
}

/// 正月初一 of `year`, if the table knows it.
pub(super) fn spring_festival(year: i32) -> Option<NaiveDate> {
    row(year).and_then(|(y, (m, d), _)| NaiveDate::from_ymd_opt(*y, *m, *d))
}

/// 中秋 (八月十五) of `year`, if the table knows it.
pub(super) fn mid_autumn(year: i32) -> Option<NaiveDate> {
    row(year).and_then(|(y, _, (m, d))| NaiveDate::from_ymd_opt(*y, *m, *d))
}

/// Days from `day` to the festival of its year or the next (negative: after it).
fn days_to(day: NaiveDate, festival: fn(i32) -> Option<NaiveDate>) -> impl Iterator<Item = i64> {
    [day.year(), day.year() + 1].into_iter().filter_map(festival).map(move |f| (f - day).num_days())
}

/// The 春节 holiday (除夕 to 初七): nobody visits or calls a customer.
pub(super) fn spring_holiday(day: NaiveDate) -> bool {
    days_to(day, spring_festival).any(|d| (-HOLIDAY_AFTER..=HOLIDAY_BEFORE).contains(&d))
}

/// A rep's working day: Monday to Saturday, outside the 春节 holiday.
pub(super) fn working_day(day: NaiveDate) -> bool {
    day.weekday() != chrono::Weekday::Sun && !spring_holiday(day)
}

/// How much a day ships compared with an ordinary day: the winter stocking-up
/// in the six weeks before 春节 (strongest in the last four), almost nothing in
/// the holiday and a slow restart after it, and the three weeks before 中秋.
pub(super) fn sales_weight(day: NaiveDate) -> f64 {
    let mut weight = 1.0;
    for d in days_to(day, spring_festival) {
        weight *= match d {
            8..=35 => 2.4,
            36..=42 => 1.6,
            2..=7 => 0.6,
            -6..=1 => 0.05,
            -14..=-7 => 0.5,
            _ => 1.0,
        };
    }
    for d in days_to(day, mid_autumn) {
        weight *= match d {
            1..=21 => 1.8,
            -2..=0 => 0.4,
            _ => 1.0,
        };
    }
    weight
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn the_spring_holiday_runs_from_new_year_s_eve_to_the_seventh_day() {
        // 2026: 正月初一 is 17 February.
        assert!(!spring_holiday(day("2026-02-15")));
        assert!(spring_holiday(day("2026-02-16")), "除夕");
        assert!(spring_holiday(day("2026-02-23")), "初七");
        assert!(!spring_holiday(day("2026-02-24")));
        assert!(!working_day(day("2026-02-18")), "a Wednesday in the holiday");
        assert!(!working_day(day("2026-11-22")), "a Sunday");
        assert!(working_day(day("2026-11-21")), "a Saturday");
    }

    #[test]
    fn shipments_peak_before_spring_festival_and_mid_autumn_and_stop_in_the_holiday() {
        // December counts towards the next year's festival.
        assert!(sales_weight(day("2026-01-20")) > 2.0, "stocking up a month before 2026-02-17");
        assert!(sales_weight(day("2024-12-25")) > 2.0, "five weeks before 2025-01-29");
        assert!(sales_weight(day("2026-02-18")) < 0.1, "the holiday");
        assert!(sales_weight(day("2026-09-10")) > 1.5, "two weeks before 中秋 2026-09-25");
        assert_eq!(sales_weight(day("2026-06-10")), 1.0, "an ordinary day");
    }
}
