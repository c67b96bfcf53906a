//! Head office's price list: what a customer pays for a product on a day.
//!
//! A rule names a product and, optionally, a channel type and a customer
//! grade; the most specific rule valid on the day wins (both named, then the
//! channel type, then the grade, then neither; among equals the latest
//! `valid_from`). Without a rule the product's list price applies. A rule's
//! floor is the lowest price an order may carry.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;

/// A product as an order line needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrderProduct {
    pub id: String,
    pub code: String,
    pub name: String,
    pub unit: String,
    /// Units in a case (整箱); none when the product is not sold by the case.
    pub case_size: Option<u32>,
    #[ts(type = "number | null")]
    pub list_price: Option<i64>,
    pub retired: bool,
}

/// A customer's price for a product on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    /// Fen per unit.
    #[ts(type = "number")]
    pub price: i64,
    /// The lowest price per unit an order may carry, when head office set one.
    #[ts(type = "number | null")]
    pub floor: Option<i64>,
}

#[derive(Debug, Clone)]
struct Rule {
    channel_type: Option<String>,
    customer_grade: Option<String>,
    price: i64,
    floor: Option<i64>,
    from: NaiveDate,
    to: Option<NaiveDate>,
    id: String,
}

/// The catalogue and price rules of some products, loaded once for an order.
#[derive(Debug, Default)]
pub struct Prices {
    products: HashMap<String, OrderProduct>,
    by_code: HashMap<String, String>,
    rules: HashMap<String, Vec<Rule>>,
}

