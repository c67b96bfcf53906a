// Generated from the Rust types by fieldcrm-core (src/bindings.rs). Do not edit:
// run `UPDATE_BINDINGS=1 cargo test -p fieldcrm-core bindings` after changing them.

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;

export type CustomerId = string;

export type OrgUnitId = string;

export type StaffId = string;

export type KeyPersonId = string;

export type AddressId = string;

export type CreditIncidentId = string;

export type ChangeId = string;

export type DeviceId = string;

export type RouteId = string;

export type ApiError = { code: ErrorCode, message: string, 
/**
 * Field-level problems for `invalid`; the fields in conflict for `edit_conflict`.
 */
problems: Array<FieldProblem>, 
/**
 * Head office's key fingerprint (XXXX-XXXX-XXXX-XXXX) when the first file
 * from head office is refused as `office_not_trusted`: what the user confirms.
 */
officeFingerprint?: string, };

export type ErrorCode = "not_found" | "invalid" | "edit_conflict" | "forbidden" | "no_profile" | "profile_exists" | "book_too_new" | "not_a_book" | "corrupt" | "locked" | "passphrase" | "sync_refused" | "io" | "internal";

export type ProblemCode = "address_needed" | "bad_status_change" | "before_today" | "below_floor" | "more_than_ordered" | "no_price" | "not_approved" | "nothing_to_ship" | "not_on_hold" | "on_hold" | "order_closed" | "order_under_review" | "other_customers_address" | "reason_needed" | "release_by_manager" | "review_by_office" | "fields_data" | "below_sold" | "not_a_child" | "not_a_unit" | "not_adding_up" | "over_allocated" | "self_approval" | "proposal_changed" | "needs_approval" | "not_your_step" | "not_pending" | "already_decided" | "target_approved" | "no_target" | "already_resolved" | "already_submitted" | "passphrase_needed" | "new_passphrase_needed" | "wrong_passphrase" | "passphrase_too_short" | "passphrase_too_common" | "key_file_missing" | "key_file_damaged" | "passphrases_differ" | "ambiguous_customer" | "ambiguous_decimal" | "bad_code" | "bad_content" | "bad_csv" | "bad_date" | "bad_encoding" | "bad_id" | "bad_key" | "bad_month" | "bad_request" | "bad_role" | "bad_signature" | "bad_time" | "bad_value" | "beyond_sheet" | "before_check_in" | "before_founding" | "before_from" | "before_record" | "book_not_empty" | "both" | "builtin" | "builtin_list" | "cancelled" | "cannot_write" | "cell_too_long" | "cards_are_kept" | "changed_elsewhere" | "control_characters" | "control_chars" | "damaged_workbook" | "device_key_mismatch" | "device_retired" | "duplicate" | "duplicate_field" | "division_mismatch" | "empty" | "empty_file" | "empty_sheet" | "empty_workbook" | "encode" | "folder_missing" | "folder_not_writable" | "folder_unreadable" | "future_date" | "future_month" | "future_time" | "grade_by_manager" | "half_coordinates" | "has_stops" | "in_future" | "in_rule" | "incomplete" | "join_needs_first_file" | "join_needs_new_book" | "mapped_twice" | "mixed_encoding" | "negative" | "newer_format" | "newer_schema" | "no_card" | "no_rows" | "no_sync_folder" | "no_folder" | "no_header" | "not_100" | "not_a_candidate" | "not_a_file" | "not_a_folder" | "not_a_rep" | "not_a_spreadsheet" | "not_a_sync_file" | "not_a_workbook" | "not_author" | "not_bool" | "not_choice" | "not_code" | "not_codes" | "not_demo_book" | "not_date" | "not_editable" | "not_enrolled" | "not_integer" | "not_number" | "not_office" | "not_on_route" | "not_ref" | "not_spot_check" | "not_submitted" | "not_tags" | "not_text" | "not_the_stops" | "not_used" | "nothing_mapped" | "office_key_mismatch" | "office_not_trusted" | "office_only" | "older_format" | "order" | "other_rep" | "owner_needed" | "owns_customers" | "out_of_range" | "out_of_scope" | "password_protected" | "period_not_started" | "phone_format" | "read_only" | "reassign_by_manager" | "recipient_needed" | "record_list" | "repeated" | "replayed" | "required" | "retired" | "retired_code" | "retired_list" | "self" | "supplier_cycle" | "tampered" | "too_big" | "too_long" | "too_many" | "too_many_columns" | "too_many_cells" | "too_many_rows" | "truncated" | "unclosed_quote" | "unknown_card" | "unknown_choice" | "unknown_code" | "unknown_customer" | "unknown_device" | "unknown_division" | "unknown_field" | "unknown_grade" | "unknown_group" | "unknown_list" | "unknown_person" | "unknown_product" | "unknown_ref" | "unknown_row" | "unknown_sheet" | "unknown_table" | "unknown_unit" | "unit_without_head" | "unlikely_age" | "unmapped" | "unreadable" | "unzips_too_big" | "urgent" | "wrong_recipient" | "wrong_scale";

export type FieldProblem = { 
/**
 * Field key as in the field registry (`name`, `phone`, `keyPerson.birthYear` …).
 */
field: string, 
/**
 * Stable code of the problem (`required`, `too_long`, `future_date` …).
 */
code: ProblemCode, 
/**
 * What is wrong and what to do, in English; the UI translates by `code`.
 */
message: string, 
/**
 * The value at fault as the user gave it (an import's cell), which the
 * UI shows beside the translated text.
 */
value?: string, };

export type Lifecycle = "prospect" | "active" | "dormant" | "eliminated";

export type ChannelLevel = "distributor" | "sub_distributor" | "retailer" | "other";

export type CreditStanding = "good" | "normal" | "watch" | "bad" | "unknown";

export type Block = "basic" | "characteristics" | "business" | "trading";

export type DataSource = "rep_visit" | "customer_form" | "third_party";

export type StaffRole = "rep" | "regional_manager" | "provincial_manager" | "head_office" | "sales_admin";

export type OrgUnitKind = "head_office" | "province" | "region" | "territory" | "other";

export type KeyPersonRole = "owner" | "manager" | "legal_representative" | "contact";

export type OrgUnit = { id: OrgUnitId, parentId: OrgUnitId | null, kind: OrgUnitKind, name: string, code: string | null, 
/**
 * Distance from the root (head office is 0).
 */
depth: number, };

export type UnitName = { id: OrgUnitId, name: string, };

export type Staff = { id: StaffId, name: string, role: StaffRole, orgUnitId: OrgUnitId, orgUnitName: string, phone: string | null, active: boolean, 
/**
 * Sales administration: the regions paired with them (对口销管); empty for everyone else.
 */
regions: Array<UnitName>, };

export type Profile = { staffId: StaffId, name: string, role: StaffRole, orgUnitId: OrgUnitId, orgUnitName: string, deviceId: DeviceId, language: string, };

export type BookStatus = { path: string, schemaVersion: number, profile: Profile | null, customerCount: number, staleAfterDays: number, 
/**
 * The business time zone every day is counted in.
 */
businessTime: BusinessTime, 
/**
 * This person reviews, approves and ships orders (head office and its
 * sales administration): the order lists they work from are the review's.
 */
reviewsOrders: boolean, };

export type KeyStatus = { encrypted: boolean, hasKeyFile: boolean, };

export type PassphraseChange = { 
/**
 * The present passphrase (ignored for a book without a key file).
 */
old: string, new: string, };

export type DoorStage = "open" | "new_passphrase" | "passphrase" | "locked_out" | "failed";

export type DoorState = { stage: DoorStage, 
/**
 * Passphrases that may still be typed.
 */
triesLeft: number, 
/**
 * A plain book of an earlier version: the new passphrase encrypts it.
 */
plain: boolean, 
/**
 * Why the book cannot be opened (stage `failed`), or why the last passphrase was refused.
 */
error?: ApiError, };

export type NewPassphrase = { passphrase: string, 
/**
 * The passphrase typed a second time.
 */
again: string, };

export type Passphrase = { passphrase: string, };

export type PassphraseStrength = { level: StrengthLevel, 
/**
 * 0 (too weak) to 4 (very strong): the meter's fill.
 */
score: number, 
/**
 * Whether a new book may be sealed with it.
 */
acceptable: boolean, 
/**
 * Why it is refused or weak (`passphrase_too_short`, `passphrase_too_common`), if it is.
 */
problem?: ProblemCode, };

export type StrengthLevel = "too_weak" | "weak" | "fair" | "strong" | "very_strong";

export type BusinessTime = { 
/**
 * Its IANA name (`Asia/Shanghai`).
 */
timeZone: string, 
/**
 * Today there (YYYY-MM-DD).
 */
today: string, 
/**
 * Its offset from UTC now, in minutes (east positive): the UI compares it
 * with the computer's own to say when the two differ.
 */
offsetMinutes: number, };

export type NewProfile = { name: string, role: StaffRole, 
/**
 * The company (head office) name; used when the book has no organisation yet.
 */
companyName: string, 
/**
 * Your territory, region or province (not needed for head office).
 */
unitName: string, phone?: string, };

export type DemoOptions = { customers: number, seed: number, 
/**
 * The day the demo book is "today" (YYYY-MM-DD); defaults to the clock's today.
 */
asOf?: string, };

export type DemoSummary = { orgUnits: number, staff: number, customers: number, keyPeople: number, addresses: number, creditIncidents: number, history: number, routes: number, visits: number, calls: number, tasks: number, reports: number, products: number, salesLines: number, invoices: number, payments: number, orders: number, proposals: number, complaints: number, };

export type DemoProgress = { phase: string, done: number, total: number, };

export type RefTable = "staff" | "org_unit" | "customer";

export type DivisionLevel = "province" | "city" | "district";

export type FieldSpec = { key: string, block: Block | null, 
/**
 * `text`, `longText`, `phone`, `integer`, `real`, `date`, `choice`, `bool`, `tags`, `ref`, `code`, `codes`, `division`.
 */
kind: string, required: boolean, maxLen: number | null, min: number | null, max: number | null, options: Array<string>, refTable: RefTable | null, 
/**
 * For `code`: the code list the value comes from.
 */
codeList: string | null, 
/**
 * For `division`: the level of its code (the `divisions` command lists them).
 */
divisionLevel?: DivisionLevel, };

export type CardSchema = { customer: Array<FieldSpec>, keyPerson: Array<FieldSpec>, address: Array<FieldSpec>, creditIncident: Array<FieldSpec>, };

export type FieldChange = { field: string, expected?: JsonValue, value: JsonValue, };

export type CardRecord = { id: string, fields: Record<string, JsonValue>, };

export type BlockState = { block: Block, source: DataSource, verified: boolean, 
/**
 * Customer-filled data that no rep has confirmed yet.
 */
needsVerification: boolean, };

export type Settlement = "prepayment" | "cash_on_delivery" | "monthly_statement" | "credit_term";

export type CreditTerms = { creditLimit: number | null, paymentTermDays: number | null, settlement: Settlement | null, };

export type Grading = { grade: string | null, 
/**
 * Set by hand: the ABC suggestion does not replace it unasked.
 */
gradeManual: boolean, creditGrade: string | null, 
/**
 * The trading conditions of the credit grade.
 */
creditTerms: CreditTerms | null, 
/**
 * Visit at least every this many days (from the grade).
 */
visitEveryDays: number, lastVisitOn: string | null, 
/**
 * When the next visit is due; none before a first visit is recorded.
 */
nextVisitDue: string | null, routeId: RouteId | null, routeName: string | null, 
/**
 * Place on the route (1-based).
 */
routePosition: number | null, };

