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

export type ApiError = { code: ErrorCode, message: string, 
/**
 * Field-level problems for `invalid`; the fields in conflict for `edit_conflict`.
 */
problems: Array<FieldProblem>, };

export type ErrorCode = "not_found" | "invalid" | "edit_conflict" | "no_profile" | "profile_exists" | "book_too_new" | "not_a_book" | "corrupt" | "locked" | "io" | "internal";

export type FieldProblem = { 
/**
 * Field key as in the field registry (`name`, `phone`, `keyPerson.birthYear` …).
 */
field: string, 
/**
 * Stable code of the problem (`required`, `too_long`, `future_date` …).
 */
code: string, 
/**
 * What is wrong and what to do, in English; the UI translates by `code`.
 */
message: string, };

export type Lifecycle = "prospect" | "active" | "dormant" | "eliminated";

export type ChannelLevel = "distributor" | "sub_distributor" | "retailer" | "other";

export type CreditStanding = "good" | "normal" | "watch" | "bad" | "unknown";

export type Block = "basic" | "characteristics" | "business" | "trading";

export type DataSource = "rep_visit" | "customer_form" | "third_party";

export type StaffRole = "rep" | "regional_manager" | "provincial_manager" | "head_office";

export type OrgUnitKind = "head_office" | "province" | "region" | "territory" | "other";

export type KeyPersonRole = "owner" | "manager" | "legal_representative" | "contact";

export type OrgUnit = { id: OrgUnitId, parentId: OrgUnitId | null, kind: OrgUnitKind, name: string, code: string | null, 
/**
 * Distance from the root (head office is 0).
 */
depth: number, };

export type Staff = { id: StaffId, name: string, role: StaffRole, orgUnitId: OrgUnitId, orgUnitName: string, phone: string | null, active: boolean, };

export type Profile = { staffId: StaffId, name: string, role: StaffRole, orgUnitId: OrgUnitId, orgUnitName: string, deviceId: DeviceId, language: string, };

export type BookStatus = { path: string, schemaVersion: number, profile: Profile | null, customerCount: number, staleAfterDays: number, };

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

export type DemoSummary = { orgUnits: number, staff: number, customers: number, keyPeople: number, addresses: number, creditIncidents: number, history: number, };

export type RefTable = "staff" | "org_unit" | "customer";

export type FieldSpec = { key: string, block: Block | null, 
/**
 * `text`, `longText`, `phone`, `integer`, `real`, `date`, `choice`, `bool`, `tags`, `ref`.
 */
kind: string, required: boolean, maxLen: number | null, min: number | null, max: number | null, options: Array<string>, refTable: RefTable | null, };

export type CardSchema = { customer: Array<FieldSpec>, keyPerson: Array<FieldSpec>, address: Array<FieldSpec>, creditIncident: Array<FieldSpec>, };

export type FieldChange = { field: string, expected?: JsonValue, value: JsonValue, };

export type CardRecord = { id: string, fields: Record<string, JsonValue>, };

export type BlockState = { block: Block, source: DataSource, verified: boolean, 
/**
 * Customer-filled data that no rep has confirmed yet.
 */
needsVerification: boolean, };

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
downstreamCount: number, blocks: Array<BlockState>, keyPeople: Array<CardRecord>, addresses: Array<CardRecord>, creditIncidents: Array<CardRecord>, reviewedAt: string, 
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
 * `create`, `edit`, `demo`, … : what kind of work made the change.
 */
source: string, };

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
orgUnitId?: OrgUnitId, tag?: string, staleOnly: boolean, needsVerificationOnly: boolean, sort: SortKey, offset: number, 
/**
 * Rows per page, 1–500; 0 means the default of 100.
 */
limit: number, };

export type CustomerRow = { id: CustomerId, name: string, shortName: string | null, phone: string | null, channelLevel: ChannelLevel, lifecycle: Lifecycle, creditStanding: CreditStanding, ownerName: string, territoryName: string, address: string | null, tags: Array<string>, stale: boolean, needsVerification: boolean, updatedAt: string, };

export type CustomerPage = { 
/**
 * How many customers match in all.
 */
total: number, offset: number, rows: Array<CustomerRow>, };
