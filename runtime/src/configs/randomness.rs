//! The randomness the marketplace draws providers (and audits) with: the BABE VRF output of the
//! block being executed.
//!
//! ## Why this one
//!
//! A job's providers are drawn in the block that includes the job. The seed must be unknown to
//! the user when it submits, or the user could time a submission to land on providers of its
//! choice; and the block author must not be able to grind it.
//!
//! - Seeds a block reads from earlier blocks (`pallet-insecure-randomness-collective-flip`'s
//!   block-hash material, BABE's `ParentBlockRandomness`) are known to everyone once the parent
//!   block is imported, before the submission lands: a user can compute the draw and submit
//!   only when it suits it.
//! - The VRF output of the block itself is known to nobody but that block's author until the
//!   block is published. The author cannot grind it: it is fixed by its key, the slot and the
//!   epoch randomness. It can only choose to leave a transaction out of its block (or not to
//!   author the block), which is the block-author power the security model assumes.
//!
//! `pallet-babe` computes that value (`AuthorVrfRandomness`) only in `on_finalize`, so blocks
//! read their parent's. [`BlockVrfRandomness`] computes the same bytes, in the same way, from
//! the pre-digest `pallet-babe` records in `on_initialize` (`Initialized`), so a block reads
//! its own. With `PrimaryAndSecondaryVRFSlots` every block carries a VRF output.
//!
//! ## Limits
//!
//! - Outside block execution (a runtime API call, an off-chain worker) and in a block without a
//!   VRF output there is no current value: the parent's (`AuthorVrfRandomness`) is used, and
//!   without that the parent hash. Neither happens in blocks BABE authors.
//! - The author of the including block knows the value before it publishes the block, so a
//!   provider that authors blocks can see its own draws (and audit coins) before including
//!   them; it can drop a transaction, not change the draw.

use crate::Runtime;
use polkadot_sdk::{
	frame_support::traits::Randomness,
	frame_system::{self, pallet_prelude::BlockNumberFor},
	pallet_babe,
	sp_consensus_babe::{self, digests::PreDigest, BabeAuthorityWeight, RANDOMNESS_VRF_CONTEXT},
	sp_core::crypto::Wraps,
	sp_runtime::traits::Hash as _,
};

/// The BABE VRF output of the block being executed, hashed with the subject (see the module
/// docs).
pub struct BlockVrfRandomness;

impl BlockVrfRandomness {
	/// The 32 bytes `pallet-babe` will record as this block's `AuthorVrfRandomness` in
	/// `on_finalize`, if the block carries a VRF output and `on_initialize` has run.
	fn current_block_vrf() -> Option<sp_consensus_babe::Randomness> {
		let pre_digest: PreDigest = pallet_babe::Initialized::<Runtime>::get().flatten()?;
		let signature = pre_digest.vrf_signature()?;
		let authorities = pallet_babe::Authorities::<Runtime>::get();
		let (authority, _): &(_, BabeAuthorityWeight) =
			authorities.get(pre_digest.authority_index() as usize)?;
		let transcript = sp_consensus_babe::make_vrf_transcript(
			&pallet_babe::Randomness::<Runtime>::get(),
			pallet_babe::CurrentSlot::<Runtime>::get(),
			pallet_babe::EpochIndex::<Runtime>::get(),
		);
		authority
			.as_inner_ref()
			.make_bytes(RANDOMNESS_VRF_CONTEXT, &transcript, &signature.pre_output)
			.ok()
	}

	/// The seed: this block's VRF output, else the parent's, else the parent hash.
	fn seed() -> [u8; 32] {
		if let Some(vrf) = Self::current_block_vrf() {
			return vrf;
		}
		if let Some(parent_vrf) = pallet_babe::AuthorVrfRandomness::<Runtime>::get() {
			return parent_vrf;
		}
		frame_system::Pallet::<Runtime>::parent_hash().into()
	}
}

impl Randomness<crate::Hash, BlockNumberFor<Runtime>> for BlockVrfRandomness {
	/// `blake2_256(subject ‖ seed)`, known since the current block.
	fn random(subject: &[u8]) -> (crate::Hash, BlockNumberFor<Runtime>) {
		let mut material = subject.to_vec();
		material.extend_from_slice(&Self::seed());
		let now = frame_system::Pallet::<Runtime>::block_number();
		(<Runtime as frame_system::Config>::Hashing::hash(&material), now)
	}
}
