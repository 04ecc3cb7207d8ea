//! The app's clock on every page, as two Tera functions registered with the templates:
//!
//! - `simulated_clock()`: on a simulated clock (demo, drill), the line the page header shows,
//!   e.g. «Fecha simulada: 3 jun 2024 14:05 · ×3600», in the election's time zone; nothing
//!   (null) on the wall clock, without touching the database;
//! - `server_clock()`: `{now_ms, speed}`, the server's now in milliseconds since the epoch and
//!   simulated seconds per real second (1 on the wall clock), from which a page's script
//!   extrapolates the server's time instead of trusting the browser's (the station's
//!   countdown to the cutoff).

use crate::domain::months::month_es_short;
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;
use rocket_dyn_templates::tera::{Result, Tera, Value};

use crate::clock::SharedClock;
use crate::ops;
use crate::storage::Db;

/// `t` as es-MX writes it in a header: «3 jun 2024 14:05».
pub fn short_date(t: DateTime<Tz>) -> String {
    format!(
        "{} {} {} {:02}:{:02}",
        t.day(),
        month_es_short(t.month0()),
        t.year(),
        t.hour(),
        t.minute()
    )
}

/// A speed as the header writes it: whole numbers without decimals («×3600», «×0.5»).
fn speed_text(speed: f64) -> String {
    if speed == 0.0 {
        return "en pausa".into();
    }
    if speed.fract() == 0.0 {
        format!("×{speed:.0}")
    } else {
        format!("×{speed}")
    }
}

/// The header's line for a clock at `now` running at `speed`, shown in `tz`.
pub fn header_line(now: DateTime<Utc>, speed: f64, tz: Tz) -> String {
    format!(
        "Fecha simulada: {} · {}",
        short_date(now.with_timezone(&tz)),
        speed_text(speed)
    )
}

/// Registers `simulated_clock()` and `server_clock()` over the app's clock and database.
pub fn register(tera: &mut Tera, clock: SharedClock, db: Arc<Db>) {
    let header_clock = clock.clone();
    tera.register_function(
        "simulated_clock",
        move |_: &HashMap<String, Value>| -> Result<Value> {
            let Some(speed) = header_clock.simulated_speed() else {
                return Ok(Value::Null);
            };
            // The election's zone, as every time on screen; UTC before an election is loaded.
            let tz = ops::election::current(&db).map_or(Tz::UTC, |e| e.timezone);
            Ok(header_line(header_clock.now(), speed, tz).into())
        },
    );
    tera.register_function(
        "server_clock",
        move |_: &HashMap<String, Value>| -> Result<Value> {
            let speed = clock.simulated_speed().unwrap_or(1.0);
            // Whole speeds as integers, so that the page reads «60», not «60.0».
            let speed = if speed.fract() == 0.0 && speed.abs() < 1e15 {
                Value::from(speed as i64)
            } else {
                Value::from(speed)
            };
            Ok(serde_json::json!({
                "now_ms": clock.now().timestamp_millis(),
                "speed": speed,
            }))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_line_is_spanish_in_the_elections_zone_with_the_speed() {
        let t: DateTime<Utc> = "2024-06-03T20:05:00Z".parse().unwrap();
        let tz: Tz = "America/Mexico_City".parse().unwrap();
        assert_eq!(
            header_line(t, 3600.0, tz),
            "Fecha simulada: 3 jun 2024 14:05 · ×3600"
        );
        assert_eq!(
            header_line(t, 0.0, Tz::UTC),
            "Fecha simulada: 3 jun 2024 20:05 · en pausa"
        );
        assert!(header_line(t, 1.5, Tz::UTC).ends_with("×1.5"));
    }
}