export type ArchiveCard = { id: CustomerId, 
/**
 * Increases with every saved change.
 */
revision: number, 
/**
 * The card's own fields by key (see `CardSchema.customer`).
 */
fields: Record<string, JsonValue>, ownerName: string, territoryName: string, supplierName: string | null, 
/**
 * Customers this one supplies.
 */
downstreamCount: number, blocks: Array<BlockState>, keyPeople: Array<CardRecord>, addresses: Array<CardRecord>, creditIncidents: Array<CardRecord>, grading: Grading, reviewedAt: string, 
/**
 * Not reviewed for longer than the book's stale period.
 */
stale: boolean, createdAt: string, updatedAt: string, };

export type HistoryEntry = { id: ChangeId, 
/**
 * `customer`, `key_person`, `address`, `credit_incident`.
 */
entity: string, entityId: string, 
/**
 * For child records: the person's name, the address, the incident date.
 */
entityLabel: string | null, field: string, oldValue: JsonValue, newValue: JsonValue, changedBy: string | null, changedAt: string, 
/**
 * `create`, `edit`, `demo`, `visit`, `call` … : what kind of work made the change.
 */
source: string, 
/**
 * The visit or call whose findings made the change.
 */
sourceId: string | null, };

export type NewCustomer = { fields: Record<string, JsonValue>, keyPeople: Array<Record<string, JsonValue>>, addresses: Array<Record<string, JsonValue>>, };

export type RecordKind = "key_person" | "address" | "credit_incident";

export type CardEdit = { customerId: CustomerId, changes: Array<FieldChange>, };

export type NewRecord = { customerId: CustomerId, kind: RecordKind, fields: Record<string, JsonValue>, };

export type RecordEdit = { kind: RecordKind, id: string, changes: Array<FieldChange>, };

export type Saved = { card: ArchiveCard, warnings: Array<FieldProblem>, };

export type SortKey = "name" | "updated" | "reviewed" | "created";

export type CustomerQuery = { 
/**
 * Words to find in name, address, phone, contact names, pinyin or initials.
 * Every whitespace-separated word must match.
 */
text: string, lifecycle: Array<Lifecycle>, channelLevel: Array<ChannelLevel>, creditStanding: Array<CreditStanding>, ownerId?: StaffId, 
/**
 * This unit and everything below it in the organisation tree.
 */
orgUnitId?: OrgUnitId, tag?: string, staleOnly: boolean, needsVerificationOnly: boolean, 
/**
 * Codes by list (`channel_type` → `["wholesaler", …]`): a card must carry
 * one of the given codes of every list named.
 */
codes: Record<string, Array<string>>, grades: Array<string>, creditGrades: Array<string>, routeId?: RouteId, sort: SortKey, offset: number, 
/**
 * Rows per page, 1–500; 0 means the default of 100.
 */
limit: number, };

export type CustomerRow = { id: CustomerId, name: string, shortName: string | null, phone: string | null, channelLevel: ChannelLevel, lifecycle: Lifecycle, creditStanding: CreditStanding, ownerName: string, territoryName: string, address: string | null, tags: Array<string>, stale: boolean, needsVerification: boolean, updatedAt: string, 
/**
 * Customer grade (A, B …).
 */
grade: string | null, };

export type CustomerPage = { 
/**
 * How many customers match in all.
 */
total: number, offset: number, rows: Array<CustomerRow>, };

export type GroupCount = { key: string | null, customers: number, };

export type TagCount = { tag: string, customers: number, };

export type NewOrgUnit = { 
/**
 * None for a root (head office).
 */
parentId?: OrgUnitId, kind: OrgUnitKind, name: string, code?: string, };

export type NewStaff = { name: string, role: StaffRole, orgUnitId: OrgUnitId, phone?: string, 
/**
 * Sales administration: the regions paired with them.
 */
regions?: Array<OrgUnitId>, };

export type StaffEdit = { staffId: StaffId, name?: string, 
/**
 * An empty text clears the phone.
 */
phone?: string, 
/**
 * Moves them to another unit (their laptop then receives the new scope).
 */
orgUnitId?: OrgUnitId, role?: StaffRole, 
/**
 * False: they left. Someone who still looks after customers hands them over first.
 */
active?: boolean, 
/**
 * Sales administration: the regions paired with them.
 */
regions?: Array<OrgUnitId>, };

export type Handover = { 
/**
 * The rep whose customers are handed over (leaving, or moving on).
 */
from: StaffId, 
/**
 * Parts given to named reps: whole routes (with every card on them) and single cards.
 */
parts: Array<HandoverPart>, 
/**
 * Every other card of `from` goes to this rep; none: they stay with `from`.
 */
restTo?: StaffId, 
/**
 * Mark `from` as left once their customers are handed over (refused
 * when cards would stay with them).
 */
leaves: boolean, };

export type HandoverPart = { to: StaffId, 
/**
 * Routes of `from` given whole: the route and every card on it.
 */
routes: Array<RouteId>, 
/**
 * Cards of `from` given one by one.
 */
customers: Array<CustomerId>, };

export type HandoverShare = { to: StaffId, name: string, unitName: string, customers: number, routes: number, tasks: number, orders: number, };

export type HandoverPlan = { from: StaffId, fromName: string, shares: Array<HandoverShare>, 
/**
 * Cards that stay with `from`.
 */
staying: number, 
/**
 * Cards that leave a route because the route went to someone else.
 */
leaveRoutes: number, 
/**
 * Whether `from` is marked as left.
 */
leaves: boolean, };

export type ProposalKind = "open_customer" | "eliminate" | "promotion" | "credit_limit";

export type ApprovalLevel = "manager" | "next" | "office";

export type Verdict = "approve" | "reject" | "return";

export type ProposalStatus = "draft" | "pending" | "approved" | "rejected" | "returned" | "withdrawn";

export type OpenOrders = "cancel" | "keep";

export type Chain = { kind: ProposalKind, levels: Array<ApprovalLevel>, 
/**
 * Fen: above it, `above_levels` decide instead.
 */
threshold: number | null, aboveLevels: Array<ApprovalLevel> | null, };

export type ChainInput = { kind: ProposalKind, levels: Array<ApprovalLevel>, threshold?: number | null, aboveLevels?: Array<ApprovalLevel>, };

export type Terms = { 
/**
 * Eliminating: what happens to the customer's open orders.
 */
openOrders?: OpenOrders, 
/**
 * A credit limit, fen.
 */
creditLimit?: number, 
/**
 * A promotion plan.
 */
promotion?: PromotionInput, 
/**
 * The promotion's budget from marketing expenses, fen.
 */
budget?: number, };

export type ProposalInput = { id?: ProposalId, kind: ProposalKind, customerId?: CustomerId, title: string, reason?: string, terms: Terms, 
/**
 * Send it into the chain now (else it stays a draft).
 */
submit: boolean, };

export type DecisionInput = { proposalId: ProposalId, revision: number, verdict: Verdict, reason?: string, };

export type ProposalBox = "mine" | "to_decide" | "decided" | "all";

export type ProposalRow = { id: ProposalId, kind: ProposalKind, status: ProposalStatus, title: string, customerId: CustomerId | null, customerName: string | null, proposerId: StaffId, proposerName: string, amount: number | null, 
/**
 * The version a decision is made on (not shown).
 */
revision: number, submittedAt: string | null, 
/**
 * Pending: the step that waits, and who decides it (a unit's managers, or head office).
 */
waitingStep: number | null, waitingUnit: string | null, waitingOffice: boolean, 
/**
 * Whether the waiting step is the person using this book's to decide (their inbox).
 */
mineToDecide: boolean, 
/**
 * Whether they may decide it (head office may decide any step).
 */
mayDecide: boolean, 
/**
 * Approved and taken effect at head office.
 */
effectedAt: string | null, 
/**
 * Approved but could not take effect: the problem's code.
 */
effectProblem: ProblemCode | null, updatedAt: string, };

export type StepView = { step: number, unitName: string | null, office: boolean, verdict: Verdict | null, reason: string | null, decidedBy: string | null, decidedAt: string | null, };

export type TrailEntry = { revision: number, step: number, verdict: Verdict, reason: string | null, decidedBy: string, decidedAt: string, };

export type CardSummary = { name: string, lifecycle: string | null, grade: string | null, channelLevel: string | null, ownerName: string | null, territoryName: string | null, 
/**
 * Sales of the last 12 months, fen.
 */
sales12m: number, credit: CreditCheck, };

export type ProposalDetail = { row: ProposalRow, reason: string | null, terms: Terms, steps: Array<StepView>, trail: Array<TrailEntry>, card: CardSummary | null, };

export type ComplaintKind = "quality" | "delivery" | "price" | "service" | "other";

export type ServiceStage = "logged" | "passed_on" | "handled" | "replied" | "closed";

export type Clocks = { kind: ComplaintKind, passMinutes: number, handleMinutes: number, replyMinutes: number, };

export type ClockState = { 
/**
 * The last stage reached.
 */
stage: ServiceStage, 
/**
 * The next clock: its stage and when it runs out (none once replied).
 */
next: ServiceStage | null, dueAt: string | null, 
/**
 * The next clock has run out.
 */
overdue: boolean, 
/**
 * The clocks missed, in order.
 */
missed: Array<ServiceStage>, 
/**
 * How far it escalated: 0 the rep's, 1 the regional manager's, 2 the
 * provincial manager's, 3 head office's.
 */
level: number, };

export type ComplaintInput = { customerId: CustomerId, kind: ComplaintKind, 
/**
 * Feedback (意见反馈) rather than a complaint.
 */
feedback: boolean, 
/**
 * The product's code, when it is about one.
 */
product?: string, 
/**
 * What the customer said, in their words.
 */
words: string, 
/**
 * The name of a file kept with it (photos stay out of the book).
 */
attachment?: string, };

export type ComplaintStep = { complaintId: string, 
/**
 * `handled` (head office), `replied`, or `closed`.
 */
stage: ServiceStage, 
/**
 * What quality did, or what the customer was told.
 */
note?: string, 
/**
 * Closing: the customer's satisfaction, 1 to 5.
 */
satisfaction?: number, };

export type ComplaintFilter = "open" | "overdue" | "all";

export type ComplaintQuery = { filter: ComplaintFilter, customerId?: CustomerId, limit?: number, };

export type Complaint = { id: string, customerId: CustomerId, customerName: string, ownerName: string | null, territoryName: string | null, kind: ComplaintKind, feedback: boolean, productName: string | null, words: string, attachment: string | null, loggedBy: string, loggedAt: string, passedOnAt: string | null, handledAt: string | null, handledBy: string | null, handling: string | null, repliedAt: string | null, repliedBy: string | null, reply: string | null, closedAt: string | null, closedBy: string | null, satisfaction: number | null, clock: ClockState, };

export type Progress = { done: number, total: number, };

export type ImportReport = { 
/**
 * Changes that are now the book's values.
 */
applied: number, 
/**
 * Changes the book already had (a file imported twice, or overlapping files).
 */
alreadyHad: number, 
/**
 * Changes older than what the book holds (a later write of the same field won).
 */
superseded: number, 
/**
 * Changes head office refused (at head office: refused now; on a laptop: told now).
 */
rejected: number, 
/**
 * New conflicts found (head office).
 */
conflicts: number, 
/**
 * Cards that left this book because they moved to someone else.
 */
removedCards: number, 
/**
 * The file was older than one already imported; nothing but its acknowledgement was used.
 */
stale: boolean, 
/**
 * This file was imported before; nothing changed.
 */
duplicateFile: boolean, 
/**
 * Head office's file held the whole scope.
 */
snapshot: boolean, 
/**
 * The laptop's file skipped some of its changes (an older file is missing);
 * they will come with its next file.
 */
gap: boolean, 
/**
 * Who sent the file.
 */
sender: string, };

