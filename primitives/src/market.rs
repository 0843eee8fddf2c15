//! The marketplace's read API: what users and tools ask most, answered by the runtime
//! ([`MarketApi`]) and served by the node as `market_*` JSON-RPC methods.
//!
//! Every view is assembled by the pallet that owns its data (the registry its models, staking
//! and the job pallet their providers, the job pallet its jobs); the runtime only combines them.
//! In JSON, balances are decimal strings and hashes and bytes `0x` hex, so that JavaScript
//! clients lose nothing.

use crate::{
	job::{Assignment, JobStatus},
	model::{AgreementRule, TensorSpec},
	Digest, JobId, ModelId,
};
use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use polkadot_sdk::sp_runtime::Perbill;
use scale_info::TypeInfo;

/// Most entries one page of [`MarketApi::models`] or [`MarketApi::jobs_of`] returns.
pub const MAX_PAGE: u32 = 100;

/// Ids one page of [`MarketApi::models`] looks at, at most: removed models leave gaps in the id
/// sequence, and a page must stay cheap however many there are. A page shorter than
/// `min(limit, MAX_PAGE)` has scanned its whole window, `after + 1 ..= after + MAX_SCANNED_IDS`,
/// and models may follow it: a client pages on from `after + MAX_SCANNED_IDS` until it passes
/// the registry's `NextModelId`.
pub const MAX_SCANNED_IDS: u32 = 10 * MAX_PAGE;

/// Error codes of the node's `market_*` JSON-RPC methods (one per cause), for the node that
/// sends them and the clients that tell them apart.
pub mod rpc_error {
	/// The runtime call failed (for example, the node's state at `at` is pruned).
	pub const RUNTIME_ERROR: i32 = 1000;
	/// No model has this id.
	pub const UNKNOWN_MODEL: i32 = 1001;
	/// No job has this id (or it expired after its retention period).
	pub const UNKNOWN_JOB: i32 = 1002;
	/// The account is not a registered provider.
	pub const UNKNOWN_PROVIDER: i32 = 1003;
	/// No price can be quoted; `data` says why (unknown or deprecated model, invalid redundancy,
	/// not enough providers).
	pub const NO_QUOTE: i32 = 1004;
	/// A page was asked for with a `limit` above [`super::MAX_PAGE`].
	pub const PAGE_TOO_LARGE: i32 = 1005;
}

/// A registered model version.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(bound(
		serialize = "AccountId: serde::Serialize, Balance: core::fmt::Display",
		deserialize = "AccountId: serde::Deserialize<'de>, Balance: core::str::FromStr"
	))
)]
pub struct ModelView<AccountId, Balance> {
	/// The model's id.
	pub id: ModelId,
	/// Its author, paid `fee` per inference.
	pub owner: AccountId,
	/// Name (UTF-8), unique per author.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::utf8"))]
	pub name: Vec<u8>,
	/// Version number within its lineage, from 1.
	pub version: u32,
	/// The newest version of the lineage (its own id if it is the newest).
	pub latest: ModelId,
	/// The version this one succeeds, if any.
	pub predecessor: Option<ModelId>,
	/// The version that succeeds this one, if any.
	pub successor: Option<ModelId>,
	/// Fee per inference paid to the author.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub fee: Balance,
	/// blake2-256 of the TorchScript artifact.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::bytes"))]
	pub artifact_hash: Digest,
	/// Where providers fetch the artifact.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::utf8"))]
	pub artifact_uri: Vec<u8>,
	/// Spec of a job input.
	pub input: TensorSpec,
	/// Spec of the raw output.
	pub output: TensorSpec,
	/// How outputs are compared.
	pub rule: AgreementRule,
	/// Exact byte length of a job input.
	pub input_len: u32,
	/// Exact byte length of a canonical output (what a job's result holds).
	pub output_len: u32,
	/// Deprecated models take no new jobs.
	pub deprecated: bool,
	/// Open jobs using the model.
	pub open_jobs: u32,
	/// The registration deposit held from the owner (returned when the model is removed).
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub deposit: Balance,
}

