//! The background poller: it polls what is due on its own and stops cleanly when told.

use std::time::{Duration, Instant};

use pep_tracker::carriers::config::CarriersConfig;
use pep_tracker::carriers::poller::RetryPolicy;
use pep_tracker::carriers::sim::{self, SimConfig};
use pep_tracker::ops::sync::{self, PollerConfig};

use crate::carriers::ship;
use crate::support::TestApp;

fn polled(app: &TestApp) -> i64 {
    app.raw_sql()
        .query_row(
            "SELECT count(*) FROM leg_polls WHERE last_poll_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn the_background_poller_polls_due_legs_and_stops_when_shutdown_completes() {
    let app = TestApp::new();
    ship(&app, 6);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let cfg = SimConfig {
        quiet: true,
        directory: Some(sync::sim_directory(app.db.clone())),
        ..SimConfig::default()
    };
    let handle = rt
        .block_on(sim::serve("127.0.0.1:0".parse().unwrap(), cfg))
        .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let poller = {
        let _guard = rt.enter();
        sync::spawn_poller(
            app.db.clone(),
            PollerConfig {
                carriers: CarriersConfig::simulator(&handle.base_url()),
                every: Duration::from_millis(50),
                retry: RetryPolicy::default(),
                clock: pep_tracker::clock::wall(),
            },
            async move {
                let _ = stopped.await;
            },
        )
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while polled(&app) < 12 {
        assert!(
            Instant::now() < deadline,
            "only {} legs polled",
            polled(&app)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    stop.send(()).unwrap();
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(5), poller)
            .await
            .expect("the poller stops promptly")
            .expect("the poller did not panic");
    });
    // Nothing runs after shutdown: no more polls are recorded.
    let total: i64 = app
        .raw_sql()
        .query_row("SELECT sum(polls_total) FROM leg_polls", [], |r| r.get(0))
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let again: i64 = app
        .raw_sql()
        .query_row("SELECT sum(polls_total) FROM leg_polls", [], |r| r.get(0))
        .unwrap();
    assert_eq!(total, again);
    rt.block_on(handle.shutdown());
}
