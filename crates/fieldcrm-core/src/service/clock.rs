//! Service clocks: where a complaint stands, which clocks it missed and how
//! far it has escalated — a pure function of its times, head office's clocks
//! for its kind and the time now, so every book shows the same.
//!
//! Every clock runs from the time the complaint was logged: passed on to
//! quality within `pass` minutes, handled within `handle`, replied to the
//! customer within `reply`. A clock is missed when its stage came after it,
//! or has not come and the clock has run out. Each missed clock escalates the
//! complaint one level: the rep's (0), the regional manager's (1), the
//! provincial manager's (2), head office's (3).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ProblemCode;
use crate::model::{ComplaintKind, ServiceStage, StaffRole};

/// Head office's clocks for a kind, in minutes from the time of logging.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Clocks {
    pub kind: ComplaintKind,
    pub pass_minutes: u32,
    pub handle_minutes: u32,
    pub reply_minutes: u32,
}

impl Clocks {
    /// The seed's clocks: to quality within 2 hours, handled within 12, replied within 24.
    pub fn default_for(kind: ComplaintKind) -> Self {
        Clocks { kind, pass_minutes: 120, handle_minutes: 720, reply_minutes: 1440 }
    }

    fn minutes(&self, stage: ServiceStage) -> Option<u32> {
        match stage {
            ServiceStage::PassedOn => Some(self.pass_minutes),
            ServiceStage::Handled => Some(self.handle_minutes),
            ServiceStage::Replied => Some(self.reply_minutes),
            _ => None,
        }
    }
}

/// When each stage happened.
#[derive(Debug, Clone, Copy, Default)]
pub struct Times {
    pub logged: Option<DateTime<Utc>>,
    pub passed_on: Option<DateTime<Utc>>,
    pub handled: Option<DateTime<Utc>>,
    pub replied: Option<DateTime<Utc>>,
    pub closed: Option<DateTime<Utc>>,
}

impl Times {
    fn at(&self, stage: ServiceStage) -> Option<DateTime<Utc>> {
        match stage {
            ServiceStage::Logged => self.logged,
            ServiceStage::PassedOn => self.passed_on,
            ServiceStage::Handled => self.handled,
            ServiceStage::Replied => self.replied,
            ServiceStage::Closed => self.closed,
        }
    }
}

/// Where a complaint stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClockState {
    /// The last stage reached.
    pub stage: ServiceStage,
    /// The next clock: its stage and when it runs out (none once replied).
    pub next: Option<ServiceStage>,
    pub due_at: Option<String>,
    /// The next clock has run out.
    pub overdue: bool,
    /// The clocks missed, in order.
    pub missed: Vec<ServiceStage>,
    /// How far it escalated: 0 the rep's, 1 the regional manager's, 2 the
    /// provincial manager's, 3 head office's.
    pub level: u8,
}

const CLOCKED: [ServiceStage; 3] = [ServiceStage::PassedOn, ServiceStage::Handled, ServiceStage::Replied];

pub fn state(clocks: &Clocks, times: &Times, now: DateTime<Utc>) -> ClockState {
    let logged = times.logged.unwrap_or(now);
    let due = |stage| clocks.minutes(stage).map(|m| logged + Duration::minutes(i64::from(m)));
    let mut missed = vec![];
    for stage in CLOCKED {
        let Some(due) = due(stage) else { continue };
        let late = match times.at(stage) {
            Some(done) => done > due,
            None => times.closed.is_none() && now > due,
        };
        if late {
            missed.push(stage);
        }
    }
    let stage = [ServiceStage::Closed, ServiceStage::Replied, ServiceStage::Handled, ServiceStage::PassedOn]
        .into_iter()
        .find(|s| times.at(*s).is_some())
        .unwrap_or(ServiceStage::Logged);
    let next = if times.closed.is_some() { None } else { CLOCKED.into_iter().find(|s| times.at(*s).is_none()) };
    let due_at = next.and_then(due);
    ClockState {
        stage,
        next,
        due_at: due_at.map(crate::clock::timestamp),
        overdue: due_at.is_some_and(|d| now > d),
        level: missed.len() as u8,
        missed,
    }
}

