//! Export → import round trips, with and without secrets.

use crate::utils::{header, input, open_engine};
use hookdesk_engine::catalog::CustomEventTypeInput;
use hookdesk_engine::model::{Ordering, RetryPolicy, Webhook};

pub(super) async fn configured() -> crate::utils::TestEngine {
    let t = open_engine();
    t.save_event_type(CustomEventTypeInput {
        name: "invoice.paid".into(),
        description: "An invoice was paid.".into(),
        sample: serde_json::json!({"invoice": {"id": "inv_1", "amount": 120.5}}),
    })
    .await
    .unwrap();
    let mut orders = input("Órdenes de Compra");
    orders.events = vec!["task.created".into(), "task.updated".into(), "invoice.paid".into()];
    orders.filters.workflow = vec!["purchase_orders".into()];
    orders.headers = vec![header("Authorization", "Bearer export-me-not")];
    orders.delivery.ordering = Ordering::Parallel;
    orders.delivery.concurrency = 8;
    orders.delivery.retry = RetryPolicy::exponential_preset();
    t.create_webhook(orders).await.unwrap();
    let mut off = input("Surveys");
    off.events = vec!["survey.created".into()];
    off.filters.survey = vec!["site_inspection".into()];
    off.filters.group = vec!["north".into()];
    off.active = false;
    t.create_webhook(off).await.unwrap();
    t
}

/// The parts of a webhook an import must carry over.
fn essence(w: &Webhook) -> serde_json::Value {
    serde_json::json!([w.code, w.name, w.url, w.description, w.events, w.filters, w.active, w.delivery, w.headers])
}

#[tokio::test]
async fn an_export_without_secrets_leaves_them_out_and_imports_elsewhere() {
    let source = configured().await;
    let export = source.export_config(false).await.unwrap();
    let text = serde_json::to_string(&export).unwrap();
    assert!(!text.contains("export-me-not") && !text.contains("whsec_"), "no secret in the file");
    assert!(!export.includes_secrets && export.warning.is_none());

    let target = open_engine();
    let report = target.import_config(export).await.unwrap();
    assert_eq!(report.created, ["ordenes_de_compra", "surveys"]);
    assert_eq!(report.event_types, 1);
    assert!(report.warnings.iter().any(|w| w.contains("header Authorization has no value")), "{:?}", report.warnings);
    assert!(report.warnings.iter().any(|w| w.contains("new signing secret")));

    let imported = target.get_webhook("ordenes_de_compra").await.unwrap();
    let original = source.get_webhook("ordenes_de_compra").await.unwrap();
    assert_eq!(imported.events, original.events);
    assert_eq!(imported.delivery, original.delivery);
    assert!(imported.headers.is_empty(), "a header without its value is left out");
    assert!(!target.get_webhook("surveys").await.unwrap().active);
}

