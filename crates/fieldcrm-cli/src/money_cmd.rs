//! `fieldcrm order|ship|statement|credit|receivables`: orders, their review,
//! shipping, statements, credit and head office's receivables from the command line.
//! Amounts are typed and shown in yuan (`88.50`); the book keeps fen.

use clap::{Args, Subcommand, ValueEnum};
use fieldcrm_core::ids::{CustomerId, OrderId};
use fieldcrm_core::model::{OrderStatus, PaymentKind};
use fieldcrm_core::money::credit::CreditCheck;
use fieldcrm_core::money::order::{
    Order, OrderInput, OrderLine, OrderLineInput, OrderQuery, OrderQuote, OrderRow, OrderView,
};
use fieldcrm_core::money::promotion::{Promotion, PromotionInput};
use fieldcrm_core::money::receivables::{InvoiceInput, PaymentInput, PaymentMatch, PriceRuleInput};
use fieldcrm_core::money::shipping::{ShipmentInput, ShipmentLineInput, ShipmentQuery};
use fieldcrm_core::money::statement::{Statement, StatementEntryKind};
use fieldcrm_core::{ApiError, Book};

use crate::sales_cmd::yuan;
use crate::{output, usage};

/// Yuan as typed (`88`, `88.5`, `88.50`) to fen.
pub(crate) fn fen(text: &str) -> Result<i64, ApiError> {
    let t = text.trim().replace(',', "");
    let (whole, part) = t.split_once('.').unwrap_or((&t, ""));
    let ok = !whole.is_empty()
        && whole.len() <= 12
        && whole.chars().all(|c| c.is_ascii_digit())
        && part.len() <= 2
        && part.chars().all(|c| c.is_ascii_digit());
    if !ok {
        return Err(usage(format!("'{text}' is not an amount in yuan (e.g. 88.50)")));
    }
    let cents = format!("{part:0<2}").parse::<i64>().unwrap_or(0);
    Ok(whole.parse::<i64>().unwrap_or(0) * 100 + cents)
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    Cash,
    Credit,
    Expense,
}

impl From<Kind> for PaymentKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Cash => PaymentKind::Cash,
            Kind::Credit => PaymentKind::Credit,
            Kind::Expense => PaymentKind::Expense,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum View {
    Mine,
    Review,
    Hold,
    Late,
    Backorders,
    ToShip,
    All,
}

/// A shipment against an approved order.
#[derive(Debug, Args)]
pub struct ShipArgs {
    id: OrderId,
    /// LINE=UNITS for part of a line; repeat. Left out: everything the order lacks.
    #[arg(long = "line")]
    lines: Vec<String>,
    /// The day it left (YYYY-MM-DD); today when left out.
    #[arg(long)]
    on: Option<String>,
    /// The delivery note's or waybill's number.
    #[arg(long)]
    number: Option<String>,
    #[arg(long)]
    carrier: Option<String>,
    #[arg(long)]
    notes: Option<String>,
}

