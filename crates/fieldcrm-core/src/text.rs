//! Text as people type it with a Chinese input method on, made the way the
//! book keeps it: full-width digits and letters (１３８, ＡＢＣ) and
//! ideographic spaces as ASCII, phone numbers without their separators and
//! country code. Typed in a form, imported from a spreadsheet or arriving in
//! a changeset, a value is kept one way, so it is found one way.

use std::borrow::Cow;

use crate::error::{FieldProblem, ProblemCode};

/// A free text as a form gives it: trimmed, empty is none, longer than `max`
/// characters is a problem of `field`.
pub(crate) fn optional(
    field: &str,
    value: Option<&str>,
    max: usize,
    problems: &mut Vec<FieldProblem>,
) -> Option<String> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    if value.chars().count() > max {
        problems.push(FieldProblem::new(field, ProblemCode::TooLong, format!("at most {max} characters fit")));
        return None;
    }
    Some(value.to_string())
}

/// Text with full-width digits and letters and ideographic spaces made
/// ASCII; Chinese punctuation (，。（）) is left as it is.
pub fn ascii_width(text: &str) -> Cow<'_, str> {
    let full = |c: char| matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '\u{3000}');
    if !text.chars().any(full) {
        return Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            c if full(c) => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// A phone number as the book keeps it: a mobile as its 11 digits (`+86 138
/// 1234 5678`, `0086-138-1234-5678` and `１３８１２３４５６７８` are all
/// `13812345678`); anything else (a landline, an extension) in ASCII with
/// its own separators, trimmed.
pub fn normal_phone(text: &str) -> String {
    let text = ascii_width(text.trim());
    let separators = |c: char| c.is_whitespace() || matches!(c, '-' | '(' | ')' | '.' | '（' | '）' | '－' | '—');
    let bare: String = text.chars().filter(|c| !separators(*c)).map(|c| if c == '＋' { '+' } else { c }).collect();
    let digits = bare.strip_prefix('+').unwrap_or(&bare);
    let national = digits.strip_prefix("0086").or_else(|| digits.strip_prefix("86")).unwrap_or(digits);
    let mobile = |d: &str| {
        d.len() == 11
            && d.bytes().all(|b| b.is_ascii_digit())
            && d.starts_with('1')
            && matches!(d.as_bytes()[1], b'3'..=b'9')
    };
    if mobile(national) {
        return national.to_string();
    }
    text.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_letters_and_spaces_become_ascii() {
        assert_eq!(ascii_width("ＡＢＣ农资　１３８"), "ABC农资 138");
        assert_eq!(ascii_width("华星（寿光）有限公司，"), "华星（寿光）有限公司，");
    }

    #[test]
    fn mobiles_are_kept_as_their_eleven_digits() {
        for typed in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+86 138 1234 5678",
            "0086-13812345678",
            "8613812345678",
            "１３８１２３４５６７８",
            " (+86)138.1234.5678 ",
        ] {
            let want = if typed.contains('０') { "13800012222" } else { "13812345678" };
            assert_eq!(normal_phone(typed), want, "{typed}");
        }
        // Landlines and extensions keep their separators.
        assert_eq!(normal_phone(" 0536-1234567 "), "0536-1234567");
        assert_eq!(normal_phone("０５３６－１２３４５６７转８"), "0536－1234567转8");
        assert_eq!(normal_phone("12345"), "12345");
    }
}
