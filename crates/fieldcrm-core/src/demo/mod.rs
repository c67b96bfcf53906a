//! The demo book: a deterministic, realistic Chinese agricultural-input sales
//! organisation — provinces, regions, territories, reps and managers,
//! distributors → sub-distributors → retailers with their key people,
//! addresses, credit incidents and a past of edits. The same seed and date give
//! the same book, byte for byte.
//!
//! Rows are written directly with prepared statements (the demo is built valid
//! by construction; a test re-checks every card against the field registry), and
//! the search index is rebuilt once at the end.
//!
//! The vocabulary (places, names, trade words) lives in `assets/demo/`.

use crate::error::ProblemCode;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rusqlite::{params, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::timestamp;
use crate::error::{Error, Result};
use crate::ids::{AddressId, ChangeId, CreditIncidentId, CustomerId, KeyPersonId, OrgUnitId, StaffId};
use crate::model::{OrgUnitKind, StaffRole};
use crate::{org, search};

const PLACES: &str = include_str!("../../../../assets/demo/places.txt");
const SURNAMES: &str = include_str!("../../../../assets/demo/surnames.txt");
const GIVEN: &str = include_str!("../../../../assets/demo/given.txt");
const BUSINESS: &str = include_str!("../../../../assets/demo/business.txt");

/// Most customers a demo book may hold.
pub const MAX_DEMO_CUSTOMERS: u32 = 1_000_000;
/// Customers one rep looks after, roughly: what a rep's four to eight visits a
/// working day keep at the rhythm their grades ask (see `fieldwork`).
const CUSTOMERS_PER_TERRITORY: u32 = 100;
/// Most visits a demo rep makes on one day.
pub const MAX_VISITS_PER_DAY: u32 = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DemoOptions {
    pub customers: u32,
    #[ts(type = "number")]
    pub seed: u64,
    /// The day the demo book is "today" (YYYY-MM-DD); defaults to the clock's today.
    #[serde(default)]
    #[ts(optional)]
    pub as_of: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DemoSummary {
    pub org_units: u32,
    pub staff: u32,
    pub customers: u32,
    pub key_people: u32,
    pub addresses: u32,
    pub credit_incidents: u32,
    pub history: u32,
    pub routes: u32,
    pub visits: u32,
    pub calls: u32,
    pub tasks: u32,
    pub reports: u32,
    pub products: u32,
    pub sales_lines: u32,
    pub invoices: u32,
    pub payments: u32,
    pub orders: u32,
    pub proposals: u32,
    pub complaints: u32,
}

mod approvals;
mod festivals;
mod fieldwork;
mod money;
mod sales;
mod service;
mod targets;

/// SplitMix64: small, fast, and the same on every platform and version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1).max(1) as u64) as i64
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn bytes(&mut self) -> [u8; 10] {
        let a = self.next().to_le_bytes();
        let b = self.next().to_le_bytes();
        [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], b[0], b[1]]
    }

    /// Weighted choice: `(value, weight)` pairs.
    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.below(total as usize) as u32;
        for (item, weight) in items {
            if roll < *weight {
                return *item;
            }
            roll -= weight;
        }
        items[0].0
    }
}