export type DeviceInfo = { deviceId: string, 
/**
 * Hex of the device's public key: what head office records when enrolling it.
 */
publicKey: string, fingerprint: string, 
/**
 * This book is head office's.
 */
isOffice: boolean, 
/**
 * A laptop that has joined head office (its key is pinned).
 */
joined: boolean, officeFingerprint: string | null, };

export type PeerSummary = { deviceId: string, name: string | null, staffId: string | null, staffName: string | null, isOffice: boolean, enrolledAt: string, lastExportAt: string | null, lastImportAt: string | null, filesOut: number, 
/**
 * When head office retired the device; its files are refused since.
 */
retiredAt: string | null, retiredReason: string | null, };

export type PendingKind = { table: string, labelZh: string, labelEn: string, changes: number, };

export type SyncStatus = { device: DeviceInfo, pending: Array<PendingKind>, pendingTotal: number, peers: Array<PeerSummary>, openConflicts: number, rejections: number, notices: number, 
/**
 * Removal markers kept until every device that needs them confirmed them.
 */
tombstones: number, };

export type EnrollDevice = { staffId: string, deviceId: string, publicKey: string, name?: string, };

export type RetireDevice = { deviceId: string, 
/**
 * Why (lost, stolen, replaced …): shown with every refusal of its files.
 */
reason: string, };

export type ExportResult = { path: string, fileName: string, recipient: string, changes: number, bytes: number, snapshot: boolean, };

export type ConflictView = { id: string, customerId: string, customerName: string, entity: string, entityId: string, 
/**
 * Column in the book; `field_key` is the card field (for labels).
 */
field: string, fieldKey: string | null, keptValue: JsonValue, keptBy: string | null, keptAt: string, lostValue: JsonValue, lostBy: string | null, lostAt: string, detectedAt: string, resolution: string | null, resolvedBy: string | null, resolvedAt: string | null, };

export type ConflictChoice = "keep" | "take_other" | "edit";

export type ConflictResolution = { id: string, choice: ConflictChoice, value?: JsonValue, };

export type RejectionView = { id: string, table: string, labelZh: string, labelEn: string, column: string, recordLabel: string | null, value: JsonValue, reason: string, message: string, customerId: string | null, rejectedAt: string, };

export type NoticeView = { customerId: string, customerName: string, kind: string, message: string, at: string, };

export type MergedFile = { file: string, report: ImportReport | null, error: ApiError | null, };

export type HqMergeReport = { imported: Array<MergedFile>, written: Array<ExportResult>, 
/**
 * Files in the inbox addressed to other devices (head office's own
 * outgoing files in a shared folder), left alone.
 */
others: number, };

export type FolderFile = { path: string, name: string, 
/**
 * Addressed to this device; a shared folder holds everybody's files.
 */
forThisDevice: boolean, fromOffice: boolean, 
/**
 * The staff member whose device sent it, when this book knows the device.
 */
senderName: string | null, createdAt: string | null, changes: number, snapshot: boolean, 
/**
 * This very file was imported here already.
 */
imported: boolean, 
/**
 * Why the file cannot be imported, when its header already shows it.
 */
problem: ApiError | null, };

export type FolderCheck = { 
/**
 * The folder checked (empty when none was given and none is saved).
 */
path: string, 
/**
 * It exists, is a folder, and a file could be written in it and removed again.
 */
ok: boolean, 
/**
 * Why not: `no_sync_folder`, `folder_missing`, `not_a_folder`,
 * `folder_unreadable` or `folder_not_writable`, with the system's reason in the message.
 */
problem?: FieldProblem, 
/**
 * Changeset files (`.fcsync`) in it now.
 */
changesetFiles: number, };

export type CodeItem = { code: string, labelZh: string, labelEn: string, position: number, retired: boolean, 
/**
 * Cards carrying this code.
 */
cards: number, };

export type CodeList = { id: string, labelZh: string, labelEn: string, position: number, retired: boolean, 
/**
 * The card field of a built-in list (`orgForm`, `channelType` …); none for
 * lists head office added, whose codes are in `customCodes`.
 */
field: string | null, 
/**
 * The list classifies cards (false: records, such as the visit type).
 */
forCards: boolean, items: Array<CodeItem>, };

export type NewCodeList = { 
/**
 * The list's key: lower-case letters, digits and `_`, starting with a letter.
 */
id: string, labelZh: string, labelEn: string, };

export type NewCodeItem = { listId: string, 
/**
 * The code's key: lower-case letters, digits and `_`, starting with a letter.
 */
code: string, labelZh: string, labelEn: string, };

export type CodeEdit = { listId: string, code?: string, labelZh?: string, labelEn?: string, 
/**
 * New place in the list (1 = first); the others shift.
 */
position?: number, retired?: boolean, };

export type GradeScale = "customer" | "credit";

export type GradeLevel = { scale: GradeScale, code: string, labelZh: string, labelEn: string, position: number, retired: boolean, 
/**
 * Customer grades: visit at least every this many days.
 */
visitEveryDays: number | null, 
/**
 * Customer grades: share of revenue (%) the ABC rule gives this grade.
 */
revenueShare: number | null, 
/**
 * Credit grades: credit limit in yuan.
 */
creditLimit: number | null, paymentTermDays: number | null, settlement: Settlement | null, 
/**
 * Cards with this grade.
 */
cards: number, };

export type GradeLevelInput = { scale: GradeScale, code: string, labelZh: string, labelEn: string, retired: boolean, visitEveryDays?: number, creditLimit?: number, paymentTermDays?: number, settlement?: Settlement, };

export type RuleShare = { grade: string, share: number, };

export type GradeScales = { levels: Array<GradeLevel>, rule: Array<RuleShare>, };

export type GradeChange = { customerId: CustomerId, scale: GradeScale, 
/**
 * None clears the grade.
 */
grade?: string, 
/**
 * Why (shown in the grade history).
 */
reason?: string, };

export type GradeHistoryEntry = { scale: GradeScale, oldGrade: string | null, newGrade: string | null, changedBy: string | null, changedAt: string, reason: string | null, 
/**
 * `grade` (by hand), `grade_suggestion` (accepted from the ABC suggestion), `sync` …
 */
source: string, };

export type RevenueBasis = "card_field" | "sales_lines";

export type ProposedGrade = { customerId: CustomerId, name: string, ownerName: string, territoryName: string, revenue: number, 
/**
 * This customer's share of the revenue considered, in basis points (1/100 %).
 */
shareBp: number, 
/**
 * Cumulative share up to and including this customer, in basis points.
 */
cumulativeBp: number, current: string | null, proposed: string, 
/**
 * The current grade was set by hand: accepting all leaves it alone.
 */
manual: boolean, };

export type GradeSuggestion = { basis: RevenueBasis, rule: Array<RuleShare>, 
/**
 * Cards considered (active or dormant, with revenue known).
 */
considered: number, totalRevenue: number, 
/**
 * Cards whose grade would change, largest revenue first.
 */
changes: Array<ProposedGrade>, 
/**
 * Considered cards whose grade stays.
 */
unchanged: number, 
/**
 * Cards left out: no revenue known, prospects and eliminated customers.
 */
leftOut: number, };

export type SuggestQuery = { 
/**
 * Grade the cards of this unit and below; the person's own part of the
 * organisation when none.
 */
orgUnitId?: OrgUnitId, };

export type AcceptedGrade = { customerId: CustomerId, grade: string, };

export type AcceptGrades = { grades: Array<AcceptedGrade>, 
/**
 * Shown in each card's grade history; a default names the ABC rule.
 */
reason?: string, };

export type AcceptReport = { changed: number, unchanged: number, };

export type Route = { id: RouteId, name: string, ownerId: StaffId, ownerName: string, territoryId: OrgUnitId, territoryName: string, startLatitude: number | null, startLongitude: number | null, 
/**
 * ISO weekday the route is toured on (1 = Monday); any day when none.
 */
weekday: number | null, retired: boolean, stops: number, };

export type RouteStop = { 
/**
 * 1-based place on the route.
 */
position: number, customerId: CustomerId, name: string, grade: string | null, address: string | null, latitude: number | null, longitude: number | null, contactName: string | null, phone: string | null, lastVisitOn: string | null, 
/**
 * Unresolved credit incidents on the card.
 */
openIncidents: number, 
/**
 * A block of the card still waits for verification.
 */
needsVerification: boolean, 
/**
 * The card's "problems" note.
 */
problems: string | null, };

export type RouteDetail = { route: Route, stops: Array<RouteStop>, };

export type NewRoute = { name: string, 
/**
 * The rep; this laptop's person when none.
 */
ownerId?: StaffId, 
/**
 * The rep's territory when none.
 */
territoryId?: OrgUnitId, startLatitude?: number, startLongitude?: number, weekday?: number, };

export type RouteEdit = { id: RouteId | null, name?: string, startLatitude?: number, startLongitude?: number, clearStart: boolean, 
/**
 * 1–7, or 0 for any day.
 */
weekday?: number, retired?: boolean, };

export type RouteProposal = { routeId: RouteId, beforeKm: number, afterKm: number, 
/**
 * The stops in the proposed order.
 */
order: Array<CustomerId>, 
/**
 * Stops without coordinates: they keep their place.
 */
withoutCoordinates: Array<string>, 
/**
 * Whether the tour starts at the rep's base (else at the first stop).
 */
fromBase: boolean, };

export type RouteStops = { routeId: RouteId, customers: Array<CustomerId>, 
/**
 * 1-based place of the first new stop; the end when none.
 */
at?: number, };

export type StopMove = { customerId: CustomerId, 
/**
 * New 1-based place on its route.
 */
position: number, };

export type RouteOrder = { routeId: RouteId, order: Array<CustomerId>, };

export type PlanQuery = { 
/**
 * The rep; this laptop's person when none.
 */
staffId?: StaffId, 
/**
 * First day, `YYYY-MM-DD`; today when none.
 */
date?: string, 
/**
 * 1 for a day, 7 for a week (at most 14).
 */
days: number, };

export type StopStatus = "overdue" | "due" | "never_visited";

export type PlanStop = { customerId: CustomerId, name: string, grade: string | null, routeName: string | null, 
/**
 * Place on its route (1-based).
 */
position: number | null, lastVisitOn: string | null, dueOn: string | null, 
/**
 * Days past due (0 when due on this day).
 */
overdueDays: number, status: StopStatus, };

export type PlanRoute = { routeId: RouteId, name: string, 
/**
 * Toured on this weekday by the route's schedule (else proposed for having the most due stops).
 */
scheduled: boolean, 
/**
 * Due and overdue stops, in route order.
 */
stops: Array<PlanStop>, 
/**
 * Stops of the route not due yet.
 */
notDue: number, };

export type PlanDay = { date: string, 
/**
 * ISO weekday (1 = Monday).
 */
weekday: number, 
/**
 * Overdue customers not on the day's routes, most overdue first.
 */
overdue: Array<PlanStop>, 
/**
 * Further overdue customers not listed.
 */
moreOverdue: number, 
/**
 * Every customer overdue on the day, on its routes or off them, and on a
 * day off too (when nothing is proposed, the customers are still late).
 */
overdueCount: number, routes: Array<PlanRoute>, };

export type VisitPlan = { staffId: StaffId, staffName: string, 
/**
 * The rep's customers (eliminated ones aside).
 */
customers: number, days: Array<PlanDay>, };

export type PlanSummary = { staffId: StaffId, staffName: string, territoryName: string, routes: Array<string>, stops: number, 
/**
 * Every customer of the rep overdue on the day (see [`PlanDay::overdue_count`]).
 */
overdue: number, };

export type VisitId = string;

export type CallId = string;

export type TaskId = string;

export type ReportId = string;

export type CommentId = string;

export type CallDirection = "outgoing" | "incoming";

export type TaskSource = "visit" | "call" | "manual";

export type ReportKind = "daily" | "weekly" | "monthly" | "urgent";

export type ReportStatus = "draft" | "submitted";

