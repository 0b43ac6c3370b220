//! The server and chromedriver behind every test, started on free loopback ports.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::balancer::Balancer;
use super::{free_port, poll_until, repo_root, Proc, Scratch, WAIT};

/// The real server (temporary SQLite database with demo data, serving `dist/`) and chromedriver;
/// or several server instances on one PostgreSQL database behind a [`Balancer`].
pub struct Stack {
    /// Where the browser goes: the server, or the balancer in front of the instances.
    pub base: String,
    /// Each instance's own address (one for a single server).
    pub instances: Vec<String>,
    pub(super) driver_url: String,
    pub(super) http: reqwest::Client,
    servers: Vec<Option<Proc>>,
    _balancer: Option<Balancer>,
    _driver: Proc,
    pub(super) scratch: Scratch,
}

impl Stack {
    /// One server on a fresh SQLite database.
    pub async fn start() -> Self {
        let scratch = Scratch::new("stack");
        let url = format!("sqlite://{}", scratch.0.join("e2e.db").display());
        let (server, base) = spawn_server(&url);
        Self::with_servers(scratch, vec![server], vec![base.clone()], base, None).await
    }

    /// `n` instances sharing the PostgreSQL database `TSUNAGU_TEST_DATABASE_URL` names (`make
    /// e2e` starts a throwaway cluster), behind a balancer that prefers the last instance.
    pub async fn start_instances(n: usize) -> Self {
        let url = std::env::var("TSUNAGU_TEST_DATABASE_URL").expect(
            "TSUNAGU_TEST_DATABASE_URL must name a PostgreSQL database: run through \
             scripts/with-postgres.sh (as `make e2e` does)",
        );
        let scratch = Scratch::new("stack");
        let (mut servers, mut bases) = (Vec::new(), Vec::new());
        // One at a time: the first migrates and seeds, the others find it done.
        for _ in 0..n {
            let (server, base) = spawn_server(&url);
            servers.push(server);
            bases.push(base);
        }
        let addrs = bases
            .iter()
            .rev()
            .map(|b| {
                b.trim_start_matches("http://")
                    .trim_end_matches('/')
                    .parse()
                    .unwrap()
            })
            .collect();
        let balancer = Balancer::start(addrs).await;
        let base = format!("http://{}/", balancer.addr);
        Self::with_servers(scratch, servers, bases, base, Some(balancer)).await
    }

    /// Kills instance `i` at once (SIGKILL: no graceful shutdown, as in a crash).
    pub fn kill_instance(&mut self, i: usize) {
        drop(self.servers[i].take());
    }

    async fn with_servers(
        scratch: Scratch,
        servers: Vec<Proc>,
        instances: Vec<String>,
        base: String,
        balancer: Option<Balancer>,
    ) -> Self {
        // Two rustls providers are compiled in (fantoccini's and reqwest's); choose one.
        let _ = rustls::crypto::ring::default_provider().install_default();
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
            instances,
            driver_url,
            http: reqwest::Client::new(),
            servers: servers.into_iter().map(Some).collect(),
            _balancer: balancer,
            _driver: driver,
            scratch,
        }
    }
}

/// Starts the server binary on a free port over `database_url` with demo data; returns it and
/// its base URL.
fn spawn_server(database_url: &str) -> (Proc, String) {
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
    let mut server = Command::new(&server_bin)
        .args(["serve", "--bind", "127.0.0.1:0", "--demo", "--database-url"])
        .arg(database_url)
        .arg("--dist")
        .arg(&dist)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start tsunagu-server");
    let base = read_listen_url(&mut server);
    (Proc(server), base)
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
