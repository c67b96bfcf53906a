//! Two years of sales for the demo book: a catalogue of sixty agricultural
//! inputs in six lines, and about thirty sales lines per customer, each
//! customer buying from its favourite lines at the scale of its card's
//! "annual sales with us", growing or shrinking over the two years (so the
//! negative-growth list has names on it). The year has its seasons: the
//! winter stocking-up before 春节, almost nothing in the holiday, and a peak
//! before 中秋 (see `festivals`). Dormant customers stopped buying half a year
//! ago, eliminated ones a year ago; prospects never bought. Its own random
//! stream keeps everything else as it was.

use chrono::{Duration, NaiveDate};
use rusqlite::{params, Transaction};

use super::{DemoSummary, Rng};
use crate::clock::timestamp;
use crate::error::Result;
use crate::ids::CustomerId;
use crate::model::SalesKind;
use crate::sales::{self, analysis::epoch_day, ProductInput, SalesLineInput};
use crate::store::BatchInsert;

/// Days of sales history.
const HISTORY_DAYS: i64 = 730;

/// A product line: name, category, unit, and its products (name, list price in fen).
type CatalogueLine = (&'static str, &'static str, &'static str, &'static [(&'static str, i64)]);

const CATALOGUE: &[CatalogueLine] = &[
    (
        "复合肥",
        "肥料",
        "袋",
        &[
            ("45%硫酸钾型复合肥 15-15-15", 16_500),
            ("48%高塔复合肥 16-16-16", 18_000),
            ("40%控释复合肥 20-10-10", 15_200),
            ("51%硝硫基复合肥 17-17-17", 19_800),
            ("42%氯基复合肥 14-16-12", 12_800),
            ("50%水稻专用肥 22-8-20", 17_500),
            ("45%玉米专用肥 26-10-9", 16_200),
            ("40%小麦专用肥 18-12-10", 14_600),
            ("54%果蔬专用肥 18-6-30", 21_000),
            ("38%花生专用肥 12-16-10", 13_900),
        ],
    ),
    (
        "氮肥",
        "肥料",
        "袋",
        &[
            ("小颗粒尿素 46%", 11_800),
            ("大颗粒尿素 46%", 12_200),
            ("硫酸铵 21%", 6_400),
            ("碳酸氢铵 17%", 4_200),
            ("硝酸铵钙", 9_800),
            ("缓释尿素", 14_500),
            ("长效尿素", 13_600),
            ("氯化铵", 5_600),
            ("硝酸钾", 28_000),
            ("聚合氮", 15_800),
        ],
    ),
    (
        "有机肥",
        "肥料",
        "袋",
        &[
            ("生物有机肥", 5_800),
            ("商品有机肥", 4_200),
            ("有机无机复混肥", 8_600),
            ("羊粪有机肥", 3_900),
            ("腐植酸有机肥", 6_800),
            ("微生物菌剂", 9_600),
            ("黄腐酸钾", 12_000),
            ("氨基酸有机肥", 7_200),
            ("海藻有机肥", 8_900),
            ("土壤调理剂", 6_500),
        ],
    ),
    (
        "水溶肥",
        "肥料",
        "箱",
        &[
            ("大量元素水溶肥 20-20-20", 32_000),
            ("高钾水溶肥 10-10-40", 34_000),
            ("高磷水溶肥 10-50-10", 36_000),
            ("腐植酸水溶肥", 26_000),
            ("氨基酸叶面肥", 18_000),
            ("海藻酸叶面肥", 19_500),
            ("中微量元素水溶肥", 22_000),
            ("磷酸二氢钾", 24_000),
            ("螯合钙镁肥", 21_500),
            ("硼锌叶面肥", 16_800),
        ],
    ),
    (
        "植保",
        "农药",
        "箱",
        &[
            ("吡虫啉 10%可湿性粉剂", 9_600),
            ("阿维菌素 1.8%乳油", 12_400),
            ("高效氯氰菊酯 4.5%乳油", 8_800),
            ("草甘膦 41%水剂", 14_200),
            ("苯醚甲环唑 10%水分散粒剂", 18_600),
            ("多菌灵 50%可湿性粉剂", 7_800),
            ("烟嘧磺隆 4%悬浮剂", 11_200),
            ("代森锰锌 80%可湿性粉剂", 10_400),
            ("噻虫嗪 25%水分散粒剂", 16_400),
            ("戊唑醇 43%悬浮剂", 15_600),
        ],
    ),
    (
        "种子",
        "种子",
        "袋",
        &[
            ("郑单958 玉米种", 4_500),
            ("登海605 玉米种", 5_200),
            ("济麦22 小麦种", 2_600),
            ("百农207 小麦种", 2_800),
            ("中黄13 大豆种", 3_600),
            ("花育25 花生种", 6_800),
            ("鲁棉研28 棉花种", 7_400),
            ("京欣 西瓜种", 9_800),
            ("黄瓜 津优35", 8_600),
            ("番茄 金鹏1号", 11_800),
        ],
    ),
];

/// Lines a customer of each channel level buys over the two years, on average.
fn lines_of(level: &str) -> i64 {
    match level {
        "distributor" => 180,
        "sub_distributor" => 64,
        _ => 26,
    }
}

struct Buyer {
    id: CustomerId,
    level: String,
    lifecycle: String,
    /// Yuan a year.
    yearly: i64,
}

struct Line {
    day: i64,
    buyer: u32,
    product: u16,
    quantity: f64,
    amount: i64,
}

pub(super) fn generate(tx: &Transaction<'_>, today: NaiveDate, seed: u64, summary: &mut DemoSummary) -> Result<()> {
    let mut rng = Rng(seed ^ 0x7361_6C65_7321_2121);
    let zone = crate::clock::Zone::of(tx)?;
    let created = (today - Duration::days(HISTORY_DAYS + 30)).and_hms_opt(8, 0, 0).unwrap_or_default().and_utc();
    let mut products: Vec<(String, i64, usize)> = vec![];
    for (line_no, (line, category, unit, items)) in CATALOGUE.iter().enumerate() {
        for (i, (name, price)) in items.iter().enumerate() {
            let code = format!("P{}{:02}", line_no + 1, i + 1);
            sales::save_product(
                tx,
                &ProductInput {
                    code: code.clone(),
                    name: (*name).to_string(),
                    category: Some((*category).to_string()),
                    line: Some((*line).to_string()),
                    unit: Some((*unit).to_string()),
                    case_size: (*unit == "箱").then_some(20),
                    list_price: Some(*price),
                    retired: None,
                },
                created,
            )?;
            products.push((code, *price, line_no));
            summary.products += 1;
        }
    }
    let buyers: Vec<Buyer> = tx
        .prepare(
            "SELECT id, channel_level, lifecycle, coalesce(annual_sales_with_us, 0) FROM customer
              WHERE lifecycle <> 'prospect' ORDER BY id",
        )?
        .query_map([], |r| Ok(Buyer { id: r.get(0)?, level: r.get(1)?, lifecycle: r.get(2)?, yearly: r.get(3)? }))?
        .collect::<rusqlite::Result<_>>()?;
    let first = epoch_day(today) - HISTORY_DAYS;
    // The days' weights, summed: a line falls on a day as often as the day ships.
    let start = today - Duration::days(HISTORY_DAYS);
    let mut season: Vec<f64> = Vec::with_capacity(HISTORY_DAYS as usize);
    let mut sum = 0.0;
    for offset in 0..HISTORY_DAYS {
        sum += super::festivals::sales_weight(start + Duration::days(offset));
        season.push(sum);
    }
    let mut lines: Vec<Line> = vec![];
    for (b, buyer) in buyers.iter().enumerate() {
        if buyer.yearly <= 0 {
            continue;
        }
        let count = (lines_of(&buyer.level) * rng.range(60, 140) / 100).max(2);
        // Two or three favourite lines, and a trend over the two years.
        let favourites = [rng.below(CATALOGUE.len()), rng.below(CATALOGUE.len()), rng.below(CATALOGUE.len())];
        let trend = rng.range(-35, 70) as f64 / 100.0;
        let last = match buyer.lifecycle.as_str() {
            "dormant" => HISTORY_DAYS - 182,
            "eliminated" => HISTORY_DAYS - 365,
            _ => HISTORY_DAYS - 1,
        };
        // Per line, in fen, so that a year adds up to the card's figure.
        let per_line = buyer.yearly as f64 * 100.0 * 2.0 / count as f64;
        let up_to = season[last as usize];
        for _ in 0..count {
            let at = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * up_to;
            let offset = (season.partition_point(|&s| s <= at) as i64).min(last);
            let choices = if rng.chance(0.8) { 2 } else { 3 };
            let line = favourites[rng.below(choices)];
            let product = line * 10 + rng.below(10);
            let scale = 1.0 + trend * (offset as f64 / HISTORY_DAYS as f64 - 0.5) * 2.0;
            let noise = rng.range(40, 160) as f64 / 100.0;
            let price = products[product].1 as f64 * rng.range(88, 100) as f64 / 100.0;
            let quantity = (per_line * scale * noise / price).round().max(1.0);
            lines.push(Line {
                day: first + offset,
                buyer: b as u32,
                product: product as u16,
                quantity,
                amount: (quantity * price).round() as i64,
            });
        }
    }
    lines.sort_unstable_by_key(|l| (l.day, l.buyer, l.product));
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let product_ids: Vec<String> = products.iter().map(|p| sales::product_id(&p.0).to_string()).collect();
    let buyer_ids: Vec<String> = buyers.iter().map(|b| b.id.to_string()).collect();
    let insert_lines = |tx: &Transaction<'_>| -> Result<()> {
        let mut insert = BatchInsert::new(
            tx,
            "sales_line",
            &["id", "customer_id", "product_id", "sold_on", "quantity", "amount", "kind", "document", "created_at"],
        )?;
        let mut sequence = 0u32;
        let mut previous: Option<(i64, u32)> = None;
        let mut repeats = 0u32;
        for (i, l) in lines.iter().enumerate() {
            let day = epoch + Duration::days(l.day);
            // One delivery note per customer and day.
            if previous != Some((l.day, l.buyer)) {
                sequence += 1;
                previous = Some((l.day, l.buyer));
            }
            let same_product_before = i > 0 && {
                let p = &lines[i - 1];
                (p.day, p.buyer, p.product) == (l.day, l.buyer, l.product)
            };
            repeats = if same_product_before { repeats + 1 } else { 1 };
            let code = &products[l.product as usize].0;
            let document = format!("XS{}{:06}", day.format("%Y%m%d"), sequence % 1_000_000);
            let id = sales::line_id(&SalesLineInput {
                customer_id: buyers[l.buyer as usize].id,
                product_id: sales::product_id(code),
                sold_on: day,
                quantity: l.quantity,
                amount: l.amount,
                kind: SalesKind::Shipment,
                document: Some(document.clone()),
                line: Some(format!("{code}#{repeats}")),
            });
            insert.push(rusqlite::params![
                id.to_string(),
                buyer_ids[l.buyer as usize],
                product_ids[l.product as usize],
                day.format("%Y-%m-%d").to_string(),
                l.quantity,
                l.amount,
                "shipment",
                document,
                timestamp(created.max(zone.day_start(day) + Duration::hours(18))),
            ])?;
        }
        insert.finish()
    };
    crate::store::bulk_load(tx, &["sales_line"], true, insert_lines)?;
    summary.sales_lines = lines.len() as u32;
    // The analyses' figures, summed here rather than by the triggers row by row.
    let mut key = tx.prepare("INSERT INTO sales_customer_key (key, customer_id) VALUES (?1, ?2)")?;
    for (i, b) in buyer_ids.iter().enumerate() {
        key.execute(params![i as i64 + 1, b])?;
    }
    let mut key = tx.prepare("INSERT INTO sales_product_key (key, product_id) VALUES (?1, ?2)")?;
    for (i, p) in product_ids.iter().enumerate() {
        key.execute(params![i as i64 + 1, p])?;
    }
    let mut fact = tx.prepare(
        "INSERT INTO sales_fact (day, customer_key, product_key, quantity, amount, lines) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    // Lines are sorted by (day, customer, product): each run is one figure.
    for run in lines.chunk_by(|a, b| (a.day, a.buyer, a.product) == (b.day, b.buyer, b.product)) {
        let l = &run[0];
        let quantity: f64 = run.iter().map(|x| x.quantity).sum();
        let amount: i64 = run.iter().map(|x| x.amount).sum();
        fact.execute(params![l.day, i64::from(l.buyer) + 1, i64::from(l.product) + 1, quantity, amount, run.len()])?;
    }
    drop(fact);
    crate::sales::rebuild_xun(tx)?;
    // And their running totals.
    let amount: i64 = lines.iter().map(|l| l.amount).sum();
    tx.prepare("UPDATE sales_total SET lines = lines + ?1, amount = amount + ?2")?
        .execute(params![lines.len() as i64, amount])?;
    Ok(())
}