export type UrgentTopic = "credit_risk" | "competitor" | "complaint" | "other";

export type DutyKind = "contact_customers" | "contact_staff" | "visit_customers" | "spot_checks" | "grade_frequency";

export type NewVisit = { customerId: CustomerId, 
/**
 * A code of the list `visit_type` (`routine`, `spot_check` …).
 */
visitType: string, 
/**
 * RFC 3339 (`2026-11-22T09:30:00+08:00`).
 */
checkedInAt: string, 
/**
 * None while the visit goes on; [`check_out`] closes it.
 */
checkedOutAt?: string, latitude?: number, longitude?: number, purpose?: string, 
/**
 * Their stock of our products.
 */
stockNotes?: string, competitorNotes?: string, pricesSeen?: string, problems?: string, requests?: string, 
/**
 * What was agreed; it becomes a follow-up task.
 */
nextStep?: string, 
/**
 * When the next step is due; without one the book chooses the day ([`default_due`]).
 */
nextStepDue?: string, 
/**
 * A stop of the visitor's route plan.
 */
planned: boolean, 
/**
 * Spot-checks: whether the rep's earlier report of this customer held true.
 */
reportConfirmed?: boolean, 
/**
 * Card fields the visit found changed (a new phone number …), saved with it.
 */
cardChanges: Array<FieldChange>, };

export type Visit = { id: VisitId, customerId: CustomerId, customerName: string, staffId: StaffId, staffName: string, visitType: string, checkedInAt: string, checkedOutAt: string | null, 
/**
 * Minutes between check-in and check-out.
 */
minutes: number | null, latitude: number | null, longitude: number | null, purpose: string | null, stockNotes: string | null, competitorNotes: string | null, pricesSeen: string | null, problems: string | null, requests: string | null, nextStep: string | null, nextStepDue: string | null, planned: boolean, reportConfirmed: boolean | null, };

export type DefaultedDue = { 
/**
 * `YYYY-MM-DD`, also the record's `nextStepDue` and the task's `dueOn`.
 */
on: string, 
/**
 * The person's route whose next tour day it is.
 */
routeName: string | null, 
/**
 * Without a route day: the work days counted ([`DEFAULT_DUE_WORK_DAYS`]).
 */
workDays: number | null, };

export type LoggedVisit = { visit: Visit, task: Task | null, 
/**
 * Set when the next step came without a due date: the date chosen, to tell the person.
 */
defaultedDue: DefaultedDue | null, 
/**
 * Card warnings (saved anyway), as for a card edit.
 */
warnings: Array<FieldProblem>, };

export type NewCall = { customerId?: CustomerId, colleagueId?: StaffId, direction: CallDirection, calledAt: string, durationSeconds: number, summary?: string, nextStep?: string, nextStepDue?: string, 
/**
 * Card fields the call found changed (customer calls only).
 */
cardChanges: Array<FieldChange>, };

export type Call = { id: CallId, staffId: StaffId, staffName: string, customerId: CustomerId | null, customerName: string | null, colleagueId: StaffId | null, colleagueName: string | null, direction: CallDirection, calledAt: string, durationSeconds: number, summary: string | null, nextStep: string | null, nextStepDue: string | null, };

export type LoggedCall = { call: Call, task: Task | null, 
/**
 * Set when the next step came without a due date: the date chosen, to tell the person.
 */
defaultedDue: DefaultedDue | null, warnings: Array<FieldProblem>, };

export type NewTask = { title: string, dueOn: string, customerId?: CustomerId, 
/**
 * Yourself when none; managers may give a task to someone in their team.
 */
assigneeId?: StaffId, };

export type Task = { id: TaskId, title: string, dueOn: string, doneAt: string | null, customerId: CustomerId | null, customerName: string | null, assigneeId: StaffId, assigneeName: string, source: TaskSource, 
/**
 * The visit or call it came from.
 */
sourceId: string | null, 
/**
 * Open and due before today.
 */
overdue: boolean, };

export type RecordQuery = { customerId?: CustomerId, staffId?: StaffId, 
/**
 * First day (YYYY-MM-DD), inclusive.
 */
from?: string, 
/**
 * Last day, inclusive.
 */
to?: string, limit?: number, };

export type TaskQuery = { customerId?: CustomerId, 
/**
 * Yourself when neither a customer nor a person is given.
 */
assigneeId?: StaffId, 
/**
 * Done tasks too.
 */
includeDone: boolean, limit?: number, };

export type ReportQuery = { kind: ReportKind, 
/**
 * Any day of the period (YYYY-MM-DD); today when none.
 */
day?: string, staffId?: StaffId, };

export type ReportSummaryInput = { kind: ReportKind, day?: string, summary: string, };

export type NewUrgentReport = { customerId: CustomerId, topic: UrgentTopic, title: string, summary: string, };

export type ReportTotals = { visits: number, customersVisited: number, plannedVisits: number, spotChecks: number, visitMinutes: number, calls: number, customerCalls: number, colleagueCalls: number, callMinutes: number, tasksDone: number, tasksCreated: number, 
/**
 * Open at the period's end and due before it.
 */
tasksOverdue: number, };

export type DayTotals = { day: string, visits: number, customersVisited: number, calls: number, callMinutes: number, };

export type CustomerTotals = { customerId: CustomerId, customerName: string, visits: number, calls: number, lastContact: string, };

export type ReportContent = { totals: ReportTotals, visits: Array<Visit>, calls: Array<Call>, tasksDone: Array<Task>, tasksCreated: Array<Task>, tasksOverdue: Array<Task>, days: Array<DayTotals>, customers: Array<CustomerTotals>, };

export type ReportComment = { id: CommentId, authorId: StaffId, authorName: string, body: string, createdAt: string, };

export type Report = { id: ReportId, authorId: StaffId, authorName: string, kind: ReportKind, periodStart: string, periodEnd: string, status: ReportStatus, submittedAt: string | null, summary: string | null, 
/**
 * Urgent reports: the customer, the topic and the title.
 */
customerId: CustomerId | null, customerName: string | null, topic: UrgentTopic | null, title: string | null, content: ReportContent, comments: Array<ReportComment>, 
/**
 * The reader may still save and submit it (their own unsubmitted report of a begun period).
 */
editable: boolean, };

export type ReportLine = { id: ReportId, authorId: StaffId, authorName: string, kind: ReportKind, periodStart: string, periodEnd: string, submittedAt: string, title: string | null, topic: UrgentTopic | null, customerName: string | null, summary: string | null, totals: ReportTotals, read: boolean, comments: number, };

export type ReportListQuery = { staffId?: StaffId, kind?: ReportKind, 
/**
 * Periods from this day on (YYYY-MM-DD).
 */
from?: string, to?: string, unreadOnly: boolean, limit?: number, };

export type ReportRef = { id?: ReportId, query?: ReportQuery, };

export type DutyRule = { id: string, role: StaffRole, kind: DutyKind, 
/**
 * contact_staff: the colleagues' role.
 */
staffRole: StaffRole | null, 
/**
 * The customers counted (empty: all).
 */
channelLevels: Array<ChannelLevel>, 
/**
 * Contacts per customer or colleague per month.
 */
perTarget: number | null, 
/**
 * visit_customers, spot_checks: at least this many customers…
 */
minCount: number | null, 
/**
 * …and this share (%) of those in scope.
 */
minShare: number | null, position: number, active: boolean, };

export type DutyRuleInput = { id?: string, role: StaffRole, kind: DutyKind, staffRole?: StaffRole, channelLevels: Array<ChannelLevel>, perTarget?: number, minCount?: number, minShare?: number, active: boolean, };

export type ComplianceQuery = { 
/**
 * This unit and everyone under it; your own part of the organisation when none.
 */
orgUnitId?: OrgUnitId, 
/**
 * Just this person.
 */
staffId?: StaffId, 
/**
 * YYYY-MM; this month when none.
 */
month?: string, 
/**
 * List customers not contacted for this many days (default 30).
 */
noContactDays?: number, };

export type Behind = { id: string, name: string, 
/**
 * Contacts this month (contact rules); days since the last visit (grade frequency).
 */
count: number, needed: number, lastContact: string | null, };

export type RuleResult = { ruleId: string, kind: DutyKind, staffRole: StaffRole | null, perTarget: number | null, done: number, required: number, met: boolean, 
/**
 * How many more the rule needs this month (`required - done`, none when met).
 */
short: number, 
/**
 * What should be done by the day judged at, at an even pace through the
 * month (all of `required` for a month that is over, and for the visit
 * rhythm, which is judged on the day).
 */
pace: number, 
/**
 * At least `pace` is done: on track, though the month is not over.
 */
onPace: boolean, 
/**
 * The first [`MAX_BEHIND`] behind, worst first: for a contact rule the
 * targets short of their contacts (`short` of them); for a share of
 * customers, the customers not yet visited, to choose `short` from.
 */
behind: Array<Behind>, behindCount: number, 
/**
 * `behind` is whom to choose from (a share of the customers meets the
 * rule), not who is short of their contacts.
 */
chooseFrom: boolean, };

export type PersonCompliance = { staffId: StaffId, name: string, role: StaffRole, unitName: string, rules: Array<RuleResult>, 
/**
 * Every rule met.
 */
met: boolean, };

export type NoContact = { customerId: CustomerId, name: string, grade: string | null, lastContact: string | null, 
/**
 * Days since the last contact; none when never contacted.
 */
days: number | null, };

export type NoContactGroup = { staffId: StaffId, name: string, 
/**
 * The first [`MAX_BEHIND`], longest without contact first.
 */
customers: Array<NoContact>, count: number, };

export type Compliance = { month: string, 
/**
 * The day the month is judged at: its last day, or today for this month.
 */
asOf: string, orgUnitId: OrgUnitId, people: Array<PersonCompliance>, noContactDays: number, noContact: Array<NoContactGroup>, };

export type Reminder = { id: string, labelZh: string, labelEn: string, 
/**
 * The day of the month it falls on (past a month's end: its last day).
 */
dayOfMonth: number, 
/**
 * The day it is due by, when later than its day.
 */
dueDay: number | null, 
/**
 * Shown this many days ahead.
 */
leadDays: number, 
/**
 * Whom it concerns (empty: everyone).
 */
roles: Array<StaffRole>, active: boolean, };

export type ReminderInput = { id?: string, labelZh: string, labelEn: string, dayOfMonth: number, dueDay?: number, leadDays: number, roles: Array<StaffRole>, active: boolean, };

export type ReminderDue = { id: string, labelZh: string, labelEn: string, on: string, due: string, 
/**
 * Days until it falls (0: today; negative: it fell, and is due by `due`).
 */
inDays: number, };

export type Home = { today: string, reminders: Array<ReminderDue>, 
/**
 * Open tasks due within the coming week, overdue first.
 */
tasks: Array<Task>, overdueTasks: number, visitsToday: number, callsToday: number, 
/**
 * Today's daily report has been submitted.
 */
dailySubmitted: boolean, 
/**
 * Managers: the team's urgent reports not yet read.
 */
urgentUnread: Array<ReportLine>, 
/**
 * Managers: the team's reports not yet read.
 */
unreadReports: number, 
/**
 * The overdue debts this person must act on (a rep: their customers'; a
 * manager: from the manager's step of the escalation; head office: from
 * its own), most urgent first, at most [`HOME_DEBTS`].
 */
debts: Array<OverdueCustomer>, debtsCount: number, debtsOverdue: number, 
/**
 * While the payment cut-off's reminder is shown: what is still owed by then.
 */
monthEnd: MonthEnd | null, };

export type ProductId = string;

export type SalesLineId = string;

export type SalesKind = "shipment" | "invoice" | "return";

export type ImportKind = "customers" | "people" | "products" | "sales" | "invoices" | "payments";

