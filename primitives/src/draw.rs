//! The stake-weighted draw of a job's providers (and arbitrators), as a pure function of a
//! seed: the job pallet draws with it, and anyone can recompute a draw from the seed it used.
//!
//! For each draw `i` (0, 1, …) the random point is the first 16 bytes (little-endian) of
//! `blake2_256(SCALE((seed, i)))`, taken modulo the pool's total stake; the provider whose
//! stake interval holds the point is picked and leaves the pool (no replacement). A pool with
//! no stake at all is drawn from uniformly.

use crate::JobId;
use alloc::vec::Vec;
use codec::Encode;

/// Domain tag of the randomness subject a job's providers are drawn with.
pub const ASSIGN_SUBJECT: &[u8] = b"infera/job-escrow/assign";
/// Domain tag of the randomness subject a job's arbitrators are drawn with.
pub const ARBITRATE_SUBJECT: &[u8] = b"infera/job-escrow/arbitrate";
/// Domain tag of the randomness subject a redundancy-1 job's audit coin is tossed with.
pub const AUDIT_COIN_SUBJECT: &[u8] = b"infera/job-escrow/audit-coin";
/// Domain tag of the randomness subject a redundancy-1 job's auditor is drawn with.
pub const AUDITOR_SUBJECT: &[u8] = b"infera/job-escrow/auditor";

/// The subject the randomness source is asked for: `SCALE((domain, job_id))`.
pub fn subject(domain: &[u8], job_id: JobId) -> Vec<u8> {
	(domain, job_id).encode()
}

/// The random point of draw number `draw` from `seed` (the SCALE-encoded random hash).
pub fn point(seed: &[u8], draw: u32) -> u128 {
	let hash = crate::digest(&(seed, draw).encode());
	let mut bytes = [0u8; 16];
	bytes.copy_from_slice(&hash[..16]);
	u128::from_le_bytes(bytes)
}

/// The index in a pool with these `stakes` that the random `point` picks (`None` for an
/// empty pool).
pub fn pick(point: u128, stakes: &[u128]) -> Option<usize> {
	if stakes.is_empty() {
		return None;
	}
	let total = stakes.iter().fold(0u128, |acc, s| acc.saturating_add(*s));
	if total == 0 {
		return Some((point % stakes.len() as u128) as usize);
	}
	let mut rest = point % total;
	for (i, stake) in stakes.iter().enumerate() {
		if rest < *stake {
			return Some(i);
		}
		rest -= stake;
	}
	Some(stakes.len() - 1)
}

/// Draws up to `count` distinct indices of a pool with these `stakes` from `seed`, in draw
/// order; each index refers to the pool as it was before any draw.
pub fn draw(seed: &[u8], stakes: &[u128], count: u32) -> Vec<usize> {
	let mut remaining: Vec<(usize, u128)> = stakes.iter().copied().enumerate().collect();
	let mut picked = Vec::new();
	for i in 0..count {
		let pool: Vec<u128> = remaining.iter().map(|(_, s)| *s).collect();
		let Some(at) = pick(point(seed, i), &pool) else { break };
		picked.push(remaining.swap_remove(at).0);
	}
	picked
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn draws_are_distinct_and_stake_weighted() {
		let stakes = [1u128, 1, 98];
		let mut heavy_first = 0;
		for s in 0u32..1000 {
			let seed = s.encode();
			let picked = draw(&seed, &stakes, 3);
			assert_eq!(picked.len(), 3);
			let mut sorted = picked.clone();
			sorted.sort();
			assert_eq!(sorted, vec![0, 1, 2]);
			heavy_first += usize::from(picked[0] == 2);
		}
		// 98% expected; 1000 draws stay far above 90%.
		assert!(heavy_first > 900, "{heavy_first}");
		assert_eq!(draw(&[1], &[], 2), Vec::<usize>::new());
		assert_eq!(pick(7, &[0, 0, 0]), Some(1));
	}
}
