use crate::utils::{input, open_engine};
use hookdesk_engine::model::{is_valid_code, suggest_code, unique_code};

#[test]
fn suggestions_fold_accents_lowercase_and_join_runs_with_one_underscore() {
    let cases = [
        ("Órdenes de Compra – 2024", "ordenes_de_compra_2024"),
        ("Órdenes de Compra", "ordenes_de_compra"),
        ("Purchase Orders", "purchase_orders"),
        ("  --Hello__World!!  ", "hello_world"),
        ("Crème brûlée à la carte", "creme_brulee_a_la_carte"),
        ("Straße & Søn", "strasse_son"),
        ("Ærø Œuvre", "aero_oeuvre"),
        ("2024 Q1 report", "2024_q1_report"),
        ("Ｆｕｌｌｗｉｄｔｈ ① name", "fullwidth_1_name"),
        ("user.created → CRM", "user_created_crm"),
        ("Tasks (ä/ö/ü) v2.0", "tasks_a_o_u_v2_0"),
        ("", ""),
        ("   ", ""),
        ("!!! ??? ###", ""),
        ("日本語", ""),
    ];
    for (name, expected) in cases {
        assert_eq!(suggest_code(name), expected, "suggestion for {name:?}");
        assert!(expected.is_empty() || is_valid_code(expected));
    }
}

#[test]
fn suggestions_stop_at_64_characters_without_a_trailing_underscore() {
    assert_eq!(suggest_code(&"a".repeat(100)), "a".repeat(64));
    // Character 64 would be the separator: it is trimmed rather than kept.
    let name = format!("{} tail", "b".repeat(63));
    assert_eq!(suggest_code(&name), "b".repeat(63));
}

#[test]
fn clashes_take_the_next_free_number() {
    let taken = ["orders", "orders_2"];
    assert_eq!(unique_code("orders", |c| taken.contains(&c)), "orders_3");
    assert_eq!(unique_code("billing", |c| taken.contains(&c)), "billing");
    let long = "x".repeat(64);
    let next = unique_code(&long, |c| c == long);
    assert_eq!(next, format!("{}_2", "x".repeat(62)));
    assert!(is_valid_code(&next));
}

#[tokio::test]
async fn the_engine_suggests_and_makes_codes_unique_on_create() {
    let t = open_engine();
    let first = t.create_webhook(input("Órdenes de Compra")).await.unwrap();
    let second = t.create_webhook(input("Ordenes de compra")).await.unwrap();
    let third = t.create_webhook(input("ORDENES DE COMPRA!")).await.unwrap();
    assert_eq!(
        (first.code.as_str(), second.code.as_str(), third.code.as_str()),
        ("ordenes_de_compra", "ordenes_de_compra_2", "ordenes_de_compra_3")
    );

    // The form's live check offers the next free suggestion while the user types.
    let check = t.check_webhook(input("Órdenes de Compra"), None).await.unwrap();
    assert_eq!(check.suggested_code.as_deref(), Some("ordenes_de_compra_4"));
}

#[tokio::test]
async fn an_explicit_code_in_use_is_refused_with_a_free_suggestion() {
    let t = open_engine();
    t.create_webhook(input("Orders")).await.unwrap();
    let mut again = input("Other orders");
    again.code = Some("orders".into());
    let err = t.create_webhook(again.clone()).await.unwrap_err();
    let field = &err.fields()[0];
    assert_eq!(field.field, "code");
    assert!(field.message.contains("already used by the webhook “Orders”") && field.message.contains("orders_2"), "{}", field.message);
    // The live check says the same before the user presses Save.
    let check = t.check_webhook(again, None).await.unwrap();
    assert!(check.validation.errors.iter().any(|e| e.field == "code" && e.message.contains("orders_2")));
}
