//! Cell values as spreadsheets hold them, into the book's: numbers stored as
//! text (`"1,234.50"`, full-width digits, `¥` and `元`), amounts to fen, and
//! dates as Excel date cells (calamine applies the workbook's 1900 or 1904
//! system), plain serials (the 1900 system) or text in the forms Chinese
//! offices write them.

use chrono::NaiveDate;

use crate::error::ProblemCode;

use super::read::Raw;

/// Excel's day 0 in the 1900 system (with its phantom 1900-02-29, serials
/// from 61 on count from here).
fn epoch_1900() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default()
}

/// The date of an Excel serial (a number in a date column: the 1900 system,
/// as Excel writes unless a workbook says otherwise — such workbooks' date
/// cells come as dates); None outside Excel's years 1900–9999.
pub fn serial_date(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    // Serials 1–59 lie before Excel's phantom leap day.
    let days = if days < 61 { days + 1 } else { days };
    epoch_1900().checked_add_signed(chrono::Duration::days(days))
}

/// The 1900-system serial of a date.
pub fn date_serial(date: NaiveDate) -> f64 {
    (date - epoch_1900()).num_days() as f64
}

pub use crate::text::ascii_width;

/// Text with full-width digits, signs and separators made ASCII.
fn halfwidth(text: &str) -> String {
    ascii_width(text)
        .chars()
        .map(|c| match c {
            '．' | '。' => '.',
            '，' => ',',
            '－' | '−' => '-',
            '＋' => '+',
            '／' => '/',
            '％' => '%',
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .collect()
}

/// Why a cell's value is refused: its code and a message naming the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    pub code: ProblemCode,
    pub message: String,
}

impl From<String> for CellProblem {
    fn from(message: String) -> Self {
        Self { code: ProblemCode::BadValue, message }
    }
}

/// How numbers written as text are read: with a decimal point and commas
/// between thousands (`1,234.50`, as Chinese and English write them, the
/// default), or with a decimal comma and points between thousands
/// (`1.234,50`). A text whose reading depends on the convention and that the
/// chosen one does not read is refused, never guessed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Numbers {
    pub decimal_comma: bool,
}

/// Units a number may end with; 万 and 亿 multiply.
const UNITS: &[&str] = &["元", "件", "箱", "吨", "袋", "瓶", "个", "台", "套", "包", "桶", "公斤", "千克", "斤"];

impl Numbers {
    /// A number from a cell; text may carry thousands separators, a currency
    /// sign or unit, 万 or 亿, a percent sign, full-width digits, or
    /// accounting brackets for negatives.
    pub fn number(self, raw: &Raw) -> Result<Option<f64>, CellProblem> {
        match raw {
            Raw::Empty => Ok(None),
            Raw::Number(n) => Ok(Some(*n)),
            Raw::Date(day) => Ok(Some(date_serial(*day))),
            Raw::Bool(_) => Err(String::from("is true/false, not a number").into()),
            Raw::Text(text) => self.text_number(text.trim()),
        }
    }

