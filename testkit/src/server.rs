//! Launches the server binary the way an operator does (`serve --bind 127.0.0.1:0 --demo`), on a
//! free loopback port, and learns its address from the line it prints. The process is killed
//! when the handle drops, so a failing test leaves nothing running.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the server prints once it listens.
const LISTENING: &str = "Tsunagu listening on ";

/// The server binary: `TSUNAGU_SERVER_BIN` if set, else `default`.
pub fn server_bin(default: impl AsRef<Path>) -> PathBuf {
    std::env::var_os("TSUNAGU_SERVER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| default.as_ref().to_owned())
}

/// How to start one server process.
pub struct Launcher {
    command: Command,
    database_url: String,
    demo: bool,
}

impl Launcher {
    /// `bin serve --bind 127.0.0.1:0 --demo --database-url <url>`, logging warnings and errors
    /// to this process's stderr.
    pub fn new(bin: impl AsRef<Path>, database_url: &str) -> Self {
        let bin = bin.as_ref();
        assert!(
            bin.is_file(),
            "{} is missing: build the server first (`make native`)",
            bin.display()
        );
        let mut command = Command::new(bin);
        command
            .args(["serve", "--bind", "127.0.0.1:0", "--database-url"])
            .arg(database_url)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        Self {
            command,
            database_url: database_url.to_owned(),
            demo: true,
        }
    }

    /// Without `--demo`: a real deployment's first start, nothing seeded.
    pub fn without_demo(mut self) -> Self {
        self.demo = false;
        self
    }

    /// Serves the SPA from `dist`.
    pub fn dist(mut self, dist: impl AsRef<Path>) -> Self {
        self.command.arg("--dist").arg(dist.as_ref());
        self
    }

    /// More command-line arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.command.args(args);
        self
    }

    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.command.env(name, value);
        self
    }

    pub fn env_remove(mut self, name: &str) -> Self {
        self.command.env_remove(name);
        self
    }

    /// Where the server's log goes (default: this process's stderr).
    pub fn stderr(mut self, to: impl Into<Stdio>) -> Self {
        self.command.stderr(to);
        self
    }

    /// Starts the server and waits (at most 60 s) until it says where it listens.
    pub fn spawn(mut self) -> ServerProcess {
        if self.demo {
            self.command.arg("--demo");
        }
        let mut child = self.command.spawn().expect("start tsunagu-server");
        let stdout = child.stdout.take().expect("piped stdout");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let seen = Arc::clone(&lines);
        // Keeps reading after the address line so the pipe never fills and blocks the server.
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let url = line
                    .split(LISTENING)
                    .nth(1)
                    .map(|url| url.trim().to_owned());
                seen.lock().unwrap().push(line);
                if let Some(url) = url {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(url.trim_end_matches('/').to_owned());
                    }
                }
            }
        });
        let mut process = ServerProcess {
            child,
            base: String::new(),
            database_url: self.database_url,
            stdout: lines,
        };
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(base) => process.base = base,
            Err(_) => {
                let status = process.child.try_wait().ok().flatten();
                panic!(
                    "the server did not report its address within 60 s (exit: {status:?}); \
                     it printed: {:?}",
                    process.stdout()
                );
            }
        }
        process
    }
}

/// A running server; killed (SIGKILL) on drop.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
    /// The database it runs on.
    pub database_url: String,
    stdout: Arc<Mutex<Vec<String>>>,
}

impl ServerProcess {
    /// What it printed on stdout so far.
    pub fn stdout(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Asks it to shut down gracefully (SIGTERM, as systemd and orchestrators do).
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Its exit status once it exits within `within`; `None` if it still runs.
    pub fn wait_exit(&mut self, within: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the server") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
