//! An address's divisions: its province, city and district codes name one
//! place (each of its level, each inside the one above it), and its
//! province, city and district texts are that place's names, so everything
//! that shows the texts keeps working. Both writes of an address (a new
//! one, an edit) settle its six fields here, with the rule of
//! [`crate::divisions`]; a form sends codes, the texts follow.

use crate::divisions::{self, Level, Place};
use crate::error::{FieldProblem, ProblemCode};

/// The level, code key and text key of each of an address's divisions.
pub const LEVELS: [(Level, &str, &str); 3] = [
    (Level::Province, "provinceCode", "province"),
    (Level::City, "cityCode", "city"),
    (Level::District, "districtCode", "district"),
];

/// Whether `key` is one of the six fields [`settle`] decides.
pub fn is_division_field(key: &str) -> bool {
    LEVELS.iter().any(|(_, code, text)| key == *code || key == *text)
}

/// An address's six division fields, by level (province, city, district).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Divisions {
    pub codes: [Option<String>; 3],
    pub texts: [Option<String>; 3],
}

/// What one save says of them: `None` for a field the save leaves alone,
/// `Some(None)` for one it empties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Given {
    pub codes: [Option<Option<String>>; 3],
    pub texts: [Option<Option<String>>; 3],
}

impl Given {
    /// Whether the save touches any of the six fields.
    pub fn is_empty(&self) -> bool {
        self.codes.iter().chain(&self.texts).all(Option::is_none)
    }
}

