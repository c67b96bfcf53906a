//! Search over the card: substrings of one, two and more characters, pinyin and
//! initials, phones, addresses and contact names, combined with filters and
//! paged; the index follows every edit.

mod common;

use common::{book_with_rep, fields};
use fieldcrm_core::api::{CardEdit, NewCustomer, NewRecord, RecordKind};
use fieldcrm_core::card::FieldChange;
use fieldcrm_core::ids::CustomerId;
use fieldcrm_core::model::Lifecycle;
use fieldcrm_core::search::{CustomerQuery, SortKey};
use fieldcrm_core::Book;
use proptest::prelude::*;
use serde_json::json;

fn find(book: &Book, text: &str) -> Vec<String> {
    let page =
        book.search_customers(&CustomerQuery { text: text.into(), limit: 500, ..Default::default() }).expect("search");
    assert_eq!(page.total as usize, page.rows.len(), "small books fit one page");
    page.rows.into_iter().map(|r| r.name).collect()
}

fn add(book: &Book, value: serde_json::Value) -> CustomerId {
    book.create_customer(&NewCustomer { fields: fields(value), ..Default::default() }).expect("created").card.id
}

fn sample_book() -> Book {
    let (book, _) = book_with_rep();
    let id = add(&book, json!({"name": "华星农业", "phone": "13812345678"}));
    book.add_record(&NewRecord {
        customer_id: id,
        kind: RecordKind::Address,
        fields: fields(
            json!({"kind": "business", "city": "潍坊市", "district": "寿光市", "detail": "古城镇人民路18号"}),
        ),
    })
    .expect("address");
    book.add_record(&NewRecord {
        customer_id: id,
        kind: RecordKind::KeyPerson,
        fields: fields(json!({"role": "owner", "name": "张国庆", "phone": "13700001111"})),
    })
    .expect("person");
    add(&book, json!({"name": "金丰农资经营部", "lifecycle": "active"}));
    add(&book, json!({"name": "星火超市", "phone": "0536-7654321"}));
    book
}

#[test]
fn one_and_two_character_chinese_queries_find_substrings() {
    let book = sample_book();
    assert_eq!(find(&book, "星"), vec!["华星农业", "星火超市"], "one character, in pinyin order");
    assert_eq!(find(&book, "农"), vec!["华星农业", "金丰农资经营部"]);
    assert_eq!(find(&book, "星农"), vec!["华星农业"], "two characters must be adjacent");
    assert!(find(&book, "农星").is_empty(), "and in that order");
}

#[test]
fn longer_queries_pinyin_and_initials_find_the_card() {
    let book = sample_book();
    assert_eq!(find(&book, "华星农业"), vec!["华星农业"]);
    assert_eq!(find(&book, "hxny"), vec!["华星农业"], "pinyin initials");
    assert_eq!(find(&book, "HXNY"), vec!["华星农业"], "case does not matter");
    assert_eq!(find(&book, "huaxing"), vec!["华星农业"], "full pinyin");
    assert_eq!(find(&book, "hx"), vec!["华星农业"], "two-letter initials");
}

#[test]
fn phones_addresses_and_contact_names_find_the_card() {
    let book = sample_book();
    assert_eq!(find(&book, "5678"), vec!["华星农业"], "phone fragment");
    assert_eq!(find(&book, "0536"), vec!["星火超市"], "landline area code");
    assert_eq!(find(&book, "人民路"), vec!["华星农业"], "street");
    assert_eq!(find(&book, "寿光"), vec!["华星农业"], "district");
    assert_eq!(find(&book, "张国庆"), vec!["华星农业"], "owner's name");
    assert_eq!(find(&book, "zgq"), vec!["华星农业"], "owner's initials");
    assert_eq!(find(&book, "1370000"), vec!["华星农业"], "owner's phone");
    assert_eq!(find(&book, "华星 人民路"), vec!["华星农业"], "every word must match");
    assert!(find(&book, "华星 金丰").is_empty());
}

