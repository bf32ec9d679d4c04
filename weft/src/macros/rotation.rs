//! Which future `join!` and `try_join!` poll first on each poll.
//!
//! Polling always in declaration order is unfair: when the first future
//! spends the task's coop budget, the later ones are never polled while the
//! first one stays busy, and starve. So the macros rotate: poll number `k`
//! starts with future `k mod N`, then goes on in order, wrapping around
//! ([`RoundRobin`]). With `biased;` they start with the first every time
//! ([`InOrder`]), which the user asked for.
//!
//! Both are generic over the number of futures `N` so that the count is a
//! compile-time constant and not stored; `InOrder` takes no space at all,
//! `RoundRobin` one `u32`.

/// Starts each poll one future further than the last, wrapping at `N`.
#[derive(Debug, Default)]
pub struct RoundRobin<const N: u32> {
    next: u32,
}

impl<const N: u32> RoundRobin<N> {
    /// A rotation whose first poll starts with future 0.
    #[inline]
    pub fn new() -> Self {
        RoundRobin { next: 0 }
    }

    /// The index of the future to poll first in this poll.
    #[inline]
    pub fn first(&mut self) -> u32 {
        let first = self.next;
        self.next = if first + 1 >= N { 0 } else { first + 1 };
        first
    }
}

/// Starts every poll with future 0 (`biased;`).
#[derive(Debug, Default)]
pub struct InOrder<const N: u32>;

impl<const N: u32> InOrder<N> {
    /// The in-order "rotation".
    #[inline]
    pub fn new() -> Self {
        InOrder
    }

    /// Always 0.
    #[inline]
    pub fn first(&mut self) -> u32 {
        0
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn round_robin_cycles_through_all() {
        let mut r = RoundRobin::<3>::new();
        let firsts: Vec<u32> = (0..7).map(|_| r.first()).collect();
        assert_eq!(firsts, [0, 1, 2, 0, 1, 2, 0]);
    }

    #[test]
    fn round_robin_of_one_stays_at_zero() {
        let mut r = RoundRobin::<1>::new();
        assert_eq!((r.first(), r.first()), (0, 0));
    }

    #[test]
    fn in_order_is_free_and_constant() {
        assert_eq!(std::mem::size_of::<InOrder<5>>(), 0);
        let mut r = InOrder::<5>::new();
        assert_eq!((r.first(), r.first()), (0, 0));
    }
}