export type Product = { id: ProductId, code: string, name: string, category: string | null, line: string | null, unit: string, caseSize: number | null, 
/**
 * List price per unit, in fen.
 */
listPrice: number | null, retired: boolean, };

export type ProductInput = { code: string, name: string, category?: string, line?: string, unit?: string, caseSize?: number, listPrice?: number, retired?: boolean, };

export type SalesOverview = { products: number, lines: number, customers: number, firstDay: string | null, lastDay: string | null, 
/**
 * Sum of all lines, in fen.
 */
amount: number, };

export type OrderId = string;

export type OrderLineId = string;

export type PriceRuleId = string;

export type PromotionId = string;

export type ProposalId = string;

export type InvoiceId = string;

export type PaymentId = string;

export type OrderStatus = "draft" | "submitted" | "returned" | "approved" | "cancelled";

export type PaymentKind = "cash" | "credit" | "expense";

export type HoldReasonKind = "over_limit" | "overdue_debt" | "no_credit_terms";

export type LimitSource = "card" | "grade" | "none";

export type HoldReason = { kind: HoldReasonKind, 
/**
 * `over_limit`: what the customer would owe and have on order with this order.
 */
exposure?: number, limit?: number, 
/**
 * `overdue_debt`: what is overdue, and how many days the oldest is past due.
 */
overdue?: number, days?: number, };

export type CreditCheck = { creditGrade: string | null, 
/**
 * Fen; none without credit terms.
 */
limit: number | null, limitSource: LimitSource, 
/**
 * Invoiced − paid.
 */
balance: number, overdue: number, oldestDaysPastDue: number, 
/**
 * Days past due after which new orders go on hold (the credit grade's).
 */
holdAfterDays: number, 
/**
 * What the customer's other orders, submitted or approved, on credit or
 * cash, have still to ship (what has shipped is invoiced by the ERP).
 */
openOrders: number, 
/**
 * Balance + open orders + this order (orders charged to expenses use no credit).
 */
exposure: number, 
/**
 * What is left of the limit after this order (negative: over it).
 */
available: number | null, hold: boolean, reasons: Array<HoldReason>, };

export type LineFlag = "not_whole_cases" | "price_differs" | "retired";

export type ShippingState = "not_shipped" | "partly" | "shipped";

export type ShippedLine = { orderLineId: string, productCode: string, productName: string, unit: string, quantity: number, };

export type Shipment = { id: string, number: string | null, shippedOn: string, carrier: string | null, notes: string | null, lines: Array<ShippedLine>, };

export type ShipmentLineInput = { orderLineId: string, 
/**
 * Units shipped.
 */
quantity: number, };

export type ShipmentInput = { orderId: OrderId, 
/**
 * YYYY-MM-DD; none: today.
 */
shippedOn?: string, 
/**
 * The delivery note's or waybill's number.
 */
number?: string, carrier?: string, notes?: string, 
/**
 * None: everything the order still lacks.
 */
lines: Array<ShipmentLineInput>, };

export type ShipmentRow = { id: string, orderId: OrderId, orderNumber: string | null, customerId: string, customerName: string, shippedOn: string, number: string | null, carrier: string | null, 
/**
 * Lines and units that went out.
 */
lines: number, units: number, };

export type ShipmentQuery = { from?: string, to?: string, };

export type OrderLineInput = { product: string, cases: number, units: number, 
/**
 * Fen per unit; none: the customer's price from the price list.
 */
unitPrice?: number, 
/**
 * Given free (a promotion's gift).
 */
gift: boolean, };

export type OrderInput = { customerId: CustomerId, paymentKind: PaymentKind, 
/**
 * One of the card's addresses; none: `delivery_address`, else the card's
 * delivery (or business) address.
 */
addressId?: string, deliveryAddress?: string, 
/**
 * YYYY-MM-DD, not before today.
 */
wantedOn?: string, notes?: string, lines: Array<OrderLineInput>, 
/**
 * Submit at once (else the order stays a draft).
 */
submit: boolean, };

export type OrderLine = { id: string, position: number, productId: string, productCode: string, productName: string, unit: string, caseSize: number | null, 
/**
 * Units in all; `cases` and `units` split them by the case size.
 */
quantity: number, cases: number, units: number, unitPrice: number, listPrice: number | null, amount: number, gift: boolean, 
/**
 * The promotion that discounted its price or gave it (a gift line), and its name.
 */
promotionId: string | null, promotion: string | null, flags: Array<LineFlag>, 
/**
 * Units shipped so far, and cancelled by head office.
 */
shipped: number, cancelled: number, 
/**
 * Units an approved order still lacks (欠货 once something has shipped).
 */
backorder: number, };

export type OrderNote = { at: string, staffName: string, what: string, oldValue: string | null, newValue: string | null, reason: string | null, };

export type Order = { id: OrderId, 
/**
 * Head office's number; none until head office has the order.
 */
number: string | null, customerId: string, customerName: string, authorId: string, authorName: string, status: OrderStatus, paymentKind: PaymentKind, addressId: string | null, deliveryAddress: string, wantedOn: string | null, notes: string | null, total: number, creditHold: boolean, holdReasons: Array<HoldReason>, holdReleasedBy: string | null, holdReleasedAt: string | null, holdReleaseReason: string | null, submittedAt: string | null, reviewedBy: string | null, reviewedAt: string | null, returnReason: string | null, cancelReason: string | null, createdAt: string, updatedAt: string, lines: Array<OrderLine>, history: Array<OrderNote>, shipments: Array<Shipment>, 
/**
 * Approved orders: how far they have gone out.
 */
shipping: ShippingState | null, 
/**
 * Approved orders: the last day to ship on time, and whether that has passed with goods still lacking.
 */
shipBy: string | null, late: boolean, 
/**
 * What this person may do with it now: change and submit it (its
 * author, while a draft or returned), withdraw or cancel it, review it,
 * release its hold, ship it.
 */
canEdit: boolean, canCancel: boolean, canReview: boolean, canRelease: boolean, 
/**
 * Head office: the order is approved and still lacks something.
 */
canShip: boolean, };

export type OrderQuote = { lines: Array<OrderLine>, total: number, credit: CreditCheck, 
/**
 * What would refuse the order as it stands.
 */
problems: Array<FieldProblem>, };

export type DeliveryAddress = { id: string, 
/**
 * `business`, `registered`, `warehouse`, `delivery` (the card's address kinds).
 */
kind: string, text: string, };

export type OrderView = "mine" | "review" | "hold" | "late" | "backorders" | "to_ship" | "all";

export type OrderQuery = { view: OrderView, customerId?: CustomerId, limit?: number, };

export type OrderRow = { id: OrderId, number: string | null, customerId: string, customerName: string, authorName: string, status: OrderStatus, paymentKind: PaymentKind, total: number, lines: number, creditHold: boolean, wantedOn: string | null, submittedAt: string | null, createdAt: string, 
/**
 * Approved orders: how far they have gone out, the day they must be out
 * by (the third office work day after approval), and whether late.
 */
shipping: ShippingState | null, shipBy: string | null, late: boolean, };

export type InvoiceInput = { customerId: CustomerId, number: string, issuedOn: string, 
/**
 * None: issued + the credit grade's payment term (0 days without one).
 */
dueOn?: string, amount: number, };

export type PaymentMatch = { invoiceNumber: string, amount: number, };

export type PaymentInput = { customerId: CustomerId, number: string, paidOn: string, amount: number, 
/**
 * Cash (现金款) or charged to marketing expenses (费用款).
 */
kind: PaymentKind, 
/**
 * The invoices it pays; what it does not name goes to the oldest open.
 */
invoices: Array<PaymentMatch>, };

export type PriceRuleInput = { 
/**
 * The product's code or id.
 */
product: string, channelType?: string, customerGrade?: string, price: number, floorPrice?: number, validFrom: string, validTo?: string, };

export type PromotionKind = "discount" | "gift";

export type Promotion = { id: PromotionId, name: string, productCode: string, productName: string, channelType: string | null, customerGrade: string | null, kind: PromotionKind, minUnits: number, discountPercent: number | null, giftProductCode: string | null, giftProductName: string | null, giftUnits: number | null, validFrom: string, validTo: string, };

export type PromotionInput = { name: string, 
/**
 * The product's code or id.
 */
product: string, channelType?: string, customerGrade?: string, 
/**
 * Units a line needs for the promotion (default 1).
 */
minUnits?: number, discountPercent?: number, giftProduct?: string, giftUnits?: number, validFrom: string, validTo: string, };

export type NodeKind = "unit" | "staff" | "customer";

export type TargetStatus = "open" | "submitted" | "approved" | "returned";

export type MoveStatus = "submitted" | "approved" | "rejected" | "withdrawn";

export type BreakdownRule = "last_year" | "trailing_year" | "equal" | "grade";

export type Decision = "approve" | "return" | "withdraw";

export type Rag = "green" | "amber" | "red" | "none";

export type Node = { kind: NodeKind, id: string, };

export type NodeRef = { kind: NodeKind, id: string, name: string, };

export type BreakdownChild = { node: NodeRef, months: number[], total: number, lastYear: number, hasTarget: boolean, status: TargetStatus, };

export type TargetMove = { id: string, 
/**
 * None: the breakdown's unallocated part.
 */
from: NodeRef | null, to: NodeRef | null, months: number[], total: number, reason: string, author: string, status: MoveStatus, decidedBy: string | null, decidedAt: string | null, decision: string | null, createdAt: string, mayDecide: boolean, mayWithdraw: boolean, };

export type Breakdown = { year: number, measure: string, node: NodeRef, parent: NodeRef | null, 
/**
 * The node's own target per month; none: it has none yet.
 */
months: number[] | null, status: TargetStatus, leaveUnallocated: boolean, submittedBy: string | null, submittedAt: string | null, decidedBy: string | null, decidedAt: string | null, note: string | null, children: Array<BreakdownChild>, 
/**
 * The node's target less its children's, per month (negative: the
 * children are given more than the node has).
 */
unallocated: number[], 
/**
 * The viewer may write the children's targets now.
 */
mayEdit: boolean, 
/**
 * The viewer may approve or return it now.
 */
mayDecide: boolean, 
/**
 * The viewer may withdraw it (submitted, and theirs to manage).
 */
mayWithdraw: boolean, 
/**
 * The viewer may set the node's own target (the company's: head office).
 */
maySet: boolean, 
/**
 * The viewer may propose reallocations (approved, theirs to manage).
 */
mayMove: boolean, moves: Array<TargetMove>, };

export type ChildTarget = { node: string, months: number[], };

export type BreakdownInput = { year: number, measure: string, node: string, children: Array<ChildTarget>, 
/**
 * What the children do not take is left unallocated on purpose.
 */
leaveUnallocated: boolean, 
/**
 * Submit it for approval once saved.
 */
submit: boolean, };

export type MoveInput = { year: number, measure: string, node: string, from?: string, to?: string, 
/**
 * `2027`, `2027-Q2`, `2027-03` or `2027-03-1`.
 */
period: string, amount: number, reason: string, };

export type RagRules = { amberBehind: number, redBehind: number, };

export type ProgressRow = { node: NodeRef, depth: number, parentId: string | null, 
/**
 * It can be opened further (a unit, a person's cards).
 */
hasChildren: boolean, 
/**
 * None: it has no target for the year.
 */
target: number | null, actual: number, 
/**
 * Orders approved and not invoiced yet.
 */
inHand: number, 
/**
 * Actual of target, in basis points.
 */
done: number | null, 
/**
 * What is left to sell, per working day left (none: nothing left, or no day left).
 */
perWorkDay: number | null, 
/**
 * The period's actual at the pace so far.
 */
runRate: number | null, rag: Rag, };