#[test]
fn queries_with_fts_syntax_are_plain_text() {
    let book = sample_book();
    for hostile in ["\"", "a\"b", "NEAR(x y)", "*", "华星 OR 金丰", "col:val", "^", "(", "-x"] {
        let result = book.search_customers(&CustomerQuery { text: hostile.into(), ..Default::default() });
        assert!(result.is_ok(), "{hostile:?} must search as text, not fail: {result:?}");
    }
    let long = "华".repeat(101);
    assert!(
        book.search_customers(&CustomerQuery { text: long, ..Default::default() }).is_err(),
        "over-long query refused"
    );
}

#[test]
fn the_index_follows_edits() {
    let book = sample_book();
    let id = book.search_customers(&CustomerQuery { text: "华星".into(), ..Default::default() }).expect("q").rows[0].id;
    book.edit_customer(&CardEdit {
        customer_id: id,
        changes: vec![FieldChange {
            field: "name".into(),
            expected: Some(json!("华星农业")),
            value: json!("东方种业"),
        }],
    })
    .expect("rename");
    assert!(find(&book, "hxny").is_empty(), "the old name is gone from the index");
    assert_eq!(find(&book, "dfzy"), vec!["东方种业"]);
    assert_eq!(find(&book, "张国庆"), vec!["东方种业"], "people stay findable after a rename");
    let person = book.customer(id).expect("card").key_people[0].id.clone();
    book.remove_record(RecordKind::KeyPerson, &person).expect("remove");
    assert!(find(&book, "张国庆").is_empty(), "a removed person no longer finds the card");
}

#[test]
fn filters_and_sort_combine_with_text() {
    let book = sample_book();
    let active = book
        .search_customers(&CustomerQuery {
            text: "农".into(),
            lifecycle: vec![Lifecycle::Active],
            ..Default::default()
        })
        .expect("q");
    assert_eq!(active.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), vec!["金丰农资经营部"]);
    let newest = book.search_customers(&CustomerQuery { sort: SortKey::Created, ..Default::default() }).expect("q");
    assert_eq!(newest.rows[0].name, "星火超市", "newest first");
}

#[test]
fn pages_cover_the_result_exactly_once() {
    let (book, _) = book_with_rep();
    for i in 0..57 {
        add(&book, json!({"name": format!("测试客户{i:02}")}));
    }
    let mut seen = vec![];
    let mut offset = 0;
    loop {
        let page = book
            .search_customers(&CustomerQuery { text: "测试".into(), offset, limit: 10, ..Default::default() })
            .expect("page");
        assert_eq!(page.total, 57);
        if page.rows.is_empty() {
            break;
        }
        offset += page.rows.len() as u32;
        seen.extend(page.rows.into_iter().map(|r| r.name));
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen.len(), 57, "every match on some page");
    assert_eq!(sorted, seen, "in order, none twice");
}

const POOL: &[char] = &['华', '星', '农', '业', '金', '丰', '资', '店', 'a', 'b', '1', '2'];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Whatever the names and the query, search returns exactly the cards whose
    /// name contains the query (the brute-force answer).
    #[test]
    fn search_agrees_with_a_substring_scan(
        names in prop::collection::vec(prop::collection::vec(prop::sample::select(POOL), 1..8), 1..12),
        query_from in any::<prop::sample::Index>(),
        start in 0usize..8,
        len in 1usize..5,
    ) {
        let (book, _) = book_with_rep();
        let names: Vec<String> = names.into_iter().map(|chars| chars.into_iter().collect()).collect();
        for name in &names {
            add(&book, json!({"name": name}));
        }
        let source: Vec<char> = query_from.get(&names).chars().collect();
        let start = start.min(source.len() - 1);
        let query: String = source[start..(start + len).min(source.len())].iter().collect();
        let mut expected: Vec<&String> = names.iter().filter(|n| n.to_lowercase().contains(&query.to_lowercase())).collect();
        expected.sort_by_key(|n| fieldcrm_core::search::sort_key(n));
        let mut found = find(&book, &query);
        found.sort_by_key(|n| fieldcrm_core::search::sort_key(n));
        let mut expected: Vec<String> = expected.into_iter().cloned().collect();
        expected.sort_by_key(|n| fieldcrm_core::search::sort_key(n));
        // Pinyin can add matches (e.g. 'a' inside a pinyin spelling); it never loses one.
        for name in &expected {
            prop_assert!(found.contains(name), "{query:?} missed {name:?}; found {found:?}");
        }
        if query.chars().all(|c| !c.is_ascii_alphanumeric()) {
            prop_assert_eq!(found, expected, "Chinese queries match exactly the names containing them");
        }
    }
}

