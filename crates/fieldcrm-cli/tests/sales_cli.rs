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

/// A one-sheet xlsx written by hand: its `<sheetData>` as given.
fn hand_made_xlsx(rows: &str) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(vec![]));
    let options = zip::write::SimpleFileOptions::default();
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="客户" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
        ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#)),
    ];
    for (name, text) in parts {
        zip.start_file(name, options).expect("member");
        zip.write_all(text.as_bytes()).expect("write");
    }
    zip.finish().expect("zip").into_inner()
}

#[test]
fn a_file_built_to_hurt_exits_2_and_a_title_above_the_header_is_skipped() {
    let dir = tempfile::tempdir().expect("dir");
    let book = dir.path().join("book.sqlite");
    ok_json(&book, &["init", "--name", "刘伟", "--role", "head_office", "--company", "华丰农业"]);
    // A cell in the first row and one in Excel's last: once a dense grid of 549 GB.
    let corner = dir.path().join("角落.xlsx");
    let cell = |r: &str, t: &str| format!(r#"<c r="{r}" t="inlineStr"><is><t>{t}</t></is></c>"#);
    let rows = format!(
        r#"<row r="1">{}</row><row r="2">{}</row><row r="13600000">{}</row>"#,
        cell("A1", "客户名称"),
        cell("A2", "华星农资"),
        cell("A13600000", "x")
    );
    std::fs::write(&corner, hand_made_xlsx(&rows)).expect("write");
    for mode in [&["--preview"][..], &[], &["--commit"]] {
        let mut args = vec!["import", corner.to_str().expect("path"), "--kind", "customers"];
        args.extend_from_slice(mode);
        let out = fieldcrm(&book, &args);
        assert_eq!(out.status.code(), Some(2), "{mode:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("1048576 rows"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A title and a date line above the header; the header found, or named.
    let titled = dir.path().join("客户档案.csv");
    std::fs::write(&titled, "华丰农业客户档案\n导出日期：2026-11-30\n客户名称,电话\n华星农资,13800000001\n合计,\n")
        .expect("write");
    let preview = ok_json(&book, &["import", titled.to_str().expect("path"), "--kind", "customers", "--preview"]);
    assert_eq!((preview["headerRow"].as_u64(), preview["rows"].as_u64()), (Some(3), Some(1)));
    let dry = ok_json(&book, &["import", titled.to_str().expect("path"), "--kind", "customers", "--header-row", "3"]);
    assert_eq!((dry["created"].as_u64(), dry["skippedRows"].as_u64()), (Some(1), Some(3)));
    let out = fieldcrm(&book, &["import", titled.to_str().expect("path"), "--kind", "customers", "--header-row", "9"]);
    assert_eq!(out.status.code(), Some(2), "a header row that is not there");
}
