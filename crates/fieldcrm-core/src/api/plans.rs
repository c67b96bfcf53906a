//! The facade for ten-day and monthly plans and the rolling forecast (see
//! [`crate::plans`], docs/TARGETS.md).

use std::path::{Path, PathBuf};

use crate::api::{ApiResult, Book};
use crate::clock::Zone;
use crate::ids::StaffId;
use crate::org::Viewer;
use crate::plans::forecast::{self, Forecast, ForecastInput, ForecastRollup};
use crate::plans::{self, PlanInput, PlanRollup, SalesPlan};
use crate::targets::Org;

impl Book {
    /// A person's plan for a 旬 or a month (none: the viewer's own): saved,
    /// or proposed from the customers' targets.
    pub fn sales_plan(&self, period: &str, staff: Option<StaffId>) -> ApiResult<SalesPlan> {
        let now = self.clock.now();
        self.read(|conn| {
            let viewer = Viewer::of(conn)?;
            let zone = Zone::of(conn)?;
            let mut org = Org::load(conn)?;
            plans::plan(conn, &viewer, &mut org, staff.unwrap_or(viewer.staff), period, zone, zone.day(now))
        })
    }

    /// Saves the viewer's plan (and submits it when asked).
    pub fn save_sales_plan(&self, input: &PlanInput) -> ApiResult<SalesPlan> {
        let now = self.clock.now();
        self.write(|tx| {
            let viewer = Viewer::of(tx)?;
            let zone = Zone::of(tx)?;
            plans::save(tx, &viewer, input, zone, now)?;
            let mut org = Org::load(tx)?;
            plans::plan(tx, &viewer, &mut org, viewer.staff, &input.period, zone, zone.day(now))
        })
    }

    /// Comments on a plan (its author, or a manager up the line).
    pub fn comment_sales_plan(&self, plan: &str, body: &str) -> ApiResult<SalesPlan> {
        let now = self.clock.now();
        self.write(|tx| {
            let viewer = Viewer::of(tx)?;
            plans::comment(tx, &viewer, plan, body, now)?;
            let (staff, period): (String, String) =
                tx.query_row("SELECT staff_id, period FROM sales_plan WHERE id = ?1", [plan], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            let staff: StaffId =
                staff.parse().map_err(|_| crate::error::Error::NotFound { what: "plan", id: plan.into() })?;
            let zone = Zone::of(tx)?;
            let mut org = Org::load(tx)?;
            plans::plan(tx, &viewer, &mut org, staff, &period, zone, zone.day(now))
        })
    }

    /// The plans of a unit's people for a period (none: the viewer's unit), rolled up.
    pub fn plan_rollup(&self, period: &str, unit: Option<&str>) -> ApiResult<PlanRollup> {
        let now = self.clock.now();
        self.read(|conn| {
            let viewer = Viewer::of(conn)?;
            let zone = Zone::of(conn)?;
            let mut org = Org::load(conn)?;
            let node = unit_node(conn, &mut org, &viewer, unit)?;
            plans::rollup(conn, &viewer, &mut org, &node, period, zone, zone.day(now))
        })
    }

    /// A person's forecast made in a month (none: the viewer's own).
    pub fn sales_forecast(&self, month: &str, staff: Option<StaffId>) -> ApiResult<Forecast> {
        let now = self.clock.now();
        self.read(|conn| {
            let viewer = Viewer::of(conn)?;
            let mut org = Org::load(conn)?;
            forecast::forecast(conn, &viewer, &mut org, staff.unwrap_or(viewer.staff), month, Zone::of(conn)?.day(now))
        })
    }

    /// Saves the viewer's forecast (and submits it when asked).
    pub fn save_sales_forecast(&self, input: &ForecastInput) -> ApiResult<Forecast> {
        let now = self.clock.now();
        self.write(|tx| {
            let viewer = Viewer::of(tx)?;
            let today = Zone::of(tx)?.day(now);
            forecast::save(tx, &viewer, input, today, now)?;
            let mut org = Org::load(tx)?;
            forecast::forecast(tx, &viewer, &mut org, viewer.staff, &input.month, today)
        })
    }

    /// The forecasts made in a month by a unit's people (none: the viewer's unit), rolled up.
    pub fn forecast_rollup(&self, month: &str, unit: Option<&str>) -> ApiResult<ForecastRollup> {
        self.read(|conn| {
            let viewer = Viewer::of(conn)?;
            let mut org = Org::load(conn)?;
            let node = unit_node(conn, &mut org, &viewer, unit)?;
            forecast::rollup(conn, &viewer, &mut org, &node, month)
        })
    }

    /// Writes a person's plan of a period (none: the viewer's own) to an xlsx file.
    pub fn write_sales_plan(&self, period: &str, staff: Option<StaffId>, path: &Path) -> ApiResult<PathBuf> {
        let plan = self.sales_plan(period, staff)?;
        self.save_workbook(path, |language| plans::sheet::plan_workbook(&plan, language))
    }

    /// Writes a person's forecast made in a month (none: the viewer's own) to an xlsx file.
    pub fn write_sales_forecast(&self, month: &str, staff: Option<StaffId>, path: &Path) -> ApiResult<PathBuf> {
        let forecast = self.sales_forecast(month, staff)?;
        self.save_workbook(path, |language| plans::sheet::forecast_workbook(&forecast, language))
    }

    /// Writes a unit's plans of a period (none: the viewer's unit) to an xlsx file.
    pub fn write_plan_rollup(&self, period: &str, unit: Option<&str>, path: &Path) -> ApiResult<PathBuf> {
        let rollup = self.plan_rollup(period, unit)?;
        self.save_workbook(path, |language| plans::sheet::plan_rollup_workbook(&rollup, language))
    }

    /// Writes a unit's forecasts made in a month (none: the viewer's unit) to an xlsx file.
    pub fn write_forecast_rollup(&self, month: &str, unit: Option<&str>, path: &Path) -> ApiResult<PathBuf> {
        let rollup = self.forecast_rollup(month, unit)?;
        self.save_workbook(path, |language| plans::sheet::forecast_rollup_workbook(&rollup, language))
    }
}

/// The unit asked for, or the viewer's own.
fn unit_node(
    conn: &rusqlite::Connection,
    org: &mut Org,
    viewer: &Viewer,
    unit: Option<&str>,
) -> crate::error::Result<crate::targets::Node> {
    match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(id) => org.node(conn, id),
        None => {
            let own = org.staff.get(&viewer.staff.to_string()).map(|s| s.unit.clone());
            own.map(crate::targets::Node::unit)
                .ok_or_else(|| crate::error::Error::NotFound { what: "unit", id: viewer.staff.to_string() })
        }
    }
}
