//! Helpers shared by the benchmarks (each bench includes this file with `#[path]`).
#![allow(dead_code)]

/// Peak resident set size of this process so far (VmHWM), in MB.
pub fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Resets the peak to the current RSS, so the next phase is measured alone.
pub fn reset_peak_rss() {
    // Linux: writing 5 to clear_refs resets VmHWM to the current RSS.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The election the database benchmarks run under: polls in 2030, four entities.
pub const ELECTION: &str = r#"name = "bench"
election_day = "2030-06-02"
polls_open = "08:00"
timezone = "America/Mexico_City"
max_electors_per_mec = 750
entities = ["01", "10", "20", "28"]
"#;

/// A new database at `path` with its key file and [`ELECTION`] loaded.
pub fn fresh_db(
    path: &std::path::Path,
) -> (pep_tracker::storage::Db, pep_tracker::ops::keys::Secrets) {
    use pep_tracker::ops::{self, Actor};
    let db = pep_tracker::storage::Db::open(path).unwrap();
    let (secrets, _) = ops::keys::load_or_create(&ops::keys::key_path_for(path)).unwrap();
    ops::election::load(&db, ELECTION, &Actor::system(), chrono::Utc::now()).unwrap();
    (db, secrets)
}

/// Imports an LNERE CSV through `import-lnere`'s code path; any row error stops the bench.
pub fn import(db: &pep_tracker::storage::Db, input: impl std::io::Read, file_name: &str) {
    use pep_tracker::ops::import::{import_lnere, Observer};
    let obs = Observer {
        progress: &mut |_| {},
        error: &mut |e| panic!("{e}"),
    };
    let actor = pep_tracker::ops::Actor::system();
    import_lnere(db, input, file_name, &actor, chrono::Utc::now(), obs).unwrap();
}

/// A free loopback port and the Rocket configuration that serves on it, quietly.
pub fn local_figment() -> (u16, rocket::figment::Figment) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let figment = rocket::Config::figment()
        .merge(("port", port))
        .merge(("log_level", "off"));
    (port, figment)
}