    fn text_number(self, text: &str) -> Result<Option<f64>, CellProblem> {
        if text.is_empty() {
            return Ok(None);
        }
        let not_a_number = || CellProblem::from(format!("'{text}' is not a number"));
        let t: String = halfwidth(text)
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '¥' | '￥' | '$' | '€' | '\''))
            .collect();
        let mut t = t.trim_start_matches("RMB").trim_start_matches("CNY").to_string();
        let mut negative = false;
        if t.starts_with('(') && t.ends_with(')') && t.len() > 2 {
            negative = true;
            t = t[1..t.len() - 1].to_string();
        }
        if let Some(rest) = t.strip_prefix('-') {
            negative = !negative;
            t = rest.to_string();
        } else if let Some(rest) = t.strip_prefix('+') {
            t = rest.to_string();
        }
        let mut scale = 1.0;
        loop {
            let before = t.len();
            for unit in UNITS {
                if let Some(rest) = t.strip_suffix(unit) {
                    t = rest.to_string();
                }
            }
            if let Some(rest) = t.strip_suffix('万') {
                scale *= 1e4;
                t = rest.to_string();
            } else if let Some(rest) = t.strip_suffix('亿') {
                scale *= 1e8;
                t = rest.to_string();
            } else if let Some(rest) = t.strip_suffix('%') {
                scale /= 100.0;
                t = rest.to_string();
            }
            if t.len() == before {
                break;
            }
        }
        if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.') {
            return Err(not_a_number());
        }
        let Some(plain) = self.plain(&t) else {
            let other = Numbers { decimal_comma: !self.decimal_comma };
            let Some(reading) = other.plain(&t) else { return Err(not_a_number()) };
            let (this, that) = if self.decimal_comma {
                ("with a decimal comma (1.234,50)", "1,234.50 (a decimal point), leave out --decimal-comma")
            } else {
                ("with a decimal point (1,234.50)", "1.234,50 (a decimal comma), choose --decimal-comma")
            };
            return Err(CellProblem {
                code: ProblemCode::AmbiguousDecimal,
                message: format!(
                    "'{text}' reads as {reading} only the other way; the file's numbers are read {this}. If the file writes numbers as {that} in the import"
                ),
            });
        };
        match plain.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Some(if negative { -n } else { n } * scale)),
            _ => Err(not_a_number()),
        }
    }

    /// Digits with this convention's separators as a plain number, if they are.
    fn plain(self, t: &str) -> Option<String> {
        let (group, decimal) = if self.decimal_comma { ('.', ',') } else { (',', '.') };
        let decimals = t.matches(decimal).count();
        let last_decimal = t.rfind(decimal);
        let whole = &t[..last_decimal.unwrap_or(t.len())];
        // Groups: after the first, three digits each; none after the decimal mark.
        let groups: Vec<&str> = whole.split(group).collect();
        let grouped = groups.len() == 1
            || (!groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
        let after = last_decimal.map_or("", |i| &t[i + 1..]);
        let clean = decimals <= 1 && grouped && !after.contains(group) && (last_decimal.is_none() || !after.is_empty());
        clean.then(|| {
            let digits: String = whole.chars().filter(|c| c.is_ascii_digit()).collect();
            if last_decimal.is_some() {
                format!("{digits}.{after}")
            } else {
                digits
            }
        })
    }

    /// An amount in yuan, as fen.
    pub fn fen(self, raw: &Raw) -> Result<Option<i64>, CellProblem> {
        let Some(yuan) = self.number(raw)? else { return Ok(None) };
        let fen = (yuan * 100.0).round();
        if fen.abs() > crate::sales::MAX_AMOUNT as f64 {
            return Err(format!("{yuan} yuan is more than an amount can be").into());
        }
        Ok(Some(fen as i64))
    }

    /// An amount in whole yuan (the card's money fields).
    pub fn yuan(self, raw: &Raw) -> Result<Option<i64>, CellProblem> {
        let Some(yuan) = self.number(raw)? else { return Ok(None) };
        if yuan.abs() > 1e13 {
            return Err(format!("{yuan} yuan is more than an amount can be").into());
        }
        Ok(Some(yuan.round() as i64))
    }

    /// A whole number.
    pub fn integer(self, raw: &Raw) -> Result<Option<i64>, CellProblem> {
        let Some(n) = self.number(raw)? else { return Ok(None) };
        if n.fract() != 0.0 || n.abs() > 9e15 {
            return Err(format!("{} is not a whole number", super::read::number_text(n)).into());
        }
        Ok(Some(n as i64))
    }
}

/// [`Numbers::number`] with a decimal point.
pub fn number(raw: &Raw) -> Result<Option<f64>, CellProblem> {
    Numbers::default().number(raw)
}

/// [`Numbers::fen`] with a decimal point.
pub fn fen(raw: &Raw) -> Result<Option<i64>, CellProblem> {
    Numbers::default().fen(raw)
}

/// [`Numbers::integer`] with a decimal point.
pub fn integer(raw: &Raw) -> Result<Option<i64>, CellProblem> {
    Numbers::default().integer(raw)
}

