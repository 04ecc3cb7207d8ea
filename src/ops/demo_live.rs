//! The living demo behind `serve --demo`: the drill's campaign engine on the process's one
//! clock, running at a watchable speed. It starts before shipment (election and list loaded,
//! batches printed, guías assigned) and runs through the cutoff to the MEC lists, so a visitor
//! sees every screen fill: PEPs shipped and delivered, queues of PEPs to reissue, envelopes on
//! their way back, check-ins by several stations, late arrivals after the countdown reaches
//! zero, and in the end the reception's documents and the report beside the database.

use std::path::PathBuf;
use std::sync::Arc;

use super::campaign::{self, CampaignConfig, CarrierMix, Summary, Timekeeper};
use super::demo::DEMO_ELECTORS;
use super::keys::Secrets;
use crate::clock::SimClock;
use crate::domain::tracking::Carrier;
use crate::storage::Db;

/// Simulated seconds per real second: a day of the campaign every 12 s, the whole campaign
/// (six weeks to the cutoff, reception a few days past it) in about ten minutes.
pub const DEMO_SPEED: f64 = 7_200.0;

/// The demo's campaign: the four local elections of the PEL 2021-2022 and their list size,
/// mostly FedEx (as in 2024) with some UPS and DHL, a few carrier faults, three stations.
pub fn demo_config(out_dir: PathBuf) -> CampaignConfig {
    let mut cfg = CampaignConfig::drill(DEMO_ELECTORS, 2022, 0.02, out_dir);
    cfg.name = "Demostración: Proceso Electoral Local (perfil PEL 2021-2022)".into();
    cfg.entities = ["01", "10", "20", "28"].map(String::from).to_vec();
    cfg.carriers = CarrierMix::parse("fedex=20,ups=3,dhl=2")
        .unwrap_or_else(|_| CarrierMix::single(Carrier::Fedex));
    cfg.stations = 3;
    cfg
}

/// Runs the campaign of `cfg` on `clock` (running) until it ends or `shutdown` resolves.
pub async fn live(
    db: Arc<Db>,
    secrets: Secrets,
    clock: Arc<SimClock>,
    cfg: CampaignConfig,
    shutdown: impl std::future::Future<Output = ()>,
) -> Option<Summary> {
    let time = Timekeeper::running(clock);
    let mut on = |p: &campaign::Progress| {
        log::info!(
            "demo: {} ({:.0} %) {}",
            p.sim_now.format("%Y-%m-%d %H:%M"),
            p.fraction * 100.0,
            p.message
        );
    };
    tokio::select! {
        _ = shutdown => None,
        r = campaign::run(db, &secrets, &cfg, time, &mut on) => match r {
            Ok(s) => {
                log::info!("demo: campaña terminada; informe en {}", cfg.out_dir.display());
                Some(s)
            }
            Err(e) => {
                log::error!("demo: {e}");
                None
            }
        },
    }
}