/// A provider, with its stake, terms and record.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(bound(
		serialize = "AccountId: serde::Serialize, Balance: core::fmt::Display, BlockNumber: serde::Serialize",
		deserialize = "AccountId: serde::Deserialize<'de>, Balance: core::str::FromStr, BlockNumber: serde::Deserialize<'de>"
	))
)]
pub struct ProviderView<AccountId, Balance, BlockNumber> {
	/// The provider's account.
	pub account: AccountId,
	/// Public key (sr25519) of its inference worker, which signs its answers.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::bytes"))]
	pub worker: [u8; 32],
	/// The operator it named, whose key may answer its jobs (and do nothing else), if any.
	pub operator: Option<AccountId>,
	/// Active bonded stake.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub bonded: Balance,
	/// Stake being unbonded (still slashable): the sum of `unlocking`.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub unbonding: Balance,
	/// The unbonding chunks, oldest first.
	pub unlocking: Vec<UnlockChunk<Balance, BlockNumber>>,
	/// Price per inference.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub price: Balance,
	/// Most jobs run at once.
	pub capacity: u32,
	/// Jobs assigned and not settled.
	pub active_jobs: u32,
	/// Whether it takes new jobs.
	pub online: bool,
	/// Models served.
	pub models: Vec<ModelId>,
	/// Its record in the job pallet.
	pub record: ProviderRecord<Balance>,
}

/// Stake waiting for its unlock block: one entry of a stake ledger's unbonding list, kept by the
/// staking pallet and shown by [`ProviderView`].
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, codec::MaxEncodedLen)]
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(bound(
		serialize = "Balance: core::fmt::Display, BlockNumber: serde::Serialize",
		deserialize = "Balance: core::str::FromStr, BlockNumber: serde::Deserialize<'de>"
	))
)]
pub struct UnlockChunk<Balance, BlockNumber> {
	/// Amount still held.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub value: Balance,
	/// First block at which `withdraw_unbonded` releases it.
	pub unlock_at: BlockNumber,
}

/// What a provider has done, counted by the job pallet at every settlement.
#[derive(
	Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, Default, TypeInfo, codec::MaxEncodedLen,
)]
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(bound(
		serialize = "Balance: core::fmt::Display",
		deserialize = "Balance: core::str::FromStr"
	))
)]
pub struct ProviderRecord<Balance> {
	/// Answers that won their job's vote (and were paid).
	pub answered: u32,
	/// Answers that lost the vote (slashed).
	pub wrong: u32,
	/// Deadlines missed (slashed).
	pub missed: u32,
	/// Everything slashed for those.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub slashed: Balance,
}

/// A job, with its providers' progress and, once completed, its result.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(bound(
		serialize = "AccountId: serde::Serialize, Balance: core::fmt::Display, BlockNumber: serde::Serialize",
		deserialize = "AccountId: serde::Deserialize<'de>, Balance: core::str::FromStr, BlockNumber: serde::Deserialize<'de>"
	))
)]
pub struct JobView<AccountId, Balance, BlockNumber> {
	/// The job's id.
	pub id: JobId,
	/// Who pays.
	pub user: AccountId,
	/// The model version it runs.
	pub model: ModelId,
	/// blake2-256 of its input.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::bytes"))]
	pub input_hash: Digest,
	/// Byte length of its input.
	pub input_len: u32,
	/// Byte length of its canonical output.
	pub output_len: u32,
	/// The model's author, paid `author_fee`.
	pub author: AccountId,
	/// What the job costs in total: providers' prices, author fee, protocol fee and audit fee.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub price: Balance,
	/// The author's fee, fixed at submission.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub author_fee: Balance,
	/// The treasury's fee, fixed at submission.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub protocol_fee: Balance,
	/// The audit fee (redundancy 1), paid into the audit reserve.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub audit_fee: Balance,
	/// Whether the job (redundancy 1) was drawn for an audit: its second assignment is the
	/// blind auditor.
	pub audited: bool,
	/// What is still held from the user (zero once finished).
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub held: Balance,
	/// Block of submission.
	pub submitted_at: BlockNumber,
	/// Block at which a requested cancellation takes effect, unless a provider answers first.
	pub cancel_at: Option<BlockNumber>,
	/// Where it is: pending, revealing (with deadline), completed, failed or cancelled (with the
	/// block it finished at).
	pub status: JobStatus<BlockNumber>,
	/// The assigned providers, their prices and answers; the count is the redundancy.
	pub assignments: Vec<Assignment<AccountId, Balance>>,
	/// The arbitrators drawn when the providers reached no strict majority, and their answers
	/// (empty unless the job went to arbitration).
	pub arbitrators: Vec<Assignment<AccountId, Balance>>,
	/// The winning canonical output, once completed (until the job expires).
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::option_bytes"))]
	pub result: Option<Vec<u8>>,
}

