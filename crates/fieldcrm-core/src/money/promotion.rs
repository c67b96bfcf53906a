//! Head office's promotions (促销): while one runs, an order line of its
//! product for a customer it covers (everyone, or a channel type and/or a
//! customer grade) with at least `min_units` units gets the discount on its
//! price, or a gift line of free goods for every `min_units` bought. The most
//! specific promotion of a kind valid on the order's day wins (channel type
//! and grade, then the channel type, then the grade, then neither; among
//! equals the latest start). Orders apply them when they are priced
//! (`order::price_lines`), so the rep sees them while typing, and the review
//! judges a discounted price against the promotion instead of the list.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::timestamp;
use crate::error::{Error, FieldProblem, ProblemCode, Result};
use crate::ids::PromotionId;
use crate::model::{PromotionKind, StaffRole};
use crate::org::Viewer;

/// The most units a promotion asks for or gives.
const MAX_UNITS: u32 = 1_000_000;

/// A promotion as head office lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Promotion {
    pub id: PromotionId,
    pub name: String,
    pub product_code: String,
    pub product_name: String,
    pub channel_type: Option<String>,
    pub customer_grade: Option<String>,
    pub kind: PromotionKind,
    pub min_units: u32,
    pub discount_percent: Option<u32>,
    pub gift_product_code: Option<String>,
    pub gift_product_name: Option<String>,
    pub gift_units: Option<u32>,
    pub valid_from: String,
    pub valid_to: String,
}

/// A new promotion: a discount (`discount_percent`) or a gift (`gift_product`
/// and `gift_units`), for every `min_units` of `product` bought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PromotionInput {
    pub name: String,
    /// The product's code or id.
    pub product: String,
    #[serde(default)]
    #[ts(optional)]
    pub channel_type: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub customer_grade: Option<String>,
    /// Units a line needs for the promotion (default 1).
    #[serde(default)]
    #[ts(optional)]
    pub min_units: Option<u32>,
    #[serde(default)]
    #[ts(optional)]
    pub discount_percent: Option<u32>,
    #[serde(default)]
    #[ts(optional)]
    pub gift_product: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub gift_units: Option<u32>,
    pub valid_from: String,
    pub valid_to: String,
}

/// A discounted price: `percent` off, to the nearest fen.
pub fn discounted(price: i64, percent: u32) -> i64 {
    let kept = 100 - i64::from(percent.min(100));
    (price * kept + 50).div_euclid(100)
}