struct Vocabulary {
    places: Vec<(String, String, Vec<String>)>,
    surnames: Vec<String>,
    male: Vec<String>,
    female: Vec<String>,
    trade_names: Vec<String>,
    words: [Vec<String>; 3],
    streets: Vec<String>,
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn list(text: &str) -> Vec<String> {
    text.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

impl Vocabulary {
    fn load() -> Self {
        let places = lines(PLACES)
            .filter_map(|l| {
                let mut parts = l.split('|');
                Some((parts.next()?.to_string(), parts.next()?.to_string(), list(parts.next()?)))
            })
            .collect();
        let mut given = lines(GIVEN);
        let male = list(given.next().unwrap_or_default());
        let female = list(given.next().unwrap_or_default());
        let mut trade_names = vec![];
        let mut words: [Vec<String>; 3] = Default::default();
        let mut streets = vec![];
        for line in lines(BUSINESS) {
            if let Some((key, rest)) = line.split_once(": ") {
                match key {
                    "distributor" => words[0] = list(rest),
                    "sub_distributor" => words[1] = list(rest),
                    "retailer" => words[2] = list(rest),
                    "streets" => streets = list(rest),
                    _ => {}
                }
            } else {
                trade_names = list(line);
            }
        }
        Self { places, surnames: list(SURNAMES), male, female, trade_names, words, streets }
    }

    fn person(&self, rng: &mut Rng) -> (String, &'static str) {
        let female = rng.chance(0.3);
        let pool = if female { &self.female } else { &self.male };
        let mut name = rng.pick(&self.surnames).clone();
        name.push_str(rng.pick::<String>(pool));
        if rng.chance(0.6) {
            name.push_str(rng.pick::<String>(pool));
        }
        (name, if female { "female" } else { "male" })
    }
}

/// Approximate centre of each province, for plausible coordinates.
fn centre(province: &str) -> (f64, f64) {
    match province {
        "山东省" => (36.4, 118.5),
        "河南省" => (33.9, 113.5),
        "河北省" => (37.5, 115.5),
        "安徽省" => (33.0, 116.5),
        "江苏省" => (33.8, 119.0),
        "湖北省" => (31.5, 112.5),
        "黑龙江省" => (46.8, 126.5),
        "吉林省" => (43.8, 125.3),
        "四川省" => (31.0, 105.5),
        _ => (34.0, 114.0),
    }
}

/// 2 → 二, 12 → 十二, 40 → 四十: how a company numbers its second, third … unit.
fn zh_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", DIGITS[n % 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    }
}

fn short_place(name: &str) -> &str {
    let trimmed = name.trim_end_matches(['市', '县', '区', '省']);
    if trimmed.chars().count() >= 2 {
        trimmed
    } else {
        name
    }
}

struct Territory {
    unit: OrgUnitId,
    rep: StaffId,
    manager: StaffId,
    province: String,
    region: String,
    county: String,
    region_index: usize,
    centre: (f64, f64),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Distributor,
    Sub,
    Retailer,
}

const PERSONALITIES: &[&str] =
    &["稳重务实", "精明强干", "性格豪爽，讲义气", "谨慎保守", "热情好客", "做事果断", "爱面子，重感情", "精打细算"];
const HOBBIES: &[&str] = &["钓鱼", "打牌", "喝茶", "下象棋", "打篮球", "旅游", "书法", "唱歌", "养花"];
const FAMILIES: &[&str] = &[
    "已婚，一子一女，儿子在县城读高中",
    "已婚，儿子大学毕业后回来帮忙打理生意",
    "已婚，爱人负责店里账目",
    "已婚，女儿在外地工作",
    "夫妻共同经营，父母帮忙看店",
];
const ABILITIES: &[&str] = &[
    "熟悉当地种植结构，善于做示范田推广",
    "人脉广，和村干部关系好",
    "懂技术，能给农户讲解用药用肥",
    "资金实力强，旺季敢压货",
    "会做账，管理规范",
];
const PHILOSOPHY: &[&str] =
    &["薄利多销，靠服务留住农户", "只做品牌产品，不做低价货", "重视技术服务和示范田", "以量取胜，压低进货价"];
const STYLE: &[&str] =
    &["家族式管理，老板说了算", "分工明确，有专人管库房和账目", "夫妻店，凡事亲力亲为", "规范化管理，有财务和业务团队"];
const COMPETITORS: &[&str] = &["史丹利", "金正大", "中化化肥", "云天化", "新洋丰", "司尔特", "心连心", "鲁西"];
const PERFORMANCE: &[&str] =
    &["近三年销量稳定增长", "去年销量下滑约一成，主要受天气影响", "销量平稳，旺季集中", "今年新开发客户，销量增长快"];
const QUALITY: &[&str] =
    &["老板懂行，员工流动大", "业务员勤快，技术服务到位", "管理人员素质一般，靠老板个人能力", "团队年轻，执行力强"];
const RELATION: &[&str] =
    &["合作多年，关系稳定", "对我司政策比较认可", "对价格比较敏感，常比价", "对返利兑现有意见", "愿意配合做推广活动"];
const ACTIVITY: &[&str] = &["每年春秋两季办农民会", "赶集摆摊，下村送货", "开展测土配方服务", "微信群推广，送货上门"];
const PROBLEMS: &[&str] = &["资金周转紧张", "库房小，旺季备货不足", "同质化竞争激烈", "赊销多，回款慢"];
const STRENGTHS: &[&str] = &["位置好，在镇中心", "客户基础稳定", "技术服务口碑好", "网点多，覆盖面广"];
const PLANS: &[&str] = &["计划明年扩大店面", "打算增加水溶肥品类", "准备发展下游零售网点", "维持现状"];
/// Tags other than the debt tag, which follows the card's money (see [`DEBT_TAG`]).
const TAGS: &[&str] = &["重点客户", "示范户", "新开发", "旺季备货", "连锁加盟"];
/// The tag of a customer who owes us money: never on a card whose credit is
/// good (or unknown), always on one with an unresolved credit incident.
pub const DEBT_TAG: &str = "有欠款";
/// Share of the other customers who may owe us (normal, watch or bad credit) that do.
const OWING: f64 = 0.3;

/// What the card says of the customer's reputation, by its credit standing.
fn reputation(rng: &mut Rng, credit: &str) -> &'static str {
    let choices: &[&'static str] = match credit {
        "good" => &["在当地口碑好，讲信用", "老字号，农户认可", "合作多年，回款及时"],
        "normal" => &["信誉尚可，旺季偶有压款", "口碑一般，回款基本按期"],
        "watch" => &["信誉一般，偶有拖欠", "近期资金紧张，回款变慢"],
        "bad" => &["多次拖欠货款，信誉差", "有坏账记录，需现款交易"],
        _ => &["新店，信誉待观察"],
    };
    rng.pick::<&str>(choices)
}

/// A past credit incident: its kind, a description that fits it, and whether it is settled.
struct Incident {
    kind: &'static str,
    description: &'static str,
    occurred: NaiveDate,
    resolved: bool,
}

impl Incident {
    fn new(rng: &mut Rng, from: NaiveDate, today: NaiveDate, resolved: bool) -> Self {
        let kind = rng.weighted(&[("late_payment", 45), ("bounced_payment", 20), ("dispute", 20), ("bad_debt", 15)]);
        let description = match kind {
            "late_payment" => *rng.pick(&["旺季赊销货款逾期两个月", "年底对账后拖欠尾款"]),
            "bounced_payment" => "承兑汇票到期未兑付",
            "dispute" => "对返利金额有争议，暂扣货款",
            _ => *rng.pick(&["经营不善关店，货款无法收回", "老板外出躲债，欠款挂账"]),
        };
        // An open incident is recent; a settled one may be old.
        let from = if resolved { from } else { from.max(today - Duration::days(365)) };
        Self { kind, description, occurred: date_between(rng, from, today), resolved }
    }
}
const TOWN_CHARS: &[&str] = &[
    "田", "柳", "古", "城", "侯", "营", "里", "东", "西", "南", "北", "安", "河", "集", "店", "庄", "杨", "刘", "王",
    "马", "台", "桥", "山", "湖",
];

/// Fills `tx`'s empty book. Fails without writing if the book already has customers.
pub fn generate(tx: &Transaction<'_>, options: &DemoOptions, now: DateTime<Utc>) -> Result<DemoSummary> {
    generate_with(tx, options, now, &mut |_| Ok(()))
}

