//! The OpenAPI document (`GET /api/v1/openapi.json`): served, complete, and true of the
//! answers the proxy really gives. schemathesis (scripts/test.sh) fuzzes the running binary
//! against it; these tests keep its findings fixed without Python.

use serde_json::{json, Value};
use tessera_proxy::cli::{self, Command, CreateArgs, DiscountType, PromoCommand};
use tessera_proxy::webhook::sign;
use tessera_sandbox::seed::{JAZZ_GA, JAZZ_NIGHT};

use crate::helpers::*;

async fn document(app: &TestApp) -> Value {
    let r = app.http.get(format!("{}/api/v1/openapi.json", app.url)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    r.json().await.expect("the document is JSON")
}

#[tokio::test]
async fn the_openapi_document_is_served_and_lists_every_public_operation() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/events", "get"),
        ("/api/v1/events/{id}", "get"),
        ("/api/v1/events/{id}/live", "get"),
        ("/api/v1/promo-preview", "post"),
        ("/api/v1/checkout", "post"),
        ("/webhooks/hanghut", "post"),
        ("/api/v1/openapi.json", "get"),
    ] {
        assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} missing");
    }
    let live = &doc["paths"]["/api/v1/events/{id}/live"]["get"]["responses"]["200"]["content"];
    assert!(live.get("text/event-stream").is_some(), "{live}");
    let checkout = &doc["paths"]["/api/v1/checkout"]["post"];
    let key = checkout["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "Idempotency-Key").unwrap();
    assert_eq!((key["in"].as_str(), key["required"].as_bool()), (Some("header"), Some(false)));
    for status in ["201", "400", "404", "409", "413", "415", "422", "429", "502", "503"] {
        assert!(checkout["responses"].get(status).is_some(), "checkout does not document {status}");
    }
    // Prices and return URLs cannot be smuggled in: the document says so as the code does.
    assert_eq!(doc["components"]["schemas"]["CheckoutRequest"]["additionalProperties"], false);
    let money = &doc["components"]["schemas"]["Money"];
    assert_eq!(money["required"], json!(["amount", "currency"]));
    // Every error carries a `code` from a closed list: exactly the codes a proxy sends.
    let detail = &doc["components"]["schemas"]["ErrorDetail"];
    assert_eq!(detail["required"], json!(["message", "status", "code"]), "{detail}");
    let code = &doc["components"]["schemas"]["ErrorCode"];
    assert_eq!(code["type"], "string", "{code}");
    let sent: Vec<&str> = tessera_core::ErrorCode::ALL.map(tessera_core::ErrorCode::as_str).to_vec();
    assert_eq!(code["enum"], json!(sent), "{code}");
}

#[tokio::test]
async fn real_answers_match_the_documented_schemas() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    // The checker itself tells a wrong body from a right one.
    let error_body = json!({"$ref": "#/components/schemas/ErrorBody"});
    let error = |detail: Value| conforms(&doc, &error_body, &json!({ "error": detail }), "$");
    assert!(error(json!({"message": "m", "status": 404, "code": "not_found"})).is_ok());
    assert!(error(json!({"message": "m", "status": "404", "code": "not_found"})).is_err());
    assert!(error(json!({"message": "m", "status": 404})).is_err(), "`code` is required");
    assert!(error(json!({"message": "m", "status": 404, "code": "no_such_code"})).is_err(), "`code` is an enum");
    assert!(conforms(&doc, &error_body, &json!({"message": "m", "status": 404, "code": "not_found"}), "$").is_err());
    let expect = |op: (&str, &str), status: u16, body: &Value| {
        let schema =
            &doc["paths"][op.0][op.1]["responses"][status.to_string()]["content"]["application/json"]["schema"];
        assert!(!schema.is_null(), "{} {} does not document {status}", op.1, op.0);
        if let Err(e) = conforms(&doc, schema, body, "$") {
            panic!("{} {} {status}: {e}\n{body}", op.1, op.0);
        }
    };

    let (status, body) = app.get("/api/v1/events").await;
    expect(("/api/v1/events", "get"), status, &body);
    // `stale` is in every page of the list, and the document says so: a page without it is wrong.
    let list = &doc["paths"]["/api/v1/events"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    let mut unmarked = body.clone();
    assert_eq!(unmarked.as_object_mut().unwrap().remove("stale"), Some(json!(false)));
    assert!(conforms(&doc, list, &unmarked, "$").is_err(), "the document does not require `stale`");
    let (status, body) = app.get("/api/v1/events?page=0").await;
    expect(("/api/v1/events", "get"), status, &body);
    let (status, body) = app.get(&format!("/api/v1/events/{JAZZ_NIGHT}")).await;
    expect(("/api/v1/events/{id}", "get"), status, &body);
    let (status, body) = app.get("/api/v1/events/no-such-event").await;
    expect(("/api/v1/events/{id}", "get"), status, &body);

    let args = CreateArgs {
        event: JAZZ_NIGHT.into(),
        code: "OPENAPI10".into(),
        discount_type: DiscountType::FixedAmount,
        amount: "100".into(),
        limit: None,
        expires: None,
    };
    cli::run(Command::Promo(PromoCommand::Create(args)), app.config.clone(), &Default::default())
        .await
        .expect("code created");
    let preview = ("/api/v1/promo-preview", "post");
    let (status, body) = app.post_json(preview.0, &json!({"event_id": JAZZ_NIGHT, "code": "openapi10"})).await;
    assert_eq!(status, 200, "{body}");
    expect(preview, status, &body);
    let (status, body) = app.post_json(preview.0, &json!({"event_id": JAZZ_NIGHT, "code": "x"})).await;
    assert_eq!(body["error"]["fields"][0]["problem"]["kind"], "below_minimum", "{body}");
    expect(preview, status, &body);

    let checkout = ("/api/v1/checkout", "post");
    let (status, body) = app.post_json(checkout.0, &checkout_body(JAZZ_NIGHT, JAZZ_GA, 2)).await;
    assert_eq!(status, 201, "{body}");
    expect(checkout, status, &body);
    let (status, body) = app.post_json(checkout.0, &checkout_body(JAZZ_NIGHT, JAZZ_GA, 0)).await;
    expect(checkout, status, &body);
    let (status, body) = app.post_json(checkout.0, &checkout_body(JAZZ_NIGHT, JAZZ_GA, 9)).await;
    expect(checkout, status, &body);
    let answer = app.post_raw(checkout.0, &[("content-type", "text/plain")], "{}").await;
    expect(checkout, answer.status, &answer.body);

    let webhook = ("/webhooks/hanghut", "post");
    let delivery = json!({"id": "evt_openapi_1", "type": "order.paid", "data": {"event_id": JAZZ_NIGHT}}).to_string();
    let signature = sign(WEBHOOK_SECRET.as_bytes(), delivery.as_bytes());
    let headers = [("content-type", "application/json"), ("x-hanghut-signature", signature.as_str())];
    let answer = app.post_raw(webhook.0, &headers, delivery.clone()).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    expect(webhook, answer.status, &answer.body);
    let answer = app.post_raw(webhook.0, &[("content-type", "application/json")], delivery).await;
    expect(webhook, answer.status, &answer.body);
}