/// A date from an Excel date cell, a serial number, or text such as
/// `2026-11-22`, `2026/11/22`, `2026.11.22`, `2026年11月22日`, `20261122`.
pub fn date(raw: &Raw) -> Result<Option<NaiveDate>, String> {
    match raw {
        Raw::Empty => Ok(None),
        Raw::Date(day) => Ok(Some(*day)),
        Raw::Number(n) => {
            // 8 digits read as yyyymmdd; otherwise an Excel serial.
            if n.fract() == 0.0 && (19_000_101.0..=29_991_231.0).contains(n) {
                return text_date(&format!("{}", *n as i64)).map(Some);
            }
            serial_date(*n).map(Some).ok_or_else(|| format!("{} is not a date", super::read::number_text(*n)))
        }
        Raw::Bool(_) => Err("is true/false, not a date".into()),
        Raw::Text(t) if t.trim().is_empty() => Ok(None),
        Raw::Text(t) => {
            let t = halfwidth(t.trim());
            // A serial stored as text.
            if let Ok(n) = t.parse::<f64>() {
                if !(19_000_101.0..=29_991_231.0).contains(&n) {
                    return serial_date(n).map(Some).ok_or_else(|| format!("'{t}' is not a date"));
                }
            }
            text_date(&t).map(Some)
        }
    }
}