export type TargetProgress = { period: string, label: string, measure: string, from: string, to: string, today: string, 
/**
 * Share of the period gone, in basis points.
 */
elapsed: number, workDaysLeft: number, rules: RagRules, rows: Array<ProgressRow>, };

export type GridCell = { target: number | null, actual: number, done: number | null, };

export type GridRow = { node: NodeRef, depth: number, parentId: string | null, hasChildren: boolean, months: Array<GridCell>, year: GridCell, };

export type TargetGrid = { year: number, measure: string, rows: Array<GridRow>, };

export type TargetQuery = { 
/**
 * `2027`, `2027-Q1`, `2027-03` or `2027-03-1`.
 */
period: string, measure?: string, node?: string, };

export type TargetOptions = { years: Array<number>, 
/**
 * `revenue`, then `volume:` and each product category.
 */
measures: Array<string>, home: NodeRef | null, 
/**
 * The viewer may set head office's colour rules and the company's year.
 */
headOffice: boolean, };

export type PlanLineInput = { customerId: string, amount: number, visits: number, };

export type PlanInput = { period: string, lines: Array<PlanLineInput>, note?: string, submit: boolean, };

export type PlanLine = { customer: NodeRef, amount: number, visits: number, 
/**
 * The customer's target for the period (none: no target).
 */
target: number | null, 
/**
 * Sales in the same period of last year.
 */
lastYear: number, 
/**
 * Sales and visits in the period so far.
 */
actual: number, actualVisits: number, 
/**
 * Saved in the plan (else proposed from the target or last year).
 */
saved: boolean, 
/**
 * The customer is no longer the person's (handed over since it was
 * planned). A submitted plan keeps the line as it was made; a draft
 * drops it when saved again. A book that no longer holds the card
 * gives it no name.
 */
handedOver: boolean, };

export type PlanComment = { author: string, body: string, at: string, };

export type SalesPlan = { id: string, staff: NodeRef, period: string, label: string, from: string, to: string, 
/**
 * None: not saved yet (the lines are a proposal).
 */
status: string | null, submittedAt: string | null, 
/**
 * Submitted after the period had started.
 */
late: boolean, note: string | null, lines: Array<PlanLine>, amount: number, visits: number, target: number | null, actual: number, actualVisits: number, comments: Array<PlanComment>, 
/**
 * The viewer may change it (their own, not submitted, the period not over).
 */
mayEdit: boolean, mayComment: boolean, };

export type RollupRow = { node: NodeRef, 
/**
 * A person's plan status, or the unit manager's submission of the unit's.
 */
status: string | null, submittedAt: string | null, late: boolean, 
/**
 * People with a submitted plan, of those below.
 */
submitted: number, people: number, amount: number, visits: number, target: number | null, actual: number, actualVisits: number, 
/**
 * The person's plan id, to open it.
 */
planId: string | null, };

export type PlanRollup = { node: NodeRef, period: string, label: string, rows: Array<RollupRow>, total: RollupRow, 
/**
 * The viewer's own plan (their submission of the roll-up, its note and comments).
 */
own: SalesPlan, };

export type ForecastLineInput = { customerId: string, 
/**
 * Fen expected in each of the three months after the forecast's month.
 */
amounts: number[], };

export type ForecastInput = { month: string, lines: Array<ForecastLineInput>, submit: boolean, };

export type ForecastLine = { customer: NodeRef, amounts: number[], 
/**
 * The core's proposal, to compare with.
 */
proposed: number[], 
/**
 * The same months of last year.
 */
lastYear: number[], saved: boolean, 
/**
 * The customer is no longer the person's (see `PlanLine::handed_over`).
 */
handedOver: boolean, };

export type Accuracy = { 
/**
 * The month forecast (ended), and the month the forecast was made in.
 */
month: string, madeIn: string, forecast: number, actual: number, 
/**
 * 1 − |actual − forecast| / the larger of the two, in basis points.
 */
accuracy: number | null, };

export type Forecast = { id: string, staff: NodeRef, month: string, 
/**
 * The three months it covers.
 */
months: Array<string>, status: string | null, submittedAt: string | null, lines: Array<ForecastLine>, totals: number[], 
/**
 * What this person's forecasts of the month just ended foresaw (made
 * one, two and three months before it).
 */
accuracy: Array<Accuracy>, mayEdit: boolean, };

export type ForecastRow = { node: NodeRef, 
/**
 * People with a submitted forecast, of those below.
 */
submitted: number, people: number, amounts: number[], 
/**
 * Their forecasts made a month before the month just ended, against it.
 */
accuracy: Accuracy | null, };

export type ForecastRollup = { node: NodeRef, month: string, months: Array<string>, rows: Array<ForecastRow>, total: ForecastRow, };

export type MonthEndQuery = { 
/**
 * `YYYY-MM`.
 */
month: string, unit?: string, };

export type MonthEndSummary = { month: string, 
/**
 * 2026年11月 / November 2026.
 */
label: string, unit: NodeRef, 
/**
 * Who made it, and the business day it was made on.
 */
author: string, madeOn: string, 
/**
 * The month's progress of the unit's tree (the unit first).
 */
monthProgress: TargetProgress, 
/**
 * The year's, as of the day it was made.
 */
yearProgress: TargetProgress, 
/**
 * The forecasts made in the month for the three months after it; each
 * row's accuracy is that of the forecasts made a month before for this
 * month (none until it has ended).
 */
forecast: ForecastRollup, 
/**
 * The month's customers buying less than a year before or the month before.
 */
growth: NegativeGrowth, 
/**
 * Contact and visit duties of the month.
 */
compliance: Compliance, 
/**
 * The market analysis: the author's monthly report's summary, until
 * they write another for the workbook.
 */
analysis: string, };

export type Aging = { 
/**
 * Not yet due (due today counts here).
 */
notDue: number, 
/**
 * 1–30 days past due.
 */
upTo30: number, upTo60: number, upTo90: number, 
/**
 * More than 90 days past due.
 */
over90: number, };

export type StatementEntryKind = "invoice" | "payment";

export type StatementEntry = { day: string, kind: StatementEntryKind, number: string, 
/**
 * Invoices add, payments subtract (fen, positive).
 */
amount: number, 
/**
 * What the customer owes after this line (negative: a credit balance).
 */
balance: number, 
/**
 * Invoices: when due, what of it is still open, days past due (0 when not due).
 */
dueOn: string | null, open: number | null, daysPastDue: number | null, 
/**
 * Payments: cash or charged to marketing expenses.
 */
paymentKind: PaymentKind | null, 
/**
 * Payments: what no invoice took (a credit balance).
 */
unallocated: number | null, };

export type Statement = { customerId: string, customerName: string, on: string, entries: Array<StatementEntry>, invoiced: number, paid: number, 
/**
 * Invoiced − paid (negative: the customer has paid ahead).
 */
balance: number, 
/**
 * What the open invoices still owe.
 */
open: number, 
/**
 * Payments no invoice took.
 */
creditBalance: number, aging: Aging, 
/**
 * Days the oldest open invoice is past due (0: nothing overdue).
 */
oldestDaysPastDue: number, 
/**
 * Payments charged to marketing expenses (费用款), kept apart from cash.
 */
paidCash: number, paidExpense: number, };

export type CustomerSalesLine = { id: SalesLineId, soldOn: string, productCode: string, productName: string, unit: string, quantity: number, amount: number, kind: SalesKind, document: string | null, };

export type FileFormat = "xlsx" | "xls" | "ods" | "csv";

export type ImportFieldInfo = { key: string, labelZh: string, labelEn: string, required: boolean, };

export type ImportRequest = { path: string, kind: ImportKind, 
/**
 * The sheet of a workbook (default: the first with data).
 */
sheet?: string, 
/**
 * The row number of the header (default: the row found to be it).
 */
headerRow?: number, 
/**
 * Numbers written as text use a decimal comma (`1.234,50`); default: a
 * decimal point (`1,234.50`).
 */
decimalComma?: boolean, 
/**
 * The field of each column, in column order (default: as suggested).
 */
mapping?: Array<string | null>, 
/**
 * What to do with the rows that match existing cards.
 */
decisions: Array<DuplicateDecision>, 
/**
 * For duplicates without a decision (default: skip them).
 */
otherwise?: DuplicateChoice, };

export type DuplicateChoice = "skip" | "new" | "update";

export type DuplicateDecision = { 
/**
 * The row number as the file shows it.
 */
row: number, choice: DuplicateChoice, 
/**
 * The card to update, of the row's candidates.
 */
customerId?: CustomerId, };

export type ImportPreview = { fileName: string, format: FileFormat, encoding: string | null, sheets: Array<string>, sheet: string, headerRow: number, 
/**
 * False when no row among the first ones names a field: the first
 * filled row stands in, and an import waits for the user to choose.
 */
headerFound: boolean, 
/**
 * The rows the header may be chosen from: their numbers and first cells.
 */
headerChoices: Array<HeaderChoice>, headers: Array<string>, 
/**
 * The first data rows, as text.
 */
sample: Array<Array<string>>, 
/**
 * Data rows in the sheet.
 */
rows: number, 
/**
 * Rows that are not imported (titles, totals, footnotes, blank rows), listed.
 */
skipped: Array<SkippedRow>, 
/**
 * Rows that are not imported, all of them.
 */
skippedRows: number, 
/**
 * Cells right of the columns an import reads.
 */
wide: WideCells | null, fields: Array<ImportFieldInfo>, 
/**
 * The suggested field of each column.
 */
mapping: Array<string | null>, 
/**
 * The same file imported before.
 */
previous: PreviousImport | null, };

export type HeaderChoice = { row: number, text: string, };

export type SkipReason = "above_header" | "total" | "footnote" | "repeated_header" | "header_row" | "blank";

export type SkippedRow = { 
/**
 * The row number as the file shows it (the first of a blank run).
 */
row: number, 
/**
 * Rows in the run (1 unless blank).
 */
rows: number, reason: SkipReason, 
/**
 * What the row says (its first cells).
 */
text: string, };

export type WideCells = { cells: number, 
/**
 * The first of them, as Excel names it (`GS12`).
 */
first: string, };

export type ImportNoteCode = "no_document_numbers" | "wide_cells";

export type ImportNote = { code: ImportNoteCode, count: number | null, 
/**
 * A cell it is about, as Excel names it.
 */
cell: string | null, 
/**
 * In English, for the CLI and logs.
 */
message: string, };

export type PreviousImport = { importedAt: string, staffName: string, created: number, updated: number, };

export type RowAction = "create" | "update" | "unchanged" | "skip" | "duplicate" | "refuse";

export type DuplicateCandidate = { customerId: CustomerId, name: string, phone: string | null, ownerName: string, 
/**
 * `same_name_phone`, `same_name`, `similar_name` or `same_phone`.
 */
reason: string, };

export type RowOutcome = { row: number, action: RowAction, 
/**
 * What the row is (a name, a code, a document line).
 */
label: string, 
/**
 * Why it is refused (field: the column's header), or warnings.
 */
problems: Array<FieldProblem>, candidates: Array<DuplicateCandidate>, };

export type SheetImportReport = { kind: ImportKind, committed: boolean, fileName: string, sheet: string, rows: number, created: number, updated: number, unchanged: number, skipped: number, duplicates: number, refused: number, 
/**
 * Row by row: refused rows and duplicates first, then the rest, up to
 * [`MAX_OUTCOMES`].
 */
outcomes: Array<RowOutcome>, outcomesTruncated: boolean, 
/**
 * The header's row number.
 */
headerRow: number, 
/**
 * Rows that are not imported (titles, totals, footnotes, blank rows), listed.
 */
skippedRowsList: Array<SkippedRow>, 
/**
 * Rows that are not imported, all of them.
 */
skippedRows: number, previous: PreviousImport | null, 
/**
 * File-level notes (no document numbers, cells not read …).
 */
notes: Array<ImportNote>, };

