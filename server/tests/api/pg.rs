//! A PostgreSQL for the tests: the cluster `./build.sh test` started
//! (`WAYMARK_TEST_POSTGRES_URL`), or else a private one this test process starts on
//! loopback in a temporary folder and stops when it exits.
//!
//! Each test gets a database of its own, so tests run in parallel without seeing
//! each other's rows.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use sqlx::{Connection, Executor, PgConnection};

pub const URL_VAR: &str = "WAYMARK_TEST_POSTGRES_URL";

static CLUSTER: OnceLock<Result<String, String>> = OnceLock::new();
static DATA_DIR: Mutex<Option<PathBuf>> = Mutex::new(None);

/// The URL of a new, empty database.
pub async fn fresh_database() -> String {
    let admin = admin_url();
    let mut conn = PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test PostgreSQL at {admin}: {e}"));
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).unwrap();
    let name = format!("wm_test_{}", hex::encode(bytes));
    // A database name cannot be a bound parameter; this one is made here, not given.
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    conn.close().await.unwrap();
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_path(&format!("/{name}"));
    url.to_string()
}

fn admin_url() -> String {
    if let Ok(url) = std::env::var(URL_VAR) {
        return url;
    }
    CLUSTER
        .get_or_init(start_private_cluster)
        .clone()
        .unwrap_or_else(|why| panic!("{why}"))
}

fn bin_dir() -> Option<PathBuf> {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("initdb").is_file() {
            return Some(dir);
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    versions.sort();
    versions.pop()
}

/// Runs a PostgreSQL program; as root, as the `postgres` user (it refuses root).
fn pg(bin: &Path, program: &str, args: &[&str]) -> Result<(), String> {
    let path = bin.join(program);
    let as_root = unsafe { libc::geteuid() } == 0;
    let mut command = if as_root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&path);
        c
    } else {
        Command::new(&path)
    };
    let out = command
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{program} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn start_private_cluster() -> Result<String, String> {
    let bin = bin_dir().ok_or_else(|| {
        format!(
            "PostgreSQL is not installed, and the server's tests run against it too. \
             Run `./build.sh test` (it installs Debian's postgresql package and starts a \
             private cluster), or set {URL_VAR} to a PostgreSQL URL whose user may create databases."
        )
    })?;
    let dir = tempfile::Builder::new()
        .prefix("waymark-test-pg.")
        .tempdir()
        .map_err(|e| e.to_string())?
        .keep();
    let as_root = unsafe { libc::geteuid() } == 0;
    if as_root {
        let status = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir)
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err("cannot give the test cluster's folder to the postgres user".into());
        }
    }
    let data = dir.join("data");
    let data_s = data.to_string_lossy().to_string();
    let dir_s = dir.to_string_lossy().to_string();
    pg(
        &bin,
        "initdb",
        &["-D", &data_s, "-A", "trust", "-U", "postgres", "--no-sync"],
    )?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let options = format!(
        "-c listen_addresses=127.0.0.1 -p {port} -k {dir_s} -c fsync=off -c max_connections=300"
    );
    let log = format!("{dir_s}/postgres.log");
    pg(
        &bin,
        "pg_ctl",
        &["-D", &data_s, "-l", &log, "-o", &options, "-w", "start"],
    )?;
    *DATA_DIR.lock().unwrap() = Some(dir.clone());
    unsafe { libc::atexit(stop_private_cluster) };
    Ok(format!("postgres://postgres@127.0.0.1:{port}/postgres"))
}

extern "C" fn stop_private_cluster() {
    let Some(dir) = DATA_DIR.lock().ok().and_then(|mut d| d.take()) else {
        return;
    };
    if let Some(bin) = bin_dir() {
        let data = dir.join("data").to_string_lossy().to_string();
        let _ = pg(
            &bin,
            "pg_ctl",
            &["-D", &data, "-m", "immediate", "-w", "stop"],
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
