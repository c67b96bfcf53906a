//! Hybrid logical clock: wall-clock milliseconds in the high 48 bits, a counter
//! in the low 16. A node's clock never goes backwards and always passes every
//! clock it has seen, so a change made after seeing another always sorts after it.

use chrono::{DateTime, TimeZone, Utc};

const COUNTER_BITS: u32 = 16;

/// The next clock after `last` at wall time `wall_ms`.
pub fn tick(last: u64, wall_ms: i64) -> u64 {
    let physical = u64::try_from(wall_ms.max(0)).unwrap_or(0) << COUNTER_BITS;
    if physical > last {
        physical
    } else {
        last + 1
    }
}

/// Milliseconds since the epoch of a clock value.
pub fn millis(hlc: u64) -> i64 {
    i64::try_from(hlc >> COUNTER_BITS).unwrap_or(i64::MAX)
}

pub fn to_time(hlc: u64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(millis(hlc)).single().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_follow_the_wall_clock_and_never_repeat() {
        let a = tick(0, 1_000);
        assert_eq!(millis(a), 1_000);
        let b = tick(a, 1_000);
        assert!(b > a, "same millisecond still moves forward");
        assert_eq!(millis(b), 1_000);
        let c = tick(b, 900);
        assert!(c > b, "a wall clock that went back does not move the clock back");
        let d = tick(c, 5_000);
        assert_eq!(millis(d), 5_000);
    }
}
