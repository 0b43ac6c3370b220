//! The server and chromedriver behind every test, started on free loopback ports.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::{free_port, poll_until, repo_root, Proc, Scratch, WAIT};

/// The real server (temporary SQLite database with demo data, serving `dist/`) and chromedriver.
pub struct Stack {
    pub base: String,
    pub(super) driver_url: String,
    pub(super) http: reqwest::Client,
    _server: Proc,
    _driver: Proc,
    pub(super) scratch: Scratch,
}

impl Stack {
    pub async fn start() -> Self {
        // Two rustls providers are compiled in (fantoccini's and reqwest's); choose one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let root = repo_root();
        // TSUNAGU_DIST: another build of the SPA (parallel work must not share one dist/).
        let dist = std::env::var_os("TSUNAGU_DIST")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("dist"));
        assert!(
            dist.join("index.html").is_file(),
            "dist/index.html is missing: build the release SPA first (`make web`)"
        );
        let server_bin = std::env::var_os("TSUNAGU_SERVER_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target/debug/tsunagu-server"));
        assert!(
            server_bin.is_file(),
            "{} is missing: `make native` first",
            server_bin.display()
        );
        let scratch = Scratch::new("stack");
        let db = scratch.0.join("e2e.db");
        let mut server = Command::new(&server_bin)
            .args(["serve", "--bind", "127.0.0.1:0", "--demo", "--database-url"])
            .arg(format!("sqlite://{}", db.display()))
            .arg("--dist")
            .arg(&dist)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start tsunagu-server");
        let base = read_listen_url(&mut server);
        let server = Proc(server);

        let port = free_port();
        let driver = Proc(
            Command::new(chromedriver())
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver"),
        );
        let driver_url = format!("http://127.0.0.1:{port}");
        poll_until(WAIT, || async {
            std::net::TcpStream::connect(("127.0.0.1", port))
                .map(drop)
                .map_err(|e| format!("chromedriver is not listening on port {port}: {e}"))
        })
        .await
        .unwrap_or_else(|seen| panic!("timed out waiting: {seen}"));
        Self {
            base,
            driver_url,
            http: reqwest::Client::new(),
            _server: server,
            _driver: driver,
            scratch,
        }
    }
}

fn chromedriver() -> PathBuf {
    std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"))
}

/// Reads the server's stdout until it says where it listens; keeps draining it afterwards so the
/// pipe never fills and blocks the server.
fn read_listen_url(server: &mut Child) -> String {
    const MARK: &str = "Tsunagu listening on ";
    let stdout = server.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if !sent {
                if let Some(url) = line.split(MARK).nth(1) {
                    let _ = tx.send(url.trim().to_owned());
                    sent = true;
                }
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the server did not report its address within 60 s")
}
