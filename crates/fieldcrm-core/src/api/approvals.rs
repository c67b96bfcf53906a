//! The facade for approvals (审批): proposals, the inbox, decisions and head
//! office's chains (see [`crate::approval`]).

use crate::api::{ApiResult, Book};
use crate::approval::{
    self, Chain, ChainInput, DecisionInput, ProposalBox, ProposalDetail, ProposalInput, ProposalRow,
};
use crate::clock::Zone;
use crate::ids::ProposalId;
use crate::model::ProposalStatus;
use crate::org::Viewer;

impl Book {
    /// Head office's approval chains, kind by kind.
    pub fn approval_chains(&self) -> ApiResult<Vec<Chain>> {
        self.read(approval::chains)
    }

    /// Head office sets a kind's chain (no levels: the kind needs no approval).
    pub fn set_approval_chain(&self, input: &ChainInput) -> ApiResult<Vec<Chain>> {
        let now = self.clock.now();
        self.write(|tx| approval::set_chain(tx, &Viewer::of(tx)?, input, now))
    }

    /// Writes a proposal (a draft, or submitted into its chain); changing a
    /// submitted one makes a new revision, decided again from the first step.
    pub fn save_proposal(&self, input: &ProposalInput) -> ApiResult<ProposalDetail> {
        let now = self.clock.now();
        self.write(|tx| {
            let viewer = Viewer::of(tx)?;
            let id = approval::save(tx, &viewer, input, now)?;
            approval::detail(tx, &viewer, id, Zone::of(tx)?.day(now))
        })
    }

    /// The proposer withdraws their proposal.
    pub fn withdraw_proposal(&self, id: ProposalId) -> ApiResult<ProposalDetail> {
        let now = self.clock.now();
        self.write(|tx| {
            let viewer = Viewer::of(tx)?;
            approval::withdraw(tx, &viewer, id, now)?;
            approval::detail(tx, &viewer, id, Zone::of(tx)?.day(now))
        })
    }

    /// Approves, rejects or returns the step of a proposal waiting for the
    /// person using this book. On head office's book the last approval takes
    /// effect at once; on a laptop, when head office merges the decision.
    pub fn decide_proposal(&self, input: &DecisionInput) -> ApiResult<ProposalDetail> {
        let now = self.clock.now();
        self.write(|tx| {
            let viewer = Viewer::of(tx)?;
            let _: ProposalStatus = approval::decide(tx, &viewer, input, now)?;
            approval::detail(tx, &viewer, input.proposal_id, Zone::of(tx)?.day(now))
        })
    }

    /// The proposals of a box (mine, waiting for my decision, decided by me, all), newest first.
    pub fn proposals(&self, which: ProposalBox, limit: u32) -> ApiResult<Vec<ProposalRow>> {
        self.read(|conn| approval::list(conn, &Viewer::of(conn)?, which, limit))
    }

    /// One proposal: its terms, chain, trail and the customer's card summary, sales and debts.
    pub fn proposal(&self, id: ProposalId) -> ApiResult<ProposalDetail> {
        let now = self.clock.now();
        self.read(|conn| approval::detail(conn, &Viewer::of(conn)?, id, Zone::of(conn)?.day(now)))
    }
}
