//! Rate limits of the public endpoints: one budget per client IP, one per app.
//!
//! GCRA buckets from `governor`: a sustained rate and a burst, both configurable
//! (`rate_limit_ip_per_s`, `rate_limit_ip_burst`, `rate_limit_app_per_s`,
//! `rate_limit_app_burst`; a rate of 0 turns the limit off). A refusal says how many
//! seconds to wait, for `Retry-After`. Owns counting only; the answer is the guard's.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::Config;

/// Forget idle keys every this many checks, so memory follows the active clients.
const SWEEP_EVERY: u64 = 4096;

pub struct RateLimits {
    ip: Option<DefaultKeyedRateLimiter<IpAddr>>,
    app: Option<DefaultKeyedRateLimiter<String>>,
    checks: AtomicU64,
}

fn quota(per_s: u32, burst: u32) -> Option<Quota> {
    let rate = NonZeroU32::new(per_s)?;
    let burst = NonZeroU32::new(burst.max(per_s)).unwrap_or(rate);
    Some(Quota::per_second(rate).allow_burst(burst))
}

impl RateLimits {
    pub fn new(config: &Config) -> Self {
        RateLimits {
            ip: quota(config.rate_limit_ip_per_s, config.rate_limit_ip_burst)
                .map(RateLimiter::keyed),
            app: quota(config.rate_limit_app_per_s, config.rate_limit_app_burst)
                .map(RateLimiter::keyed),
            checks: AtomicU64::new(0),
        }
    }

    fn sweep(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            if let Some(ip) = &self.ip {
                ip.retain_recent();
            }
            if let Some(app) = &self.app {
                app.retain_recent();
            }
        }
    }

    /// Ok, or the seconds to wait before this IP may call again.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), u64> {
        self.sweep();
        match &self.ip {
            Some(limiter) => limiter.check_key(&ip).map_err(wait_seconds),
            None => Ok(()),
        }
    }

    /// Ok, or the seconds to wait before this app's endpoints take more requests.
    pub fn check_app(&self, app: &str) -> Result<(), u64> {
        match &self.app {
            Some(limiter) => limiter.check_key(&app.to_owned()).map_err(wait_seconds),
            None => Ok(()),
        }
    }
}

fn wait_seconds(not_until: governor::NotUntil<<DefaultClock as Clock>::Instant>) -> u64 {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_the_next_request_waits_at_least_a_second() {
        let config = Config {
            rate_limit_ip_per_s: 1,
            rate_limit_ip_burst: 3,
            ..Config::default()
        };
        let limits = RateLimits::new(&config);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(limits.check_ip(ip), Ok(()));
        }
        assert!(matches!(limits.check_ip(ip), Err(s) if s >= 1));
        assert_eq!(
            limits.check_ip("192.0.2.2".parse().unwrap()),
            Ok(()),
            "other IPs have their own budget"
        );
    }

    #[test]
    fn a_rate_of_zero_means_no_limit() {
        let config = Config {
            rate_limit_app_per_s: 0,
            ..Config::default()
        };
        let limits = RateLimits::new(&config);
        for _ in 0..10_000 {
            assert_eq!(limits.check_app("demo"), Ok(()));
        }
    }
}
