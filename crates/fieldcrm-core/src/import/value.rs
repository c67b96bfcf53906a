//! Cell values as spreadsheets hold them, into the book's: numbers stored as
//! text (`"1,234.50"`, full-width digits, `¥` and `元`), amounts to fen, and
//! dates as Excel date cells (calamine applies the workbook's 1900 or 1904
//! system), plain serials (the 1900 system) or text in the forms Chinese
//! offices write them.

use chrono::NaiveDate;

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

/// Text with full-width digits and letters (１３８, ＡＢＣ) and ideographic
/// spaces made ASCII, as people type them with a Chinese input method on;
/// Chinese punctuation (，。（）) is left as it is.
pub fn ascii_width(text: &str) -> std::borrow::Cow<'_, str> {
    let full = |c: char| matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '\u{3000}');
    if !text.chars().any(full) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            c if full(c) => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

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

/// A number from a cell; text may carry thousands separators, a currency sign
/// or unit, full-width digits, or accounting brackets for negatives.
pub fn number(raw: &Raw) -> Result<Option<f64>, String> {
    match raw {
        Raw::Empty => Ok(None),
        Raw::Number(n) => Ok(Some(*n)),
        Raw::Date(day) => Ok(Some(date_serial(*day))),
        Raw::Bool(_) => Err("is true/false, not a number".into()),
        Raw::Text(text) => {
            let t = halfwidth(text.trim());
            let mut t: String = t
                .chars()
                .filter(|c| !matches!(c, ',' | ' ' | '¥' | '￥' | '$' | '\''))
                .collect::<String>()
                .trim_end_matches(['元', '件', '箱', '吨', '袋'])
                .to_string();
            if t.is_empty() {
                // Only a unit or a currency sign: not a number, not blank either.
                return if text.trim().is_empty() {
                    Ok(None)
                } else {
                    Err(format!("'{}' is not a number", text.trim()))
                };
            }
            let negative = t.starts_with('(') && t.ends_with(')');
            if negative {
                t = t[1..t.len() - 1].to_string();
            }
            match t.parse::<f64>() {
                Ok(n) if n.is_finite() => Ok(Some(if negative { -n } else { n })),
                _ => Err(format!("'{}' is not a number", text.trim())),
            }
        }
    }
}

/// An amount in yuan, as fen.
pub fn fen(raw: &Raw) -> Result<Option<i64>, String> {
    let Some(yuan) = number(raw)? else { return Ok(None) };
    let fen = (yuan * 100.0).round();
    if fen.abs() > crate::sales::MAX_AMOUNT as f64 {
        return Err(format!("{yuan} yuan is more than an amount can be"));
    }
    Ok(Some(fen as i64))
}

/// An amount in whole yuan (the card's money fields).
pub fn yuan(raw: &Raw) -> Result<Option<i64>, String> {
    let Some(yuan) = number(raw)? else { return Ok(None) };
    if yuan.abs() > 1e13 {
        return Err(format!("{yuan} yuan is more than an amount can be"));
    }
    Ok(Some(yuan.round() as i64))
}

/// A whole number.
pub fn integer(raw: &Raw) -> Result<Option<i64>, String> {
    let Some(n) = number(raw)? else { return Ok(None) };
    if n.fract() != 0.0 || n.abs() > 9e15 {
        return Err(format!("{} is not a whole number", super::read::number_text(n)));
    }
    Ok(Some(n as i64))
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
