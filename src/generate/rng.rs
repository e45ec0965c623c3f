//! Pseudo-random numbers: SplitMix64, and the keyed generators that names are recomputed from.

/// SplitMix64's output function: a bijective mix of 64 bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// SplitMix64 (Steele, Lea and Flood): small, fast and good enough for synthetic data.
#[derive(Clone, Debug)]
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Self {
        Self(mix(seed ^ 0x6B67_716C_2D67_656E))
    }

    /// The generator of one entity's names: a function of the seed, a kind and a number only, so
    /// a name can be recomputed whenever it is needed.
    pub(super) fn keyed(seed: u64, tag: u64, id: u64) -> Self {
        Self(mix(
            seed ^ mix(tag.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ mix(id))
        ))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A number in `0..n` (`n > 0`).
    pub(super) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub(super) fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(u64::from(hi - lo) + 1) as u32
    }

    /// An index into a slice of `n > 0` items.
    pub(super) fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// A uniform number in `[0, 1)`.
    pub(super) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// An index in `0..n`, strongly biased towards 0: the top 1% of indices get a fifth of the
    /// draws (the hubs).
    pub(super) fn older(&mut self, n: usize) -> usize {
        let u = self.unit();
        ((u * u * u * n as f64) as usize).min(n - 1)
    }

    /// An index in `0..n`, biased towards 0: the top 1% of indices get a tenth of the draws.
    pub(super) fn old(&mut self, n: usize) -> usize {
        let u = self.unit();
        ((u * u * n as f64) as usize).min(n - 1)
    }
}

/// Two organisation numbers as one key.
pub(super) fn pair(group: u32, member: u32) -> u64 {
    (u64::from(group) << 32) | u64::from(member)
}

/// The tags of keyed generators, one per kind of named thing.
pub(super) const TAG_ORG: u64 = 1;
pub(super) const TAG_PERSON: u64 = 2;
pub(super) const TAG_SERIES: u64 = 3;
pub(super) const TAG_REPORT: u64 = 4;
pub(super) const TAG_COUNTRY: u64 = 5;
pub(super) const TAG_CITY: u64 = 6;
pub(super) const TAG_MEMBERSHIP: u64 = 7;
pub(super) const TAG_SOURCE: u64 = 8;
