//! Demo data is seeded once: a second start (or a second instance) finds it and writes nothing.

use crate::common;

use common::TestApp;
use tsunagu_server::{db, demo};

#[tokio::test]
async fn a_second_seeding_finds_the_demo_data_and_writes_nothing() {
    let app = TestApp::start().await;
    let users = || async {
        app.db
            .scalar::<i64>("SELECT COUNT(*) FROM users", &[])
            .await
    };
    let before = users().await;
    let again = db::connect(&app.database_url, 2).await.unwrap();
    assert!(!demo::seed(&again).await.unwrap(), "seeded a second time");
    assert_eq!(users().await, before);
}