fn text_date(text: &str) -> Result<NaiveDate, String> {
    // Only the day part of a date and time.
    let day_part = text.split(['T', ' ']).next().unwrap_or(text);
    let normal = day_part.replace(['年', '月', '/', '.'], "-").trim_end_matches(['日', '号']).to_string();
    let parsed = NaiveDate::parse_from_str(&normal, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&normal, "%Y%m%d"))
        .map_err(|_| format!("'{text}' is not a date; write it as 2026-11-22"))?;
    if !(1900..=9999).contains(&chrono::Datelike::year(&parsed)) {
        return Err(format!("'{text}' is not a date; write it as 2026-11-22"));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Raw {
        Raw::Text(t.to_string())
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid day")
    }

    #[test]
    fn numbers_stored_as_text_are_read() {
        assert_eq!(number(&text("1,234.50")), Ok(Some(1234.5)));
        assert_eq!(number(&text("１２３４．５")), Ok(Some(1234.5)));
        assert_eq!(number(&text("¥ 88元")), Ok(Some(88.0)));
        assert_eq!(number(&text("(12.5)")), Ok(Some(-12.5)));
        assert_eq!(number(&text("  ")), Ok(None));
        assert!(number(&text("十二")).is_err());
        assert_eq!(fen(&text("1,234.565")), Ok(Some(123_457)));
        assert_eq!(integer(&text("12.5")).map_err(|_| ()), Err(()));
        assert_eq!(number(&text("12.5万")), Ok(Some(125_000.0)));
        assert_eq!(number(&text("1.2亿元")), Ok(Some(120_000_000.0)));
        assert_eq!(number(&text("15%")), Ok(Some(0.15)));
        assert_eq!(number(&text("(1,234.00)")), Ok(Some(-1234.0)));
        assert_eq!(number(&text("-1,234")), Ok(Some(-1234.0)));
        assert_eq!(number(&text("RMB 3,000")), Ok(Some(3000.0)));
    }

    #[test]
    fn a_number_whose_reading_depends_on_the_convention_is_refused_unless_it_was_chosen() {
        let comma = Numbers { decimal_comma: true };
        for t in ["1.234,50", "12,5", "1.234.567"] {
            let e = number(&text(t)).expect_err(t);
            assert_eq!(e.code, ProblemCode::AmbiguousDecimal, "{t}");
            assert!(e.message.contains(t), "{}", e.message);
        }
        assert_eq!(comma.number(&text("1.234,50")), Ok(Some(1234.5)));
        assert_eq!(comma.number(&text("12,5")), Ok(Some(12.5)));
        assert_eq!(comma.number(&text("1.234.567")), Ok(Some(1_234_567.0)));
        assert_eq!(comma.number(&text("€ 1.234,50")), Ok(Some(1234.5)));
        assert_eq!(comma.number(&text("1,2,3")).map_err(|e| e.code), Err(ProblemCode::BadValue));
        assert_eq!(comma.number(&text("1,234.50")).map_err(|e| e.code), Err(ProblemCode::AmbiguousDecimal));
        // What reads one way only is read under either convention.
        assert_eq!(number(&text("1,234,567.5")), Ok(Some(1_234_567.5)));
        assert_eq!(comma.number(&text("1234")), Ok(Some(1234.0)));
        // Numbers in number cells are numbers whatever the convention.
        assert_eq!(comma.number(&Raw::Number(1.5)), Ok(Some(1.5)));
    }

    #[test]
    fn excel_serials_are_dates() {
        assert_eq!(serial_date(45_943.541), Some(day(2025, 10, 13)));
        assert_eq!(serial_date(1.0), Some(day(1900, 1, 1)));
        assert_eq!(serial_date(59.0), Some(day(1900, 2, 28)));
        assert_eq!(serial_date(61.0), Some(day(1900, 3, 1)));
        assert_eq!(serial_date(0.0), None, "serials start at 1");
        assert_eq!(date_serial(day(2025, 10, 13)), 45_943.0);
    }

    #[test]
    fn dates_come_as_serials_or_as_text() {
        let want = Ok(Some(day(2026, 11, 22)));
        assert_eq!(date(&Raw::Number(46_348.0)), want);
        assert_eq!(date(&text("46348")), want);
        assert_eq!(date(&text("2026-11-22")), want);
        assert_eq!(date(&text("2026/11/22")), want);
        assert_eq!(date(&text("2026.11.22")), want);
        assert_eq!(date(&text("2026年11月22日")), want);
        assert_eq!(date(&text("２０２６年１１月２２日")), want);
        assert_eq!(date(&text("20261122")), want);
        assert_eq!(date(&Raw::Number(20_261_122.0)), want);
        assert_eq!(date(&text("2026-11-22 08:30:00")), want);
        assert_eq!(date(&Raw::Date(day(2026, 11, 22))), want);
        assert!(date(&text("2026-13-01")).is_err());
        assert!(date(&text("下周一")).is_err());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// `n` written as a Chinese office would: thousands separators, maybe
    /// full-width digits, maybe a currency sign.
    fn written(n: i64, cents: u8, fullwidth: bool, sign: bool) -> String {
        let digits = n.unsigned_abs().to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let mut text = format!("{}{grouped}.{cents:02}", if n < 0 { "-" } else { "" });
        if fullwidth {
            text = text
                .chars()
                .map(|c| {
                    if c.is_ascii_digit() {
                        char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c)
                    } else {
                        c
                    }
                })
                .collect();
        }
        if sign {
            text = format!("¥{text}");
        }
        text
    }

    proptest! {
        #[test]
        fn amounts_written_any_usual_way_read_back_to_the_fen(
            n in -1_000_000_000i64..1_000_000_000,
            cents in 0u8..100,
            fullwidth: bool,
            sign: bool,
        ) {
            let text = written(n, cents, fullwidth, sign);
            let want = n * 100 + if n < 0 { -i64::from(cents) } else { i64::from(cents) };
            prop_assert_eq!(fen(&Raw::Text(text.clone())), Ok(Some(want)), "{}", text);
        }

        #[test]
        fn dates_read_back_from_every_form(days in 0i64..60_000, form in 0usize..6) {
            let day = NaiveDate::from_ymd_opt(1901, 1, 1).expect("day") + chrono::Duration::days(days);
            let raw = match form {
                0 => Raw::Text(day.format("%Y-%m-%d").to_string()),
                1 => Raw::Text(day.format("%Y/%-m/%-d").to_string()),
                2 => Raw::Text(day.format("%Y年%-m月%-d日").to_string()),
                3 => Raw::Text(day.format("%Y%m%d").to_string()),
                4 => Raw::Number(date_serial(day)),
                _ => Raw::Date(day),
            };
            prop_assert_eq!(date(&raw), Ok(Some(day)), "{:?}", raw);
        }

        #[test]
        fn garbage_is_refused_not_guessed(text in "[a-zA-Z一-龥]{1,12}") {
            prop_assert!(number(&Raw::Text(text.clone())).is_err());
            prop_assert!(date(&Raw::Text(text)).is_err());
        }
    }
}
