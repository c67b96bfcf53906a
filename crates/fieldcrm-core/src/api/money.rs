//! The facade for the money side: orders and their review, customers'
//! statements and credit, and head office's receivables and price list (see
//! [`crate::money`], docs/ORDERS.md).

use crate::api::{ApiResult, Book};
use crate::clock::Zone;
use crate::ids::{CustomerId, OrderId, PriceRuleId};
use crate::model::{OrderStatus, PaymentKind};
use crate::money::analysis::{
    self as receivables_analysis, Collections, Cutoff, Fulfilment, OverdueList, ReceivablesAging,
};
use crate::money::credit::{self, CreditCheck};
use crate::money::order::{self, Order, OrderInput, OrderQuery, OrderQuote, OrderRow};
use crate::money::promotion::{self, Promotion, PromotionInput};
use crate::money::receivables::{self, InvoiceInput, PaymentInput, PriceRuleInput};
use crate::money::sheet::{self, Receiver};
use crate::money::shipping::{self, ShipmentInput, ShipmentQuery, ShipmentRow};
use crate::money::statement::{self, Statement};
use crate::org::Viewer;
use crate::sales::analysis::{AnalysisQuery, Period, Reach};
use std::path::{Path, PathBuf};

/// The card's receiving details for a shipping list: its code, and the first
/// key person with a phone (the contact before the owner).
fn shipping_receiver(conn: &rusqlite::Connection, customer: &str) -> crate::error::Result<Receiver> {
    let code: Option<String> =
        conn.prepare_cached("SELECT code FROM customer WHERE id = ?1")?.query_row([customer], |r| r.get(0))?;
    let person: Option<(String, Option<String>)> = rusqlite::OptionalExtension::optional(
        conn.prepare_cached(
            "SELECT name, phone FROM key_person WHERE customer_id = ?1
              ORDER BY phone IS NULL, role = 'contact' DESC, role = 'manager' DESC, role = 'owner' DESC, created_at LIMIT 1",
        )?
        .query_row([customer], |r| Ok((r.get(0)?, r.get(1)?))),
    )?;
    let (contact, phone) = person.map_or((None, None), |(n, p)| (Some(n), p));
    Ok(Receiver { customer_code: code, contact, phone })
}

/// The person using this book sees the customer (else `forbidden`).
fn require_customer(conn: &rusqlite::Connection, customer: &str) -> crate::error::Result<()> {
    if Viewer::of(conn)?.sees_customer(conn, customer)? {
        Ok(())
    } else {
        Err(crate::error::Error::Forbidden(
            "this customer is not yours: statements and credit are shown for customers of your own part of the organisation".into(),
        ))
    }
}

impl Book {
    /// A receivables analysis: the period and part of the organisation
    /// asked for, and the business day today.
    fn receivables<T>(
        &self,
        query: &AnalysisQuery,
        f: impl FnOnce(&rusqlite::Connection, &Reach, &Viewer, Period, Zone, chrono::NaiveDate) -> crate::error::Result<T>,
    ) -> ApiResult<T> {
        let now = self.clock.now();
        self.read(|conn| {
            let period = Period::parse(query)?;
            let viewer = Viewer::of(conn)?;
            let reach = Reach::load(conn, &viewer, query.unit_id.as_deref())?;
            let zone = Zone::of(conn)?;
            f(conn, &reach, &viewer, period, zone, zone.day(now))
        })
    }

    /// What customers owe today by how long past due, by part of the
    /// organisation, rep and credit grade (the period is not used: what is
    /// open is today's).
    pub fn receivables_aging(&self, query: &AnalysisQuery) -> ApiResult<ReceivablesAging> {
        self.receivables(query, |conn, reach, viewer, _, _, today| {
            receivables_analysis::aging(conn, reach, viewer, today)
        })
    }

    /// Who owes overdue money today, and who must act on it.
    pub fn receivables_overdue(&self, query: &AnalysisQuery) -> ApiResult<OverdueList> {
        self.receivables(query, |conn, reach, _, _, _, today| receivables_analysis::overdue(conn, reach, today))
    }

    /// Who still owes what by the next payment cut-off (the 25th).
    pub fn receivables_cutoff(&self, query: &AnalysisQuery) -> ApiResult<Cutoff> {
        self.receivables(query, |conn, reach, _, _, _, today| receivables_analysis::cutoff(conn, reach, today))
    }

    /// Invoicing and collection over the period: month by month, cash apart
    /// from marketing expenses, with days sales outstanding.
    pub fn receivables_collections(&self, query: &AnalysisQuery) -> ApiResult<Collections> {
        self.receivables(query, |conn, reach, viewer, period, _, _| {
            receivables_analysis::collections(conn, reach, viewer, period)
        })
    }

