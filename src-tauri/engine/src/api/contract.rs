//! What the generated OpenAPI document cannot know from one handler alone: the answers every
//! route shares (the guard's 401 and 403, a malformed request's 400, …), the links between
//! operations that let a client (or a fuzzer) follow a webhook from its creation, and the
//! event types of this instance's catalog.

use serde_json::{Value, json};

const ERROR: &str = "#/components/schemas/ErrorBody";

/// Adds the shared answers, the links, and the merge-patch schema.
pub fn complete(doc: &mut Value) {
    add_rules(doc);
    closed_retry_policies(doc);
    add_shared_answers(doc);
    add_patch_schema(doc);
    add_links(doc);
    // A test may be sent without a body (the webhook's first trigger).
    if let Some(body) = doc.pointer_mut("/paths/~1v1~1webhooks~1{id}~1test/post/requestBody") {
        body["required"] = json!(false);
    }
}

/// A retry policy takes only its kind's members (the engine denies others, as it does in the
/// rest of a webhook's settings); the generator does not say so of a tagged enum's variants.
fn closed_retry_policies(doc: &mut Value) {
    if let Some(variants) = doc.pointer_mut("/components/schemas/RetryPolicy/oneOf").and_then(Value::as_array_mut) {
        for variant in variants {
            variant["additionalProperties"] = json!(false);
        }
    }
}

