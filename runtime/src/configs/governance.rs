//! Configuration of governance: referenda with conviction voting over the root and parameters
//! tracks, the scheduler that enacts them, preimages of their calls, the dynamic parameters they
//! change and the treasury that collects fees, slashes and lost deposits.

use crate::{
	configs::{marketplace::TreasuryAccount, RuntimeBlockWeights},
	governance::{
		origins::{self, Timing, TrackTiming},
		parameters::{ParameterAdmin, RuntimeParameters},
		tracks::TracksInfo,
	},
	AccountId, Balance, Balances, BlockNumber, OriginCaller, Preimage, Referenda, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, Scheduler, System, Treasury, DAYS,
	HOURS, MILLI_UNIT, UNIT,
};
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{
			fungible::HoldConsideration,
			tokens::{PayFromAccount, UnityAssetBalanceConversion},
			ConstU32, EqualPrivilegeOnly, Get, LinearStoragePrice, TotalIssuanceOf,
		},
		weights::Weight,
		PalletId,
	},
	frame_system::{EnsureRoot, EnsureSigned, EnsureWithSuccess},
	sp_runtime::{traits::IdentityLookup, Perbill, Permill},
	*,
};

parameter_types! {
	/// Realistic periods, for any chain whose genesis sets none (the `local_testnet` preset and
	/// production networks): a week to decide, a day to confirm and to enact.
	pub const PublicNetworkTiming: Timing<BlockNumber> = Timing {
		prepare_period: HOURS,
		decision_period: 7 * DAYS,
		confirm_period: DAYS,
		min_enactment_period: DAYS,
		vote_locking_period: 7 * DAYS,
	};
}

impl origins::Config for Runtime {
	type DefaultTiming = PublicNetworkTiming;
}

/// Conviction votes lock for the chain's `vote_locking_period` (times the conviction).
pub struct VoteLockingPeriod;
impl Get<BlockNumber> for VoteLockingPeriod {
	fn get() -> BlockNumber {
		TrackTiming::<Runtime>::get().vote_locking_period
	}
}

/// A referendum that finds no decision deposit within a decision period times out.
pub struct UndecidingTimeout;
impl Get<BlockNumber> for UndecidingTimeout {
	fn get() -> BlockNumber {
		TrackTiming::<Runtime>::get().decision_period
	}
}

parameter_types! {
	/// Submitting a referendum costs 1 INF (returned unless the referendum is killed): cheap
	/// enough for any token holder, costly enough against spam.
	pub const SubmissionDeposit: Balance = UNIT;
}

impl pallet_referenda::Config for Runtime {
	type WeightInfo = pallet_referenda::weights::SubstrateWeight<Runtime>;
	type RuntimeCall = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type Scheduler = Scheduler;
	type Currency = Balances;
	/// Any account may propose on any track; voting decides.
	type SubmitOrigin = EnsureSigned<AccountId>;
	type CancelOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	/// Deposits of killed referenda go to the treasury.
	type Slash = Treasury;
	type Votes = pallet_conviction_voting::VotesOf<Runtime>;
	type Tally = pallet_conviction_voting::TallyOf<Runtime>;
	type SubmissionDeposit = SubmissionDeposit;
	type MaxQueued = ConstU32<100>;
	type UndecidingTimeout = UndecidingTimeout;
	/// Referenda are re-checked at least every 10 blocks while deciding.
	type AlarmInterval = ConstU32<10>;
	type Tracks = TracksInfo;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

impl pallet_conviction_voting::Config for Runtime {
	type WeightInfo = pallet_conviction_voting::weights::SubstrateWeight<Runtime>;
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type VoteLockingPeriod = VoteLockingPeriod;
	/// One account votes on at most 512 referenda at once (bounds its lock bookkeeping).
	type MaxVotes = ConstU32<512>;
	/// Support is measured against all issued tokens.
	type MaxTurnout = TotalIssuanceOf<Balances, AccountId>;
	type Polls = Referenda;
	type BlockNumberProvider = System;
	type VotingHooks = ();
}

parameter_types! {
	/// Enactments may use most of a block, leaving room for the block's other hooks.
	pub MaximumSchedulerWeight: Weight =
		Perbill::from_percent(80) * RuntimeBlockWeights::get().max_block;
}

impl pallet_scheduler::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	/// Only root schedules directly; referenda schedule through their own interface.
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type OriginPrivilegeCmp = EqualPrivilegeOnly;
	type MaxScheduledPerBlock = ConstU32<50>;
	type WeightInfo = pallet_scheduler::weights::SubstrateWeight<Runtime>;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

parameter_types! {
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
	/// 0.1 INF plus 0.001 INF per byte: a parameter change (tens of bytes) costs about 0.1 INF,
	/// a runtime upgrade (about 1 MiB) about 1000 INF, returned when the preimage is removed.
	pub const PreimageBaseDeposit: Balance = 100 * MILLI_UNIT;
	pub const PreimageByteDeposit: Balance = MILLI_UNIT;
}

impl pallet_preimage::Config for Runtime {
	type WeightInfo = pallet_preimage::weights::SubstrateWeight<Runtime>;
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

impl pallet_parameters::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeParameters = RuntimeParameters;
	type AdminOrigin = ParameterAdmin;
	/// The pallet ships only its reference weights (`()`); `set_parameter` is one storage write.
	type WeightInfo = ();
}

parameter_types! {
	/// The account the marketplace already pays protocol fees and slashes into.
	pub const TreasuryPalletId: PalletId = crate::configs::marketplace::TREASURY_PALLET_ID;
	/// Nothing is burnt: unspent funds stay for later spends.
	pub const TreasuryBurn: Permill = Permill::zero();
	/// Root (the root track) may spend any amount.
	pub const MaxTreasurySpend: Balance = Balance::MAX;
}

impl pallet_treasury::Config for Runtime {
	type PalletId = TreasuryPalletId;
	type Currency = Balances;
	type RejectOrigin = EnsureRoot<AccountId>;
	type RuntimeEvent = RuntimeEvent;
	/// Approved spends are paid once a day.
	type SpendPeriod = ConstU32<DAYS>;
	type Burn = TreasuryBurn;
	type BurnDestination = ();
	type SpendFunds = ();
	type WeightInfo = pallet_treasury::weights::SubstrateWeight<Runtime>;
	type MaxApprovals = ConstU32<100>;
	type SpendOrigin = EnsureWithSuccess<EnsureRoot<AccountId>, AccountId, MaxTreasurySpend>;
	/// The native token only.
	type AssetKind = ();
	type Beneficiary = AccountId;
	type BeneficiaryLookup = IdentityLookup<AccountId>;
	type Paymaster = PayFromAccount<Balances, TreasuryAccount>;
	type BalanceConverter = UnityAssetBalanceConversion;
	/// A spend can be claimed for 30 days.
	type PayoutPeriod = ConstU32<{ 30 * DAYS }>;
	type BlockNumberProvider = System;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}