/// How far a demo build has come: its `phase` (`customers`, `routes`,
/// `fieldwork`, `sales`, `index`) and the cards written of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DemoProgress {
    pub phase: &'static str,
    pub done: u32,
    pub total: u32,
}

/// [`generate`], telling `progress` how far it has come; an error `progress`
/// returns (the user cancelled) stops the build, and the caller's
/// transaction leaves the book as it was.
pub fn generate_with(
    tx: &Transaction<'_>,
    options: &DemoOptions,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(DemoProgress) -> Result<()>,
) -> Result<DemoSummary> {
    let existing: i64 = tx.query_row("SELECT count(*) FROM customer", [], |r| r.get(0))?;
    if existing > 0 {
        return Err(Error::invalid(
            "customers",
            ProblemCode::BookNotEmpty,
            "the demo only fills an empty book; start it on a new book (another --db path)",
        ));
    }
    if options.customers == 0 || options.customers > MAX_DEMO_CUSTOMERS {
        return Err(Error::invalid(
            "customers",
            ProblemCode::OutOfRange,
            format!("give between 1 and {MAX_DEMO_CUSTOMERS} customers"),
        ));
    }
    let today = match &options.as_of {
        Some(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
            Error::invalid("asOf", ProblemCode::NotDate, format!("'{text}' is not a date; write YYYY-MM-DD"))
        })?,
        None => crate::clock::Zone::of(tx)?.day(now),
    };
    let anchor = today.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc();
    let vocab = Vocabulary::load();
    let mut rng = Rng(options.seed ^ 0x6669_656C_6463_726D);
    let mut summary = DemoSummary::default();
    let mut clock_ms = (anchor - Duration::days(3 * 365)).timestamp_millis() as u64;
    let mut tick = |rng: &mut Rng| {
        clock_ms += 1 + rng.below(3) as u64;
        (clock_ms, rng.bytes())
    };

    // Organisation.
    let org_time = anchor - Duration::days(3 * 365);
    let (ms, r) = tick(&mut rng);
    let root = org::add_unit(
        tx,
        OrgUnitId::from_parts(ms, r),
        None,
        OrgUnitKind::HeadOffice,
        "华丰农业科技股份有限公司总部",
        Some("HQ"),
        org_time,
    )?;
    summary.org_units += 1;
    let (ms, r) = tick(&mut rng);
    let (admin_name, _) = vocab.person(&mut rng);
    let admin = org::add_staff(
        tx,
        StaffId::from_parts(ms, r),
        &admin_name,
        StaffRole::HeadOffice,
        root,
        Some("0536-8888001"),
        org_time,
    )?;
    summary.staff += 1;

    // A territory per county, the first county of every prefecture first; a
    // book larger than one territory per county splits each county again
    // (round 2: 寿光市二片区 in 潍坊二区), so no rep looks after more than a rep can.
    let territories_wanted = options.customers.div_ceil(CUSTOMERS_PER_TERRITORY) as usize;
    let mut picks: Vec<(usize, usize, usize)> = vec![];
    let longest = vocab.places.iter().map(|p| p.2.len()).max().unwrap_or(0);
    'outer: for round in 0.. {
        if longest == 0 {
            break;
        }
        for i in 0..longest {
            for (line, place) in vocab.places.iter().enumerate() {
                if i < place.2.len() {
                    picks.push((line, round, i));
                    if picks.len() == territories_wanted {
                        break 'outer;
                    }
                }
            }
        }
    }
    picks.sort();
    // A unit under `parent` with the person who heads it.
    let mut unit = |rng: &mut Rng,
                    summary: &mut DemoSummary,
                    parent: OrgUnitId,
                    kind: OrgUnitKind,
                    name: &str,
                    role: StaffRole|
     -> Result<(OrgUnitId, StaffId)> {
        let (ms, r) = tick(rng);
        let id = org::add_unit(tx, OrgUnitId::from_parts(ms, r), Some(parent), kind, name, None, org_time)?;
        let (ms, r) = tick(rng);
        let (person, _) = vocab.person(rng);
        let head = org::add_staff(tx, StaffId::from_parts(ms, r), &person, role, id, Some(&mobile(rng)), org_time)?;
        summary.org_units += 1;
        summary.staff += 1;
        Ok((id, head))
    };
    let mut provinces: Vec<(String, OrgUnitId)> = vec![];
    let mut regions: Vec<((usize, usize), OrgUnitId, StaffId)> = vec![];
    let mut territories: Vec<Territory> = vec![];
    for (line, round, county_index) in picks {
        let (province, region, counties) = &vocab.places[line];
        let province_unit = match provinces.iter().find(|(p, _)| p == province) {
            Some((_, id)) => *id,
            None => {
                let (id, _) =
                    unit(&mut rng, &mut summary, root, OrgUnitKind::Province, province, StaffRole::ProvincialManager)?;
                provinces.push((province.clone(), id));
                id
            }
        };
        let (region_index, region_unit, manager) = match regions.iter().position(|(l, ..)| *l == (line, round)) {
            Some(i) => (i, regions[i].1, regions[i].2),
            None => {
                let name = match round {
                    0 => format!("{}区域", short_place(region)),
                    _ => format!("{}{}区", short_place(region), zh_number(round + 1)),
                };
                let (id, manager) = unit(
                    &mut rng,
                    &mut summary,
                    province_unit,
                    OrgUnitKind::Region,
                    &name,
                    StaffRole::RegionalManager,
                )?;
                regions.push(((line, round), id, manager));
                (regions.len() - 1, id, manager)
            }
        };
        let county = &counties[county_index];
        let name = match round {
            0 => format!("{county}片区"),
            _ => format!("{county}{}片区", zh_number(round + 1)),
        };
        let (unit, rep) = unit(&mut rng, &mut summary, region_unit, OrgUnitKind::Territory, &name, StaffRole::Rep)?;
        let (lat, lng) = centre(province);
        territories.push(Territory {
            unit,
            rep,
            manager,
            province: province.clone(),
            region: region.clone(),
            county: county.clone(),
            region_index,
            centre: (lat + (rng.below(300) as f64 - 150.0) / 100.0, lng + (rng.below(300) as f64 - 150.0) / 100.0),
        });
    }
    // Sales administration (销管): an administrator for every two provinces,
    // paired with them, drawn from a generator of their own so that the rest
    // of the demo stays as it was.
    let mut side = Rng(options.seed ^ 0x9A1E_5AD0_0000_0001);
    for (i, pair) in provinces.chunks(2).enumerate() {
        let (person, _) = vocab.person(&mut side);
        let millis = org_time.timestamp_millis() as u64 + i as u64;
        let id = StaffId::from_parts(millis, side.bytes());
        org::add_staff(tx, id, &person, StaffRole::SalesAdmin, root, Some(&mobile(&mut side)), org_time)?;
        let paired: Vec<OrgUnitId> = pair.iter().map(|(_, unit)| *unit).collect();
        org::set_regions(tx, id, &paired, org_time, || OrgUnitId::from_parts(millis, side.bytes()).to_string())?;
        summary.staff += 1;
    }
    org::set_profile(tx, admin, anchor)?;

    // Customers, level by level so that every supplier exists before its customers.
    let n = options.customers as usize;
    let per = territories.len();
    let count_in = |t: usize| n / per + usize::from(t < n % per);
    let mut distributors_by_region: std::collections::HashMap<usize, Vec<CustomerId>> = Default::default();
    let mut subs_by_territory: Vec<Vec<CustomerId>> = vec![vec![]; per];
    let mut writer = Writer { tx };
    let total = options.customers;
    let mut report = |phase: &'static str, done: u32| progress(DemoProgress { phase, done, total });
    report("customers", 0)?;
    for level in [Level::Distributor, Level::Sub, Level::Retailer] {
        for (t, territory) in territories.iter().enumerate() {
            let total = count_in(t);
            let distributors = (total * 3 / 100).max(1);
            let subs = (total * 17 / 100).max(usize::from(total > 2));
            let count = match level {
                Level::Distributor => distributors.min(total),
                Level::Sub => subs.min(total.saturating_sub(distributors)),
                Level::Retailer => total.saturating_sub(distributors + subs),
            };
            for _ in 0..count {
                let supplier = match level {
                    Level::Distributor => None,
                    Level::Sub => distributors_by_region.get(&territory.region_index).map(|d| *rng.pick(d)),
                    Level::Retailer if rng.chance(0.85) => {
                        if subs_by_territory[t].is_empty() {
                            distributors_by_region.get(&territory.region_index).map(|d| *rng.pick(d))
                        } else {
                            Some(*rng.pick(&subs_by_territory[t]))
                        }
                    }
                    Level::Retailer => None,
                };
                let (ms, r) = tick(&mut rng);
                let id = CustomerId::from_parts(ms, r);
                writer.customer(&mut rng, &vocab, territory, level, id, supplier, today, anchor, &mut summary)?;
                if summary.customers % 500 == 0 {
                    report("customers", summary.customers)?;
                }
                match level {
                    Level::Distributor => distributors_by_region.entry(territory.region_index).or_default().push(id),
                    Level::Sub => subs_by_territory[t].push(id),
                    Level::Retailer => {}
                }
            }
        }
    }
    report("routes", summary.customers)?;
    let (routes, work) = classify(tx, &territories, today, anchor, options.seed)?;
    summary.routes = routes;
    report("fieldwork", summary.customers)?;
    fieldwork::write(tx, work, &mut summary)?;
    report("sales", summary.customers)?;
    sales::generate(tx, today, options.seed, &mut summary)?;
    money::generate(tx, today, options.seed, &mut summary)?;
    report("targets", summary.customers)?;
    targets::generate(tx, today, options.seed)?;
    approvals::generate(tx, today, options.seed, &mut summary)?;
    service::generate(tx, now, today, options.seed, &mut summary)?;
    report("index", summary.customers)?;
    search::rebuild_all(tx)?;
    record(tx, options)?;
    Ok(summary)
}

