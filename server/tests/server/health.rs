//! The load balancer's health check.

use crate::common;

use common::{expect_problem, TestApp};
use serde_json::Value;

#[tokio::test]
async fn an_instance_shutting_down_stops_taking_traffic() {
    let app = TestApp::start().await;
    let response = app
        .client
        .get(app.url("/api/v1/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");

    // What the server does on SIGTERM before it stops accepting.
    app.live.close();
    let response = app
        .client
        .get(app.url("/api/v1/health"))
        .send()
        .await
        .unwrap();
    let body = expect_problem(response, 503, "internal_error").await;
    assert!(
        body["detail"].as_str().unwrap().contains("shutting down"),
        "{body}"
    );
}
