//! What the tests of the real `hookdesk` binary share: a running `serve`, the CLI, the API.

#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_hookdesk");

/// A running `hookdesk serve`, killed when dropped.
pub struct Serve {
    pub child: Child,
    pub url: String,
    pub log: std::path::PathBuf,
}

/// How to start `hookdesk serve`, beyond its data directory and token.
#[derive(Default)]
pub struct ServeOptions<'a> {
    /// Extra environment (a private keyring's D-Bus address, say).
    pub env: Vec<(&'a str, String)>,
    /// Run under this open-files limit (soft and hard), as `ulimit -n` sets it.
    pub open_files: Option<u32>,
}

impl Serve {
    pub fn start(data_dir: &Path, token: Option<&str>, log: &Path) -> Serve {
        Self::start_with(data_dir, token, log, ServeOptions::default())
    }

    pub fn start_with(data_dir: &Path, token: Option<&str>, log: &Path, options: ServeOptions) -> Serve {
        let stderr = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
        let mut cmd = match options.open_files {
            Some(n) => {
                let mut c = Command::new("bash");
                c.args(["-c", &format!("ulimit -n {n} && exec \"$0\" \"$@\""), BIN]);
                c
            }
            None => Command::new(BIN),
        };
        cmd.args(["serve", "--port", "0", "--allow-private-targets", "--data-dir"])
            .arg(data_dir)
            .env("HOOKDESK_LOG", "debug")
            .env_remove("HOOKDESK_TOKEN")
            .stdout(Stdio::piped())
            .stderr(stderr);
        for (k, v) in options.env {
            cmd.env(k, v);
        }
        if let Some(t) = token {
            cmd.env("HOOKDESK_TOKEN", t);
        }
        let mut child = cmd.spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("serve said: {line:?}; its log: {}", std::fs::read_to_string(log).unwrap_or_default()))
            .to_string();
        Serve { child, url, log: log.to_path_buf() }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Sends SIGTERM and waits for the process to end, at most `within`; how long it took.
    pub fn terminate(mut self, within: Duration) -> Duration {
        let started = std::time::Instant::now();
        let sent = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(sent.success());
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "serve exited with {status} after SIGTERM");
                return started.elapsed();
            }
            assert!(started.elapsed() < within, "serve was still running {within:?} after SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The log so far, for messages that explain a failure.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = &self.log;
    }
}

pub fn cli(data_dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("HOOKDESK_TOKEN")
        .env_remove("HOOKDESK_URL")
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

pub async fn call(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Result<(u16, Value), String> {
    let mut rb = http.request(method, format!("{url}{path}")).bearer_auth(token).timeout(Duration::from_secs(10));
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.send().await.map_err(|e| e.to_string())?;
    let status = r.status().as_u16();
    let text = r.text().await.map_err(|e| e.to_string())?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

/// A Secret Service of the test's own that it can stop and start again: a private D-Bus
/// session (which activates nothing by itself) with a gnome-keyring daemon on it.
pub struct PrivateKeyring {
    dir: tempfile::TempDir,
    bus: Child,
    address: String,
    daemon: Option<Child>,
}

impl PrivateKeyring {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["data", "runtime"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path().join("runtime"), std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        let socket = dir.path().join("bus");
        let config = dir.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path={}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>"#,
                socket.display()
            ),
        )
        .unwrap();
        let mut bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon runs (package dbus)");
        let mut address = String::new();
        BufReader::new(bus.stdout.take().unwrap()).read_line(&mut address).unwrap();
        let mut keyring = Self { dir, bus, address: address.trim().to_string(), daemon: None };
        keyring.start_daemon();
        keyring
    }

    /// What a process needs to find this keyring.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("DBUS_SESSION_BUS_ADDRESS", self.address.clone()),
            ("XDG_DATA_HOME", self.dir.path().join("data").display().to_string()),
            ("XDG_RUNTIME_DIR", self.dir.path().join("runtime").display().to_string()),
        ]
    }

    /// Starts the daemon (again): the same keyring file, unlocked with the same password.
    pub fn start_daemon(&mut self) {
        assert!(self.daemon.is_none());
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .envs(self.env())
            .env("HOME", self.dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon runs");
        // A non-empty password: an empty one never creates the login keyring.
        std::io::Write::write_all(&mut daemon.stdin.take().unwrap(), b"private-test-keyring").unwrap();
        self.daemon = Some(daemon);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !self.owned() {
            assert!(std::time::Instant::now() < deadline, "the private Secret Service did not come up");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn stop_daemon(&mut self) {
        let mut daemon = self.daemon.take().expect("running");
        daemon.kill().unwrap();
        daemon.wait().unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while self.owned() {
            assert!(std::time::Instant::now() < deadline, "the private Secret Service did not go away");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the daemon with SIGSTOP: it keeps its name on the bus, and calls to it go
    /// unanswered until [`PrivateKeyring::thaw_daemon`].
    pub fn freeze_daemon(&self) {
        self.signal_daemon("-STOP");
    }

    pub fn thaw_daemon(&self) {
        self.signal_daemon("-CONT");
    }

    fn signal_daemon(&self, signal: &str) {
        let pid = self.daemon.as_ref().expect("running").id().to_string();
        assert!(Command::new("kill").args([signal, &pid]).status().unwrap().success());
    }

    /// Whether the Secret Service's name is owned on the bus.
    fn owned(&self) -> bool {
        let out = Command::new("dbus-send")
            .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus"])
            .args(["org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).contains("boolean true")
    }
}

impl Drop for PrivateKeyring {
    fn drop(&mut self) {
        if let Some(mut d) = self.daemon.take() {
            let _ = d.kill();
            let _ = d.wait();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}