/// A refusal: its code and what to tell the person.
pub type Refused = (ProblemCode, String);

/// May a person of `role` set `column` of a complaint that stands at `at`
/// (the stages it reached)? Passing on and handling are head office's
/// (quality); a reply follows the handling, closing follows the reply. The
/// laptop's write path and head office's merge both ask this.
pub fn may_set(role: StaffRole, column: &str, handled: bool, replied: bool) -> Result<(), Refused> {
    match column {
        "passed_on_at" | "handled_at" | "handled_by" | "handling" if role != StaffRole::HeadOffice => {
            Err((ProblemCode::OfficeOnly, "quality at head office takes complaints over and handles them".into()))
        }
        "replied_at" | "replied_by" | "reply" if !handled => {
            Err((ProblemCode::BadStatusChange, "the complaint is replied to once quality has handled it".into()))
        }
        "closed_at" | "closed_by" | "satisfaction" if !replied => {
            Err((ProblemCode::BadStatusChange, "a complaint is closed once the customer had the reply".into()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: i64, m: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).single().expect("time") + Duration::hours(h) + Duration::minutes(m)
    }

    #[test]
    fn each_missed_clock_escalates_one_level_and_a_late_stage_stays_missed() {
        let clocks = Clocks::default_for(ComplaintKind::Quality);
        let logged = Times { logged: Some(at(8, 0)), ..Times::default() };
        let s = state(&clocks, &logged, at(9, 59));
        assert_eq!(
            (s.stage, s.next, s.overdue, s.level),
            (ServiceStage::Logged, Some(ServiceStage::PassedOn), false, 0)
        );
        assert_eq!(s.due_at.as_deref(), Some("2026-12-01T10:00:00.000Z"));
        let s = state(&clocks, &logged, at(10, 1));
        assert_eq!((s.overdue, s.level, s.missed), (true, 1, vec![ServiceStage::PassedOn]));
        // Passed on late, then not handled within 12 hours: two levels.
        let late = Times { passed_on: Some(at(11, 0)), ..logged };
        let s = state(&clocks, &late, at(20, 1));
        assert_eq!((s.stage, s.level), (ServiceStage::PassedOn, 2));
        assert_eq!(s.missed, vec![ServiceStage::PassedOn, ServiceStage::Handled]);
        // On time all the way: nothing missed, and closed means no clock runs.
        let on_time = Times {
            passed_on: Some(at(9, 0)),
            handled: Some(at(15, 0)),
            replied: Some(at(30, 0)),
            closed: Some(at(31, 0)),
            ..logged
        };
        let s = state(&clocks, &on_time, at(100, 0));
        assert_eq!((s.stage, s.next, s.overdue, s.level), (ServiceStage::Closed, None, false, 0));
    }

    #[test]
    fn quality_handles_and_the_reply_and_closing_follow_in_order() {
        let code = |r: Result<(), Refused>| r.map_err(|e| e.0);
        assert_eq!(code(may_set(StaffRole::Rep, "handling", false, false)), Err(ProblemCode::OfficeOnly));
        assert_eq!(code(may_set(StaffRole::HeadOffice, "handling", false, false)), Ok(()));
        assert_eq!(code(may_set(StaffRole::Rep, "reply", false, false)), Err(ProblemCode::BadStatusChange));
        assert_eq!(code(may_set(StaffRole::Rep, "reply", true, false)), Ok(()));
        assert_eq!(code(may_set(StaffRole::Rep, "satisfaction", true, false)), Err(ProblemCode::BadStatusChange));
        assert_eq!(code(may_set(StaffRole::Rep, "satisfaction", true, true)), Ok(()));
        assert_eq!(code(may_set(StaffRole::Rep, "words", false, false)), Ok(()));
    }
}
