//! The app's clock on screens (issue 12): the header shows the simulated date and speed on a
//! simulated clock and nothing on the wall clock; the station's countdown gets the server's
//! time and speed instead of trusting the browser's clock.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use pep_tracker::clock::{SharedClock, SimClock};
use pep_tracker::domain::role::Role;
use rocket::local::blocking::Client;

use crate::support::{login, TestApp, PASSWORD};

fn client_on(app: &TestApp, clock: SharedClock) -> Client {
    Client::tracked(pep_tracker::web::build_on(
        app.db.clone(),
        &app.secrets(),
        clock,
    ))
    .expect("rocket")
}

fn page(client: &Client, path: &str) -> String {
    client.get(path).dispatch().into_string().unwrap()
}

#[test]
fn every_page_header_shows_the_simulated_date_and_speed_only_on_a_simulated_clock() {
    let app = TestApp::new();
    app.add_user("consulta", Role::Viewer);
    // 3 June 2024, 14:05 in Mexico City (the election's zone), a minute per second.
    let t: DateTime<Utc> = "2024-06-03T20:05:10Z".parse().unwrap();
    let client = client_on(&app, Arc::new(SimClock::running(t, 60.0)));
    assert!(page(&client, "/login").contains("Fecha simulada: 3 jun 2024 14:0"));
    login(&client, "consulta", PASSWORD);
    for path in ["/", "/search", "/batches"] {
        let body = page(&client, path);
        assert!(body.contains("Fecha simulada: 3 jun 2024 14:"), "{path}");
        assert!(body.contains("· ×60<"), "{path}");
    }
    let wall = app.client();
    login(&wall, "consulta", PASSWORD);
    assert!(!page(&wall, "/").contains("Fecha simulada"));
}

#[test]
fn the_station_page_carries_the_servers_time_and_speed_for_its_countdown() {
    let app = TestApp::upcoming();
    app.add_user("mesa", Role::Reception);
    let t: DateTime<Utc> = "2030-05-30T16:00:00Z".parse().unwrap();
    let clock = Arc::new(SimClock::manual(t));
    let client = client_on(&app, clock.clone());
    login(&client, "mesa", PASSWORD);
    let body = page(&client, "/station");
    assert!(
        body.contains(&format!("data-server-now=\"{}\"", t.timestamp_millis())),
        "{body}"
    );
    assert!(
        body.contains("data-speed=\"0\""),
        "a clock moved by hand stands still"
    );
    assert!(body.contains("Fecha simulada: 30 may 2030 10:00 · en pausa"));
    clock.run_at(60.0);
    assert!(page(&client, "/station").contains("data-speed=\"60\""));
    let js = page(&client, "/static/station.js");
    assert!(js.contains("dataset.serverNow"));
    assert!(
        !js.contains("Date.now()"),
        "the countdown never reads the browser's clock"
    );
}
