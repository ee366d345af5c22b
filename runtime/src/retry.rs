//! When and how often a call is sent again.

use std::time::Duration;

/// When and how often a call is retried.
///
/// A 429 is retried for every operation, after the server's `Retry-After`
/// when it gives one (up to [`max_retry_after`](Self::max_retry_after)),
/// since the server did not act on the request. A 500, 502, 503 or 504, or a
/// timeout, is retried only for operations that are safe to send twice
/// (idempotent methods, or as the SDK's settings say); a connection that
/// could not be made, for every operation. Delays grow exponentially from
/// [`base_delay`](Self::base_delay) with jitter. When retries run out, the
/// last answer is returned as it is (`Error::RateLimited`, `Error::Status`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 sends each call once.
    pub max_retries: u32,
    /// Delay before the first retry; it doubles with each one, plus jitter.
    pub base_delay: Duration,
    /// Longest delay between two attempts.
    pub max_delay: Duration,
    /// Longest `Retry-After` waited for; a longer one is returned at once as
    /// `Error::RateLimited`.
    pub max_retry_after: Duration,
    /// Statuses retried for operations safe to send twice.
    pub retry_statuses: Vec<u16>,
}

impl Default for RetryPolicy {
    /// Two retries, from 500 ms up to 10 s apart; `Retry-After` up to 60 s;
    /// 500, 502, 503 and 504 retried where safe.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            retry_statuses: vec![500, 502, 503, 504],
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is sent once.
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }

    /// The same policy with `max_retries` retries.
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The same policy with delays growing from `base_delay` up to `max_delay`.
    pub fn with_delays(mut self, base_delay: Duration, max_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self.max_delay = max_delay;
        self
    }

    /// The same policy waiting for `Retry-After` up to `max_retry_after`.
    pub fn with_max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }

    /// The same policy retrying these statuses (besides 429) where safe.
    pub fn with_retry_statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.retry_statuses = statuses.into_iter().collect();
        self
    }

    pub(crate) fn backoff(&self) -> backon::ExponentialBackoff {
        use backon::BackoffBuilder;
        backon::ExponentialBuilder::default()
            .with_min_delay(self.base_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.max_retries as usize)
            .with_jitter()
            .build()
    }
}

/// Why a call is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryReason {
    /// HTTP 429.
    RateLimited,
    /// A server error the policy retries.
    Status(u16),
    /// No connection could be made.
    Connect,
    /// The attempt timed out.
    Timeout,
}

impl std::fmt::Display for RetryReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RetryReason::RateLimited => f.write_str("rate limited"),
            RetryReason::Status(status) => write!(f, "HTTP {status}"),
            RetryReason::Connect => f.write_str("cannot connect"),
            RetryReason::Timeout => f.write_str("timed out"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_yields_max_retries_delays_within_bounds() {
        let policy = RetryPolicy::default().with_max_retries(3).with_delays(Duration::from_millis(10), Duration::from_millis(25));
        let delays: Vec<Duration> = policy.backoff().collect();
        assert_eq!(delays.len(), 3);
        // Jitter adds up to one more delay on top of the capped one.
        assert!(delays.iter().all(|d| *d >= Duration::from_millis(10) && *d <= Duration::from_millis(50)), "{delays:?}");
        assert_eq!(RetryPolicy::none().backoff().count(), 0);
    }
}