export type ImportProgress = { 
/**
 * `reading`, `checking` or `writing`.
 */
phase: string, done: number, total: number, };

export type AnalysisKind = "grades" | "products" | "regions" | "credit" | "growth" | "monthly" | "aging" | "overdue" | "collections" | "fulfilment" | "cutoff";

export type AnalysisQuery = { 
/**
 * First day, YYYY-MM-DD.
 */
from: string, 
/**
 * Last day, YYYY-MM-DD.
 */
to: string, 
/**
 * An org unit within the viewer's part (default: all of it).
 */
unitId?: string, };

export type Period = { from: string, to: string, };

export type GroupLabel = { 
/**
 * None: the group of cards without a value.
 */
key: string | null, labelZh: string, labelEn: string, };

export type AnalysisScope = { unitId: string | null, unitName: string, 
/**
 * A rep sees only their own customers.
 */
ownerOnly: boolean, };

export type GradeSlice = { grade: GroupLabel, customers: number, revenue: number, shareBp: number, };

export type ParetoPoint = { customersBp: number, revenueBp: number, };

export type RankedCustomer = { customerId: string, name: string, grade: string | null, ownerName: string, revenue: number, shareBp: number, cumulativeBp: number, };

export type GradeComposition = { period: Period, scope: AnalysisScope, totalRevenue: number, 
/**
 * Customers who bought in the period.
 */
customers: number, grades: Array<GradeSlice>, 
/**
 * 101 points, at every percent of the customers.
 */
pareto: Array<ParetoPoint>, 
/**
 * How many of the largest customers make 80 % of the revenue.
 */
customersFor80: number, 
/**
 * The largest customers, with their cumulative share.
 */
top: Array<RankedCustomer>, };

export type ProductSlice = { productId: string, code: string, name: string, line: string | null, unit: string, quantity: number, revenue: number, shareBp: number, 
/**
 * Revenue by channel type, in the order of `channels`.
 */
byChannel: Array<number>, };

export type LineSlice = { 
/**
 * None: products without a line.
 */
line: string | null, revenue: number, shareBp: number, byChannel: Array<number>, };

export type ProductComposition = { period: Period, scope: AnalysisScope, totalRevenue: number, 
/**
 * The channel types, with each one's revenue.
 */
channels: Array<GroupLabel>, channelRevenue: Array<number>, lines: Array<LineSlice>, 
/**
 * Products sold in the period, largest first.
 */
products: Array<ProductSlice>, };

export type RegionSlice = { 
/**
 * An org unit's id, or a rep's id when the unit has no units below it.
 */
id: string, name: string, 
/**
 * `province`, `region`, `territory` … or `rep`.
 */
kind: string, 
/**
 * It can be drilled into: to its units, or at the bottom of the tree to its reps.
 */
hasChildren: boolean, customers: number, revenue: number, shareBp: number, lastYear: number, growthBp: number | null, };

export type RegionComposition = { period: Period, scope: AnalysisScope, 
/**
 * From the top of what the viewer sees down to the unit shown.
 */
path: Array<GroupLabel>, totalRevenue: number, lastYearRevenue: number, parts: Array<RegionSlice>, };

export type CreditSlice = { grade: GroupLabel, customers: number, revenue: number, shareBp: number, 
/**
 * The grade's trading conditions (the limit in fen).
 */
creditLimit: number | null, paymentTermDays: number | null, settlement: string | null, 
/**
 * What the grade's customers owe now, and of it what is overdue.
 */
balance: number, overdue: number, 
/**
 * Customers who owe more than their limit (the busiest month in an
 * estimate).
 */
overLimit: number, 
/**
 * What they owe against their limit, averaged over the grade's customers.
 */
averageUseBp: number | null, };

export type CreditCustomer = { customerId: string, name: string, creditGrade: string | null, ownerName: string, revenue: number, peakMonth: number, 
/**
 * What the customer owes now (its statement's balance), and of it what is overdue.
 */
balance: number, overdue: number, 
/**
 * The card's own limit, else its credit grade's.
 */
creditLimit: number, useBp: number, };

export type CreditAnalysis = { period: Period, scope: AnalysisScope, totalRevenue: number, grades: Array<CreditSlice>, 
/**
 * Customers who owe more than their limit, highest use first.
 */
overLimit: Array<CreditCustomer>, overLimitCount: number, 
/**
 * The book holds no invoices: the busiest month's sales stand in for
 * what customers owe (what a monthly statement would have asked at once).
 */
estimated: boolean, };

export type GrowthRow = { customerId: string, name: string, grade: string | null, ownerId: string, ownerName: string, territoryName: string, current: number, lastYear: number, previous: number, vsLastYearBp: number | null, vsPreviousBp: number | null, };

export type OwnerLoss = { ownerId: string, ownerName: string, customers: number, lost: number, };

export type NegativeGrowth = { period: Period, lastYear: Period, previous: Period, scope: AnalysisScope, 
/**
 * Customers who bought less than in the same period last year or in the
 * period before; the largest fall against last year first.
 */
customers: Array<GrowthRow>, count: number, 
/**
 * Their revenue lost against last year.
 */
lostVsLastYear: number, 
/**
 * Such customers per owner: (owner, name, customers, lost vs last year).
 */
byOwner: Array<OwnerLoss>, };

export type MonthlyRow = { 
/**
 * A rep's id, or a region's.
 */
id: string, name: string, 
/**
 * The rep's region (empty on a region's row).
 */
regionId: string, regionName: string, customers: number, months: Array<number>, total: number, 
/**
 * The period's revenue target (none: no target in the book).
 */
target: number | null, 
/**
 * What the submitted 旬 and month plans of the period planned (none: no plan).
 */
plan: number | null, 
/**
 * The total against the target, in basis points.
 */
doneBp: number | null, };

export type MonthlySummary = { period: Period, scope: AnalysisScope, months: Array<string>, 
/**
 * One row per owner of customers, grouped by region (regions by revenue).
 */
reps: Array<MonthlyRow>, regions: Array<MonthlyRow>, totals: Array<number>, total: number, 
/**
 * Customers who bought in the period, each once (not a sum of months or rows).
 */
customers: number, 
/**
 * The regions' targets and plans summed.
 */
target: number | null, plan: number | null, doneBp: number | null, };

export type AgingGroup = { 
/**
 * An org unit's or a rep's id, or a credit grade's code (None: not set).
 */
id: string | null, name: string, nameEn: string, 
/**
 * `province`, `region`, `territory` …, `rep` or `grade`.
 */
kind: string, 
/**
 * It can be drilled into.
 */
hasChildren: boolean, 
/**
 * Customers who owe something.
 */
customers: number, 
/**
 * Of them, customers with something overdue.
 */
overdueCustomers: number, aging: Aging, 
/**
 * Overdue as a share of what is open.
 */
overdueBp: number, };

export type ReceivablesAging = { on: string, scope: AnalysisScope, path: Array<GroupLabel>, total: Aging, 
/**
 * Payments no invoice took (the customers' credit balances).
 */
creditBalance: number, customers: number, overdueCustomers: number, overdueBp: number, 
/**
 * By the units right below the unit shown (or its reps).
 */
parts: Array<AgingGroup>, 
/**
 * By the reps who hold the cards.
 */
owners: Array<AgingGroup>, 
/**
 * By credit grade.
 */
grades: Array<AgingGroup>, };

export type Escalation = "rep" | "manager" | "office";

export type OverdueCustomer = { customerId: string, code: string | null, name: string, phone: string | null, ownerId: string, ownerName: string, territoryName: string, creditGrade: string | null, 
/**
 * Everything open, and of it what is overdue.
 */
open: number, overdue: number, aging: Aging, oldestDaysPastDue: number, 
/**
 * Who must act now.
 */
escalation: Escalation, };

export type EscalationStep = { escalation: Escalation, customers: number, overdue: number, };

export type OverdueList = { on: string, scope: AnalysisScope, overdue: number, count: number, steps: Array<EscalationStep>, 
/**
 * At most [`MAX_LISTED`] customers (the export has them all).
 */
customers: Array<OverdueCustomer>, };

export type Cutoff = { today: string, cutoff: string, list: OverdueList, };

export type MonthEnd = { cutoff: string, 
/**
 * Customers (of the viewer's part) with money due by the cut-off still open, and how much.
 */
customers: number, amount: number, };

export type CollectionMonth = { 
/**
 * `YYYY-MM`.
 */
month: string, invoiced: number, 
/**
 * Payments in cash (现金款) and charged to marketing expenses (费用款).
 */
paidCash: number, paidExpense: number, 
/**
 * What the customers owed at the month's end (or the period's last day).
 */
balance: number, 
/**
 * Days sales outstanding: the month-end balance against the month's
 * invoicing, per day of the month (none when nothing was invoiced).
 */
dsoDays: number | null, };

export type CollectionPart = { id: string, name: string, kind: string, hasChildren: boolean, invoiced: number, paidCash: number, paidExpense: number, 
/**
 * Marketing expenses as a share of everything paid.
 */
expenseBp: number, balance: number, dsoDays: number | null, };

export type Collections = { period: Period, scope: AnalysisScope, path: Array<GroupLabel>, months: Array<CollectionMonth>, parts: Array<CollectionPart>, invoiced: number, paidCash: number, paidExpense: number, expenseBp: number, 
/**
 * What the customers owed when the period began and at its end.
 */
openingBalance: number, balance: number, 
/**
 * Over the whole period.
 */
dsoDays: number | null, };

export type FulfilmentFigures = { 
/**
 * Orders approved in the period (and not cancelled since).
 */
orders: number, 
/**
 * Units ordered, shipped, and cancelled as backorders.
 */
ordered: number, shipped: number, cancelled: number, 
/**
 * Shipped as a share of ordered.
 */
fillBp: number, 
/**
 * Orders whose time is up (shipped in full, or past their ship-by day),
 * and of them those shipped in full by the ship-by day.
 */
due: number, onTime: number, onTimeBp: number, 
/**
 * Orders still lacking something after their ship-by day.
 */
lateOpen: number, 
/**
 * Orders shipped in full, and their office work days from approval to
 * the last shipment, in tenths of a day on average.
 */
complete: number, averageDaysTenths: number | null, };

export type FulfilmentPart = { id: string, name: string, kind: string, hasChildren: boolean, figures: FulfilmentFigures, };

export type FulfilmentMonth = { 
/**
 * `YYYY-MM`.
 */
month: string, figures: FulfilmentFigures, };

export type Fulfilment = { period: Period, scope: AnalysisScope, path: Array<GroupLabel>, total: FulfilmentFigures, parts: Array<FulfilmentPart>, 
/**
 * By the month of approval.
 */
months: Array<FulfilmentMonth>, };

export type ExportedList = { path: string, rows: number, };

export type DivisionNode = { code: string, name: string, 
/**
 * None at the county level.
 */
children?: Array<DivisionNode>, };

export type AddressSplit = { provinceCode: string | null, cityCode: string | null, districtCode: string | null, 
/**
 * What follows the divisions read; the whole text when none was read.
 */
rest: string, };