/// The rules the engine checks, from the constants it checks them with.
fn add_rules(doc: &mut Value) {
    use crate::model::delivery_settings::*;
    use crate::model::patterns as p;
    use crate::model::webhook::{HEADERS_MAX, URL_MAX_LEN};
    let range = |(lo, hi): (u32, u32)| json!({"minimum": lo, "maximum": hi});
    let event_type = json!({"pattern": p::EVENT_TYPE, "maxLength": p::EVENT_TYPE_MAX});
    let url = json!({"pattern": p::URL, "maxLength": URL_MAX_LEN});
    let (url_again, event_type_again) = (url.clone(), event_type.clone());
    let rules: Vec<(&str, Value)> = vec![
        ("EventInput/properties/id", json!({"pattern": p::EVENT_ID})),
        ("EventInput/properties/type", event_type.clone()),
        ("EventInput/properties/occurred_at", json!({"format": "date-time"})),
        ("EventInput/properties/workflow", json!({"pattern": p::SCOPE_CODE})),
        ("EventInput/properties/survey", json!({"pattern": p::SCOPE_CODE})),
        ("EventInput/properties/group", json!({"pattern": p::SCOPE_CODE})),
        ("DirectDeliveryInput/properties/url", url.clone()),
        ("DirectDeliveryInput/properties/type", event_type.clone()),
        ("DirectDeliveryInput/properties/headers", json!({"maxItems": HEADERS_MAX})),
        ("DirectHeader/properties/name", json!({"pattern": p::DIRECT_HEADER_NAME})),
        ("DirectHeader/properties/value", json!({"pattern": p::DIRECT_HEADER_VALUE})),
        ("WebhookInput/properties/code", json!({"pattern": p::WEBHOOK_CODE})),
        ("WebhookInput/properties/name", json!({"pattern": p::WEBHOOK_NAME})),
        ("WebhookInput/properties/url", url),
        ("WebhookInput/properties/description", json!({"pattern": p::DESCRIPTION})),
        ("WebhookInput/properties/events", json!({"minItems": 1})),
        ("WebhookInput/properties/events/items", event_type),
        ("WebhookInput/properties/headers", json!({"maxItems": HEADERS_MAX, "uniqueItems": true})),
        ("WebhookInput/properties/secret", json!({"pattern": p::SIGNING_SECRET})),
        ("HeaderInput/properties/name", json!({"pattern": p::HEADER_NAME})),
        ("HeaderInput/properties/value", json!({"pattern": p::HEADER_VALUE})),
        ("ExportedWebhook/properties/code", json!({"pattern": p::WEBHOOK_CODE})),
        ("ExportedWebhook/properties/name", json!({"pattern": p::WEBHOOK_NAME})),
        ("ExportedWebhook/properties/url", url_again.clone()),
        ("ExportedWebhook/properties/description", json!({"pattern": p::DESCRIPTION})),
        ("ExportedWebhook/properties/events", json!({"minItems": 1})),
        ("ExportedWebhook/properties/events/items", event_type_again.clone()),
        ("ExportedWebhook/properties/headers", json!({"maxItems": HEADERS_MAX, "uniqueItems": true})),
        ("ExportedWebhook/properties/secret", json!({"pattern": p::SIGNING_SECRET})),
        ("ConfigExport/properties/format", json!({"enum": [crate::transfer::FORMAT]})),
        ("ConfigExport/properties/version", json!({"enum": [crate::transfer::FORMAT_VERSION]})),
        ("CustomEventTypeInput/properties/name", event_type_again.clone()),
        ("CustomEventTypeInput/properties/description", json!({"maxLength": 1000, "pattern": p::DESCRIPTION})),
        ("CustomEventTypeInput/properties/sample", json!({"type": "object"})),
        ("Filters/properties/workflow/items", json!({"pattern": p::FILTER_VALUE})),
        ("Filters/properties/survey/items", json!({"pattern": p::FILTER_VALUE})),
        ("Filters/properties/group/items", json!({"pattern": p::FILTER_VALUE})),
        ("DeliverySettings/properties/timeout_ms", range(TIMEOUT_MS_RANGE)),
        ("DeliverySettings/properties/attempts", range(ATTEMPTS_RANGE)),
        ("DeliverySettings/properties/concurrency", range(CONCURRENCY_RANGE)),
        ("DeliverySettings/properties/pause_after_failures", range(PAUSE_AFTER_RANGE)),
        ("RetryPolicy/oneOf/0/properties/delay_ms", json!({"minimum": DELAY_MS_RANGE.0, "maximum": DELAY_MS_RANGE.1})),
        ("RetryPolicy/oneOf/1/properties/schedule_ms", json!({"minItems": 1, "maxItems": SCHEDULE_MAX})),
        ("RetryPolicy/oneOf/1/properties/schedule_ms/items", json!({"minimum": DELAY_MS_RANGE.0, "maximum": DELAY_MS_RANGE.1})),
    ];
    for (pointer, rule) in rules {
        let at = format!("/components/schemas/{pointer}");
        let schema = doc.pointer_mut(&at).unwrap_or_else(|| panic!("{at} is in the document"));
        for (k, v) in rule.as_object().expect("a rule is an object") {
            schema[k] = v.clone();
        }
    }
    // A direct delivery takes its headers as a list of {name, value} or as an object.
    doc["components"]["schemas"]["DirectDeliveryInput"]["properties"]["headers"] = json!({
        "description": "`[{\"name\", \"value\"}]`, or an object of name → value; the values are kept in the OS keyring while the delivery is pending.",
        "oneOf": [
            {"type": "array", "items": {"$ref": "#/components/schemas/DirectHeader"}, "maxItems": HEADERS_MAX, "uniqueItems": true},
            {"type": "object", "maxProperties": HEADERS_MAX, "propertyNames": {"pattern": p::DIRECT_HEADER_NAME},
             "additionalProperties": {"type": "string", "pattern": p::DIRECT_HEADER_VALUE}},
        ]
    });
    // Writing a webhook's headers takes their values (leaving one out keeps the stored value,
    // which a new webhook does not have).
    if let Some(mut header) = doc.pointer("/components/schemas/HeaderInput").cloned() {
        header["required"] = json!(["name", "value"]);
        header["properties"]["value"]["type"] = json!("string");
        header["description"] = json!("A custom header and its value, in plain text; stored in the OS keyring.");
        doc["components"]["schemas"]["HeaderWithValue"] = header;
        doc["components"]["schemas"]["WebhookInput"]["properties"]["headers"]["items"] =
            json!({"$ref": "#/components/schemas/HeaderWithValue"});
    }
}

