//! The facade for customer service: complaints and feedback with their
//! service clocks (see [`crate::service`]).

use crate::api::{ApiResult, Book};
use crate::org::Viewer;
use crate::service::clock::Clocks;
use crate::service::{self, Complaint, ComplaintInput, ComplaintQuery, ComplaintStep};

impl Book {
    /// Head office's service clocks, kind by kind.
    pub fn service_clocks(&self) -> ApiResult<Vec<Clocks>> {
        self.read(service::clocks)
    }

    /// Head office sets a kind's clocks.
    pub fn set_service_clocks(&self, input: &Clocks) -> ApiResult<Vec<Clocks>> {
        let now = self.clock.now();
        self.write(|tx| service::set_clocks(tx, &Viewer::of(tx)?, input, now))
    }

    /// Logs a customer's complaint or feedback; returns it with its clocks.
    pub fn log_complaint(&self, input: &ComplaintInput) -> ApiResult<Complaint> {
        let now = self.clock.now();
        self.write(|tx| {
            let id = service::log(tx, &Viewer::of(tx)?, input, now)?;
            one(tx, &id, now)
        })
    }

    /// Moves a complaint on: handled (head office), replied, closed with the satisfaction.
    pub fn complaint_step(&self, input: &ComplaintStep) -> ApiResult<Complaint> {
        let now = self.clock.now();
        self.write(|tx| {
            service::step(tx, &Viewer::of(tx)?, input, now)?;
            one(tx, &input.complaint_id, now)
        })
    }

    /// The complaints of this book's scope with their clocks now: open, past a clock, or all.
    pub fn complaints(&self, query: &ComplaintQuery) -> ApiResult<Vec<Complaint>> {
        let now = self.clock.now();
        self.read(|conn| service::list(conn, query, now))
    }
}

fn one(conn: &rusqlite::Connection, id: &str, now: chrono::DateTime<chrono::Utc>) -> crate::error::Result<Complaint> {
    let query = ComplaintQuery { filter: service::ComplaintFilter::All, customer_id: None, limit: Some(u32::MAX) };
    service::list(conn, &query, now)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| crate::error::Error::NotFound { what: "complaint", id: id.to_string() })
}