fn product_id(tx: &Connection, key: &str) -> Result<Option<(String, bool)>> {
    Ok(tx
        .prepare_cached("SELECT id, retired FROM product WHERE id = ?1 OR code = ?1")?
        .query_row([key.trim()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// A promotion checked against the book, ready to be written.
pub struct Checked {
    name: String,
    product: String,
    channel: Option<String>,
    grade: Option<String>,
    kind: PromotionKind,
    min_units: u32,
    discount_percent: Option<u32>,
    gift: Option<String>,
    gift_units: Option<u32>,
    from: NaiveDate,
    to: NaiveDate,
}

/// Head office adds a promotion; it reaches every book with the next files.
pub fn add(tx: &Transaction<'_>, viewer: &Viewer, input: &PromotionInput, now: DateTime<Utc>) -> Result<PromotionId> {
    if viewer.role != StaffRole::HeadOffice {
        return Err(Error::Forbidden("only head office runs promotions".into()));
    }
    let c = check(tx, input)?;
    let id = PromotionId::new();
    tx.prepare_cached(
        "INSERT INTO promotion (id, name, product_id, channel_type, customer_grade, kind, min_units, discount_percent,
                                gift_product_id, gift_units, valid_from, valid_to, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
    )?
    .execute(params![
        id,
        c.name,
        c.product,
        c.channel,
        c.grade,
        c.kind,
        c.min_units,
        c.discount_percent,
        c.gift,
        c.gift_units,
        c.from.to_string(),
        c.to.to_string(),
        timestamp(now)
    ])?;
    Ok(id)
}

/// Checks a promotion as [`add`] would, without writing it (a proposed
/// promotion is checked when proposed, and again when it takes effect).
pub fn check(tx: &Connection, input: &PromotionInput) -> Result<Checked> {
    let mut problems = vec![];
    let name = input.name.trim();
    if name.is_empty() {
        problems.push(FieldProblem::new("name", ProblemCode::Required, "name the promotion as the reps will see it"));
    } else if name.chars().count() > 60 {
        problems.push(FieldProblem::new("name", ProblemCode::TooLong, "at most 60 characters fit"));
    }
    let product = match product_id(tx, &input.product)? {
        Some((id, false)) => Some(id),
        Some((_, true)) => {
            problems.push(FieldProblem::new("product", ProblemCode::Retired, "this product is no longer sold"));
            None
        }
        None => {
            problems.push(FieldProblem::new(
                "product",
                ProblemCode::UnknownProduct,
                format!("there is no product '{}'", input.product.trim()),
            ));
            None
        }
    };
    let min_units = input.min_units.unwrap_or(1);
    if !(1..=MAX_UNITS).contains(&min_units) {
        problems.push(FieldProblem::new("minUnits", ProblemCode::OutOfRange, "a line needs 1 unit or more"));
    }
    let gift_product = input.gift_product.as_deref().map(str::trim).filter(|g| !g.is_empty());
    let kind = match (input.discount_percent, gift_product) {
        (Some(_), None) => Some(PromotionKind::Discount),
        (None, Some(_)) => Some(PromotionKind::Gift),
        _ => {
            problems.push(FieldProblem::new(
                "kind",
                ProblemCode::Required,
                "a promotion gives either a discount (percent) or a gift (product and units), one of the two",
            ));
            None
        }
    };
    if input.discount_percent.is_some_and(|p| !(1..=99).contains(&p)) {
        problems.push(FieldProblem::new("discountPercent", ProblemCode::OutOfRange, "a discount is 1 to 99 percent"));
    }
    let gift = match gift_product {
        None => None,
        Some(key) => match product_id(tx, key)? {
            Some((id, false)) => Some(id),
            Some((_, true)) => {
                problems.push(FieldProblem::new("giftProduct", ProblemCode::Retired, "this product is no longer sold"));
                None
            }
            None => {
                problems.push(FieldProblem::new(
                    "giftProduct",
                    ProblemCode::UnknownProduct,
                    format!("there is no product '{key}'"),
                ));
                None
            }
        },
    };
    if kind == Some(PromotionKind::Gift) && !input.gift_units.is_some_and(|u| (1..=MAX_UNITS).contains(&u)) {
        problems.push(FieldProblem::new(
            "giftUnits",
            ProblemCode::OutOfRange,
            "give how many units are free, 1 or more",
        ));
    }
    let from = crate::clock::day("validFrom", &input.valid_from, &mut problems);
    let to = crate::clock::day("validTo", &input.valid_to, &mut problems);
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            problems.push(FieldProblem::new("validTo", ProblemCode::BeforeFrom, "the promotion ends before it starts"));
        }
    }
    let (channel, grade) =
        super::receivables::terms(tx, input.channel_type.as_deref(), input.customer_grade.as_deref(), &mut problems)?;
    let (Some(product), Some(kind), Some(from), Some(to)) = (product, kind, from, to) else {
        return Err(Error::Invalid(problems));
    };
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let gift_units = (kind == PromotionKind::Gift).then_some(input.gift_units).flatten();
    Ok(Checked {
        name: name.to_string(),
        product,
        channel,
        grade,
        kind,
        min_units,
        discount_percent: input.discount_percent,
        gift,
        gift_units,
        from,
        to,
    })
}

/// Every promotion, or those running on `on`, newest first.
pub fn list(conn: &Connection, on: Option<NaiveDate>) -> Result<Vec<Promotion>> {
    select(conn, on, None)
}

/// One promotion, as the list shows it.
pub fn get(conn: &Connection, id: PromotionId) -> Result<Promotion> {
    select(conn, None, Some(id))?.pop().ok_or_else(|| Error::NotFound { what: "promotion", id: id.to_string() })
}

fn select(conn: &Connection, on: Option<NaiveDate>, id: Option<PromotionId>) -> Result<Vec<Promotion>> {
    let on = on.map(|d| d.to_string());
    let rows = conn
        .prepare_cached(
            "SELECT m.id, m.name, p.code, p.name, m.channel_type, m.customer_grade, m.kind, m.min_units,
                    m.discount_percent, g.code, g.name, m.gift_units, m.valid_from, m.valid_to
               FROM promotion m JOIN product p ON p.id = m.product_id LEFT JOIN product g ON g.id = m.gift_product_id
              WHERE (?1 IS NULL OR (m.valid_from <= ?1 AND ?1 <= m.valid_to)) AND (?2 IS NULL OR m.id = ?2)
              ORDER BY m.valid_from DESC, m.id",
        )?
        .query_map(params![on, id], |r| {
            Ok(Promotion {
                id: r.get(0)?,
                name: r.get(1)?,
                product_code: r.get(2)?,
                product_name: r.get(3)?,
                channel_type: r.get(4)?,
                customer_grade: r.get(5)?,
                kind: r.get(6)?,
                min_units: r.get(7)?,
                discount_percent: r.get(8)?,
                gift_product_code: r.get(9)?,
                gift_product_name: r.get(10)?,
                gift_units: r.get(11)?,
                valid_from: r.get(12)?,
                valid_to: r.get(13)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A promotion as an order applies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub id: String,
    pub name: String,
    channel_type: Option<String>,
    customer_grade: Option<String>,
    from: String,
    pub kind: PromotionKind,
    pub min_units: u32,
    pub discount_percent: Option<u32>,
    pub gift_product_id: Option<String>,
    pub gift_units: Option<u32>,
}

impl Offer {
    /// The gift a line of `quantity` units earns: `gift_units` for every `min_units`.
    pub fn gift_for(&self, quantity: u32) -> u32 {
        (quantity / self.min_units.max(1)).saturating_mul(self.gift_units.unwrap_or(0))
    }
}

/// The promotions of some products running on a day, loaded once for an order.
#[derive(Debug, Default)]
pub struct Offers {
    by_product: HashMap<String, Vec<Offer>>,
}

impl Offers {
    pub fn load<'a>(conn: &Connection, products: impl IntoIterator<Item = &'a str>, day: NaiveDate) -> Result<Self> {
        let mut out = Offers::default();
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, channel_type, customer_grade, valid_from, kind, min_units, discount_percent,
                    gift_product_id, gift_units
               FROM promotion WHERE product_id = ?1 AND valid_from <= ?2 AND ?2 <= valid_to",
        )?;
        let day = day.to_string();
        for product in products {
            if out.by_product.contains_key(product) {
                continue;
            }
            let offers = stmt
                .query_map(params![product, day], |r| {
                    Ok(Offer {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        channel_type: r.get(2)?,
                        customer_grade: r.get(3)?,
                        from: r.get(4)?,
                        kind: r.get(5)?,
                        min_units: r.get(6)?,
                        discount_percent: r.get(7)?,
                        gift_product_id: r.get(8)?,
                        gift_units: r.get(9)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            out.by_product.insert(product.to_string(), offers);
        }
        Ok(out)
    }

    /// The promotion of `kind` a line of `quantity` units of `product` earns
    /// for a customer of `channel_type` and `grade`, if any.
    pub fn best(
        &self,
        kind: PromotionKind,
        product: &str,
        channel_type: Option<&str>,
        grade: Option<&str>,
        quantity: u32,
    ) -> Option<&Offer> {
        let matches = |wanted: &Option<String>, have: Option<&str>| wanted.as_deref().is_none_or(|w| Some(w) == have);
        self.by_product
            .get(product)?
            .iter()
            .filter(|o| o.kind == kind && quantity >= o.min_units)
            .filter(|o| matches(&o.channel_type, channel_type) && matches(&o.customer_grade, grade))
            .max_by(|a, b| {
                let rank = |o: &Offer| {
                    (u8::from(o.channel_type.is_some()) * 2 + u8::from(o.customer_grade.is_some()), o.from.clone())
                };
                rank(a).cmp(&rank(b)).then_with(|| b.id.cmp(&a.id))
            })
    }

    /// The products the running promotions give away.
    pub fn gift_products(&self) -> impl Iterator<Item = &str> {
        self.by_product.values().flatten().filter_map(|o| o.gift_product_id.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(id: &str, kind: PromotionKind, channel: Option<&str>, min_units: u32, from: &str) -> Offer {
        Offer {
            id: id.into(),
            name: id.into(),
            channel_type: channel.map(str::to_string),
            customer_grade: None,
            from: from.into(),
            kind,
            min_units,
            discount_percent: (kind == PromotionKind::Discount).then_some(10),
            gift_product_id: (kind == PromotionKind::Gift).then(|| "g".to_string()),
            gift_units: (kind == PromotionKind::Gift).then_some(1),
        }
    }

    #[test]
    fn the_most_specific_promotion_a_line_reaches_wins_and_gifts_count_whole_multiples() {
        let offers = Offers {
            by_product: HashMap::from([(
                "p".to_string(),
                vec![
                    offer("all", PromotionKind::Discount, None, 1, "2026-11-01"),
                    offer("shops", PromotionKind::Discount, Some("retailer"), 24, "2026-10-01"),
                    offer("case", PromotionKind::Gift, None, 12, "2026-11-01"),
                ],
            )]),
        };
        let best = |kind, channel, quantity| offers.best(kind, "p", channel, None, quantity).map(|o| o.id.as_str());
        assert_eq!(best(PromotionKind::Discount, Some("retailer"), 24), Some("shops"));
        assert_eq!(best(PromotionKind::Discount, Some("retailer"), 23), Some("all"), "below the channel's minimum");
        assert_eq!(best(PromotionKind::Discount, Some("wholesaler"), 100), Some("all"));
        assert_eq!(best(PromotionKind::Gift, None, 11), None);
        let gift = offers.best(PromotionKind::Gift, "p", None, None, 30).expect("gift");
        assert_eq!(gift.gift_for(30), 2, "one free for every whole 12");
        assert_eq!(offers.best(PromotionKind::Gift, "other", None, None, 100), None);
    }

    #[test]
    fn a_discount_rounds_to_the_nearest_fen() {
        assert_eq!(discounted(10_000, 10), 9_000);
        assert_eq!(discounted(999, 15), 849, "849.15 fen");
        assert_eq!(discounted(999, 5), 949, "949.05 fen");
        assert_eq!(discounted(3, 50), 2, "1.5 fen rounds up");
    }
}
