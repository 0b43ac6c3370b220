//! The server and chromedriver behind every test, started on free loopback ports.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use tsunagu_testkit::{database, Api, Launcher, ServerProcess};

use super::balancer::Balancer;
use super::{free_port, poll_until, repo_root, Proc, Scratch, WAIT};

/// The real server (a fresh database with demo data, serving `dist/`) and chromedriver; or
/// several server instances on one PostgreSQL database behind a [`Balancer`].
pub struct Stack {
    /// Where the browser goes: the server, or the balancer in front of the instances.
    pub base: String,
    /// Each instance's own address (one for a single server).
    pub instances: Vec<String>,
    pub(super) driver_url: String,
    /// The typed client, talking to `base`.
    pub(super) api: Api,
    servers: Vec<Option<ServerProcess>>,
    _balancer: Option<Balancer>,
    _driver: Proc,
    pub(super) scratch: Scratch,
}

impl Stack {
    /// One server on a fresh database (SQLite unless `TSUNAGU_TEST_DATABASE_URL` names a
    /// PostgreSQL cluster).
    pub async fn start() -> Self {
        Self::start_with_args(&[]).await
    }

    /// [`Stack::start`] with more `serve` flags, e.g. a short `--idle-lock-secs`.
    pub async fn start_with_args(args: &[&str]) -> Self {
        let scratch = Scratch::new("stack");
        let url = database::fresh(&scratch.0).await;
        let server = spawn_server_with(&url, true, args);
        let base = server.base.clone();
        Self::with_servers(scratch, vec![server], vec![base.clone()], base, None).await
    }

    /// One server on a fresh database serving its own copy of the release build, returned with
    /// it: the test changes that copy as a new deployment would.
    pub async fn start_with_own_dist() -> (Self, PathBuf) {
        let scratch = Scratch::new("stack");
        let dist = scratch.0.join("dist");
        let copied = Command::new("cp")
            .arg("-r")
            .arg(built_dist())
            .arg(&dist)
            .status()
            .expect("run cp");
        assert!(copied.success(), "copy dist/ for the test");
        let url = database::fresh(&scratch.0).await;
        let server = Launcher::new(server_bin(), &url).dist(dist.clone()).spawn();
        let base = server.base.clone();
        let stack = Self::with_servers(scratch, vec![server], vec![base.clone()], base, None).await;
        (stack, dist)
    }

    /// One server on a fresh database without demo data: a real deployment's first start.
    pub async fn start_without_demo() -> Self {
        let scratch = Scratch::new("stack");
        let url = database::fresh(&scratch.0).await;
        let server = spawn_server(&url, false);
        let base = server.base.clone();
        Self::with_servers(scratch, vec![server], vec![base.clone()], base, None).await
    }

    /// `n` instances sharing one fresh database on the PostgreSQL cluster of
    /// `TSUNAGU_TEST_POSTGRES_URL` (`make e2e` starts a throwaway one), behind a balancer that
    /// prefers the last instance.
    pub async fn start_instances(n: usize) -> Self {
        let url = database::fresh_postgres().await;
        let scratch = Scratch::new("stack");
        // One at a time: the first migrates and seeds, the others find it done.
        let servers: Vec<ServerProcess> = (0..n).map(|_| spawn_server(&url, true)).collect();
        let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
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
        let base = format!("http://{}", balancer.addr);
        Self::with_servers(scratch, servers, bases, base, Some(balancer)).await
    }

    /// Kills instance `i` at once (SIGKILL: no graceful shutdown, as in a crash).
    pub fn kill_instance(&mut self, i: usize) {
        drop(self.servers[i].take());
    }

    async fn with_servers(
        scratch: Scratch,
        servers: Vec<ServerProcess>,
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
            api: Api::new(&base).unwrap(),
            base,
            instances,
            driver_url,
            servers: servers.into_iter().map(Some).collect(),
            _balancer: balancer,
            _driver: driver,
            scratch,
        }
    }
}

/// Starts the server binary over `database_url` with demo data, serving the release SPA.
fn spawn_server(database_url: &str, demo: bool) -> ServerProcess {
    spawn_server_with(database_url, demo, &[])
}

/// [`spawn_server`] with more `serve` flags.
fn spawn_server_with(database_url: &str, demo: bool, args: &[&str]) -> ServerProcess {
    let launcher = Launcher::new(server_bin(), database_url)
        .dist(built_dist())
        .args(args);
    if demo {
        launcher.spawn()
    } else {
        launcher.without_demo().spawn()
    }
}

/// The release build of the SPA the tests serve.
fn built_dist() -> PathBuf {
    // TSUNAGU_DIST: another build of the SPA (parallel work must not share one dist/).
    let dist = std::env::var_os("TSUNAGU_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("dist"));
    assert!(
        dist.join("index.html").is_file(),
        "dist/index.html is missing: build the release SPA first (`make web`)"
    );
    dist
}

fn server_bin() -> PathBuf {
    tsunagu_testkit::server::server_bin(repo_root().join("target/debug/tsunagu-server"))
}

fn chromedriver() -> PathBuf {
    std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"))
}
