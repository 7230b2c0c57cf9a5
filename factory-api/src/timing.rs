//! How long the factory's steps take, so a simulated line's units per hour mean
//! something: the cloud's answers, a DUT joining the network after BlinkUp, enrolling,
//! downloading its group's code, the bless round trip, and how long agents outlive
//! their devices.
//!
//! What Electric Imp documents is used as documented (imp-api.md §1.2, §1.8; the Dev
//! Center's Connected Factory Process Guide and its "Agents have a 30-day lifespan"
//! technote): the restart into production code two seconds after the bless callback,
//! 24 hours for a DUT's factory agent and 30 days for every other agent after their
//! device goes quiet. The network and cloud delays are not documented: those defaults
//! are ours, for a factory on a good WiFi network. Each delay is stretched by up to
//! `jitter` of itself, drawn from a seeded generator, so runs stay reproducible.

use std::time::Duration;

/// The factory's delays. Each is a typical duration; `World` adds the jitter.
#[derive(Clone, Debug, PartialEq)]
pub struct FactoryTiming {
    /// From a fixture's `server.factoryblinkup` to its factory enrolment token arriving
    /// (ours).
    pub token: Duration,
    /// From the end of the BlinkUp flash to the DUT holding a connection to the cloud:
    /// joining the WiFi network, DHCP, the server handshake (ours).
    pub connect: Duration,
    /// The enrolment exchange with the cloud, once connected (ours).
    pub enrol: Duration,
    /// Downloading the DUT group's code, before the DUT restarts into it (ours).
    pub download: Duration,
    /// From `server.bless` to its callback (ours).
    pub bless: Duration,
    /// From the bless callback to the restart into the production group's code, when
    /// it loads code after blessing: "two seconds after the callback" (`server.bless`).
    pub application_restart: Duration,
    /// Each delay above is stretched by up to this fraction of itself, at random.
    pub jitter: f64,
    /// A DUT's factory agent keeps running this long after its device goes quiet
    /// (offline, or blessed into a group with no agent): 24 h, the Connected Factory
    /// Process Guide. One stopped while its device was offline restarts when it is back.
    pub dut_agent_lifetime: Duration,
    /// Every other agent, a fixture's included: 30 days ("Agents have a 30-day
    /// lifespan when their device is offline").
    pub agent_lifetime: Duration,
}

impl Default for FactoryTiming {
    fn default() -> FactoryTiming {
        FactoryTiming {
            token: Duration::from_millis(300),
            connect: Duration::from_secs(3),
            enrol: Duration::from_millis(500),
            download: Duration::from_millis(1500),
            bless: Duration::from_millis(600),
            application_restart: Duration::from_secs(2),
            jitter: 0.25,
            dut_agent_lifetime: Duration::from_secs(24 * 3600),
            agent_lifetime: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// Draws the jittered delays, reproducibly from a seed.
pub(crate) struct Delays {
    pub timing: FactoryTiming,
    rng: fastrand::Rng,
}

impl Delays {
    pub fn new(timing: FactoryTiming, seed: u64) -> Delays {
        Delays { timing, rng: fastrand::Rng::with_seed(seed) }
    }

    /// `typical`, stretched by up to `jitter` of itself (to the millisecond).
    pub fn draw(&mut self, typical: Duration) -> Duration {
        let stretch = typical.as_secs_f64() * self.timing.jitter * self.rng.f64();
        typical + Duration::from_millis((stretch * 1000.0).round() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_stay_within_their_jitter_and_repeat_with_the_seed() {
        let mut a = Delays::new(FactoryTiming::default(), 7);
        let typical = Duration::from_secs(4);
        let drawn: Vec<Duration> = (0..200).map(|_| a.draw(typical)).collect();
        assert!(drawn.iter().all(|d| (typical..=typical + Duration::from_secs(1)).contains(d)));
        assert!(drawn.iter().any(|d| *d > typical + Duration::from_millis(500)), "jitter spreads them");
        let mut b = Delays::new(FactoryTiming::default(), 7);
        assert_eq!(drawn, (0..200).map(|_| b.draw(typical)).collect::<Vec<_>>());
        let mut none = Delays::new(FactoryTiming { jitter: 0.0, ..FactoryTiming::default() }, 7);
        assert_eq!(none.draw(typical), typical);
    }
}