/// Found while writing the document: axum refuses a path segment that is not UTF-8 once
/// percent-decoded with a plain-text 400, outside the JSON error format. Such an id cannot
/// exist, so it is now the same JSON 404 as any other unknown event.
#[tokio::test]
async fn an_event_id_that_is_not_utf8_is_a_json_not_found() {
    let app = spawn_app().await;
    for path in ["/api/v1/events/%FF", "/api/v1/events/%C3%28/live"] {
        let (status, body) = app.get(path).await;
        assert_error(status, &body, 404, "not_found");
    }
}

/// Found while writing the document: a query axum's extractor cannot read (`page` given
/// twice) got a plain-text 400; it is now the JSON error every other bad page gets.
#[tokio::test]
async fn a_page_given_twice_gets_the_json_error() {
    let app = spawn_app().await;
    let (status, body) = app.get("/api/v1/events?page=1&page=2").await;
    assert_error(status, &body, 400, "invalid");
    assert!(body["error"]["message"].as_str().unwrap().to_lowercase().contains("page"), "{body}");
}

/// The part of JSON Schema (2020-12) the document uses: `$ref`, `allOf`, `oneOf`, `type`,
/// `enum`, `required`, `properties`, `items`, `additionalProperties: false`, `minimum`/`maximum`
/// and `pattern`-free strings. Enough to tell a drifted document from a true one.
fn conforms(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.strip_prefix("#/components/schemas/").ok_or(format!("odd $ref {reference}"))?;
        return conforms(doc, &doc["components"]["schemas"][name], value, at);
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        conforms(doc, part, value, at)?;
    }
    if let Some(options) = schema["oneOf"].as_array() {
        let matching = options.iter().filter(|o| conforms(doc, o, value, at).is_ok()).count();
        if matching != 1 {
            return Err(format!("{at}: {matching} of the oneOf options match"));
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let type_ok = |t: &&str| match *t {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => false,
    };
    if !types.is_empty() && !types.iter().any(type_ok) {
        return Err(format!("{at}: {value} is not {types:?}"));
    }
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(value) {
            return Err(format!("{at}: {value} is not one of {allowed:?}"));
        }
    }
    if let (Some(min), Some(n)) = (schema["minimum"].as_i64(), value.as_i64()) {
        if n < min {
            return Err(format!("{at}: {n} < {min}"));
        }
    }
    if let (Some(max), Some(n)) = (schema["maximum"].as_i64(), value.as_i64()) {
        if n > max {
            return Err(format!("{at}: {n} > {max}"));
        }
    }
    if let Some(object) = value.as_object() {
        for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !object.contains_key(name) {
                return Err(format!("{at}: `{name}` is required"));
            }
        }
        let properties = schema["properties"].as_object();
        for (name, field) in object {
            match properties.and_then(|p| p.get(name)) {
                Some(s) => conforms(doc, s, field, &format!("{at}.{name}"))?,
                None if schema["additionalProperties"] == false => {
                    return Err(format!("{at}: `{name}` is not allowed"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            conforms(doc, items, item, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}
