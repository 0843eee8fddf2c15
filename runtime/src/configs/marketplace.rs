//! Configuration of the marketplace pallets: model registry, provider staking, job escrow and
//! the provider's off-chain worker. Block time is one second, so periods in blocks are seconds.

use crate::governance::parameters::{GovernedJobParameters, MinProviderStake, UnbondingPeriod};
use crate::{
	AccountId, Balance, Balances, ModelRegistry, Nonce, ProviderStaking, Runtime, RuntimeCall,
	RuntimeHoldReason, Signature, SignedPayload, System, TxExtension, UncheckedExtrinsic,
	MICRO_UNIT, MILLI_UNIT,
};
use codec::Encode;
use infera_primitives::params;
use polkadot_sdk::{
	frame_support::{parameter_types, traits::ConstU32, PalletId},
	frame_system::offchain::{
		AppCrypto, CreateBare, CreateSignedTransaction, CreateTransactionBase, SigningTypes,
	},
	sp_runtime::{
		generic::Era,
		traits::{AccountIdConversion, Verify},
		MultiAddress,
	},
	*,
};

/// The treasury's pallet id; its account receives protocol fees and slashed stake.
pub const TREASURY_PALLET_ID: PalletId = PalletId(infera_primitives::TREASURY_PALLET_ID);

parameter_types! {
	/// `pallet-treasury`'s account. It is endowed with the existential deposit at genesis so
	/// that small first transfers into it cannot fail.
	pub TreasuryAccount: AccountId = infera_primitives::treasury_account();
}

/// The treasury's account id (for genesis and tests).
pub fn treasury_account() -> AccountId {
	TreasuryAccount::get()
}

/// The audit reserve's pallet id; its account collects redundancy-1 jobs' audit fees and pays
/// their auditors.
pub const AUDIT_RESERVE_PALLET_ID: PalletId = PalletId(*b"inf/audt");

parameter_types! {
	/// The audit reserve's account, endowed with the existential deposit at genesis.
	pub AuditReserveAccount: AccountId = AUDIT_RESERVE_PALLET_ID.into_account_truncating();
}

parameter_types! {
	/// 0.1 INF per model entry: spamming the registry costs real money; an author can afford it.
	pub const ModelDepositBase: Balance = 100 * MILLI_UNIT;
	/// 0.0001 INF per stored byte: a full entry (~700 bytes) adds ~0.07 INF.
	pub const ModelDepositPerByte: Balance = 100 * MICRO_UNIT;
	/// See `infera_primitives::params::MAX_INPUT_BYTES`.
	pub const MaxModelInputBytes: u32 = params::MAX_INPUT_BYTES;
	/// See `infera_primitives::params::MAX_OUTPUT_BYTES`.
	pub const MaxModelOutputBytes: u32 = params::MAX_OUTPUT_BYTES;
}

impl pallet_model_registry::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type DepositBase = ModelDepositBase;
	type DepositPerByte = ModelDepositPerByte;
	/// Human-readable names.
	type MaxNameLen = ConstU32<64>;
	/// Any realistic URL fits.
	type MaxUriLen = ConstU32<256>;
	type MaxInputBytes = MaxModelInputBytes;
	type MaxOutputBytes = MaxModelOutputBytes;
	/// Bounds the walk of an ownership transfer.
	type MaxVersions = ConstU32<64>;
	type WeightInfo = pallet_model_registry::weights::SubstrateWeight<Runtime>;
}

impl pallet_provider_staking::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Models = ModelRegistry;
	type Treasury = TreasuryAccount;
	/// Governed: see `governance::parameters`.
	type MinProviderStake = MinProviderStake;
	type UnbondingPeriod = UnbondingPeriod;
	/// Same order as pallet-staking's unlocking chunks.
	type MaxUnbondingChunks = ConstU32<16>;
	/// A worker keeps few models loaded.
	type MaxModelsPerProvider = ConstU32<16>;
	/// Bounds the eligible-provider read of every job submission.
	type MaxProvidersPerModel = ConstU32<128>;
	type WeightInfo = pallet_provider_staking::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ModelRegistry;
}

