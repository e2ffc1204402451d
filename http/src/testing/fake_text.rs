//! Deterministic filler text and bytes for the test app: the same id gives
//! the same words and the same seed gives the same bytes, on every run.
//!
//! The public services the test app stands in for serve fixed fake data
//! (jsonplaceholder's Latin posts, httpbin's random bytes). Tests and
//! examples here need data that is stable, so it is generated from a tiny
//! pseudo-random generator, SplitMix64, seeded by the record's id: no data
//! file to ship, no `rand` crate, and every reader can check the output.
//!
//! Chapter: docs/src/23-routing-and-middleware.md

/// SplitMix64: one 64-bit state, an add and three mixes per number. Not
/// for cryptography; plenty for filler text that must never change.
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0; the tiny modulo bias does not
    /// matter for filler).
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }
}

/// The words the filler sentences are made of: pseudo-Latin, like the
/// placeholder text web designers use, but chosen here.
const WORDS: &[&str] = &[
    "alda", "benet", "corva", "dulis", "enta", "ferro", "gavia", "humus", "ilex", "juva", "kappa", "lumen", "mora",
    "nexa", "orbis", "pavo", "quies", "rana", "silva", "tela", "umbra", "vela", "xenia", "zephyr", "arca", "brevis",
    "civis", "domus", "equus", "flumen", "gratia", "hora", "iter", "lex", "mare", "nox", "opus", "pax", "ratio", "sol",
    "terra", "urbs", "via", "vox",
];

/// `count` words seeded by `seed`, separated by spaces.
pub(crate) fn words(seed: u64, count: usize) -> String {
    let mut rng = SplitMix64::new(seed);
    let mut text = String::new();
    for i in 0..count {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
    }
    text
}

/// Between 3 and 7 words: a title.
pub(crate) fn title(seed: u64) -> String {
    let count = 3 + SplitMix64::new(seed ^ 0x0074_6974_6C65).below(5) as usize;
    words(seed, count)
}

/// Four lines of 6–10 words each, joined by `\n` like jsonplaceholder's
/// bodies.
pub(crate) fn paragraph(seed: u64) -> String {
    let mut rng = SplitMix64::new(seed ^ 0x626F_6479);
    let lines: Vec<String> = (0..4).map(|line| words(rng.next_u64() ^ line, 6 + rng.below(5) as usize)).collect();
    lines.join("\n")
}

/// `n` pseudo-random bytes from `seed`: `/bytes/{n}?seed=` answers the
/// same bytes for the same seed, so a test can compare them.
pub(crate) fn bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut rng = SplitMix64::new(seed);
    let mut out = Vec::with_capacity(n + 8);
    while out.len() < n {
        out.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    out.truncate(n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_text_and_bytes() {
        assert_eq!(words(7, 5), words(7, 5));
        assert_ne!(words(7, 5), words(8, 5));
        assert_eq!(words(1, 4).split(' ').count(), 4);
        assert_eq!(paragraph(3).lines().count(), 4);
        assert_eq!(bytes(42, 1000), bytes(42, 1000));
        assert_eq!(bytes(42, 13).len(), 13);
        assert_ne!(bytes(1, 64), bytes(2, 64));
    }
}