impl Prices {
    /// Loads the products with these ids or codes and their price rules.
    pub fn load<'a>(conn: &Connection, ids_or_codes: impl IntoIterator<Item = &'a str>) -> Result<Self> {
        let mut out = Prices::default();
        let mut product = conn.prepare_cached(
            "SELECT id, code, name, unit, case_size, list_price, retired FROM product WHERE id = ?1 OR code = ?1",
        )?;
        for key in ids_or_codes {
            let key = key.trim();
            if key.is_empty() || out.products.contains_key(key) || out.by_code.contains_key(key) {
                continue;
            }
            let mut rows = product.query([key])?;
            while let Some(r) = rows.next()? {
                let p = OrderProduct {
                    id: r.get(0)?,
                    code: r.get(1)?,
                    name: r.get(2)?,
                    unit: r.get(3)?,
                    case_size: r.get(4)?,
                    list_price: r.get(5)?,
                    retired: r.get(6)?,
                };
                out.by_code.insert(p.code.clone(), p.id.clone());
                out.products.insert(p.id.clone(), p);
            }
        }
        let mut rules = conn.prepare_cached(
            "SELECT id, channel_type, customer_grade, price, floor_price, valid_from, valid_to
               FROM price_rule WHERE product_id = ?1",
        )?;
        for id in out.products.keys() {
            let found = rules
                .query_map([id], |r| {
                    let day = |i: usize| -> rusqlite::Result<Option<NaiveDate>> {
                        Ok(r.get::<_, Option<String>>(i)?.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()))
                    };
                    Ok(Rule {
                        id: r.get(0)?,
                        channel_type: r.get(1)?,
                        customer_grade: r.get(2)?,
                        price: r.get(3)?,
                        floor: r.get(4)?,
                        from: day(5)?.unwrap_or(NaiveDate::MIN),
                        to: day(6)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            out.rules.insert(id.clone(), found);
        }
        Ok(out)
    }

    /// The product with this id or code, if the book has it.
    pub fn product(&self, id_or_code: &str) -> Option<&OrderProduct> {
        let key = id_or_code.trim();
        self.products.get(key).or_else(|| self.by_code.get(key).and_then(|id| self.products.get(id)))
    }

    /// What a customer of `channel_type` and `grade` pays for `product` on `day`
    /// (None: no rule and no list price).
    pub fn quote(
        &self,
        product: &str,
        channel_type: Option<&str>,
        grade: Option<&str>,
        day: NaiveDate,
    ) -> Option<Quote> {
        let p = self.product(product)?;
        let matches = |wanted: &Option<String>, have: Option<&str>| wanted.as_deref().is_none_or(|w| Some(w) == have);
        let best = self
            .rules
            .get(&p.id)
            .into_iter()
            .flatten()
            .filter(|r| r.from <= day && r.to.is_none_or(|to| day <= to))
            .filter(|r| matches(&r.channel_type, channel_type) && matches(&r.customer_grade, grade))
            .max_by(|a, b| {
                let rank =
                    |r: &Rule| (u8::from(r.channel_type.is_some()) * 2 + u8::from(r.customer_grade.is_some()), r.from);
                rank(a).cmp(&rank(b)).then_with(|| b.id.cmp(&a.id))
            });
        match best {
            Some(rule) => Some(Quote { price: rule.price, floor: rule.floor }),
            None => p.list_price.map(|price| Quote { price, floor: None }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("day")
    }

    fn rule(id: &str, channel: Option<&str>, grade: Option<&str>, price: i64, from: &str, to: Option<&str>) -> Rule {
        Rule {
            id: id.into(),
            channel_type: channel.map(str::to_string),
            customer_grade: grade.map(str::to_string),
            price,
            floor: Some(price - 100),
            from: day(from),
            to: to.map(day),
        }
    }

    fn prices(rules: Vec<Rule>) -> Prices {
        let p = OrderProduct {
            id: "p1".into(),
            code: "A01".into(),
            name: "奶粉".into(),
            unit: "罐".into(),
            case_size: Some(12),
            list_price: Some(10_000),
            retired: false,
        };
        Prices {
            by_code: HashMap::from([("A01".to_string(), "p1".to_string())]),
            products: HashMap::from([("p1".to_string(), p)]),
            rules: HashMap::from([("p1".to_string(), rules)]),
        }
    }

    #[test]
    fn the_most_specific_rule_valid_on_the_day_wins_else_the_list_price() {
        let p = prices(vec![
            rule("r1", None, None, 9_500, "2026-01-01", None),
            rule("r2", Some("supermarket"), None, 9_000, "2026-01-01", None),
            rule("r3", Some("supermarket"), Some("A"), 8_800, "2026-01-01", Some("2026-06-30")),
            rule("r4", None, Some("A"), 9_200, "2026-01-01", None),
        ]);
        let on = day("2026-03-01");
        assert_eq!(p.quote("A01", Some("supermarket"), Some("A"), on).map(|q| q.price), Some(8_800));
        assert_eq!(p.quote("p1", Some("supermarket"), Some("B"), on).map(|q| q.price), Some(9_000));
        assert_eq!(p.quote("p1", Some("pharmacy"), Some("A"), on).map(|q| q.price), Some(9_200));
        assert_eq!(p.quote("p1", None, None, on).map(|q| q.price), Some(9_500));
        // r3 has ended: the channel's price applies.
        assert_eq!(p.quote("p1", Some("supermarket"), Some("A"), day("2026-07-01")).map(|q| q.price), Some(9_000));
        // Before any rule: the list price, with no floor.
        assert_eq!(p.quote("p1", None, None, day("2025-12-31")), Some(Quote { price: 10_000, floor: None }));
        assert_eq!(p.quote("nothing", None, None, on), None);
    }

    #[test]
    fn a_later_rule_of_the_same_kind_replaces_an_earlier_one() {
        let p = prices(vec![
            rule("r1", None, None, 9_500, "2026-01-01", None),
            rule("r2", None, None, 9_700, "2026-05-01", None),
        ]);
        assert_eq!(p.quote("p1", None, None, day("2026-04-30")).map(|q| q.price), Some(9_500));
        assert_eq!(p.quote("p1", None, None, day("2026-05-01")).map(|q| q.price), Some(9_700));
    }
}
