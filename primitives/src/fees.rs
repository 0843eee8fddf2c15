//! The marketplace's fee arithmetic, defined once: the job pallet charges it, and clients and
//! tests that predict a job's price use the same functions.

use polkadot_sdk::sp_runtime::traits::AtLeast32BitUnsigned;
pub use polkadot_sdk::sp_runtime::Perbill;

/// The protocol fee of a job whose providers charge `provider_total` in all: `share` of that
/// (rounded down), plus `byte_fee` for each of the `stored_bytes` bytes of its input and result,
/// which the chain stores even when the job's price is zero. `None` on overflow.
pub fn protocol_fee<B: AtLeast32BitUnsigned + Copy>(
	provider_total: B,
	share: Perbill,
	stored_bytes: u32,
	byte_fee: B,
) -> Option<B> {
	let storage = byte_fee.checked_mul(&B::from(stored_bytes))?;
	share.mul_floor(provider_total).checked_add(&storage)
}

/// The audit fee of a job with `redundancy` providers charging `provider_total` in all: the
/// audit `rate` of that, rounded up, at redundancy 1 (the only jobs audited); nothing otherwise.
pub fn audit_fee<B: AtLeast32BitUnsigned + Copy>(
	redundancy: u32,
	provider_total: B,
	rate: Perbill,
) -> B {
	if redundancy == 1 {
		rate.mul_ceil(provider_total)
	} else {
		B::zero()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_protocol_fee_is_a_share_rounded_down_plus_the_storage() {
		let share = Perbill::from_percent(5);
		assert_eq!(protocol_fee(1_019u128, share, 10, 3), Some(50 + 30));
		assert_eq!(protocol_fee(0u128, share, 260, 1), Some(260), "free jobs pay for storage");
		assert_eq!(protocol_fee(u128::MAX, share, 2, u128::MAX), None);
	}

	#[test]
	fn the_audit_fee_is_the_rate_rounded_up_at_redundancy_one_only() {
		let rate = Perbill::from_percent(10);
		assert_eq!(audit_fee(1, 101u128, rate), 11);
		assert_eq!(audit_fee(1, 100u128, rate), 10);
		assert_eq!(audit_fee(3, 300u128, rate), 0);
		assert_eq!(audit_fee(1, 100u128, Perbill::zero()), 0);
	}
}
