//! # Infera runtime
//!
//! The FRAME runtime of the Infera inference marketplace. It is compiled twice: natively (for the
//! node's chain-spec builder and tests) and to WASM (the blob that every node executes and that
//! governance can upgrade in place).
//!
//! Layout, as in the polkadot-sdk solochain template: this file declares the pallets and the
//! types every other crate needs; `configs/` holds one `impl Config` per pallet with the reasons
//! for its numbers; `apis.rs` the runtime APIs the node calls; `genesis_config_presets.rs` the
//! `development` and `local_testnet` genesis states; `governance/` the referendum tracks, their
//! origin and the parameters they govern.
#![cfg_attr(not(feature = "std"), no_std)]
// `#[frame_support::runtime]` expands to deeply nested types.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

// Before `apis`: `define_benchmarks!` declares the `list_benchmarks!`/`add_benchmarks!` macros
// that the benchmark runtime API uses, and macros are visible only after their module.
#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benchmarks;
pub mod apis;
pub mod configs;
pub mod genesis_config_presets;
pub mod governance;
#[cfg(test)]
mod tests;
pub mod weights;

extern crate alloc;

use alloc::vec::Vec;
use polkadot_sdk::{
	sp_runtime::{generic, impl_opaque_keys, traits::BlakeTwo256},
	*,
};

pub use infera_primitives::{AccountId, Balance, BlockNumber, Hash, Nonce, Signature};
pub use infera_primitives::{MICRO_UNIT, MILLI_UNIT, UNIT};

/// Opaque types, used by the node to handle blocks without knowing the runtime's extrinsic format.
pub mod opaque {
	use super::*;
	use sp_runtime::traits::Hash as HashT;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	/// The session keys of a validator: BABE for authoring, GRANDPA for finality.
	pub struct SessionKeys {
		pub babe: Babe,
		pub grandpa: Grandpa,
	}
}

/// Declares [`VERSION`] with the spec version `$spec_version` (a literal: the
/// `runtime_version` attribute embeds the version in the blob at compile time).
macro_rules! runtime_version {
	($spec_version:tt) => {
		/// The runtime's version. Bump `spec_version` with every change of runtime logic, so
		/// that nodes switch to the new WASM blob after an upgrade.
		#[sp_version::runtime_version]
		pub const VERSION: sp_version::RuntimeVersion = sp_version::RuntimeVersion {
			spec_name: alloc::borrow::Cow::Borrowed("infera"),
			impl_name: alloc::borrow::Cow::Borrowed("infera"),
			authoring_version: 1,
			spec_version: $spec_version,
			impl_version: 1,
			apis: apis::RUNTIME_API_VERSIONS,
			// 2: transactions carry the `ValidateAnswer` extension.
			transaction_version: 2,
			system_version: 1,
		};
	};
}
#[cfg(not(feature = "spec-version-bump"))]
runtime_version!(105);
// The same runtime one spec version later, for the runtime-upgrade test (`e2e/tests/upgrade.rs`).
#[cfg(feature = "spec-version-bump")]
runtime_version!(106);

/// Target block time. One second keeps the marketplace responsive (a job's result lands a few
/// blocks after submission) and end-to-end tests quick; BABE slots have the same length.
///
/// NOTE: the slot duration cannot be changed once a chain has started.
pub const MILLI_SECS_PER_BLOCK: u64 = 1000;
/// BABE slot duration, equal to the block time.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;
/// Slots per BABE epoch: ten minutes. Validator sets and the epoch randomness change at epoch
/// boundaries; the length cannot be changed once a chain has started.
pub const EPOCH_DURATION_IN_SLOTS: u64 = 10 * 60_000 / SLOT_DURATION;
/// BABE's `c`: the chance that a given slot has a primary (VRF-won) author is 1/4. Slots no
/// primary author wins go to a secondary author, chosen by the slot and also carrying a VRF
/// output, so every block has one (`PrimaryAndSecondaryVRFSlots`), which the marketplace draws
/// with (see `configs::marketplace::BlockVrfRandomness`).
pub const PRIMARY_PROBABILITY: (u64, u64) = (1, 4);
/// BABE's configuration at genesis.
pub const BABE_GENESIS_EPOCH_CONFIG: sp_consensus_babe::BabeEpochConfiguration =
	sp_consensus_babe::BabeEpochConfiguration {
		c: PRIMARY_PROBABILITY,
		allowed_slots: sp_consensus_babe::AllowedSlots::PrimaryAndSecondaryVRFSlots,
	};

/// Blocks per minute.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
/// Blocks per hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks per day.
pub const DAYS: BlockNumber = HOURS * 24;

/// Below this an account is reaped; high enough that dust accounts cost their creator.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// The `TransactionExtension`s checked on every signed transaction. `ValidateAnswer` makes an
/// answer that could only fail because of when it comes (sent twice, or late) invalid, so no
/// block includes it and its provider pays no fee for it.
pub type TxExtension = (
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_job_escrow::ValidateAnswer<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);
/// The address format for describing accounts.
pub type Address = sp_runtime::MultiAddress<AccountId, ()>;
/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;
/// Storage migrations run at the next runtime upgrade (none yet).
type Migrations = ();
/// Executive: dispatches calls to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(2)]
	pub type Babe = pallet_babe;
	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;
	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;
	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	// The marketplace.
	#[runtime::pallet_index(10)]
	pub type ModelRegistry = pallet_model_registry;
	#[runtime::pallet_index(11)]
	pub type ProviderStaking = pallet_provider_staking;
	#[runtime::pallet_index(12)]
	pub type JobEscrow = pallet_job_escrow;
	#[runtime::pallet_index(13)]
	pub type ProviderOcw = pallet_provider_ocw;

	// Governance.
	#[runtime::pallet_index(20)]
	pub type Scheduler = pallet_scheduler;
	#[runtime::pallet_index(21)]
	pub type Preimage = pallet_preimage;
	#[runtime::pallet_index(22)]
	pub type Referenda = pallet_referenda;
	#[runtime::pallet_index(23)]
	pub type ConvictionVoting = pallet_conviction_voting;
	#[runtime::pallet_index(24)]
	pub type MarketGovernance = crate::governance::origins;
	#[runtime::pallet_index(25)]
	pub type Parameters = pallet_parameters;
	#[runtime::pallet_index(26)]
	pub type Treasury = pallet_treasury;
}
