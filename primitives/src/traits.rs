//! Interfaces between the marketplace pallets.
//!
//! The model registry, the provider staking and the job pallet never call each other's storage
//! directly: each exposes a trait here and the runtime wires the implementations through the
//! pallets' `Config`s. This keeps each pallet testable with a mock of the others and lets the
//! lead replace an implementation without touching its users.
//!
//! - [`ModelRegistry`] (implemented by `pallet-model-registry`): read a model, and count the
//!   open jobs that use it (a model in use cannot be removed).
//! - [`ProviderRegistry`] (implemented by `pallet-provider-staking`): pick eligible providers
//!   for a model, reserve and release their capacity, read worker keys, slash.
//!
//! Payments are *not* part of these traits: the job pallet escrows the user's funds under its
//! own hold reason and pays providers, authors and the treasury from that escrow itself. Stake is
//! only ever touched by [`ProviderRegistry::slash`].

use crate::{
	attestation::WorkerPublic,
	model::{AgreementRule, TensorSpec},
	Digest, ModelId,
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::sp_runtime::{DispatchError, DispatchResult, Perbill};
use scale_info::TypeInfo;

/// What a job pallet needs to know about a model to accept, price and check a job.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ModelInfo<AccountId, Balance> {
	/// The account paid the fee of every inference.
	pub owner: AccountId,
	/// Fee per inference paid to the owner, in the smallest unit.
	pub fee: Balance,
	/// blake2-256 of the TorchScript artifact; workers attest to it.
	pub artifact_hash: Digest,
	/// Spec every job input must match.
	pub input: TensorSpec,
	/// Spec of the raw output tensor.
	pub output: TensorSpec,
	/// How outputs are canonicalized before they are compared.
	pub rule: AgreementRule,
	/// Exact byte length of a job input (derived from `input`, at most the registry's maximum).
	pub input_len: u32,
	/// Exact byte length of a canonical output (at most the registry's maximum).
	pub canonical_output_len: u32,
	/// A deprecated model accepts no new jobs; running jobs finish.
	pub deprecated: bool,
}

/// Read access to registered models and a usage count of open jobs.
pub trait ModelRegistry<AccountId, Balance> {
	/// The model `id`, if it is registered (deprecated or not).
	fn model(id: ModelId) -> Option<ModelInfo<AccountId, Balance>>;

	/// Whether `id` is registered and not deprecated, i.e. may take new jobs or providers.
	fn is_active(id: ModelId) -> bool {
		Self::model(id).is_some_and(|m| !m.deprecated)
	}

	/// The newest version of the lineage `id` belongs to (`id` itself if it is the newest).
	fn latest_version(id: ModelId) -> Option<ModelId>;

	/// Counts one more open job using `id`. Fails if the model is unknown or deprecated.
	/// Every successful `acquire` must be matched by exactly one [`Self::release`].
	fn acquire(id: ModelId) -> DispatchResult;

	/// Ends one open job's use of `id` (acquired before). Never fails; a release without an
	/// acquire is a bug of the caller and is ignored defensively.
	fn release(id: ModelId);
}

/// Where a model's artifact can be fetched: what a provider's off-chain worker tells its
/// inference worker to load. Kept apart from [`ModelRegistry`] because only providers need it.
pub trait ModelArtifacts {
	/// The `http(s)://` or `file://` URI of model `id`'s TorchScript artifact, if registered.
	fn artifact_uri(id: ModelId) -> Option<Vec<u8>>;
}

/// Why a provider is slashed; recorded in the staking pallet's event.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum SlashReason {
	/// The provider's answer lost the majority vote.
	WrongResult,
	/// The provider missed a commit or reveal deadline.
	Timeout,
	/// The provider's attestation or reveal was invalid.
	InvalidAttestation,
	/// The provider committed to an answer and did not reveal it: slashed no less than a losing
	/// answer, so that withholding never beats revealing.
	Withheld,
}

/// A provider that can take a job for a model now.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EligibleProvider<AccountId, Balance> {
	/// The provider's account.
	pub who: AccountId,
	/// Its active bonded stake (unbonding stake excluded): the weight of a stake-weighted pick.
	pub stake: Balance,
	/// Its price per inference.
	pub price: Balance,
}

/// What the job pallet needs from the providers' registry.
pub trait ProviderRegistry<AccountId, Balance> {
	/// Online providers serving `model` with at least one free capacity slot and a bond of at
	/// least the minimum, read from a bounded per-model index (not a scan of all providers).
	fn eligible_providers(model: ModelId) -> Vec<EligibleProvider<AccountId, Balance>>;

	/// Takes one capacity slot of `who` for a new job. Fails if `who` is not an online
	/// provider with a free slot.
	fn reserve_slot(who: &AccountId) -> DispatchResult;

	/// Gives back one slot taken by [`Self::reserve_slot`]. Never fails.
	fn release_slot(who: &AccountId);

	/// The public key `who`'s inference worker signs attestations with.
	fn worker_key(who: &AccountId) -> Option<WorkerPublic>;

	/// The provider on whose behalf `signer` answers jobs: the provider that named `signer` its
	/// operator, else `signer` itself. (An operator is never a provider, so a provider always
	/// answers for itself.)
	fn acting_for(signer: &AccountId) -> AccountId;

	/// Slashes `ratio` of everything `who` has bonded, unbonding stake included. The slash is
	/// shared equally among `beneficiaries` (the winners of an arbitrated job); the remainder of
	/// that division, or all of it when `beneficiaries` is empty, goes to the treasury. Returns
	/// the amount actually slashed (zero for an unknown account). A provider left below the
	/// minimum bond is taken offline.
	fn slash(
		who: &AccountId,
		ratio: Perbill,
		reason: SlashReason,
		beneficiaries: &[AccountId],
	) -> Balance;
}

/// Creates models for benchmarks of pallets that need one (the staking pallet's benchmarks).
pub trait ModelBenchmarkHelper<AccountId> {
	/// Registers a fresh, active model owned by `owner` (funding `owner` as needed).
	fn create_model(owner: &AccountId) -> Result<ModelId, DispatchError>;
}
