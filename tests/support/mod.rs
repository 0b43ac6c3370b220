//! Harness for the browser end-to-end tests: starts the real server and chromedriver on free
//! loopback ports, opens headless Chromium with a fresh profile, and finds elements the way
//! assistive technology does — by computed ARIA role and accessible name (WebDriver's
//! `computedrole` / `computedlabel`). Everything is torn down on drop, also when a test fails.

mod a11y;
mod api;
mod balancer;
mod browser;
pub mod exif;
mod media;
mod network;
mod posts;
mod stack;
mod timeline;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Child;
use std::time::{Duration, Instant};

pub use browser::Browser;
pub use exif::has_app1;
pub use media::{fixture, jpeg_with_gps, sha256_hex, Files};
pub use stack::Stack;

pub use tsunagu_testkit::fixtures::DEMO_PASSWORD;
pub const WAIT: Duration = Duration::from_secs(15);

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A unique scratch directory under `target/e2e/`, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Self {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = repo_root()
            .join("target/e2e")
            .join(format!("{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child process killed on drop, so a failing test leaves nothing running.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Calls `probe` every 100 ms until it returns `Ok`, for at most `within`; on timeout returns
/// the last `Err` (a description of what was seen), for the caller's panic message.
pub async fn poll_until<T, F, Fut>(within: Duration, mut probe: F) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let start = Instant::now();
    loop {
        match probe().await {
            Ok(found) => return Ok(found),
            Err(seen) if start.elapsed() > within => return Err(seen),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}