impl pallet_job_escrow::Config for Runtime {
	type WeightInfo = pallet_job_escrow::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Models = ModelRegistry;
	type Providers = ProviderStaking;
	/// The VRF output of the including block: unknown to the user at submission, not
	/// grindable by the author (see `configs::randomness`).
	type Randomness = super::randomness::BlockVrfRandomness;
	/// Governed: see `governance::parameters`.
	type Parameters = GovernedJobParameters;
	type TreasuryAccount = TreasuryAccount;
	type AuditReserve = AuditReserveAccount;
	/// Up to 7 providers agree on each answer (the governed `MaxRedundancy` may lower it).
	type MaxRedundancy = ConstU32<{ params::MAX_REDUNDANCY }>;
	type MaxInputBytes = MaxModelInputBytes;
	type MaxOutputBytes = MaxModelOutputBytes;
	/// Matches the staking pallet's per-model index bound.
	type MaxCandidates = ConstU32<128>;
	/// A due queue is processed whole in `on_initialize`: a live deadline weighs about 0.6 ms
	/// (release weights, database included), so a full queue about 0.3 s. The weight-limited
	/// maximum, measured, is 341 submissions per block (260 while a block also settles that
	/// many timed-out jobs), which leaves room for the reveal entries of the jobs answered.
	type MaxDeadlinesPerBlock = ConstU32<512>;
	/// About 0.15 ms each: 1024 per block (about 150 ms) outpace the most jobs a block can
	/// finish at steady state; no block is given more expiries than this (later ones wait a
	/// block), so `on_initialize` removes every due one.
	type MaxExpiriesPerBlock = ConstU32<1024>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::MarketplaceBenchmarkHelper;
}

impl pallet_provider_ocw::Config for Runtime {
	type Artifacts = ModelRegistry;
	type AuthorityId = pallet_provider_ocw::crypto::ProviderAuthId;
	/// Generous for a forward pass, enough for a first model load.
	type WorkerTimeoutMs = polkadot_sdk::frame_support::traits::ConstU64<10_000>;
	/// A transaction not included within 5 blocks was dropped.
	type ResubmitAfter = ConstU32<5>;
	/// Bounds one off-chain worker run (each job costs one worker call).
	type MaxJobsPerRun = ConstU32<64>;
}

impl<LocalCall> CreateTransactionBase<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> CreateBare<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_bare(call)
	}
}

impl SigningTypes for Runtime {
	type Public = <Signature as Verify>::Signer;
	type Signature = Signature;
}

/// Off-chain workers (the provider's) sign ordinary, mortal, tip-free transactions.
impl<LocalCall> CreateSignedTransaction<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	fn create_signed_transaction<C: AppCrypto<Self::Public, Self::Signature>>(
		call: RuntimeCall,
		public: Self::Public,
		account: AccountId,
		nonce: Nonce,
	) -> Option<UncheckedExtrinsic> {
		// Valid for 64 blocks: long enough for a busy pool, short enough not to linger.
		let period = 64;
		let current_block = System::block_number().saturating_sub(1) as u64;
		let extension: TxExtension = (
			frame_system::AuthorizeCall::<Runtime>::new(),
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(Era::mortal(period, current_block)),
			frame_system::CheckNonce::<Runtime>::from(nonce),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_job_escrow::ValidateAnswer::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
			frame_system::WeightReclaim::<Runtime>::new(),
		);
		let payload = SignedPayload::new(call, extension)
			.map_err(
				|e| log::warn!(target: "runtime", "cannot sign an off-chain transaction: {e:?}"),
			)
			.ok()?;
		let signature = payload.using_encoded(|bytes| C::sign(bytes, public))?;
		let (call, extension, _) = payload.deconstruct();
		Some(UncheckedExtrinsic::new_signed(call, MultiAddress::Id(account), signature, extension))
	}
}