    /// How completely and how fast the orders approved in the period went out.
    pub fn order_fulfilment(&self, query: &AnalysisQuery) -> ApiResult<Fulfilment> {
        self.receivables(query, |conn, reach, viewer, period, zone, today| {
            receivables_analysis::fulfilment(conn, reach, viewer, period, zone, today)
        })
    }

    /// Prices and checks an order as typed, with the customer's credit;
    /// saves nothing (the order form asks this while the rep types).
    pub fn quote_order(&self, input: &OrderInput, order: Option<OrderId>) -> ApiResult<OrderQuote> {
        let now = self.clock.now();
        self.read(|conn| order::quote(conn, &Viewer::of(conn)?, input, order, Zone::of(conn)?, now))
    }

    /// Captures an order: a draft, or submitted at once. An order that fails
    /// the credit check is saved on hold with its reasons.
    pub fn create_order(&self, input: &OrderInput) -> ApiResult<Order> {
        let now = self.clock.now();
        self.write(|tx| {
            let viewer = Viewer::of(tx)?;
            let id = order::create(tx, &viewer, input, Zone::of(tx)?, now)?;
            order::get(tx, &viewer, id, Zone::of(tx)?, Zone::of(tx)?.day(now))
        })
    }

    /// The author rewrites a draft or returned order (and may submit it).
    pub fn update_order(&self, id: OrderId, input: &OrderInput) -> ApiResult<Order> {
        let now = self.clock.now();
        self.write(|tx| {
            let viewer = Viewer::of(tx)?;
            order::update(tx, &viewer, id, input, Zone::of(tx)?, now)?;
            order::get(tx, &viewer, id, Zone::of(tx)?, Zone::of(tx)?.day(now))
        })
    }

    /// Moves an order on: submit, withdraw or cancel (`reason`), approve, return (`reason`).
    pub fn set_order_status(&self, id: OrderId, status: OrderStatus, reason: Option<&str>) -> ApiResult<Order> {
        let now = self.clock.now();
        self.write(|tx| {
            let viewer = Viewer::of(tx)?;
            order::set_status(tx, &viewer, id, status, reason, now)?;
            order::get(tx, &viewer, id, Zone::of(tx)?, Zone::of(tx)?.day(now))
        })
    }

    /// Sales administration corrects a line of a submitted order, saying why.
    pub fn correct_order_line(
        &self,
        id: OrderId,
        line: &str,
        quantity: Option<u32>,
        unit_price: Option<i64>,
        reason: Option<&str>,
    ) -> ApiResult<Order> {
        let now = self.clock.now();
        self.write(|tx| {
            let viewer = Viewer::of(tx)?;
            let correction = order::LineCorrection {
                line: line.to_string(),
                quantity,
                unit_price,
                reason: reason.map(str::to_string),
            };
            order::correct_line(tx, &viewer, id, &correction, now)?;
            order::get(tx, &viewer, id, Zone::of(tx)?, Zone::of(tx)?.day(now))
        })
    }

    /// A manager or head office releases an order's credit hold, saying why.
    pub fn release_order_hold(&self, id: OrderId, reason: Option<&str>) -> ApiResult<Order> {
        let now = self.clock.now();
        self.write(|tx| {
            let viewer = Viewer::of(tx)?;
            order::release_hold(tx, &viewer, id, reason, now)?;
            order::get(tx, &viewer, id, Zone::of(tx)?, Zone::of(tx)?.day(now))
        })
    }

    /// The card's addresses an order may go to, the default first.
    pub fn delivery_addresses(&self, customer: CustomerId) -> ApiResult<Vec<order::DeliveryAddress>> {
        self.read(|conn| order::delivery_addresses(conn, &Viewer::of(conn)?, &customer.to_string()))
    }

    pub fn get_order(&self, id: OrderId) -> ApiResult<Order> {
        let now = self.clock.now();
        self.read(|conn| {
            let zone = Zone::of(conn)?;
            order::get(conn, &Viewer::of(conn)?, id, zone, zone.day(now))
        })
    }

    pub fn list_orders(&self, query: &OrderQuery) -> ApiResult<Vec<OrderRow>> {
        let now = self.clock.now();
        self.read(|conn| {
            let zone = Zone::of(conn)?;
            order::list(conn, &Viewer::of(conn)?, query, zone, zone.day(now))
        })
    }

    /// The shipments of the customers this person sees, newest first (the
    /// shipping page's record; the last 30 days unless a period is given).
    pub fn shipments(&self, query: &ShipmentQuery) -> ApiResult<Vec<ShipmentRow>> {
        let now = self.clock.now();
        self.read(|conn| shipping::recent(conn, &Viewer::of(conn)?, query, Zone::of(conn)?.day(now)))
    }