/// The `local_setting` that marks a demo book, with the options it was built from.
const DEMO_SETTING: &str = "demo";

/// Marks the book as a demo book built from `options` (a device-local setting:
/// it never travels in a changeset file).
fn record(tx: &Transaction<'_>, options: &DemoOptions) -> Result<()> {
    let value = serde_json::to_string(options).map_err(|e| Error::Io(std::io::Error::other(e)))?;
    tx.execute(
        "INSERT INTO local_setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![DEMO_SETTING, value],
    )?;
    Ok(())
}

/// The options the book's demo was built from, or None for a book that is not a demo book.
pub fn recorded(conn: &rusqlite::Connection) -> Result<Option<DemoOptions>> {
    let value: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT value FROM local_setting WHERE key = ?1",
        [DEMO_SETTING],
        |r| r.get(0),
    ))?;
    Ok(value.and_then(|v| serde_json::from_str(&v).ok()))
}

/// Classification, grades, last visits and routes, in a pass of its own (with
/// its own random stream, so the cards above stay as they were). Everything is
/// worked out first and each card is written once: rewriting a wide card row
/// costs more than all the rest.
fn classify(
    tx: &Transaction<'_>,
    territories: &[Territory],
    today: NaiveDate,
    anchor: DateTime<Utc>,
    seed: u64,
) -> Result<(u32, fieldwork::Work)> {
    struct Card {
        id: CustomerId,
        level: String,
        lifecycle: String,
        credit: String,
        at: Option<(f64, f64)>,
        owner: StaffId,
        sales: Option<i64>,
        channel: &'static str,
        location: &'static str,
        credit_grade: Option<&'static str>,
        grade: Option<String>,
        manual: bool,
        last_visit: Option<String>,
        route: Option<(crate::ids::RouteId, f64)>,
    }
    let mut rng = Rng(seed ^ 0x726F_7574_6573_2121);
    let mut cards: Vec<Card> = tx
        .prepare(
            "SELECT c.id, c.channel_level, c.lifecycle, c.credit_standing, a.latitude, a.longitude, c.owner_id,
                    c.annual_sales_with_us
             FROM customer c LEFT JOIN customer_address a ON a.customer_id = c.id AND a.kind = 'business'
             ORDER BY c.id",
        )?
        .query_map([], |r| {
            let lat: Option<f64> = r.get(4)?;
            let lon: Option<f64> = r.get(5)?;
            Ok(Card {
                id: r.get(0)?,
                level: r.get(1)?,
                lifecycle: r.get(2)?,
                credit: r.get(3)?,
                at: lat.zip(lon),
                owner: r.get(6)?,
                sales: r.get(7)?,
                channel: "",
                location: "",
                credit_grade: None,
                grade: None,
                manual: false,
                last_visit: None,
                route: None,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    for c in &mut cards {
        c.channel = match c.level.as_str() {
            "distributor" => "distributor",
            "sub_distributor" => *rng.pick(&["sub_distributor", "sub_distributor", "wholesaler"]),
            _ => rng.weighted(&[("retailer", 55), ("specialty", 20), ("franchise", 12), ("chain", 8), ("agent", 5)]),
        };
        c.location = match c.level.as_str() {
            "retailer" => rng.weighted(&[
                ("rural_market", 45),
                ("residential", 30),
                ("commercial_centre", 15),
                ("transport_hub", 10),
            ]),
            _ => rng.weighted(&[("commercial_centre", 40), ("transport_hub", 30), ("other", 30)]),
        };
        c.credit_grade = match c.credit.as_str() {
            "good" => Some(*rng.pick(&["A", "A", "B"])),
            "normal" => Some(*rng.pick(&["B", "C"])),
            "watch" => Some("C"),
            "bad" => Some("D"),
            _ => None,
        };
    }
    // Customer grades by the ABC rule, as a manager accepting the first
    // suggestion would set them; a few raised by hand, with a reason.
    let rule = crate::grades::rule(tx)?;
    let mut ranked: Vec<usize> = (0..cards.len())
        .filter(|&i| matches!(cards[i].lifecycle.as_str(), "active" | "dormant") && cards[i].sales.is_some())
        .collect();
    ranked.sort_by(|&a, &b| cards[b].sales.cmp(&cards[a].sales).then(cards[a].id.cmp(&cards[b].id)));
    let revenues: Vec<i64> = ranked.iter().map(|&i| cards[i].sales.unwrap_or(0)).collect();
    for (&i, grade) in ranked.iter().zip(crate::grades::abc(&rule, &revenues)) {
        cards[i].grade = Some(grade);
    }
    let manager_of: std::collections::HashMap<StaffId, StaffId> =
        territories.iter().map(|t| (t.rep, t.manager)).collect();
    for c in cards.iter_mut().filter(|c| c.grade.as_deref() == Some("C")) {
        let Some(by) = manager_of.get(&c.owner).copied() else { continue };
        if !rng.chance(0.03) {
            continue;
        }
        c.grade = Some("B".into());
        c.manual = true;
        let at = anchor - Duration::days(rng.range(5, 90));
        let id = ChangeId::from_parts(at.timestamp_millis() as u64, rng.bytes());
        tx.prepare_cached(
            "INSERT INTO change_history (id, customer_id, entity, entity_id, field, old_value, new_value, changed_by,
                changed_at, source, reason)
             VALUES (?1, ?2, 'customer', ?2, 'grade', '\"C\"', '\"B\"', ?3, ?4, 'grade', '新开乡镇网点，重点扶持')",
        )?
        .execute(params![id, c.id, by, timestamp(at)])?;
    }
    // Routes: each rep's customers split into sectors around the rep's base,
    // one route per sector (about fifteen stops), toured on its own weekday,
    // Monday to Saturday. Stops start in the order they were signed up, so
    // optimising has something to do.
    const SECTORS: [&str; 6] = ["东线", "东南线", "西南线", "西线", "西北线", "东北线"];
    let mut by_owner: std::collections::HashMap<StaffId, Vec<usize>> = Default::default();
    for (i, c) in cards.iter().enumerate().filter(|(_, c)| c.lifecycle != "eliminated") {
        by_owner.entry(c.owner).or_default().push(i);
    }
    let mut routes = 0;
    let mut weekdays: std::collections::HashMap<crate::ids::RouteId, u8> = Default::default();
    for territory in territories {
        let base = territory.centre;
        let Some(mine) = by_owner.get(&territory.rep) else { continue };
        let angles: Vec<(usize, f64)> = mine
            .iter()
            .map(|&i| {
                let angle = match cards[i].at {
                    Some((lat, lng)) => (lat - base.0).atan2(lng - base.1),
                    None => (rng.below(628) as f64 / 100.0) - std::f64::consts::PI,
                };
                (i, angle)
            })
            .collect();
        let count = (mine.len() / 15).clamp(1, SECTORS.len());
        let place = short_place(&territory.county);
        for (k, sector) in SECTORS.iter().take(count).enumerate() {
            let low = -std::f64::consts::PI + 2.0 * std::f64::consts::PI * k as f64 / count as f64;
            let high = -std::f64::consts::PI + 2.0 * std::f64::consts::PI * (k + 1) as f64 / count as f64;
            let stops: Vec<usize> =
                angles.iter().filter(|(_, a)| *a >= low && (*a < high || k + 1 == count)).map(|(i, _)| *i).collect();
            if stops.is_empty() {
                continue;
            }
            let created = anchor - Duration::days(rng.range(100, 700));
            let route = crate::ids::RouteId::from_parts(created.timestamp_millis() as u64, rng.bytes());
            tx.prepare_cached(
                "INSERT INTO route (id, name, owner_id, territory_id, start_latitude, start_longitude, weekday, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            )?
            .execute(params![
                route,
                format!("{place}{sector}"),
                territory.rep,
                territory.unit,
                (base.0 * 1e6).round() / 1e6,
                (base.1 * 1e6).round() / 1e6,
                k as i64 + 1,
                timestamp(created),
            ])?;
            for (seq, &i) in stops.iter().take(crate::routes::MAX_STOPS).enumerate() {
                cards[i].route = Some((route, (seq + 1) as f64));
            }
            weekdays.insert(route, k as u8 + 1);
            routes += 1;
        }
    }
    // Half a year of field work on these routes, worked out before the cards
    // are written: each card's last visit is its last visit on record.
    let unit_of: std::collections::HashMap<StaffId, OrgUnitId> = territories.iter().map(|t| (t.rep, t.unit)).collect();
    let work = fieldwork::plan(
        tx,
        cards
            .iter()
            .map(|c| fieldwork::Card {
                id: c.id,
                owner: c.owner,
                territory: unit_of.get(&c.owner).map(ToString::to_string).unwrap_or_default(),
                level: c.level.clone(),
                lifecycle: c.lifecycle.clone(),
                grade: c.grade.clone(),
                route: c.route.and_then(|(r, seq)| weekdays.get(&r).map(|&w| (w, seq))),
            })
            .collect(),
        today,
        seed,
    )?;
    for (i, c) in cards.iter_mut().enumerate() {
        c.last_visit = work.last_visit(i).map(|d| d.to_string());
    }
    let mut update = tx.prepare_cached(
        "UPDATE customer SET channel_type = ?2, location_type = ?3, credit_grade = ?4, grade = ?5, grade_manual = ?6,
            last_visit_on = ?7, route_id = ?8, route_seq = ?9
         WHERE id = ?1",
    )?;
    for c in &cards {
        update.execute(params![
            c.id,
            c.channel,
            c.location,
            c.credit_grade,
            c.grade,
            c.manual,
            c.last_visit,
            c.route.map(|r| r.0),
            c.route.map(|r| r.1),
        ])?;
    }
    Ok((routes, work))
}

fn mobile(rng: &mut Rng) -> String {
    format!("1{}{:09}", rng.pick(&["3", "5", "7", "8", "9"]), rng.next() % 1_000_000_000)
}

fn landline(rng: &mut Rng) -> String {
    format!("0{}-{}", rng.range(310, 999), rng.range(2_000_000, 8_999_999))
}

fn date_between(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let days = (to - from).num_days().max(0);
    from + Duration::days(rng.range(0, days))
}

/// Writes the demo's rows with cached prepared statements.
struct Writer<'t> {
    tx: &'t Transaction<'t>,
}

impl<'t> Writer<'t> {
    #[allow(clippy::too_many_arguments)]
    fn history(
        &self,
        rng: &mut Rng,
        customer: CustomerId,
        entity: &str,
        entity_id: &str,
        field: &str,
        old: Option<&str>,
        new: Option<&str>,
        by: StaffId,
        at: DateTime<Utc>,
        source: &str,
    ) -> Result<()> {
        let id = ChangeId::from_parts(at.timestamp_millis() as u64, rng.bytes());
        self.tx
            .prepare_cached(
                "INSERT INTO change_history (id, customer_id, entity, entity_id, field, old_value, new_value, changed_by, changed_at, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![id, customer, entity, entity_id, field, old, new, by, timestamp(at), source])?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn customer(
        &mut self,
        rng: &mut Rng,
        vocab: &Vocabulary,
        territory: &Territory,
        level: Level,
        id: CustomerId,
        supplier: Option<CustomerId>,
        today: NaiveDate,
        anchor: DateTime<Utc>,
        summary: &mut DemoSummary,
    ) -> Result<()> {
        let j = |s: &str| serde_json::Value::from(s).to_string();
        let county = short_place(&territory.county);
        let town = format!("{}{}镇", rng.pick(TOWN_CHARS), rng.pick(TOWN_CHARS));
        let trade = rng.pick(&vocab.trade_names).clone();
        let (owner_name, owner_gender) = vocab.person(rng);
        let (name, channel) = match level {
            Level::Distributor => {
                (format!("{}{}{}", short_place(&territory.region), trade, rng.pick(&vocab.words[0])), "distributor")
            }
            Level::Sub => (format!("{county}{trade}{}", rng.pick(&vocab.words[1])), "sub_distributor"),
            Level::Retailer => {
                if rng.chance(0.5) {
                    (format!("{town}{owner_name}{}", rng.pick(&vocab.words[2])), "retailer")
                } else {
                    (format!("{town}{trade}{}", rng.pick(&vocab.words[2])), "retailer")
                }
            }
        };
        let lifecycle = rng.weighted(&[("active", 75), ("prospect", 10), ("dormant", 10), ("eliminated", 5)]);
        let founded =
            date_between(rng, NaiveDate::from_ymd_opt(1995, 1, 1).unwrap_or(today), today - Duration::days(400));
        let trading_since = (lifecycle != "prospect")
            .then(|| date_between(rng, founded.max(today - Duration::days(10 * 365)), today - Duration::days(200)));
        let created = anchor - Duration::days(rng.range(30, 3 * 365)) - Duration::minutes(rng.range(0, 600));
        let reviewed = (anchor - Duration::days(rng.range(0, 260))).max(created);
        let updated = (created + Duration::days(rng.range(0, (anchor - created).num_days().max(0)))).min(anchor);
        let (capital, employees, revenue) = match level {
            Level::Distributor => (rng.range(50, 1000) * 10_000, rng.range(15, 120), rng.range(500, 8000) * 10_000),
            Level::Sub => (rng.range(5, 100) * 10_000, rng.range(3, 20), rng.range(50, 800) * 10_000),
            Level::Retailer => (rng.range(1, 10) * 10_000, rng.range(1, 5), rng.range(10, 150) * 10_000),
        };
        let org_form = match level {
            Level::Distributor => *rng.pick(&["limited_company", "joint_stock", "private"]),
            Level::Sub => *rng.pick(&["individual_business", "private", "partnership"]),
            Level::Retailer => "individual_business",
        };
        // A prospect has never bought on credit from us: rarely more than a third party's word.
        let credit = if lifecycle == "prospect" {
            rng.weighted(&[("unknown", 70), ("normal", 20), ("good", 10)])
        } else {
            rng.weighted(&[("good", 45), ("normal", 35), ("watch", 11), ("bad", 4), ("unknown", 5)])
        };
        // Credit incidents: customers on watch or bad have one or two, some
        // still open; a few others had one, long settled. An open incident is
        // money owed: the card carries the debt tag.
        let incidents: Vec<Incident> = match credit {
            "watch" | "bad" => (0..rng.range(1, 2))
                .map(|_| {
                    let resolved = rng.chance(if credit == "bad" { 0.3 } else { 0.5 });
                    Incident::new(rng, created.date_naive(), today, resolved)
                })
                .collect(),
            "good" | "normal" if lifecycle != "prospect" && rng.chance(0.03) => {
                vec![Incident::new(rng, created.date_naive(), today, true)]
            }
            _ => vec![],
        };
        let owes = incidents.iter().any(|i| !i.resolved)
            || (matches!(credit, "normal" | "watch" | "bad") && lifecycle != "prospect" && rng.chance(OWING));
        let phone = if level == Level::Distributor && rng.chance(0.4) { landline(rng) } else { mobile(rng) };
        let service_area = match level {
            Level::Distributor => format!("覆盖{}下辖{}个县区", territory.region, rng.range(3, 9)),
            Level::Sub => format!("{}及周边{}个乡镇", territory.county, rng.range(3, 12)),
            Level::Retailer => format!("{town}及周边{}个村", rng.range(5, 30)),
        };
        let terms = match credit {
            "good" if level != Level::Retailer => {
                format!("授信{}万元，账期60天", rng.range(5, 100))
            }
            "good" | "normal" => "月结30天".to_string(),
            _ => "现款现货".to_string(),
        };
        let trading_source = rng.weighted(&[("rep_visit", 85), ("customer_form", 8), ("third_party", 7)]);
        let basic_source = rng.weighted(&[("rep_visit", 88), ("customer_form", 12)]);
        let verified = |source: &str, rng: &mut Rng| source != "customer_form" || rng.chance(0.5);
        let basic_verified = verified(basic_source, rng);
        let trading_verified = verified(trading_source, rng);
        let mut tags: std::collections::BTreeSet<&str> = (0..rng.below(3)).map(|_| *rng.pick(TAGS)).collect();
        if owes {
            tags.insert(DEBT_TAG);
        }
        let tags: Vec<&str> = tags.into_iter().collect();
        let sales_with_us = (lifecycle != "prospect").then(|| revenue * rng.range(5, 40) / 100);
        self.tx
            .prepare_cached(
                "INSERT INTO customer (id, revision, name, name_pinyin, short_name, phone, channel_level, lifecycle, owner_id, territory_id,
                    supplier_id, founded_on, trading_since, org_form, industry, registered_capital, total_assets,
                    service_area, sales_capacity, development_potential, business_philosophy, business_policies, employees, annual_revenue, management_style,
                    annual_sales_with_us, sales_performance, management_quality, salesforce_quality, competitor_relations, relationship_with_us, cooperation_attitude,
                    sales_activity, problems, strengths, future_plans, reputation, credit_standing, trading_terms,
                    basic_source, characteristics_source, business_source, trading_source,
                    basic_verified, characteristics_verified, business_verified, trading_verified,
                    notes, tags, reviewed_at, created_at, created_by, updated_at, updated_by, code)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25,
                    ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, 'rep_visit', 'rep_visit', ?41,
                    ?42, 1, 1, ?43, ?44, ?45, ?46, ?47, ?48, ?49, ?48, ?50)",
            )?
            .execute(params![
                id,
                1,
                name,
                search::sort_key(&name),
                (level != Level::Retailer).then(|| format!("{county}{trade}")),
                phone,
                channel,
                lifecycle,
                territory.rep,
                territory.unit,
                supplier,
                founded.to_string(),
                trading_since.map(|d| d.to_string()),
                org_form,
                "agri_inputs",
                capital,
                capital * rng.range(2, 6),
                service_area,
                format!("年销售能力约{}吨", revenue / 10_000 / rng.range(3, 8).max(1)),
                *rng.pick(&["high", "medium", "low"]),
                *rng.pick(PHILOSOPHY),
                "坚持现款为主，对大户适当赊销",
                employees,
                revenue,
                *rng.pick(STYLE),
                sales_with_us,
                *rng.pick(PERFORMANCE),
                *rng.pick(QUALITY),
                *rng.pick(QUALITY),
                format!("同时经营{}、{}产品", rng.pick(COMPETITORS), rng.pick(COMPETITORS)),
                *rng.pick(RELATION),
                *rng.pick(&["positive", "positive", "neutral", "reluctant"]),
                *rng.pick(ACTIVITY),
                *rng.pick(PROBLEMS),
                *rng.pick(STRENGTHS),
                *rng.pick(PLANS),
                reputation(rng, credit),
                credit,
                terms,
                basic_source,
                trading_source,
                basic_verified,
                trading_verified,
                rng.chance(0.2).then(|| format!("{}月份需重点跟进", rng.range(1, 12))),
                serde_json::to_string(&tags).unwrap_or_else(|_| "[]".into()),
                timestamp(reviewed),
                timestamp(created),
                territory.rep,
                timestamp(updated),
                // The ERP's customer code, which sales lines name.
                format!("C{:07}", summary.customers + 1),
            ])?;
        summary.customers += 1;

        // A past: the card was created, then edited a few times.
        self.history(
            rng,
            id,
            "customer",
            &id.to_string(),
            "*",
            None,
            Some(j(&name).as_str()),
            territory.rep,
            created,
            "create",
        )?;
        summary.history += 1;
        let span = (updated - created).num_minutes().max(3);
        let mut at = created;
        if lifecycle != "prospect" {
            at += Duration::minutes(rng.range(1, span / 3));
            self.history(
                rng,
                id,
                "customer",
                &id.to_string(),
                "lifecycle",
                Some(j("prospect").as_str()),
                Some(j(lifecycle).as_str()),
                territory.manager,
                at,
                "edit",
            )?;
            summary.history += 1;
        }
        if rng.chance(0.5) {
            at += Duration::minutes(rng.range(1, span / 3));
            let old_phone = mobile(rng);
            self.history(
                rng,
                id,
                "customer",
                &id.to_string(),
                "phone",
                Some(j(&old_phone).as_str()),
                Some(j(&phone).as_str()),
                territory.rep,
                at,
                "edit",
            )?;
            summary.history += 1;
        }
        if credit != "normal" && rng.chance(0.6) {
            at += Duration::minutes(rng.range(1, span / 3));
            self.history(
                rng,
                id,
                "customer",
                &id.to_string(),
                "creditStanding",
                Some(j("normal").as_str()),
                Some(j(credit).as_str()),
                territory.rep,
                at,
                "edit",
            )?;
            summary.history += 1;
        }

        // Key people.
        let mut people: Vec<(&str, String, &str)> = vec![("owner", owner_name, owner_gender)];
        if level == Level::Distributor && rng.chance(0.5) {
            let (n, g) = vocab.person(rng);
            people.push(("legal_representative", n, g));
        }
        if (level == Level::Distributor && rng.chance(0.7)) || (level == Level::Sub && rng.chance(0.3)) {
            let (n, g) = vocab.person(rng);
            people.push(("manager", n, g));
        }
        if rng.chance(0.5) {
            let (n, g) = vocab.person(rng);
            people.push(("contact", n, g));
        }
        for (role, person, gender) in people {
            let pid = KeyPersonId::from_parts(created.timestamp_millis() as u64, rng.bytes());
            let title = match role {
                "owner" => "老板",
                "legal_representative" => "法人代表",
                "manager" => *rng.pick(&["总经理", "业务经理", "店长"]),
                _ => *rng.pick(&["会计", "库管", "业务员", "老板娘"]),
            };
            self.tx
                .prepare_cached(
                    "INSERT INTO key_person (id, customer_id, role, name, title, phone, gender, birth_year, education, personality, hobbies, family, abilities, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
                )?
                .execute(params![
                    pid,
                    id,
                    role,
                    person,
                    title,
                    mobile(rng),
                    gender,
                    rng.range(1960, i64::from(today.year()) - 25),
                    *rng.pick(&["junior_high", "senior_high", "vocational", "college", "bachelor"]),
                    *rng.pick(PERSONALITIES),
                    format!("{}、{}", rng.pick(HOBBIES), rng.pick(HOBBIES)),
                    *rng.pick(FAMILIES),
                    *rng.pick(ABILITIES),
                    timestamp(created),
                ])?;
            self.history(
                rng,
                id,
                "key_person",
                &pid.to_string(),
                "*",
                None,
                Some(j(&person).as_str()),
                territory.rep,
                created,
                "create",
            )?;
            summary.key_people += 1;
            summary.history += 1;
        }

        // Addresses.
        let street = rng.pick(&vocab.streets).clone();
        let detail = match level {
            Level::Retailer => format!("{town}{street}{}号", rng.range(1, 300)),
            _ => format!("{street}{}号", rng.range(1, 999)),
        };
        let coords = rng.chance(0.7).then(|| {
            (
                territory.centre.0 + (rng.below(4000) as f64 - 2000.0) / 10_000.0,
                territory.centre.1 + (rng.below(4000) as f64 - 2000.0) / 10_000.0,
            )
        });
        let aid = AddressId::from_parts(created.timestamp_millis() as u64, rng.bytes());
        let mut address = self.tx.prepare_cached(
            "INSERT INTO customer_address (id, customer_id, kind, province, city, district, detail, latitude, longitude, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        )?;
        address.execute(params![
            aid,
            id,
            "business",
            territory.province,
            territory.region,
            territory.county,
            detail,
            coords.map(|c| (c.0 * 1e6).round() / 1e6),
            coords.map(|c| (c.1 * 1e6).round() / 1e6),
            timestamp(created),
        ])?;
        summary.addresses += 1;
        if level == Level::Distributor && rng.chance(0.6) {
            let wid = AddressId::from_parts(created.timestamp_millis() as u64, rng.bytes());
            address.execute(params![
                wid,
                id,
                "warehouse",
                territory.province,
                territory.region,
                territory.county,
                format!("{}物流园{}号库", short_place(&territory.county), rng.range(1, 40)),
                Option::<f64>::None,
                Option::<f64>::None,
                timestamp(created),
            ])?;
            summary.addresses += 1;
        }

        // The credit incidents decided with the credit standing above.
        for incident in &incidents {
            let cid = CreditIncidentId::from_parts(created.timestamp_millis() as u64, rng.bytes());
            self.tx
                .prepare_cached(
                    "INSERT INTO credit_incident (id, customer_id, occurred_on, kind, amount, description, resolved, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                )?
                .execute(params![
                    cid,
                    id,
                    incident.occurred.to_string(),
                    incident.kind,
                    rng.range(1, 50) * 1_000,
                    incident.description,
                    incident.resolved,
                    timestamp(created),
                ])?;
            summary.credit_incidents += 1;
        }
        Ok(())
    }
}
