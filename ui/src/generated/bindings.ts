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

export type ErrorCode = "not_found" | "invalid" | "edit_conflict" | "no_profile" | "profile_exists" | "book_too_new" | "not_a_book" | "corrupt" | "locked" | "sync_refused" | "io" | "internal";

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

export type TagCount = { tag: string, customers: number, };

export type NewOrgUnit = { 
/**
 * None for a root (head office).
 */
parentId?: OrgUnitId, kind: OrgUnitKind, name: string, code?: string, };

export type NewStaff = { name: string, role: StaffRole, orgUnitId: OrgUnitId, phone?: string, };

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

export type PeerSummary = { deviceId: string, name: string | null, staffId: string | null, staffName: string | null, isOffice: boolean, enrolledAt: string, lastExportAt: string | null, lastImportAt: string | null, filesOut: number, };

export type PendingKind = { table: string, labelZh: string, labelEn: string, changes: number, };

export type SyncStatus = { device: DeviceInfo, pending: Array<PendingKind>, pendingTotal: number, peers: Array<PeerSummary>, openConflicts: number, rejections: number, notices: number, 
/**
 * Removal markers kept until every device that needs them confirmed them.
 */
tombstones: number, };

export type EnrollDevice = { staffId: string, deviceId: string, publicKey: string, name?: string, };

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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": "staff"
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
      "refTable": "org_unit"
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
      "refTable": "customer"
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
      "refTable": null
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
      "refTable": null
    },
    {
      "key": "orgForm",
      "block": "basic",
      "kind": "choice",
      "required": false,
      "maxLen": null,
      "min": null,
      "max": null,
      "options": [
        "state_owned",
        "collective",
        "private",
        "joint_stock",
        "joint_venture",
        "individual_business",
        "partnership",
        "limited_company",
        "other"
      ],
      "refTable": null
    },
    {
      "key": "industry",
      "block": "basic",
      "kind": "text",
      "required": false,
      "maxLen": 60,
      "min": null,
      "max": null,
      "options": [],
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
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
      "refTable": null
    }
  ]
};