/// The six fields once a save that gives `given` is applied to an address
/// holding `stored` (all empty for a new address).
///
/// - The lowest code given decides the codes above it; a code given above it
///   must be that one (`division_mismatch`), an unknown code is refused
///   (`unknown_division`). Codes below it stay when they lie inside it and go
///   when they do not (the address moved to another city). Emptying a code
///   empties the codes below it.
/// - A level with a code has its division's name as its text
///   ([`divisions::Division::address_name`]: none for a municipality's
///   市辖区); a text typed for it in a save that gives no code must be that
///   name (`division_mismatch`: change the code instead). A level whose code
///   goes loses the old code's name unless the save gives a text. A level
///   without a code keeps whatever text it is given: an address nobody
///   picked from the list stays as it was written.
pub fn settle(stored: &Divisions, given: &Given) -> Result<Divisions, Vec<FieldProblem>> {
    let mut problems = vec![];
    let mut codes = stored.codes.clone();
    let lowest = (0..3).rev().find(|&i| matches!(given.codes[i], Some(Some(_))));
    if let Some(low) = lowest {
        let (level, key, _) = LEVELS[low];
        let code = given.codes[low].clone().flatten().unwrap_or_default();
        let Some(division) = divisions::get_at(level, &code) else {
            return Err(vec![FieldProblem::new(
                key,
                ProblemCode::UnknownDivision,
                format!("'{code}' is not the code of a {}", level.as_str()),
            )]);
        };
        let place = Place::of(division);
        for (i, &(level, key, _)) in LEVELS.iter().enumerate().take(low + 1) {
            let decided = place.at(level).map(|d| d.code.to_string());
            if let Some(sent) = &given.codes[i] {
                if *sent != decided {
                    problems.push(FieldProblem::new(
                        key,
                        ProblemCode::DivisionMismatch,
                        format!(
                            "{} lies in {}; choose the {} it lies in",
                            division.name,
                            place.at(level).map_or("—", |d| d.name),
                            level.as_str()
                        ),
                    ));
                }
            }
            codes[i] = decided;
        }
        for (i, code) in codes.iter_mut().enumerate().skip(low + 1) {
            *code = match &given.codes[i] {
                Some(_) => None,
                None => stored.codes[i]
                    .clone()
                    .filter(|c| divisions::get_at(LEVELS[i].0, c).is_some_and(|d| d.within(&division))),
            };
        }
    } else if let Some(top) = (0..3).find(|&i| given.codes[i].is_some()) {
        codes[top..].fill(None);
    }
    let any_code_given = given.codes.iter().any(Option::is_some);
    let mut texts = stored.texts.clone();
    for (i, &(level, code_key, text_key)) in LEVELS.iter().enumerate() {
        let text = given.texts[i].clone();
        match codes[i].as_deref().and_then(|c| divisions::get_at(level, c)) {
            Some(division) => {
                let name = division.address_name().map(str::to_string);
                if let Some(typed) = text.filter(|t| !any_code_given && *t != name) {
                    problems.push(FieldProblem::new(
                        text_key,
                        ProblemCode::DivisionMismatch,
                        format!(
                            "is {} by its code {}; change {code_key} instead, or empty it first (not '{}')",
                            name.as_deref().unwrap_or("—"),
                            division.code,
                            typed.unwrap_or_default()
                        ),
                    ));
                }
                texts[i] = name;
            }
            None if stored.codes[i].is_some() && codes[i].is_none() => texts[i] = text.flatten(),
            None => {
                if let Some(text) = text {
                    texts[i] = text;
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(Divisions { codes, texts })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    fn codes(p: Option<&str>, c: Option<&str>, d: Option<&str>) -> [Option<Option<String>>; 3] {
        [p, c, d].map(|x| x.map(|x| Some(x.to_string()).filter(|s| !s.is_empty())))
    }

    fn nanshan() -> Divisions {
        Divisions {
            codes: [some("44"), some("4403"), some("440305")],
            texts: [some("广东省"), some("深圳市"), some("南山区")],
        }
    }

    #[test]
    fn the_lowest_code_decides_the_codes_above_and_the_texts_follow() {
        let given = Given { codes: codes(None, None, Some("440305")), ..Given::default() };
        assert_eq!(settle(&Divisions::default(), &given), Ok(nanshan()));
        let all = Given { codes: codes(Some("44"), Some("4403"), Some("440305")), ..Given::default() };
        assert_eq!(settle(&Divisions::default(), &all), Ok(nanshan()));
        // A municipality's middle level and a directly governed county write no city.
        let given = Given { codes: codes(Some("11"), Some("1101"), Some("110105")), ..Given::default() };
        let beijing = settle(&Divisions::default(), &given).expect("nested");
        assert_eq!(beijing.texts, [some("北京市"), None, some("朝阳区")]);
        // The codes win over texts sent with them (an import's 广东 becomes 广东省).
        let given = Given { codes: codes(Some("44"), None, None), texts: [Some(some("广东")), None, None] };
        assert_eq!(settle(&Divisions::default(), &given).expect("ok").texts[0], some("广东省"));
    }

    #[test]
    fn codes_that_do_not_nest_or_do_not_exist_at_their_level_are_refused() {
        let given = Given { codes: codes(Some("44"), Some("4401"), Some("440305")), ..Given::default() };
        let problems = settle(&Divisions::default(), &given).expect_err("南山区 is not in 广州市");
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].field.as_str(), problems[0].code), ("cityCode", ProblemCode::DivisionMismatch));
        let given = Given { codes: codes(None, Some("44"), None), ..Given::default() };
        let problems = settle(&Divisions::default(), &given).expect_err("a province code as city");
        assert_eq!((problems[0].field.as_str(), problems[0].code), ("cityCode", ProblemCode::UnknownDivision));
        let given = Given { codes: codes(Some(""), None, Some("440305")), ..Given::default() };
        assert!(settle(&Divisions::default(), &given).is_err(), "an emptied province under a district");
    }

    #[test]
    fn an_edit_moves_the_levels_below_or_keeps_them_when_they_still_fit() {
        let stored = nanshan();
        // Another city: the district no longer lies in it and goes with its name.
        let moved = settle(&stored, &Given { codes: codes(None, Some("4401"), None), ..Given::default() }).expect("ok");
        assert_eq!(moved.codes, [some("44"), some("4401"), None]);
        assert_eq!(moved.texts, [some("广东省"), some("广州市"), None]);
        // The same city again: the district stays.
        let same = settle(&stored, &Given { codes: codes(None, Some("4403"), None), ..Given::default() }).expect("ok");
        assert_eq!(same, stored);
        // Emptying the province empties everything below it.
        let emptied = settle(&stored, &Given { codes: codes(Some(""), None, None), ..Given::default() }).expect("ok");
        assert_eq!(emptied, Divisions::default());
    }

    #[test]
    fn a_text_of_a_coded_level_is_its_name_and_an_uncoded_one_is_kept() {
        let stored = nanshan();
        let typed = Given { texts: [None, Some(some("广州市")), None], ..Given::default() };
        let problems = settle(&stored, &typed).expect_err("the code says 深圳市");
        assert_eq!((problems[0].field.as_str(), problems[0].code), ("city", ProblemCode::DivisionMismatch));
        let same = Given { texts: [None, Some(some("深圳市")), None], ..Given::default() };
        assert_eq!(settle(&stored, &same), Ok(stored.clone()));
        let free = Divisions { texts: [some("火星"), None, None], ..Divisions::default() };
        let typed = Given { texts: [Some(some("月球")), None, None], ..Given::default() };
        assert_eq!(settle(&free, &typed).expect("free text").texts[0], some("月球"));
    }
}