/// The answers a route may give before its handler runs, or whatever its handler does.
fn add_shared_answers(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else { return };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, op) in item.iter_mut() {
            let secured =
                op.get("security").and_then(Value::as_array).is_none_or(|s| s.iter().any(|r| r.as_object().is_some_and(|r| !r.is_empty())));
            let has_body = op.get("requestBody").is_some();
            let has_params = path.contains('{') || op.get("parameters").and_then(Value::as_array).is_some_and(|p| !p.is_empty());
            let writes = matches!(method.as_str(), "post" | "patch" | "delete");
            let mut add = |status: &str, description: &str| {
                let responses = op["responses"].as_object_mut().expect("every operation has responses");
                responses
                    .entry(status)
                    .or_insert_with(|| json!({"description": description, "content": {"application/json": {"schema": {"$ref": ERROR}}}}));
            };
            if has_params || has_body {
                add("400", "The path, query string or body is malformed (`bad_request`, `bad_json`)");
            }
            if secured {
                add("401", "No token, or not this instance's token (`unauthorized`)");
                add("500", "The keyring or the database failed (`keyring`, `internal`)");
            }
            add("403", "The Host header does not name a loopback address (`forbidden_host`)");
            if has_body {
                add("408", "The body stopped arriving (`request_timeout`)");
                add("413", "The body is larger than the limit (`payload_too_large`)");
                add("415", "The body is not application/json (`unsupported_media_type`)");
                add("422", "The body is JSON of the wrong shape, or breaks a rule (`invalid`, with `fields`)");
            }
            add(
                "503",
                "Too many connections are open (`too_many_connections`), or the database cannot be reached or did not answer in time (`unavailable`)",
            );
            if writes {
                add("507", "The disk is full; nothing was written (`insufficient_storage`)");
            }
        }
    }
}

/// `PATCH /v1/webhooks/{id}` takes any part of a webhook's input: the same schemas, nothing
/// required, and `null` for a member with a default (RFC 7396: `null` removes it, so it goes
/// back to its default). Nested objects merge member by member too; `delivery.retry` is
/// replaced as a whole, as its kind decides its members.
fn add_patch_schema(doc: &mut Value) {
    for name in ["Filters", "DeliverySettings", "WebhookInput"] {
        let Some(mut patch) = doc.pointer(&format!("/components/schemas/{name}")).cloned() else { continue };
        let Some(o) = patch.as_object_mut() else { continue };
        let required: Vec<String> = o.remove("required").and_then(|r| serde_json::from_value(r).ok()).unwrap_or_default();
        for (field, property) in o.get_mut("properties").and_then(Value::as_object_mut).into_iter().flatten() {
            for nested in ["Filters", "DeliverySettings"] {
                if property.pointer("/$ref").and_then(Value::as_str) == Some(&format!("#/components/schemas/{nested}")) {
                    *property = json!({"$ref": format!("#/components/schemas/{}", patch_name(nested))});
                }
            }
            if !required.contains(field) {
                *property = nullable(property.take());
            }
        }
        o.insert("description".into(), json!(format!("A JSON merge patch (RFC 7396) of {name}: the members to change.")));
        doc["components"]["schemas"][patch_name(name)] = patch;
    }
    if let Some(op) = doc.pointer_mut("/paths/~1v1~1webhooks~1{id}/patch") {
        op["requestBody"] = json!({
            "required": true,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookPatch"}}}
        });
    }
}

fn patch_name(schema: &str) -> String {
    match schema {
        "WebhookInput" => "WebhookPatch".into(),
        other => format!("{other}Patch"),
    }
}

fn nullable(schema: Value) -> Value {
    match schema.get("type") {
        Some(Value::String(t)) if t != "null" => {
            let mut s = schema.clone();
            s["type"] = json!([t, "null"]);
            s
        }
        Some(Value::Array(types)) if types.iter().any(|t| t == "null") => schema,
        _ => json!({"oneOf": [schema, {"type": "null"}]}),
    }
}

fn operation_id(doc: &Value, path: &str, method: &str) -> Option<String> {
    let pointer = format!("/paths/{}/{method}/operationId", path.replace('~', "~0").replace('/', "~1"));
    doc.pointer(&pointer).and_then(Value::as_str).map(str::to_string)
}