#[test]
fn tags_in_use_are_counted_and_filter_the_list() {
    let (book, _) = book_with_rep();
    add(&book, json!({"name": "甲", "tags": ["重点客户", "示范户"]}));
    add(&book, json!({"name": "乙", "tags": "重点客户"}));
    add(&book, json!({"name": "丙"}));
    let tags: Vec<(String, u32)> = book.tags().expect("tags").into_iter().map(|t| (t.tag, t.customers)).collect();
    assert_eq!(tags, vec![("重点客户".to_string(), 2), ("示范户".to_string(), 1)], "most used first");
    let page = book.search_customers(&CustomerQuery { tag: Some("重点客户".into()), ..Default::default() }).expect("q");
    assert_eq!(page.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), vec!["甲", "乙"]);
}

const LIFECYCLES: &[&str] = &["prospect", "active", "dormant", "eliminated"];
const CHANNELS: &[&str] = &["distributor", "sub_distributor", "retailer"];
const TAG_POOL: &[&str] = &["重点客户", "示范户", "新开发"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    /// Text, filters and paging together: paging through the result gives exactly
    /// the cards a brute-force filter keeps, in pinyin order, whichever plan the
    /// query takes (small pages over common words walk the list; others collect).
    #[test]
    fn filtered_pages_agree_with_a_brute_force_filter(
        cards in prop::collection::vec(
            (prop::collection::vec(prop::sample::select(POOL), 1..6), 0usize..4, 0usize..3, prop::collection::vec(0usize..3, 0..3)),
            1..25,
        ),
        text in prop::option::of(prop::sample::select(&['华', '星', '农', '店'][..])),
        lifecycle in prop::option::of(0usize..4),
        channel in prop::option::of(0usize..3),
        tag in prop::option::of(0usize..3),
        page in 1u32..7,
    ) {
        let (book, _) = book_with_rep();
        let mut expected = vec![];
        for (chars, l, c, tags) in &cards {
            let name: String = chars.iter().collect();
            let tags: Vec<&str> = tags.iter().map(|t| TAG_POOL[*t]).collect();
            let id = add(&book, json!({"name": name, "lifecycle": LIFECYCLES[*l], "channelLevel": CHANNELS[*c], "tags": tags}));
            let keep = text.is_none_or(|t| name.contains(t))
                && lifecycle.is_none_or(|x| x == *l)
                && channel.is_none_or(|x| x == *c)
                && tag.is_none_or(|x| tags.contains(&TAG_POOL[x]));
            if keep {
                expected.push((fieldcrm_core::search::sort_key(&name), id.to_string()));
            }
        }
        expected.sort();
        let query = CustomerQuery {
            text: text.map(String::from).unwrap_or_default(),
            lifecycle: lifecycle.map(|l| vec![LIFECYCLES[l].parse().expect("lifecycle")]).unwrap_or_default(),
            channel_level: channel.map(|c| vec![CHANNELS[c].parse().expect("channel")]).unwrap_or_default(),
            tag: tag.map(|t| TAG_POOL[t].to_string()),
            limit: page,
            ..Default::default()
        };
        let mut seen = vec![];
        loop {
            let result = book.search_customers(&CustomerQuery { offset: seen.len() as u32, ..query.clone() }).expect("page");
            prop_assert_eq!(result.total as usize, expected.len(), "total");
            if result.rows.is_empty() {
                break;
            }
            seen.extend(result.rows.into_iter().map(|r| r.id.to_string()));
        }
        let expected_ids: Vec<String> = expected.into_iter().map(|(_, id)| id).collect();
        prop_assert_eq!(seen, expected_ids);
    }
}