export const PROBLEM_CODES: ProblemCode[] = ["address_needed","bad_status_change","before_today","below_floor","more_than_ordered","no_price","not_approved","nothing_to_ship","not_on_hold","on_hold","order_closed","order_under_review","other_customers_address","reason_needed","release_by_manager","review_by_office","fields_data","below_sold","not_a_child","not_a_unit","not_adding_up","over_allocated","self_approval","proposal_changed","needs_approval","not_your_step","not_pending","already_decided","target_approved","no_target","already_resolved","already_submitted","passphrase_needed","new_passphrase_needed","wrong_passphrase","passphrase_too_short","passphrase_too_common","key_file_missing","key_file_damaged","passphrases_differ","ambiguous_customer","ambiguous_decimal","bad_code","bad_content","bad_csv","bad_date","bad_encoding","bad_id","bad_key","bad_month","bad_request","bad_role","bad_signature","bad_time","bad_value","beyond_sheet","before_check_in","before_founding","before_from","before_record","book_not_empty","both","builtin","builtin_list","cancelled","cannot_write","cell_too_long","cards_are_kept","changed_elsewhere","control_characters","control_chars","damaged_workbook","device_key_mismatch","device_retired","duplicate","duplicate_field","division_mismatch","empty","empty_file","empty_sheet","empty_workbook","encode","folder_missing","folder_not_writable","folder_unreadable","future_date","future_month","future_time","grade_by_manager","half_coordinates","has_stops","in_future","in_rule","incomplete","join_needs_first_file","join_needs_new_book","mapped_twice","mixed_encoding","negative","newer_format","newer_schema","no_card","no_rows","no_sync_folder","no_folder","no_header","not_100","not_a_candidate","not_a_file","not_a_folder","not_a_rep","not_a_spreadsheet","not_a_sync_file","not_a_workbook","not_author","not_bool","not_choice","not_code","not_codes","not_demo_book","not_date","not_editable","not_enrolled","not_integer","not_number","not_office","not_on_route","not_ref","not_spot_check","not_submitted","not_tags","not_text","not_the_stops","not_used","nothing_mapped","office_key_mismatch","office_not_trusted","office_only","older_format","order","other_rep","owner_needed","owns_customers","out_of_range","out_of_scope","password_protected","period_not_started","phone_format","read_only","reassign_by_manager","recipient_needed","record_list","repeated","replayed","required","retired","retired_code","retired_list","self","supplier_cycle","tampered","too_big","too_long","too_many","too_many_columns","too_many_cells","too_many_rows","truncated","unclosed_quote","unknown_card","unknown_choice","unknown_code","unknown_customer","unknown_device","unknown_division","unknown_field","unknown_grade","unknown_group","unknown_list","unknown_person","unknown_product","unknown_ref","unknown_row","unknown_sheet","unknown_table","unknown_unit","unit_without_head","unlikely_age","unmapped","unreadable","unzips_too_big","urgent","wrong_recipient","wrong_scale"];

export const IMPORT_LIMITS = { maxFileMb: 200, maxRows: 1048576, maxColumns: 200, maxCellChars: 32767 } as const;

export const CARD_SCHEMA: CardSchema = {
  "customer": [
    {
      "key": "name",
      "block": "basic",
      "kind": "text",
      "required": true,
      "maxLen": 100,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "shortName",
      "block": "basic",
      "kind": "text",
      "required": false,
      "maxLen": 40,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "code",
      "block": "basic",
      "kind": "text",
      "required": false,
      "maxLen": 40,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "phone",
      "block": "basic",
      "kind": "phone",
      "required": false,
      "maxLen": 40,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "channelLevel",
      "block": "basic",
      "kind": "choice",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [
        "distributor",
        "sub_distributor",
        "retailer",
        "other"
      ],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "lifecycle",
      "block": "basic",
      "kind": "choice",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [
        "prospect",
        "active",
        "dormant",
        "eliminated"
      ],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "ownerId",
      "block": "basic",
      "kind": "ref",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": "staff",
      "codeList": null
    },
    {
      "key": "territoryId",
      "block": "basic",
      "kind": "ref",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": "org_unit",
      "codeList": null
    },
    {
      "key": "supplierId",
      "block": "basic",
      "kind": "ref",
      "required": false,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": "customer",
      "codeList": null
    },
    {
      "key": "foundedOn",
      "block": "basic",
      "kind": "date",
      "required": false,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "tradingSince",
      "block": "basic",
      "kind": "date",
      "required": false,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "orgForm",
      "block": "basic",
      "kind": "code",
      "required": false,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": "ownership"
    },
    {
      "key": "channelType",
      "block": "basic",
      "kind": "code",
      "required": false,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": "channel_type"
    },
    {
      "key": "locationType",
      "block": "basic",
      "kind": "code",
      "required": false,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": "location_type"
    },
    {
      "key": "industry",
      "block": "basic",
      "kind": "code",
      "required": false,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": "industry"
    },
    {
      "key": "customCodes",
      "block": "basic",
      "kind": "codes",
      "required": false,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "registeredCapital",
      "block": "basic",
      "kind": "integer",
      "required": false,
      "maxLen": null,
      "min": 0.0,
      "max": 1000000000000.0,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "totalAssets",
      "block": "basic",
      "kind": "integer",
      "required": false,
      "maxLen": null,
      "min": 0.0,
      "max": 1000000000000.0,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "serviceArea",
      "block": "characteristics",
      "kind": "text",
      "required": false,
      "maxLen": 200,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "salesCapacity",
      "block": "characteristics",
      "kind": "text",
      "required": false,
      "maxLen": 200,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "developmentPotential",
      "block": "characteristics",
      "kind": "choice",
      "required": false,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [
        "high",
        "medium",
        "low"
      ],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "businessPhilosophy",
      "block": "characteristics",
      "kind": "longText",
      "required": false,
      "maxLen": 2000,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "businessPolicies",
      "block": "characteristics",
      "kind": "longText",
      "required": false,
      "maxLen": 2000,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "employees",
      "block": "characteristics",
      "kind": "integer",
      "required": false,
      "maxLen": null,
      "min": 0.0,
      "max": 10000000.0,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "annualRevenue",
      "block": "characteristics",
      "kind": "integer",
      "required": false,
      "maxLen": null,
      "min": 0.0,
      "max": 1000000000000.0,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "managementStyle",
      "block": "characteristics",
      "kind": "longText",
      "required": false,
      "maxLen": 2000,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "annualSalesWithUs",
      "block": "business",
      "kind": "integer",
      "required": false,
      "maxLen": null,
      "min": 0.0,
      "max": 1000000000000.0,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "salesPerformance",
      "block": "business",
      "kind": "longText",
      "required": false,
      "maxLen": 2000,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "managementQuality",
      "block": "business",
      "kind": "longText",
      "required": false,
      "maxLen": 2000,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "salesforceQuality",
      "block": "business",
      "kind": "longText",
      "required": false,
      "maxLen": 2000,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "competitorRelations",
      "block": "business",
      "kind": "longText",
      "required": false,
      "maxLen": 2000,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "relationshipWithUs",
      "block": "business",
      "kind": "longText",
      "required": false,
      "maxLen": 2000,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "cooperationAttitude",
      "block": "business",
      "kind": "choice",
      "required": false,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [
        "positive",
        "neutral",
        "reluctant"
      ],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "salesActivity",
      "block": "trading",
      "kind": "longText",
      "required": false,
      "maxLen": 2000,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "problems",
      "block": "trading",
      "kind": "longText",
      "required": false,
      "maxLen": 2000,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "strengths",
      "block": "trading",
      "kind": "longText",
      "required": false,
      "maxLen": 2000,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "futurePlans",
      "block": "trading",
      "kind": "longText",
      "required": false,
      "maxLen": 2000,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "reputation",
      "block": "trading",
      "kind": "longText",
      "required": false,
      "maxLen": 2000,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "creditStanding",
      "block": "trading",
      "kind": "choice",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [
        "good",
        "normal",
        "watch",
        "bad",
        "unknown"
      ],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "tradingTerms",
      "block": "trading",
      "kind": "longText",
      "required": false,
      "maxLen": 2000,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "basicSource",
      "block": "basic",
      "kind": "choice",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [
        "rep_visit",
        "customer_form",
        "third_party"
      ],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "characteristicsSource",
      "block": "characteristics",
      "kind": "choice",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [
        "rep_visit",
        "customer_form",
        "third_party"
      ],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "businessSource",
      "block": "business",
      "kind": "choice",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [
        "rep_visit",
        "customer_form",
        "third_party"
      ],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "tradingSource",
      "block": "trading",
      "kind": "choice",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [
        "rep_visit",
        "customer_form",
        "third_party"
      ],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "basicVerified",
      "block": "basic",
      "kind": "bool",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "characteristicsVerified",
      "block": "characteristics",
      "kind": "bool",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "businessVerified",
      "block": "business",
      "kind": "bool",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "tradingVerified",
      "block": "trading",
      "kind": "bool",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "notes",
      "block": null,
      "kind": "longText",
      "required": false,
      "maxLen": 4000,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "tags",
      "block": null,
      "kind": "tags",
      "required": false,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    }
  ],
  "keyPerson": [
    {
      "key": "role",
      "block": null,
      "kind": "choice",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [
        "owner",
        "manager",
        "legal_representative",
        "contact"
      ],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "name",
      "block": null,
      "kind": "text",
      "required": true,
      "maxLen": 50,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "title",
      "block": null,
      "kind": "text",
      "required": false,
      "maxLen": 50,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "phone",
      "block": null,
      "kind": "phone",
      "required": false,
      "maxLen": 40,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "gender",
      "block": null,
      "kind": "choice",
      "required": false,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [
        "male",
        "female"
      ],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "birthYear",
      "block": null,
      "kind": "integer",
      "required": false,
      "maxLen": null,
      "min": 1900.0,
      "max": 2200.0,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "education",
      "block": null,
      "kind": "choice",
      "required": false,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [
        "primary",
        "junior_high",
        "senior_high",
        "vocational",
        "college",
        "bachelor",
        "master",
        "doctorate"
      ],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "personality",
      "block": null,
      "kind": "longText",
      "required": false,
      "maxLen": 500,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "hobbies",
      "block": null,
      "kind": "longText",
      "required": false,
      "maxLen": 500,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "family",
      "block": null,
      "kind": "longText",
      "required": false,
      "maxLen": 500,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "abilities",
      "block": null,
      "kind": "longText",
      "required": false,
      "maxLen": 500,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "notes",
      "block": null,
      "kind": "longText",
      "required": false,
      "maxLen": 2000,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    }
  ],
  "address": [
    {
      "key": "kind",
      "block": null,
      "kind": "choice",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [
        "business",
        "registered",
        "warehouse",
        "delivery"
      ],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "province",
      "block": null,
      "kind": "text",
      "required": false,
      "maxLen": 20,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "city",
      "block": null,
      "kind": "text",
      "required": false,
      "maxLen": 30,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "district",
      "block": null,
      "kind": "text",
      "required": false,
      "maxLen": 30,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "detail",
      "block": null,
      "kind": "text",
      "required": true,
      "maxLen": 200,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "latitude",
      "block": null,
      "kind": "real",
      "required": false,
      "maxLen": null,
      "min": -90.0,
      "max": 90.0,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "longitude",
      "block": null,
      "kind": "real",
      "required": false,
      "maxLen": null,
      "min": -180.0,
      "max": 180.0,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "provinceCode",
      "block": null,
      "kind": "division",
      "required": false,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null,
      "divisionLevel": "province"
    },
    {
      "key": "cityCode",
      "block": null,
      "kind": "division",
      "required": false,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null,
      "divisionLevel": "city"
    },
    {
      "key": "districtCode",
      "block": null,
      "kind": "division",
      "required": false,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null,
      "divisionLevel": "district"
    }
  ],
  "creditIncident": [
    {
      "key": "occurredOn",
      "block": "trading",
      "kind": "date",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "kind",
      "block": "trading",
      "kind": "choice",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [
        "late_payment",
        "bad_debt",
        "bounced_payment",
        "dispute",
        "other"
      ],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "amount",
      "block": "trading",
      "kind": "integer",
      "required": false,
      "maxLen": null,
      "min": 0.0,
      "max": 1000000000000.0,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "description",
      "block": "trading",
      "kind": "longText",
      "required": false,
      "maxLen": 1000,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    },
    {
      "key": "resolved",
      "block": "trading",
      "kind": "bool",
      "required": true,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null,
      "codeList": null
    }
  ]
};
