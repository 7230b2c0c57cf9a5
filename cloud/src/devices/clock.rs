//! The simulated devices' clock: real time. The world's time zero is the imps' virtual
//! epoch (`EPOCH_UNIX`), so firmware's `time()` and `date()` read the real date, and
//! what the world tells the cloud is stamped in the server's Unix time.

use impish_factory::cloud::SimTime;
use impish_factory::imp::clock::EPOCH_UNIX;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The cloud's (Unix) time at the world's time zero.
pub fn cloud_epoch() -> SimTime {
    Duration::from_secs(EPOCH_UNIX.unsigned_abs())
}

/// The world's time now (zero on a machine whose clock is before the epoch).
pub fn world_now() -> SimTime {
    let unix = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    unix.saturating_sub(cloud_epoch())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_time_plus_the_epoch_is_unix_time() {
        let unix = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let back = world_now() + cloud_epoch();
        assert!(back >= unix && back - unix < Duration::from_secs(1));
    }
}
