//! The TypeScript types of everything the UI sends and receives, generated from
//! the Rust types with ts-rs into `ui/src/generated/bindings.ts`. The test
//! below fails when the committed file is stale; run
//! `UPDATE_BINDINGS=1 cargo test -p fieldcrm-core bindings` to regenerate.

use ts_rs::TS;

use crate::api::access::{KeyStatus, PassphraseChange};
use crate::api::classify::{AcceptGrades, AcceptReport, GradeScales, RouteOrder, RouteStops, StopMove, SuggestQuery};
use crate::api::divisions::AddressSplit;
use crate::api::door::{DoorStage, DoorState, NewPassphrase, Passphrase};
use crate::api::fieldwork::{Home, ReportRef};
use crate::api::sales::{AnalysisKind, ExportedList};
use crate::api::sync::{
    ConflictChoice, ConflictResolution, ConflictView, DeviceInfo, EnrollDevice, ExportResult, FolderCheck, FolderFile,
    HqMergeReport, MergedFile, NoticeView, PeerSummary, PendingKind, RejectionView, RetireDevice, SyncStatus,
};
use crate::api::targets::{TargetOptions, TargetQuery};
use crate::api::{
    BookStatus, BusinessTime, CardEdit, CardSchema, NewCustomer, NewOrgUnit, NewProfile, NewRecord, NewStaff,
    RecordEdit, RecordKind, Saved, StaffEdit, TagCount,
};
use crate::approval::{
    CardSummary, Chain, ChainInput, DecisionInput, ProposalBox, ProposalDetail, ProposalInput, ProposalRow, StepView,
    Terms, TrailEntry,
};
use crate::card::fields::{FieldSpec, RefTable};
use crate::card::read::Grading;
use crate::card::{ArchiveCard, BlockState, CardRecord, FieldChange, HistoryEntry};
use crate::codes::{CodeEdit, CodeItem, CodeList, NewCodeItem, NewCodeList};
use crate::demo::{DemoOptions, DemoProgress, DemoSummary};
use crate::divisions::{DivisionNode, Level as DivisionLevel};
use crate::error::{ApiError, ErrorCode, FieldProblem, ProblemCode};
use crate::fieldwork::calendar::{Reminder, ReminderDue, ReminderInput};
use crate::fieldwork::duties::{
    Behind, Compliance, ComplianceQuery, DutyRule, DutyRuleInput, NoContact, NoContactGroup, PersonCompliance,
    RuleResult,
};
use crate::fieldwork::records::{
    Call, DefaultedDue, LoggedCall, LoggedVisit, NewCall, NewTask, NewVisit, RecordQuery, Task, TaskQuery, Visit,
};
use crate::fieldwork::reports::{
    CustomerTotals, DayTotals, NewUrgentReport, Report, ReportComment, ReportContent, ReportLine, ReportListQuery,
    ReportQuery, ReportSummaryInput, ReportTotals,
};
use crate::grades::{
    AcceptedGrade, CreditTerms, GradeChange, GradeHistoryEntry, GradeLevel, GradeLevelInput, GradeScale,
    GradeSuggestion, ProposedGrade, RevenueBasis, RuleShare, Settlement,
};
use crate::handover::{Handover, HandoverPart, HandoverPlan, HandoverShare};
use crate::ids::{
    AddressId, CallId, ChangeId, CommentId, CreditIncidentId, CustomerId, DeviceId, KeyPersonId, OrgUnitId, ProductId,
    ReportId, RouteId, SalesLineId, StaffId, TaskId, VisitId,
};
use crate::ids::{InvoiceId, OrderId, OrderLineId, PaymentId, PriceRuleId, PromotionId, ProposalId};
use crate::import::fields::ImportFieldInfo;
use crate::import::layout::{SkipReason, SkippedRow};
use crate::import::read::{FileFormat, WideCells};
use crate::import::{
    DuplicateCandidate, DuplicateChoice, DuplicateDecision, HeaderChoice, ImportNote, ImportNoteCode, ImportPreview,
    ImportProgress, ImportRequest, PreviousImport, RowAction, RowOutcome, SheetImportReport,
};
use crate::model::{ApprovalLevel, OpenOrders, ProposalKind, ProposalStatus, Verdict};
use crate::model::{
    Block, CallDirection, ChannelLevel, CreditStanding, DataSource, DutyKind, ImportKind, KeyPersonRole, Lifecycle,
    OrgUnitKind, ReportKind, ReportStatus, SalesKind, StaffRole, TaskSource, UrgentTopic,
};
use crate::model::{BreakdownRule, Decision, MoveStatus, NodeKind, Rag, TargetStatus};
use crate::model::{ComplaintKind, ServiceStage};
use crate::model::{HoldReasonKind, OrderStatus, PaymentKind, PromotionKind};
use crate::money::analysis::{
    AgingGroup, CollectionMonth, CollectionPart, Collections, Cutoff, Escalation, EscalationStep, Fulfilment,
    FulfilmentFigures, FulfilmentMonth, FulfilmentPart, MonthEnd, OverdueCustomer, OverdueList, ReceivablesAging,
};
use crate::money::credit::{CreditCheck, HoldReason, LimitSource};
use crate::money::order::{
    DeliveryAddress, LineFlag, Order, OrderInput, OrderLine, OrderLineInput, OrderNote, OrderQuery, OrderQuote,
    OrderRow, OrderView,
};
use crate::money::promotion::{Promotion, PromotionInput};
use crate::money::receivables::{InvoiceInput, PaymentInput, PaymentMatch, PriceRuleInput};
use crate::money::shipping::{
    Shipment, ShipmentInput, ShipmentLineInput, ShipmentQuery, ShipmentRow, ShippedLine, ShippingState,
};
use crate::money::statement::{Aging, Statement, StatementEntry, StatementEntryKind};
use crate::month_end::{MonthEndQuery, MonthEndSummary};
use crate::org::{OrgUnit, Profile, Staff, UnitName};
use crate::plans::forecast::{
    Accuracy, Forecast, ForecastInput, ForecastLine, ForecastLineInput, ForecastRollup, ForecastRow,
};
use crate::plans::{PlanComment, PlanInput, PlanLine, PlanLineInput, PlanRollup, RollupRow, SalesPlan};
use crate::routes::plan::{PlanDay, PlanQuery, PlanRoute, PlanStop, PlanSummary, StopStatus, VisitPlan};
use crate::routes::{NewRoute, Route, RouteDetail, RouteEdit, RouteProposal, RouteStop};
use crate::sales::analysis::{
    AnalysisQuery, AnalysisScope, CreditAnalysis, CreditCustomer, CreditSlice, GradeComposition, GradeSlice,
    GroupLabel, GrowthRow, LineSlice, MonthlyRow, MonthlySummary, NegativeGrowth, OwnerLoss, ParetoPoint, Period,
    ProductComposition, ProductSlice, RankedCustomer, RegionComposition, RegionSlice,
};
use crate::sales::{CustomerSalesLine, Product, ProductInput, SalesOverview};
use crate::search::{CustomerPage, CustomerQuery, CustomerRow, GroupCount, SortKey};
use crate::service::clock::{ClockState, Clocks};
use crate::service::{Complaint, ComplaintFilter, ComplaintInput, ComplaintQuery, ComplaintStep};
use crate::sync::{ImportReport, Progress};
use crate::targets::breakdown::{
    Breakdown, BreakdownChild, BreakdownInput, ChildTarget, MoveInput, NodeRef, TargetMove,
};
use crate::targets::progress::{GridCell, GridRow, ProgressRow, RagRules, TargetGrid, TargetProgress};
use crate::targets::Node;
use crate::vault::{PassphraseStrength, StrengthLevel};

