//! The facade for the money side: orders and their review, customers'
//! statements and credit, and head office's receivables and price list (see
//! [`crate::money`], docs/ORDERS.md).

use crate::api::{ApiResult, Book};
use crate::clock::Zone;
use crate::ids::{CustomerId, OrderId, PriceRuleId};
use crate::model::{OrderStatus, PaymentKind};
use crate::money::credit::{self, CreditCheck};
use crate::money::order::{self, Order, OrderInput, OrderQuery, OrderQuote, OrderRow};
use crate::money::receivables::{self, InvoiceInput, PaymentInput, PriceRuleInput};
use crate::money::statement::{self, Statement};
use crate::org::Viewer;

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
            order::get(tx, &viewer, id)
        })
    }

    /// The author rewrites a draft or returned order (and may submit it).
    pub fn update_order(&self, id: OrderId, input: &OrderInput) -> ApiResult<Order> {
        let now = self.clock.now();
        self.write(|tx| {
            let viewer = Viewer::of(tx)?;
            order::update(tx, &viewer, id, input, Zone::of(tx)?, now)?;
            order::get(tx, &viewer, id)
        })
    }

    /// Moves an order on: submit, withdraw or cancel (`reason`), approve, return (`reason`).
    pub fn set_order_status(&self, id: OrderId, status: OrderStatus, reason: Option<&str>) -> ApiResult<Order> {
        let now = self.clock.now();
        self.write(|tx| {
            let viewer = Viewer::of(tx)?;
            order::set_status(tx, &viewer, id, status, reason, now)?;
            order::get(tx, &viewer, id)
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
            order::get(tx, &viewer, id)
        })
    }

    /// A manager or head office releases an order's credit hold, saying why.
    pub fn release_order_hold(&self, id: OrderId, reason: Option<&str>) -> ApiResult<Order> {
        let now = self.clock.now();
        self.write(|tx| {
            let viewer = Viewer::of(tx)?;
            order::release_hold(tx, &viewer, id, reason, now)?;
            order::get(tx, &viewer, id)
        })
    }

    pub fn get_order(&self, id: OrderId) -> ApiResult<Order> {
        self.read(|conn| order::get(conn, &Viewer::of(conn)?, id))
    }

    pub fn list_orders(&self, query: &OrderQuery) -> ApiResult<Vec<OrderRow>> {
        self.read(|conn| order::list(conn, &Viewer::of(conn)?, query))
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

    /// Head office sets a card's own credit limit (fen), or with none returns it to its grade's.
    pub fn set_credit_limit(&self, customer: CustomerId, limit: Option<i64>, reason: Option<&str>) -> ApiResult<()> {
        let now = self.clock.now();
        self.write(|tx| receivables::set_credit_limit(tx, &Viewer::of(tx)?, customer, limit, reason, now))
    }
}