/// A created webhook leads to everything done with it; a direct delivery to its resend and
/// retry.
fn add_links(doc: &mut Value) {
    let from_webhook = [
        ("read", "/v1/webhooks/{id}", "get"),
        ("update", "/v1/webhooks/{id}", "patch"),
        ("delete", "/v1/webhooks/{id}", "delete"),
        ("test", "/v1/webhooks/{id}/test", "post"),
        ("logs", "/v1/webhooks/{id}/logs", "get"),
        ("secret", "/v1/webhooks/{id}/secret", "get"),
        ("rotate", "/v1/webhooks/{id}/secret/rotate", "post"),
        ("recover", "/v1/webhooks/{id}/recover", "post"),
        ("stats", "/v1/webhooks/{id}/stats", "get"),
    ];
    link(doc, ("/v1/webhooks", "post", "201"), &from_webhook, "$response.body#/id");
    let from_delivery = [("resend", "/v1/deliveries/{id}/resend", "post"), ("retry", "/v1/deliveries/{id}/retry", "post")];
    link(doc, ("/v1/deliveries", "post", "202"), &from_delivery, "$response.body#/delivery_id");
}

fn link(doc: &mut Value, (path, method, status): (&str, &str, &str), to: &[(&str, &str, &str)], id: &str) {
    let links: serde_json::Map<String, Value> = to
        .iter()
        .filter_map(|(name, path, method)| {
            let op = operation_id(doc, path, method)?;
            Some((name.to_string(), json!({"operationId": op, "parameters": {"id": id}})))
        })
        .collect();
    let pointer = format!("/paths/{}/{method}/responses/{status}", path.replace('/', "~1"));
    if let Some(response) = doc.pointer_mut(&pointer) {
        response["links"] = Value::Object(links);
    }
}

/// The event types a webhook may subscribe to are this instance's catalog: the schemas say
/// which.
pub fn name_event_types(doc: &mut Value, names: &[String]) {
    for at in [
        "WebhookInput/properties/events/items",
        "WebhookPatch/properties/events/oneOf/0/items",
        "WebhookPatch/properties/events/items",
        "ExportedWebhook/properties/events/items",
        "TestBody/properties/type",
    ] {
        if let Some(schema) = doc.pointer_mut(&format!("/components/schemas/{at}")) {
            let mut allowed = json!(names);
            if schema["type"].as_array().is_some_and(|t| t.iter().any(|t| t == "null")) {
                allowed.as_array_mut().expect("a list").push(Value::Null);
            }
            schema["enum"] = allowed;
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref") {
                    out.push(r);
                }
                o.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_resolves() {
        let doc = super::super::document();
        let mut found = vec![];
        refs(&doc, &mut found);
        assert!(found.len() > 20, "the document references its schemas");
        for r in found {
            let pointer = r.strip_prefix('#').expect("local references only");
            assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
        }
    }

    #[test]
    fn every_route_but_health_is_secured_and_says_401() {
        let doc = super::super::document();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let has_401 = op["responses"].get("401").is_some();
                assert_eq!(has_401, path != "/v1/health", "{method} {path}");
            }
        }
        assert_eq!(doc.pointer("/components/securitySchemes/bearer/scheme").and_then(Value::as_str), Some("bearer"));
    }

    #[test]
    fn a_created_webhook_links_to_its_operations() {
        let doc = super::super::document();
        let links = doc.pointer("/paths/~1v1~1webhooks/post/responses/201/links").and_then(Value::as_object).expect("links");
        assert_eq!(links.len(), 9, "read, update, delete, test, logs, secret, rotate, recover, stats");
        for link in links.values() {
            let op = link["operationId"].as_str().unwrap();
            let exists = doc["paths"]
                .as_object()
                .unwrap()
                .values()
                .any(|item| item.as_object().unwrap().values().any(|o| o["operationId"].as_str() == Some(op)));
            assert!(exists, "the link's operation {op} exists");
        }
    }
}
