//! Sales data from the command line: head office imports a GBK price list
//! and an ERP export of sales lines (dry run, then commit), reads the
//! analyses, and writes them and the customer list to Excel.

mod common;

use common::{fieldcrm, ok_json};

#[test]
fn imports_analyses_and_exports_from_the_shell() {
    let dir = tempfile::tempdir().expect("dir");
    let book = dir.path().join("book.sqlite");
    let today = chrono::Local::now().date_naive();
    let demo = ok_json(&book, &["demo", "--customers", "400", "--as-of", &today.to_string()]);
    let lines = demo["salesLines"].as_u64().expect("lines");
    assert!(lines > 5_000, "{demo}");
    assert_eq!(ok_json(&book, &["products"]).as_array().expect("products").len(), 60);

    // A price list saved by Chinese Excel: GBK csv, prices with separators.
    let prices = dir.path().join("价目表.csv");
    let (gbk, _, _) =
        encoding_rs::GB18030.encode("产品编码,产品名称,产品线,单位,单价\nP900,新型缓释肥,复合肥,袋,\"1,280.00\"\n");
    std::fs::write(&prices, gbk).expect("write");
    let preview = ok_json(&book, &["import", prices.to_str().expect("path"), "--kind", "products", "--preview"]);
    assert_eq!(preview["encoding"], "GB18030");
    assert_eq!(preview["mapping"][4], "listPrice");
    let dry = ok_json(&book, &["import", prices.to_str().expect("path"), "--kind", "products"]);
    assert_eq!((dry["committed"].as_bool(), dry["created"].as_u64()), (Some(false), Some(1)));
    assert_eq!(ok_json(&book, &["products"]).as_array().expect("products").len(), 60, "a dry run writes nothing");
    ok_json(&book, &["import", prices.to_str().expect("path"), "--kind", "products", "--commit"]);
    let products = ok_json(&book, &["products"]);
    let new = products.as_array().expect("list").iter().find(|p| p["code"] == "P900").expect("P900");
    assert_eq!(new["listPrice"], 128_000);

    // Sales lines by customer code, one of them for a code nobody has.
    let first = ok_json(&book, &["customer", "list", "--limit", "1", "--lifecycle", "active"]);
    let id = first["rows"][0]["id"].as_str().expect("id").to_string();
    let card = ok_json(&book, &["customer", "show", &id]);
    let code = card["card"]["fields"]["code"].as_str().expect("code").to_string();
    let day = (today - chrono::Duration::days(3)).format("%Y/%m/%d").to_string();
    let sales = dir.path().join("销售明细.csv");
    std::fs::write(
        &sales,
        format!(
            "单据号,日期,客户编码,产品编码,数量,金额\nZ1,{day},{code},P900,10,12800\nZ2,{day},NOBODY,P900,1,1280\n"
        ),
    )
    .expect("write");
    let out = fieldcrm(&book, &["import", sales.to_str().expect("path"), "--kind", "sales", "--commit"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("1 to create") && text.contains("1 refused") && text.contains("NOBODY"), "{text}");

    let grades = ok_json(&book, &["analyse", "grades"]);
    assert!(grades["totalRevenue"].as_i64().expect("total") > 0);
    let products = ok_json(&book, &["analyse", "products"]);
    let p900 = products["products"].as_array().expect("products").iter().find(|p| p["code"] == "P900").expect("P900");
    assert_eq!(p900["revenue"], 1_280_000, "the imported line, in fen");
    let xlsx = dir.path().join("月度汇总.xlsx");
    ok_json(&book, &["analyse", "monthly", "--xlsx", xlsx.to_str().expect("path")]);
    assert!(std::fs::metadata(&xlsx).expect("written").len() > 5_000);

    // The whole customer list.
    let list = dir.path().join("客户.xlsx");
    let exported = ok_json(&book, &["export-customers", "--xlsx", list.to_str().expect("path")]);
    assert_eq!(exported["rows"], 400);

    // A file that is not a spreadsheet: a clear error, exit code 2.
    let bad = dir.path().join("照片.xlsx");
    std::fs::write(&bad, b"\x89PNG\r\n\x1a\n").expect("write");
    let out = fieldcrm(&book, &["import", bad.to_str().expect("path"), "--kind", "customers"]);
    assert_eq!(out.status.code(), Some(2));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("named like an Excel workbook but is not one"), "{message}");
}