#[tokio::test]
async fn an_export_with_secrets_says_so_and_restores_them() {
    let source = configured().await;
    let export = source.export_config(true).await.unwrap();
    assert!(export.includes_secrets && export.warning.as_deref().unwrap().contains("secrets in plain text"));

    let target = open_engine();
    let report = target.import_config(export.clone()).await.unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    for code in ["ordenes_de_compra", "surveys"] {
        let (a, b) = (source.get_webhook(code).await.unwrap(), target.get_webhook(code).await.unwrap());
        assert_eq!(essence(&a), essence(&b));
        assert_eq!(source.signing_secret(code).await.unwrap(), target.signing_secret(code).await.unwrap());
    }
    assert_eq!(target.reveal_header("ordenes_de_compra", "Authorization").await.unwrap(), "Bearer export-me-not");

    // Written to a file, secrets are readable by their owner only.
    let file = target.dir.path().join("with-secrets.json");
    std::fs::write(&file, "").unwrap();
    hookdesk_engine::transfer::write_export_file(&file, &serde_json::to_string(&export).unwrap(), true).unwrap();
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");

    // Importing the same file again updates in place instead of duplicating.
    let again = target.import_config(export).await.unwrap();
    assert_eq!((again.created.len(), again.updated.len()), (0, 2));
    assert_eq!(target.list_webhooks().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_bad_file_is_refused_before_anything_is_written() {
    let source = configured().await;
    let mut export = source.export_config(false).await.unwrap();
    export.webhooks[1].url = "not a url".into();
    let target = open_engine();
    let err = target.import_config(export).await.unwrap_err();
    assert!(err.fields().iter().any(|f| f.field == "webhooks[1].url" && f.message.starts_with("surveys:")), "{:?}", err.fields());
    assert!(target.list_webhooks().await.unwrap().is_empty(), "nothing imported");

    // The same new code twice: refused as a whole, not after the first was created.
    let mut twice = source.export_config(false).await.unwrap();
    twice.webhooks[1] = twice.webhooks[0].clone();
    let err = target.import_config(twice).await.unwrap_err();
    assert!(err.fields().iter().any(|f| f.field == "webhooks[1].code" && f.message.contains("twice")), "{:?}", err.fields());
    assert!(target.list_webhooks().await.unwrap().is_empty(), "nothing imported");

    // A header named twice, with its values in the file or not: said once, where it is.
    for with_secrets in [false, true] {
        let mut doubled = source.export_config(with_secrets).await.unwrap();
        let again = doubled.webhooks[0].headers[0].clone();
        doubled.webhooks[0].headers.push(again);
        let err = target.import_config(doubled).await.unwrap_err();
        let twice: Vec<_> = err.fields().iter().filter(|f| f.message.contains("twice")).map(|f| f.field.as_str()).collect();
        assert_eq!(twice, ["webhooks[0].headers[1].name"], "with secrets {with_secrets}: {:?}", err.fields());
        assert!(target.list_webhooks().await.unwrap().is_empty(), "nothing imported");
    }
}

#[tokio::test]
async fn a_custom_sample_keeps_the_text_and_key_order_it_was_written_in() {
    let t = open_engine();
    let text = "{\n  \"zeta\": 1,\n  \"alpha\": {\"b\": 2, \"a\": 1}\n}";
    let saved = t
        .save_event_type(CustomEventTypeInput { name: "invoice.paid".into(), description: String::new(), sample: text.into() })
        .await
        .unwrap();
    assert_eq!(saved.sample_text, text);
    assert_eq!(saved.sample["alpha"]["a"], 1);
    assert_eq!(t.catalog().await.unwrap().get("invoice.paid").unwrap().sample_text, text, "read back as written");

    let err = t
        .save_event_type(CustomEventTypeInput {
            name: "invoice.paid".into(),
            description: String::new(),
            sample: "{\n  \"a\": 1\n  \"b\": 2\n}".into(),
        })
        .await
        .unwrap_err();
    let message = &err.fields()[0].message;
    assert!(message.starts_with("This is not valid JSON. Line 3, column 3: "), "{message}");
    let err = t
        .save_event_type(CustomEventTypeInput { name: "invoice.paid".into(), description: String::new(), sample: "[1, 2]".into() })
        .await
        .unwrap_err();
    assert!(err.fields()[0].message.contains("must be a JSON object"), "{err}");
}

#[tokio::test]
async fn a_header_without_a_value_and_with_a_name_that_is_not_one_is_refused_not_left_out() {
    let source = configured().await;
    let mut export = source.export_config(false).await.unwrap();
    export.webhooks[0].headers[0].name = "Bad Name*".into();
    let target = open_engine();
    let e = target.import_config(export).await.unwrap_err();
    assert_eq!(e.kind(), hookdesk_engine::ErrorKind::Invalid);
    assert!(e.to_string().contains("not a valid header name"), "{e}");
    assert!(target.list_webhooks().await.unwrap().is_empty(), "nothing was imported");
}
