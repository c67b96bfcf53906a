//! The facade for addresses' administrative divisions: the list for the UI's
//! 省/市/区 pickers, and reading a typed address. The rule is
//! [`crate::divisions`]'s; the UI keeps no copy of it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::Book;
use crate::divisions::{self, DivisionNode, Level};

/// An address read as divisions ([`divisions::split`]): the codes of the
/// place its start names, and the rest (street, number …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddressSplit {
    pub province_code: Option<String>,
    pub city_code: Option<String>,
    pub district_code: Option<String>,
    /// What follows the divisions read; the whole text when none was read.
    pub rest: String,
}

impl Book {
    /// Every province with its cities and their counties and districts.
    pub fn divisions() -> Vec<DivisionNode> {
        divisions::tree()
    }

    /// The divisions a typed address starts with, read conservatively:
    /// nothing when its start is unknown or could be two places.
    pub fn split_address(text: &str) -> AddressSplit {
        let split = divisions::split(text);
        let code = |level| split.place.at(level).map(|d| d.code.to_string());
        AddressSplit {
            province_code: code(Level::Province),
            city_code: code(Level::City),
            district_code: code(Level::District),
            rest: split.rest.to_string(),
        }
    }
}
