//! The periods targets are counted in: the year, its quarters, months and 旬
//! (the 1st–10th, 11th–20th and 21st to the end of each month). A target
//! holds one amount per 旬; every coarser period is a sum of 旬.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, ProblemCode, Result};

/// 旬 in a year.
pub const XUNS: usize = 36;

/// One amount per 旬 of a year.
pub type Amounts = [i64; XUNS];

/// The 旬 of a day within its year (0–35).
pub fn xun_of(day: NaiveDate) -> usize {
    (day.month0() as usize) * 3 + ((day.day0() / 10).min(2) as usize)
}

/// A day's 旬 counted from year 0 (`sales_xun.xun`).
pub fn absolute_xun(day: NaiveDate) -> i64 {
    i64::from(day.year()) * XUNS as i64 + xun_of(day) as i64
}

/// The first and last day of a 旬 of a year.
pub fn xun_days(year: i32, xun: usize) -> (NaiveDate, NaiveDate) {
    let month = (xun / 3) as u32 + 1;
    let part = xun % 3;
    let first = NaiveDate::from_ymd_opt(year, month, 1 + 10 * part as u32).unwrap_or_default();
    let last = match part {
        2 => last_of_month(year, month),
        _ => first + chrono::Duration::days(9),
    };
    (first, last)
}

fn last_of_month(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).map(|d| d.pred_opt().unwrap_or(d)).unwrap_or_default()
}

/// Days in each 旬 of a year: what an even split of a month follows.
pub fn xun_day_counts(year: i32) -> [i64; XUNS] {
    std::array::from_fn(|x| {
        let (first, last) = xun_days(year, x);
        (last - first).num_days() + 1
    })
}

/// Sums 旬 into months.
pub fn months_of(amounts: &Amounts) -> [i64; 12] {
    std::array::from_fn(|m| amounts[m * 3..m * 3 + 3].iter().sum())
}

/// A period of a year: the whole year, a quarter, a month or a 旬.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    pub year: i32,
    /// First 旬 of the year in the period (0–35) and the one after its last.
    pub from: usize,
    pub to: usize,
}

impl Period {
    pub fn year(year: i32) -> Self {
        Self { year, from: 0, to: XUNS }
    }

    pub fn month(year: i32, month: u32) -> Self {
        let from = (month.clamp(1, 12) as usize - 1) * 3;
        Self { year, from, to: from + 3 }
    }

    /// Reads `2027`, `2027-Q1`, `2027-03` or `2027-03-1` (上旬; `-2` 中旬, `-3` 下旬).
    pub fn parse(text: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(
                "period",
                ProblemCode::BadMonth,
                format!("'{text}' is not a period: write 2027, 2027-Q1, 2027-03 or 2027-03-1 (上旬; -2 中旬, -3 下旬)"),
            )
        };
        let text = text.trim();
        let mut parts = text.split('-');
        let year: i32 =
            parts.next().and_then(|y| y.parse().ok()).filter(|y| (2000..=2100).contains(y)).ok_or_else(bad)?;
        let period = match (parts.next(), parts.next(), parts.next()) {
            (None, _, _) => Self::year(year),
            (Some(q), None, _) if q.starts_with(['Q', 'q']) => {
                let q: usize = q[1..].parse().ok().filter(|q| (1..=4).contains(q)).ok_or_else(bad)?;
                Self { year, from: (q - 1) * 9, to: q * 9 }
            }
            (Some(m), third, None) => {
                let m: u32 = m.parse().ok().filter(|m| (1..=12).contains(m)).ok_or_else(bad)?;
                let month = Self::month(year, m);
                match third {
                    None => month,
                    Some(x) => {
                        let x: usize = x.parse().ok().filter(|x| (1..=3).contains(x)).ok_or_else(bad)?;
                        Self { year, from: month.from + x - 1, to: month.from + x }
                    }
                }
            }
            _ => return Err(bad()),
        };
        Ok(period)
    }

    /// The period's first and last day.
    pub fn days(self) -> (NaiveDate, NaiveDate) {
        (xun_days(self.year, self.from).0, xun_days(self.year, self.to - 1).1)
    }

    /// Its sum of a year's amounts.
    pub fn sum(self, amounts: &Amounts) -> i64 {
        amounts[self.from..self.to].iter().sum()
    }

    /// Its absolute 旬 (`sales_xun.xun`), first and one past the last.
    pub fn absolute(self) -> (i64, i64) {
        let base = i64::from(self.year) * XUNS as i64;
        (base + self.from as i64, base + self.to as i64)
    }

    /// The same period a year earlier.
    pub fn year_before(self) -> Self {
        Self { year: self.year - 1, ..self }
    }

    /// How it is written (`2027-03`, `2027-Q1` …), as `parse` reads it.
    pub fn key(self) -> String {
        match (self.from, self.to - self.from) {
            (0, XUNS) => format!("{}", self.year),
            (f, 9) if f % 9 == 0 => format!("{}-Q{}", self.year, f / 9 + 1),
            (f, 3) if f % 3 == 0 => format!("{}-{:02}", self.year, f / 3 + 1),
            (f, 1) => format!("{}-{:02}-{}", self.year, f / 3 + 1, f % 3 + 1),
            (f, n) => format!("{}-{}+{}", self.year, f, n),
        }
    }

    /// Its Chinese name (2027年3月上旬, 2027年第1季度 …).
    pub fn label_zh(self) -> String {
        const PART: [&str; 3] = ["上旬", "中旬", "下旬"];
        match (self.from, self.to - self.from) {
            (0, XUNS) => format!("{}年", self.year),
            (f, 9) if f % 9 == 0 => format!("{}年第{}季度", self.year, f / 9 + 1),
            (f, 3) if f % 3 == 0 => format!("{}年{}月", self.year, f / 3 + 1),
            (f, 1) => format!("{}年{}月{}", self.year, f / 3 + 1, PART[f % 3]),
            _ => {
                let (first, last) = self.days();
                format!("{first}至{last}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    #[test]
    fn a_month_has_three_xun_and_the_last_runs_to_its_end() {
        assert_eq!(xun_of(day("2027-01-01")), 0);
        assert_eq!(xun_of(day("2027-01-10")), 0);
        assert_eq!(xun_of(day("2027-01-11")), 1);
        assert_eq!(xun_of(day("2027-01-21")), 2);
        assert_eq!(xun_of(day("2027-01-31")), 2);
        assert_eq!(xun_of(day("2027-12-31")), 35);
        assert_eq!(xun_days(2028, 5), (day("2028-02-21"), day("2028-02-29")));
        assert_eq!(xun_days(2027, 5), (day("2027-02-21"), day("2027-02-28")));
        assert_eq!(xun_day_counts(2027).iter().sum::<i64>(), 365);
        assert_eq!(xun_day_counts(2028).iter().sum::<i64>(), 366);
        assert_eq!(absolute_xun(day("2027-03-15")), 2027 * 36 + 7);
    }

    #[test]
    fn periods_read_back_as_they_are_written() {
        for text in ["2027", "2027-Q1", "2027-Q4", "2027-03", "2027-12", "2027-03-1", "2027-03-3"] {
            let period = Period::parse(text).expect(text);
            assert_eq!(period.key(), text);
        }
        assert_eq!(Period::parse("2027-Q2").expect("Q2").days(), (day("2027-04-01"), day("2027-06-30")));
        assert_eq!(Period::parse("2027-03-2").expect("中旬").label_zh(), "2027年3月中旬");
        for bad in ["", "27", "2027-13", "2027-Q5", "2027-03-4", "2027-03-1-1", "abc", "1999"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }
}