/// Shipping (发货): what is to ship, the shipments, the shipping lists.
#[derive(Debug, Subcommand)]
pub enum ShipCommand {
    /// Approved orders not all shipped, oldest approval first.
    Pending,
    /// The shipments of a period (the last 30 days by default).
    List {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
    },
    /// Record a shipment (sales administration): --line LINE=UNITS for part of it, else everything.
    Order(ShipArgs),
    /// Write an order's shipping list (发货清单) as an xlsx workbook.
    Sheet {
        id: OrderId,
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct OrderArgs {
    customer: CustomerId,
    /// A line: PRODUCT,CASES[,UNITS[,PRICE_YUAN]] (`A01,2,5`); add `,gift` for a free line. Repeat for more.
    #[arg(long = "line", required = true)]
    lines: Vec<String>,
    #[arg(long, value_enum, default_value = "credit")]
    kind: Kind,
    /// One of the card's addresses (its id); else --deliver, else the card's delivery address.
    #[arg(long)]
    address_id: Option<String>,
    /// Where the goods go, typed.
    #[arg(long)]
    deliver: Option<String>,
    /// When the customer wants the goods (YYYY-MM-DD).
    #[arg(long)]
    wanted: Option<String>,
    #[arg(long)]
    notes: Option<String>,
    /// Submit it at once (else it stays a draft).
    #[arg(long)]
    submit: bool,
}

impl OrderArgs {
    fn input(&self) -> Result<OrderInput, ApiError> {
        let lines =
            self.lines
                .iter()
                .map(|l| {
                    let parts: Vec<&str> = l.split(',').map(str::trim).collect();
                    let gift = parts.last() == Some(&"gift");
                    let parts = if gift { &parts[..parts.len() - 1] } else { &parts[..] };
                    let number = |i: usize| -> Result<u32, ApiError> {
                        parts.get(i).filter(|p| !p.is_empty()).map_or(Ok(0), |p| {
                            p.parse().map_err(|_| usage(format!("'{l}': '{p}' is not a whole number")))
                        })
                    };
                    if parts.is_empty() || parts[0].is_empty() || parts.len() > 4 {
                        return Err(usage(format!("'{l}' is not PRODUCT,CASES[,UNITS[,PRICE]] (e.g. A01,2,5)")));
                    }
                    Ok(OrderLineInput {
                        product: parts[0].to_string(),
                        cases: number(1)?,
                        units: number(2)?,
                        unit_price: parts.get(3).filter(|p| !p.is_empty()).map(|p| fen(p)).transpose()?,
                        gift,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
        Ok(OrderInput {
            customer_id: self.customer,
            payment_kind: self.kind.into(),
            address_id: self.address_id.clone(),
            delivery_address: self.deliver.clone(),
            wanted_on: self.wanted.clone(),
            notes: self.notes.clone(),
            lines,
            submit: self.submit,
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Price and check an order as typed, with the customer's credit; saves nothing.
    Quote(OrderArgs),
    /// Capture an order (a draft, or --submit). One that fails the credit check is saved on hold.
    New(OrderArgs),
    /// Orders: yours (mine), waiting for review, on hold, or all you see.
    List {
        #[arg(long, value_enum, default_value = "mine")]
        view: View,
        #[arg(long)]
        customer: Option<CustomerId>,
    },
    /// One order with its lines and what review changed.
    Show {
        id: OrderId,
    },
    Submit {
        id: OrderId,
    },
    /// Sales administration approves a submitted order.
    Approve {
        id: OrderId,
    },
    /// Sales administration returns a submitted order to its author, saying why.
    Return {
        id: OrderId,
        #[arg(long)]
        reason: String,
    },
    /// Withdraw or cancel an order.
    Cancel {
        id: OrderId,
        #[arg(long)]
        reason: Option<String>,
    },
    /// A manager or head office releases a credit hold, saying why.
    Release {
        id: OrderId,
        #[arg(long)]
        reason: String,
    },
    /// Head office records a shipment: --line LINE=UNITS for part of it, else everything the order lacks.
    Ship(ShipArgs),
    /// Head office cancels what a line still lacks (its backorder).
    CancelBackorder {
        id: OrderId,
        line: String,
    },
    /// Write the order's shipping list (发货清单) as an xlsx workbook.
    Sheet {
        id: OrderId,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Sales administration corrects a line (units and/or price in yuan), saying why.
    Correct {
        id: OrderId,
        line: String,
        #[arg(long)]
        quantity: Option<u32>,
        #[arg(long)]
        price: Option<String>,
        #[arg(long)]
        reason: String,
    },
}

fn order_text(o: &Order) -> String {
    let mut out = format!(
        "{} {}  {}  {}  {}  total {}{}\n  deliver to {}{}",
        o.number.as_deref().unwrap_or("(no number yet)"),
        o.customer_name,
        o.status,
        o.payment_kind,
        o.author_name,
        yuan(o.total),
        if o.credit_hold { "  CREDIT HOLD" } else { "" },
        o.delivery_address,
        o.wanted_on.as_deref().map(|w| format!("  wanted {w}")).unwrap_or_default(),
    );
    for r in &o.hold_reasons {
        out.push_str(&format!("\n  hold: {}", hold_text(r)));
    }
    if let Some(reason) = &o.hold_release_reason {
        out.push_str(&format!("\n  hold released by {}: {reason}", o.hold_released_by.as_deref().unwrap_or("")));
    }
    if let Some(reason) = &o.return_reason {
        out.push_str(&format!("\n  returned: {reason}"));
    }
    if let Some(state) = o.shipping {
        out.push_str(&format!(
            "\n  shipping: {state:?}, ship by {}{}",
            o.ship_by.as_deref().unwrap_or("-"),
            if o.late { "  LATE" } else { "" }
        ));
    }
    for s in &o.shipments {
        let lines: Vec<String> =
            s.lines.iter().map(|l| format!("{} {} {}", l.product_code, l.quantity, l.unit)).collect();
        out.push_str(&format!(
            "\n  shipped {} {}: {}",
            s.shipped_on,
            s.number.as_deref().unwrap_or(""),
            lines.join(", ")
        ));
    }
    for l in &o.lines {
        out.push_str(&line_text(l));
    }
    for n in &o.history {
        out.push_str(&format!(
            "\n  {} {} {}: {} → {}  {}",
            n.at,
            n.staff_name,
            n.what,
            n.old_value.as_deref().unwrap_or(""),
            n.new_value.as_deref().unwrap_or(""),
            n.reason.as_deref().unwrap_or("")
        ));
    }
    out
}

fn hold_text(r: &fieldcrm_core::money::credit::HoldReason) -> String {
    match (r.exposure, r.limit, r.overdue, r.days) {
        (Some(e), Some(l), _, _) => format!("{} (owed and on order {} over the limit {})", r.kind, yuan(e), yuan(l)),
        (_, _, Some(o), Some(d)) => format!("{} ({} overdue, the oldest {d} days past due)", r.kind, yuan(o)),
        _ => r.kind.to_string(),
    }
}

fn credit_text(c: &CreditCheck) -> String {
    let mut out = format!(
        "limit {}  balance {}  overdue {} (oldest {} days)  open orders {}  exposure {}  available {}",
        c.limit.map_or("none".into(), yuan),
        yuan(c.balance),
        yuan(c.overdue),
        c.oldest_days_past_due,
        yuan(c.open_orders),
        yuan(c.exposure),
        c.available.map_or("-".into(), yuan)
    );
    for r in &c.reasons {
        out.push_str(&format!("\nhold: {}", hold_text(r)));
    }
    out
}

fn line_text(l: &OrderLine) -> String {
    let flags: Vec<String> = l.flags.iter().map(|f| format!("{f:?}")).collect();
    format!(
        "\n  {}  {} {}  {} × {} = {}  ({} cases + {} {}){}{}{}",
        l.id,
        l.product_code,
        l.product_name,
        l.quantity,
        yuan(l.unit_price),
        yuan(l.amount),
        l.cases,
        l.units,
        l.unit,
        if l.gift {
            "  gift".to_string()
        } else if l.backorder > 0 && l.shipped > 0 {
            format!("  backorder {}", l.backorder)
        } else {
            String::new()
        },
        if flags.is_empty() { String::new() } else { format!("  [{}]", flags.join(", ")) },
        l.promotion.as_deref().map(|p| format!("  promotion: {p}")).unwrap_or_default(),
    )
}

fn quote_text(q: &OrderQuote) -> String {
    let mut out: String = q.lines.iter().map(line_text).collect::<String>().trim_start_matches('\n').to_string();
    out.push_str(&format!("\ntotal {}\n{}", yuan(q.total), credit_text(&q.credit)));
    for p in &q.problems {
        out.push_str(&format!("\nproblem {}: {}", p.field, p.message));
    }
    out
}

fn row_text(r: &OrderRow) -> String {
    format!(
        "{}  {}  {}  {}  {}  {}  {} lines{}",
        r.id,
        r.number.as_deref().unwrap_or("-"),
        r.customer_name,
        r.status,
        r.author_name,
        yuan(r.total),
        r.lines,
        if r.credit_hold { "  HOLD" } else { "" }
    )
}

pub fn order(book: &Book, command: &OrderCommand, json: bool) -> Result<(), ApiError> {
    let show = |o: Order| output::show(&o, json, order_text);
    match command {
        OrderCommand::Quote(a) => output::show(&book.quote_order(&a.input()?, None)?, json, quote_text),
        OrderCommand::New(a) => show(book.create_order(&a.input()?)?),
        OrderCommand::List { view, customer } => {
            let view = match view {
                View::Mine => OrderView::Mine,
                View::Review => OrderView::Review,
                View::Hold => OrderView::Hold,
                View::Late => OrderView::Late,
                View::Backorders => OrderView::Backorders,
                View::ToShip => OrderView::ToShip,
                View::All => OrderView::All,
            };
            let rows = book.list_orders(&OrderQuery { view, customer_id: *customer, limit: None })?;
            output::show(&rows, json, |rows| {
                if rows.is_empty() {
                    "(none)".into()
                } else {
                    rows.iter().map(row_text).collect::<Vec<_>>().join("\n")
                }
            });
        }
        OrderCommand::Show { id } => show(book.get_order(*id)?),
        OrderCommand::Submit { id } => show(book.set_order_status(*id, OrderStatus::Submitted, None)?),
        OrderCommand::Approve { id } => show(book.set_order_status(*id, OrderStatus::Approved, None)?),
        OrderCommand::Return { id, reason } => show(book.set_order_status(*id, OrderStatus::Returned, Some(reason))?),
        OrderCommand::Cancel { id, reason } => {
            show(book.set_order_status(*id, OrderStatus::Cancelled, reason.as_deref())?)
        }
        OrderCommand::Release { id, reason } => show(book.release_order_hold(*id, Some(reason))?),
        OrderCommand::Ship(args) => show(ship(book, args)?),
        OrderCommand::CancelBackorder { id, line } => show(book.cancel_backorder(*id, line)?),
        OrderCommand::Sheet { id, out } => {
            let written = book.write_shipping_list(*id, out)?;
            output::show(&written.display().to_string(), json, |p| format!("shipping list written to {p}"));
        }
        OrderCommand::Correct { id, line, quantity, price, reason } => {
            let price = price.as_deref().map(fen).transpose()?;
            show(book.correct_order_line(*id, line, *quantity, price, Some(reason))?)
        }
    }
    Ok(())
}

fn ship(book: &Book, args: &ShipArgs) -> Result<Order, ApiError> {
    let lines = args
        .lines
        .iter()
        .map(|l| {
            let (line, units) = l.split_once('=').ok_or_else(|| usage(format!("'{l}' is not LINE=UNITS")))?;
            let quantity =
                units.trim().parse().map_err(|_| usage(format!("'{units}' is not a whole number of units")))?;
            Ok(ShipmentLineInput { order_line_id: line.trim().to_string(), quantity })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    book.record_shipment(&ShipmentInput {
        order_id: args.id,
        shipped_on: args.on.clone(),
        number: args.number.clone(),
        carrier: args.carrier.clone(),
        notes: args.notes.clone(),
        lines,
    })
}

pub fn shipping(book: &Book, command: &ShipCommand, json: bool) -> Result<(), ApiError> {
    match command {
        ShipCommand::Pending => {
            let rows = book.list_orders(&OrderQuery { view: OrderView::ToShip, customer_id: None, limit: None })?;
            output::show(&rows, json, |rows| {
                if rows.is_empty() {
                    "nothing waits to ship".into()
                } else {
                    rows.iter().map(row_text).collect::<Vec<_>>().join("\n")
                }
            });
        }
        ShipCommand::List { from, to } => {
            let rows = book.shipments(&ShipmentQuery { from: from.clone(), to: to.clone() })?;
            output::show(&rows, json, |rows| {
                if rows.is_empty() {
                    "no shipment in the period".into()
                } else {
                    rows.iter()
                        .map(|s| {
                            format!(
                                "{}  {}  {}  {}  {} lines, {} units{}",
                                s.shipped_on,
                                s.order_number.as_deref().unwrap_or("-"),
                                s.customer_name,
                                s.number.as_deref().unwrap_or("-"),
                                s.lines,
                                s.units,
                                s.carrier.as_deref().map(|c| format!("  {c}")).unwrap_or_default()
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                }
            });
        }
        ShipCommand::Order(args) => {
            let order = ship(book, args)?;
            output::show(&order, json, order_text);
        }
        ShipCommand::Sheet { id, out } => {
            let written = book.write_shipping_list(*id, out)?;
            output::show(&written.display().to_string(), json, |p| format!("shipping list written to {p}"));
        }
    }
    Ok(())
}

pub fn statement(book: &Book, customer: CustomerId, json: bool) -> Result<(), ApiError> {
    output::show(&book.customer_statement(customer)?, json, |s: &Statement| {
        let mut out = format!("{} on {}", s.customer_name, s.on);
        for e in &s.entries {
            let (kind, extra) = match e.kind {
                StatementEntryKind::Invoice => (
                    "invoice",
                    format!(
                        "due {}  open {}{}",
                        e.due_on.as_deref().unwrap_or(""),
                        yuan(e.open.unwrap_or(0)),
                        e.days_past_due.filter(|d| *d > 0).map(|d| format!("  {d} days past due")).unwrap_or_default()
                    ),
                ),
                StatementEntryKind::Payment => (
                    "payment",
                    format!(
                        "{}{}",
                        e.payment_kind.map(|k| k.to_string()).unwrap_or_default(),
                        e.unallocated
                            .filter(|u| *u > 0)
                            .map(|u| format!("  unallocated {}", yuan(u)))
                            .unwrap_or_default()
                    ),
                ),
            };
            out.push_str(&format!(
                "\n{}  {kind:<7}  {:<14}  {:>14}  balance {:>14}  {extra}",
                e.day,
                e.number,
                yuan(e.amount),
                yuan(e.balance)
            ));
        }
        let a = &s.aging;
        out.push_str(&format!(
            "\ninvoiced {}  paid {} (cash {}, expenses {})  balance {}  credit balance {}\naging: not due {}  1–30 {}  31–60 {}  61–90 {}  over 90 {}",
            yuan(s.invoiced),
            yuan(s.paid),
            yuan(s.paid_cash),
            yuan(s.paid_expense),
            yuan(s.balance),
            yuan(s.credit_balance),
            yuan(a.not_due),
            yuan(a.up_to_30),
            yuan(a.up_to_60),
            yuan(a.up_to_90),
            yuan(a.over_90)
        ));
        out
    });
    Ok(())
}

pub fn credit(book: &Book, customer: CustomerId, json: bool) -> Result<(), ApiError> {
    output::show(&book.customer_credit(customer)?, json, credit_text);
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum ReceivablesCommand {
    /// Record an invoice from the ERP (the same number again updates it).
    Invoice {
        customer: CustomerId,
        number: String,
        #[arg(long)]
        issued: String,
        /// Else issued + the credit grade's payment term.
        #[arg(long)]
        due: Option<String>,
        /// Yuan.
        #[arg(long)]
        amount: String,
    },
    /// Record a payment; --invoice NUMBER=YUAN names what it pays (else the oldest open).
    Payment {
        customer: CustomerId,
        number: String,
        #[arg(long)]
        paid: String,
        #[arg(long)]
        amount: String,
        #[arg(long, value_enum, default_value = "cash")]
        kind: Kind,
        #[arg(long = "invoice")]
        invoices: Vec<String>,
    },
    /// Set a card's own credit limit in yuan (`none`: back to its credit grade's).
    Limit {
        customer: CustomerId,
        limit: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Add a price to head office's price list (yuan per unit).
    Price {
        product: String,
        #[arg(long)]
        price: String,
        #[arg(long)]
        floor: Option<String>,
        #[arg(long)]
        channel: Option<String>,
        #[arg(long)]
        grade: Option<String>,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: Option<String>,
    },
    /// Head office runs a promotion: a discount on a product's price, or
    /// GIFT_UNITS of a product free for every MIN_UNITS bought.
    Promotion {
        name: String,
        #[arg(long)]
        product: String,
        /// Percent off the price (1–99).
        #[arg(long, conflicts_with = "gift")]
        discount: Option<u32>,
        /// The product given (its code).
        #[arg(long, requires = "gift_units")]
        gift: Option<String>,
        #[arg(long)]
        gift_units: Option<u32>,
        /// Units a line needs (default 1).
        #[arg(long)]
        min_units: Option<u32>,
        #[arg(long)]
        channel: Option<String>,
        #[arg(long)]
        grade: Option<String>,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
    },
    /// The promotions running today (--all: every one).
    Promotions {
        #[arg(long)]
        all: bool,
    },
    /// What customers owe today by how long past due: by part, rep and credit grade.
    Aging(crate::sales_cmd::PeriodArgs),
    /// Who owes overdue money today, and who must act (rep, manager, head office).
    Overdue(crate::sales_cmd::PeriodArgs),
    /// Who still owes what by the month's payment cut-off (the 25th).
    Cutoff(crate::sales_cmd::PeriodArgs),
    /// Invoicing and collection by month: cash, marketing expenses, DSO.
    Collections(crate::sales_cmd::PeriodArgs),
    /// Order fill rate and shipping on time of the orders approved in the period.
    Fulfilment(crate::sales_cmd::PeriodArgs),
}

pub fn receivables(book: &Book, command: &ReceivablesCommand, json: bool) -> Result<(), ApiError> {
    use fieldcrm_core::api::sales::AnalysisKind;
    match command {
        ReceivablesCommand::Aging(p) => crate::sales_cmd::run(book, AnalysisKind::Aging, p, json)?,
        ReceivablesCommand::Overdue(p) => crate::sales_cmd::run(book, AnalysisKind::Overdue, p, json)?,
        ReceivablesCommand::Cutoff(p) => crate::sales_cmd::run(book, AnalysisKind::Cutoff, p, json)?,
        ReceivablesCommand::Collections(p) => crate::sales_cmd::run(book, AnalysisKind::Collections, p, json)?,
        ReceivablesCommand::Fulfilment(p) => crate::sales_cmd::run(book, AnalysisKind::Fulfilment, p, json)?,
        ReceivablesCommand::Invoice { customer, number, issued, due, amount } => {
            let new = book.record_invoice(&InvoiceInput {
                customer_id: *customer,
                number: number.clone(),
                issued_on: issued.clone(),
                due_on: due.clone(),
                amount: fen(amount)?,
            })?;
            output::show(&new, json, |n| {
                if *n {
                    format!("invoice {number} recorded")
                } else {
                    format!("invoice {number} updated")
                }
            });
        }
        ReceivablesCommand::Payment { customer, number, paid, amount, kind, invoices } => {
            let invoices = invoices
                .iter()
                .map(|i| {
                    let (n, a) = i.split_once('=').ok_or_else(|| usage(format!("'{i}' is not INVOICE=YUAN")))?;
                    Ok(PaymentMatch { invoice_number: n.trim().to_string(), amount: fen(a)? })
                })
                .collect::<Result<Vec<_>, ApiError>>()?;
            let new = book.record_payment(&PaymentInput {
                customer_id: *customer,
                number: number.clone(),
                paid_on: paid.clone(),
                amount: fen(amount)?,
                kind: (*kind).into(),
                invoices,
            })?;
            output::show(&new, json, |n| {
                if *n {
                    format!("payment {number} recorded")
                } else {
                    format!("payment {number} updated")
                }
            });
        }
        ReceivablesCommand::Limit { customer, limit, reason } => {
            let limit = if limit.trim() == "none" { None } else { Some(fen(limit)?) };
            book.set_credit_limit(*customer, limit, reason.as_deref())?;
            output::show(&limit, json, |l| {
                l.map_or("credit limit: the credit grade's".into(), |l| format!("credit limit {}", yuan(l)))
            });
        }
        ReceivablesCommand::Price { product, price, floor, channel, grade, from, to } => {
            let id = book.add_price_rule(&PriceRuleInput {
                product: product.clone(),
                channel_type: channel.clone(),
                customer_grade: grade.clone(),
                price: fen(price)?,
                floor_price: floor.as_deref().map(fen).transpose()?,
                valid_from: from.clone(),
                valid_to: to.clone(),
            })?;
            output::show(&id.to_string(), json, |id| format!("price added ({id})"));
        }
        ReceivablesCommand::Promotion {
            name,
            product,
            discount,
            gift,
            gift_units,
            min_units,
            channel,
            grade,
            from,
            to,
        } => {
            let added = book.add_promotion(&PromotionInput {
                name: name.clone(),
                product: product.clone(),
                channel_type: channel.clone(),
                customer_grade: grade.clone(),
                min_units: *min_units,
                discount_percent: *discount,
                gift_product: gift.clone(),
                gift_units: *gift_units,
                valid_from: from.clone(),
                valid_to: to.clone(),
            })?;
            output::show(&added, json, |p| format!("promotion added: {}", promotion_line(p)));
        }
        ReceivablesCommand::Promotions { all } => {
            output::show(&book.promotions(*all)?, json, |list| {
                if list.is_empty() {
                    "no promotion is running".into()
                } else {
                    list.iter().map(promotion_line).collect::<Vec<_>>().join("\n")
                }
            });
        }
    }
    Ok(())
}

fn promotion_line(p: &Promotion) -> String {
    let what = match (p.discount_percent, &p.gift_product_name, p.gift_units) {
        (Some(pct), _, _) => format!("{pct}% off"),
        (_, Some(gift), Some(units)) => format!("{units} × {gift} free"),
        _ => String::new(),
    };
    let whom = [p.channel_type.as_deref(), p.customer_grade.as_deref()].into_iter().flatten().collect::<Vec<_>>();
    format!(
        "{}  {} {} for every {} units{}  {} – {}",
        p.name,
        p.product_code,
        what,
        p.min_units,
        if whom.is_empty() { String::new() } else { format!(" ({})", whom.join(", ")) },
        p.valid_from,
        p.valid_to
    )
}