    /// Head office records a shipment against an approved order (partly, or
    /// with no lines everything it still lacks).
    pub fn record_shipment(&self, input: &ShipmentInput) -> ApiResult<Order> {
        let now = self.clock.now();
        self.write(|tx| {
            let viewer = Viewer::of(tx)?;
            let zone = Zone::of(tx)?;
            shipping::record(tx, &viewer, input, zone, now)?;
            order::get(tx, &viewer, input.order_id, zone, zone.day(now))
        })
    }

    /// Head office cancels what a line of an approved order still lacks.
    pub fn cancel_backorder(&self, id: OrderId, line: &str) -> ApiResult<Order> {
        let now = self.clock.now();
        self.write(|tx| {
            let viewer = Viewer::of(tx)?;
            let zone = Zone::of(tx)?;
            shipping::cancel_backorder(tx, &viewer, id, line, zone, now)?;
            order::get(tx, &viewer, id, zone, zone.day(now))
        })
    }

    /// Writes the order's shipping list (发货清单, xlsx) to `path`.
    pub fn write_shipping_list(&self, id: OrderId, path: &Path) -> ApiResult<PathBuf> {
        let now = self.clock.now();
        let bytes = self.read(|conn| {
            let zone = Zone::of(conn)?;
            let order = order::get(conn, &Viewer::of(conn)?, id, zone, zone.day(now))?;
            let language = crate::org::profile(conn)?.map_or_else(|| "zh-CN".to_string(), |p| p.language);
            let receiver = shipping_receiver(conn, &order.customer_id)?;
            sheet::shipping_list(&order, &receiver, &language)
        })?;
        super::files::write_atomically(path, &bytes).map_err(|e| self.public(e))?;
        Ok(path.to_path_buf())
    }

    /// A customer's statement (对账单) today, in the business time zone.
    pub fn customer_statement(&self, customer: CustomerId) -> ApiResult<Statement> {
        let now = self.clock.now();
        self.read(|conn| {
            let id = customer.to_string();
            require_customer(conn, &id)?;
            statement::statement(conn, &id, Zone::of(conn)?.day(now))
        })
    }

    /// A customer's credit today: limit, balance, overdue, open orders.
    pub fn customer_credit(&self, customer: CustomerId) -> ApiResult<CreditCheck> {
        let now = self.clock.now();
        self.read(|conn| {
            let id = customer.to_string();
            require_customer(conn, &id)?;
            credit::check(conn, &id, None, 0, PaymentKind::Credit, Zone::of(conn)?.day(now))
        })
    }

    /// Head office records an invoice (the same number again updates it). True when new.
    pub fn record_invoice(&self, input: &InvoiceInput) -> ApiResult<bool> {
        let now = self.clock.now();
        self.write(|tx| receivables::record_invoice(tx, &Viewer::of(tx)?, input, now))
    }

    /// Head office records a payment with the invoices it names. True when new.
    pub fn record_payment(&self, input: &PaymentInput) -> ApiResult<bool> {
        let now = self.clock.now();
        self.write(|tx| receivables::record_payment(tx, &Viewer::of(tx)?, input, now))
    }

    /// Head office adds a price to the price list.
    pub fn add_price_rule(&self, input: &PriceRuleInput) -> ApiResult<PriceRuleId> {
        let now = self.clock.now();
        self.write(|tx| receivables::add_price_rule(tx, &Viewer::of(tx)?, input, now))
    }

    /// Head office adds a promotion (a discount, or a gift for so many bought).
    pub fn add_promotion(&self, input: &PromotionInput) -> ApiResult<Promotion> {
        let now = self.clock.now();
        self.write(|tx| {
            let id = promotion::add(tx, &Viewer::of(tx)?, input, now)?;
            promotion::get(tx, id)
        })
    }

    /// The promotions running today (`all`: every one head office ran).
    pub fn promotions(&self, all: bool) -> ApiResult<Vec<Promotion>> {
        let now = self.clock.now();
        self.read(|conn| promotion::list(conn, (!all).then(|| Zone::of(conn).map(|z| z.day(now))).transpose()?))
    }

    /// Head office sets a card's own credit limit (fen), or with none returns it to its grade's.
    pub fn set_credit_limit(&self, customer: CustomerId, limit: Option<i64>, reason: Option<&str>) -> ApiResult<()> {
        let now = self.clock.now();
        self.write(|tx| receivables::set_credit_limit(tx, &Viewer::of(tx)?, customer, limit, reason, now))
    }
}