/// What a job would cost now, and to whom it would go.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(bound(
		serialize = "Balance: core::fmt::Display",
		deserialize = "Balance: core::str::FromStr"
	))
)]
pub struct Quote<Balance> {
	/// The model.
	pub model: ModelId,
	/// Providers the job would have.
	pub redundancy: u32,
	/// Eligible providers (online, serving the model, with a free slot) the draw picks from.
	pub eligible_providers: u32,
	/// The providers' part: the sum of the `redundancy` highest eligible prices (a draw picks
	/// by stake, so this is the most it can be).
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub providers: Balance,
	/// The author's fee.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub author_fee: Balance,
	/// The treasury's protocol fee: its share of the providers' part plus the storage fee for
	/// the job's input and result bytes.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub protocol_fee: Balance,
	/// The audit fee of a redundancy-1 job (zero otherwise): the audit rate times the
	/// provider's price, paid into the audit reserve that pays the auditors of audited jobs.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub audit_fee: Balance,
	/// The sum: a `max_price` of this is never too low in the same block.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub total: Balance,
}

/// Why no quote can be given.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(rename_all = "snake_case")
)]
pub enum QuoteError {
	/// No model has this id.
	UnknownModel,
	/// The model is deprecated and takes no new jobs.
	ModelDeprecated,
	/// The redundancy is outside `1..=max`.
	InvalidRedundancy {
		/// The largest redundancy allowed now.
		max: u32,
	},
	/// Fewer eligible providers than the redundancy.
	NotEnoughProviders {
		/// Eligible providers now.
		eligible: u32,
	},
	/// The price does not fit the balance type.
	Overflow,
}

/// The marketplace parameters in force (the governed values, after the runtime's caps).
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(bound(
		serialize = "Balance: core::fmt::Display, BlockNumber: serde::Serialize",
		deserialize = "Balance: core::str::FromStr, BlockNumber: serde::Deserialize<'de>"
	))
)]
pub struct MarketParameters<Balance, BlockNumber> {
	/// Redundancy of a job that asks for none.
	pub default_redundancy: u32,
	/// Largest redundancy a job may ask for.
	pub max_redundancy: u32,
	/// Blocks to commit (or answer, at redundancy 1).
	pub commit_period: BlockNumber,
	/// Blocks to reveal.
	pub reveal_period: BlockNumber,
	/// Part of the bond slashed for a losing answer.
	pub wrong_result_slash: Perbill,
	/// Part of the bond slashed for a missed deadline.
	pub timeout_slash: Perbill,
	/// Part of the providers' price paid to the treasury.
	pub protocol_fee: Perbill,
	/// Least bond of a provider.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub min_provider_stake: Balance,
	/// Blocks unbonded stake stays slashable.
	pub unbonding_period: BlockNumber,
	/// Largest job input, in bytes.
	pub max_input_bytes: u32,
	/// Largest canonical output, in bytes.
	pub max_output_bytes: u32,
	/// Blocks a finished job stays readable.
	pub result_retention: BlockNumber,
	/// Blocks between a cancel request and the cancellation taking effect.
	pub cancel_grace: BlockNumber,
	/// Storage fee per byte of a job's input and result (part of the protocol fee).
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub byte_fee: Balance,
	/// Chance that a redundancy-1 job is audited by a second, blind provider.
	pub audit_rate: Perbill,
}

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Read access to the marketplace (served by the node's `market_*` JSON-RPC methods).
	///
	/// Version 2 added the models' lineage and deposit, the providers' worker key, operator and
	/// unbonding chunks, and the jobs' terms and cancellation block to the views.
	#[api_version(2)]
	pub trait MarketApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// What a job for `model` with `redundancy` providers (default: the governed default)
		/// would cost now, with its breakdown.
		fn quote(model: ModelId, redundancy: Option<u32>) -> Result<Quote<Balance>, QuoteError>;
		/// Up to `limit` (at most [`MAX_PAGE`]) models with ids above `after`, by id, looking at
		/// no more than [`MAX_SCANNED_IDS`] ids (see there for paging past gaps).
		fn models(after: Option<ModelId>, limit: u32) -> Vec<ModelView<AccountId, Balance>>;
		/// One model.
		fn model(id: ModelId) -> Option<ModelView<AccountId, Balance>>;
		/// The providers serving `model` (the per-model index is bounded), or `None` if the
		/// model is unknown.
		fn providers(model: ModelId) -> Option<Vec<ProviderView<AccountId, Balance, BlockNumber>>>;
		/// One provider.
		fn provider(account: AccountId) -> Option<ProviderView<AccountId, Balance, BlockNumber>>;
		/// One job, until it expires.
		fn job(id: JobId) -> Option<JobView<AccountId, Balance, BlockNumber>>;
		/// Up to `limit` (at most [`MAX_PAGE`]) jobs of `user`, newest first, with ids below
		/// `before` (the last id of the previous page).
		fn jobs_of(
			user: AccountId,
			before: Option<JobId>,
			limit: u32,
		) -> Vec<JobView<AccountId, Balance, BlockNumber>>;
		/// The parameters in force.
		fn parameters() -> MarketParameters<Balance, BlockNumber>;
	}
}
