//! The parameters in force, as the pallet uses them: governed values clamped to their bounds,
//! the terms a job is submitted under, and the protocol fee.

use crate::*;

impl<T: Config> Pallet<T> {
	/// The effective largest redundancy a job may ask for: the governed value, clamped to
	/// `1..=MaxRedundancy`.
	pub fn max_redundancy() -> u32 {
		T::Parameters::max_redundancy().clamp(1, T::MaxRedundancy::get().max(1))
	}

	/// The effective default redundancy, clamped to `1..=max_redundancy()`.
	pub fn default_redundancy() -> u32 {
		T::Parameters::default_redundancy().clamp(1, Self::max_redundancy())
	}

	/// The effective commit (or result) period, within the governance bounds
	/// (`infera_primitives::params::PhaseBlocks`).
	pub fn commit_period() -> BlockNumberFor<T> {
		Self::phase(T::Parameters::commit_period())
	}

	/// The effective reveal period, within the governance bounds.
	pub fn reveal_period() -> BlockNumberFor<T> {
		Self::phase(T::Parameters::reveal_period())
	}

	/// The effective cancellation grace, within the governance bounds.
	pub fn cancel_grace() -> BlockNumberFor<T> {
		Self::phase(T::Parameters::cancel_grace())
	}

	/// `blocks` clamped to the bounds of a phase. Governance cannot set values outside them
	/// (they do not decode), so this only guards chains configured by other means.
	fn phase(blocks: BlockNumberFor<T>) -> BlockNumberFor<T> {
		blocks.clamp(MIN_PHASE_BLOCKS.into(), MAX_PHASE_BLOCKS.into())
	}

	/// The terms a job submitted now runs under: the periods and slashes in force, slashes
	/// clamped to the governance bound.
	pub fn current_terms() -> JobTerms<BlockNumberFor<T>> {
		let max_slash = SlashRatio::max();
		JobTerms {
			commit_period: Self::commit_period(),
			reveal_period: Self::reveal_period(),
			cancel_grace: Self::cancel_grace(),
			wrong_result_slash: T::Parameters::wrong_result_slash().min(max_slash),
			timeout_slash: T::Parameters::timeout_slash().min(max_slash),
			audit_rate: T::Parameters::audit_rate().min(AuditRateBounds::max()),
		}
	}

	/// The protocol fee of a job whose providers charge `provider_total` in all: the governed
	/// part of that, plus the storage fee for `stored_bytes` bytes of input and result.
	pub fn protocol_fee_of(
		provider_total: BalanceOf<T>,
		stored_bytes: u32,
	) -> Option<BalanceOf<T>> {
		let share = T::Parameters::protocol_fee().min(FeeRatio::max());
		let byte_fee = T::Parameters::byte_fee();
		infera_primitives::fees::protocol_fee(provider_total, share, stored_bytes, byte_fee)
	}

	/// The effective maximum input size.
	pub fn max_input_bytes() -> u32 {
		T::Parameters::max_input_bytes().min(T::MaxInputBytes::get())
	}

	/// The effective maximum output size.
	pub fn max_output_bytes() -> u32 {
		T::Parameters::max_output_bytes().min(T::MaxOutputBytes::get())
	}
}