macro_rules! declarations {
    ($($t:ty),+ $(,)?) => {
        {
            let config = ts_rs::Config::new().with_large_int("number");
            vec![$(format!("export {}", <$t as TS>::decl(&config))),+]
        }
    };
}

/// The whole generated file.
pub fn typescript() -> String {
    let decls: Vec<String> = declarations![
        CustomerId,
        OrgUnitId,
        StaffId,
        KeyPersonId,
        AddressId,
        CreditIncidentId,
        ChangeId,
        DeviceId,
        RouteId,
        ApiError,
        ErrorCode,
        ProblemCode,
        FieldProblem,
        Lifecycle,
        ChannelLevel,
        CreditStanding,
        Block,
        DataSource,
        StaffRole,
        OrgUnitKind,
        KeyPersonRole,
        OrgUnit,
        UnitName,
        Staff,
        Profile,
        BookStatus,
        KeyStatus,
        PassphraseChange,
        DoorStage,
        DoorState,
        NewPassphrase,
        Passphrase,
        PassphraseStrength,
        StrengthLevel,
        BusinessTime,
        NewProfile,
        DemoOptions,
        DemoSummary,
        DemoProgress,
        RefTable,
        DivisionLevel,
        FieldSpec,
        CardSchema,
        FieldChange,
        CardRecord,
        BlockState,
        Settlement,
        CreditTerms,
        Grading,
        ArchiveCard,
        HistoryEntry,
        NewCustomer,
        RecordKind,
        CardEdit,
        NewRecord,
        RecordEdit,
        Saved,
        SortKey,
        CustomerQuery,
        CustomerRow,
        CustomerPage,
        GroupCount,
        TagCount,
        NewOrgUnit,
        NewStaff,
        StaffEdit,
        Handover,
        HandoverPart,
        HandoverShare,
        HandoverPlan,
        ProposalKind,
        ApprovalLevel,
        Verdict,
        ProposalStatus,
        OpenOrders,
        Chain,
        ChainInput,
        Terms,
        ProposalInput,
        DecisionInput,
        ProposalBox,
        ProposalRow,
        StepView,
        TrailEntry,
        CardSummary,
        ProposalDetail,
        ComplaintKind,
        ServiceStage,
        Clocks,
        ClockState,
        ComplaintInput,
        ComplaintStep,
        ComplaintFilter,
        ComplaintQuery,
        Complaint,
        Progress,
        ImportReport,
        DeviceInfo,
        PeerSummary,
        PendingKind,
        SyncStatus,
        EnrollDevice,
        RetireDevice,
        ExportResult,
        ConflictView,
        ConflictChoice,
        ConflictResolution,
        RejectionView,
        NoticeView,
        MergedFile,
        HqMergeReport,
        FolderFile,
        FolderCheck,
        CodeItem,
        CodeList,
        NewCodeList,
        NewCodeItem,
        CodeEdit,
        GradeScale,
        GradeLevel,
        GradeLevelInput,
        RuleShare,
        GradeScales,
        GradeChange,
        GradeHistoryEntry,
        RevenueBasis,
        ProposedGrade,
        GradeSuggestion,
        SuggestQuery,
        AcceptedGrade,
        AcceptGrades,
        AcceptReport,
        Route,
        RouteStop,
        RouteDetail,
        NewRoute,
        RouteEdit,
        RouteProposal,
        RouteStops,
        StopMove,
        RouteOrder,
        PlanQuery,
        StopStatus,
        PlanStop,
        PlanRoute,
        PlanDay,
        VisitPlan,
        PlanSummary,
        VisitId,
        CallId,
        TaskId,
        ReportId,
        CommentId,
        CallDirection,
        TaskSource,
        ReportKind,
        ReportStatus,
        UrgentTopic,
        DutyKind,
        NewVisit,
        Visit,
        DefaultedDue,
        LoggedVisit,
        NewCall,
        Call,
        LoggedCall,
        NewTask,
        Task,
        RecordQuery,
        TaskQuery,
        ReportQuery,
        ReportSummaryInput,
        NewUrgentReport,
        ReportTotals,
        DayTotals,
        CustomerTotals,
        ReportContent,
        ReportComment,
        Report,
        ReportLine,
        ReportListQuery,
        ReportRef,
        DutyRule,
        DutyRuleInput,
        ComplianceQuery,
        Behind,
        RuleResult,
        PersonCompliance,
        NoContact,
        NoContactGroup,
        Compliance,
        Reminder,
        ReminderInput,
        ReminderDue,
        Home,
        ProductId,
        SalesLineId,
        SalesKind,
        ImportKind,
        Product,
        ProductInput,
        SalesOverview,
        OrderId,
        OrderLineId,
        PriceRuleId,
        PromotionId,
        ProposalId,
        InvoiceId,
        PaymentId,
        OrderStatus,
        PaymentKind,
        HoldReasonKind,
        LimitSource,
        HoldReason,
        CreditCheck,
        LineFlag,
        ShippingState,
        ShippedLine,
        Shipment,
        ShipmentLineInput,
        ShipmentInput,
        ShipmentRow,
        ShipmentQuery,
        OrderLineInput,
        OrderInput,
        OrderLine,
        OrderNote,
        Order,
        OrderQuote,
        DeliveryAddress,
        OrderView,
        OrderQuery,
        OrderRow,
        InvoiceInput,
        PaymentMatch,
        PaymentInput,
        PriceRuleInput,
        PromotionKind,
        Promotion,
        PromotionInput,
        NodeKind,
        TargetStatus,
        MoveStatus,
        BreakdownRule,
        Decision,
        Rag,
        Node,
        NodeRef,
        BreakdownChild,
        TargetMove,
        Breakdown,
        ChildTarget,
        BreakdownInput,
        MoveInput,
        RagRules,
        ProgressRow,
        TargetProgress,
        GridCell,
        GridRow,
        TargetGrid,
        TargetQuery,
        TargetOptions,
        PlanLineInput,
        PlanInput,
        PlanLine,
        PlanComment,
        SalesPlan,
        RollupRow,
        PlanRollup,
        ForecastLineInput,
        ForecastInput,
        ForecastLine,
        Accuracy,
        Forecast,
        ForecastRow,
        ForecastRollup,
        MonthEndQuery,
        MonthEndSummary,
        Aging,
        StatementEntryKind,
        StatementEntry,
        Statement,
        CustomerSalesLine,
        FileFormat,
        ImportFieldInfo,
        ImportRequest,
        DuplicateChoice,
        DuplicateDecision,
        ImportPreview,
        HeaderChoice,
        SkipReason,
        SkippedRow,
        WideCells,
        ImportNoteCode,
        ImportNote,
        PreviousImport,
        RowAction,
        DuplicateCandidate,
        RowOutcome,
        SheetImportReport,
        ImportProgress,
        AnalysisKind,
        AnalysisQuery,
        Period,
        GroupLabel,
        AnalysisScope,
        GradeSlice,
        ParetoPoint,
        RankedCustomer,
        GradeComposition,
        ProductSlice,
        LineSlice,
        ProductComposition,
        RegionSlice,
        RegionComposition,
        CreditSlice,
        CreditCustomer,
        CreditAnalysis,
        GrowthRow,
        OwnerLoss,
        NegativeGrowth,
        MonthlyRow,
        MonthlySummary,
        AgingGroup,
        ReceivablesAging,
        Escalation,
        OverdueCustomer,
        EscalationStep,
        OverdueList,
        Cutoff,
        MonthEnd,
        CollectionMonth,
        CollectionPart,
        Collections,
        FulfilmentFigures,
        FulfilmentPart,
        FulfilmentMonth,
        Fulfilment,
        ExportedList,
        DivisionNode,
        AddressSplit,
    ];
    let mut out = String::from(
        "// Generated from the Rust types by fieldcrm-core (src/bindings.rs). Do not edit:\n\
         // run `UPDATE_BINDINGS=1 cargo test -p fieldcrm-core bindings` after changing them.\n\n\
         export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;\n\n",
    );
    for decl in decls {
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    // Every problem code: the locale test checks each has its text in both languages.
    let codes: Vec<&str> = ProblemCode::ALL.iter().map(|c| c.as_str()).collect();
    let codes = serde_json::to_string(&codes).unwrap_or_default();
    out.push_str(&format!("export const PROBLEM_CODES: ProblemCode[] = {codes};\n\n"));
    // What one import takes, as the wizard says it (the reader refuses more).
    out.push_str(&format!(
        "export const IMPORT_LIMITS = {{ maxFileMb: {}, maxRows: {}, maxColumns: {}, maxCellChars: {} }} as const;\n\n",
        crate::import::read::MAX_FILE_BYTES / (1024 * 1024),
        crate::import::read::MAX_ROWS,
        crate::import::read::MAX_COLUMNS,
        crate::import::read::MAX_CELL_CHARS
    ));
    // The field registry itself: the locale test checks every field has its labels.
    let schema = serde_json::to_string_pretty(&crate::api::card_schema()).unwrap_or_default();
    out.push_str(&format!("export const CARD_SCHEMA: CardSchema = {schema};\n"));
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    #[test]
    fn bindings_are_fresh() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/generated/bindings.ts");
        let fresh = super::typescript();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, &fresh).expect("write bindings");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/generated/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p fieldcrm-core bindings` and commit it"
        );
    }
}
