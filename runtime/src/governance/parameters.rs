//! The marketplace parameters governance may change, stored by `pallet-parameters`.
//!
//! Each `static` below is a dynamic parameter: a type implementing `Get` that reads the value set
//! by `parameters.set_parameter`, or the default written here while none is set. The pallets read
//! them through their `Config` (staking) or [`GovernedJobParameters`] (jobs), every time they need
//! them, so a change applies from the next job or phase without a migration.
//!
//! Who may set them is [`ParameterAdmin`]: the parameters track or root.

use super::origins;
use crate::{Balance, BlockNumber, RuntimeOrigin, DAYS, UNIT};
use dynamic_params::market;
use infera_primitives::params::{
	AuditRate as AuditChance, ByteFee, FeeRatio, InputBytes, MinStake, OutputBytes, PhaseBlocks,
	Redundancy, RetentionBlocks, SlashRatio, UnbondingBlocks, DEFAULT_AUDIT_PERCENT,
	DEFAULT_BYTE_FEE, DEFAULT_PROTOCOL_FEE_PERCENT, DEFAULT_TIMEOUT_SLASH_PERCENT,
	DEFAULT_WRONG_RESULT_SLASH_PERCENT,
};
use polkadot_sdk::{
	frame_support::{
		dynamic_params::{dynamic_pallet_params, dynamic_params},
		traits::{EnsureOrigin, EnsureOriginWithArg, Get},
	},
	sp_runtime::Perbill,
	*,
};

#[dynamic_params(RuntimeParameters, pallet_parameters::Parameters::<crate::Runtime>)]
pub mod dynamic_params {
	use super::*;

	/// Parameters of provider staking and jobs. Each value type carries its bounds (see
	/// `infera_primitives::params`): a value outside them does not decode, so no
	/// `set_parameter` call with one can be dispatched.
	#[dynamic_pallet_params]
	#[codec(index = 0)]
	pub mod market {
		/// Redundancy (number of providers) of a job that does not ask for one.
		#[codec(index = 0)]
		pub static DefaultRedundancy: Redundancy = Redundancy::clamped(1);
		/// Largest redundancy a job may ask for (at most the runtime's structural cap of 7).
		#[codec(index = 1)]
		pub static MaxRedundancy: Redundancy = Redundancy::clamped(7);
		/// Blocks from submission to commit (or to answer, at redundancy 1). The first job of a
		/// model includes the artifact's download, hash check and load.
		#[codec(index = 2)]
		pub static CommitPeriod: PhaseBlocks = PhaseBlocks::clamped(30);
		/// Blocks to reveal once the reveal phase opens: no inference left, only inclusion.
		#[codec(index = 3)]
		pub static RevealPeriod: PhaseBlocks = PhaseBlocks::clamped(20);
		/// Part of the bond slashed for an answer that loses the vote: cheating must cost more
		/// than it pays.
		#[codec(index = 4)]
		pub static WrongResultSlash: SlashRatio =
			SlashRatio::from_percent(DEFAULT_WRONG_RESULT_SLASH_PERCENT);
		/// Part of the bond slashed for a missed deadline: outages happen, but are not free.
		#[codec(index = 5)]
		pub static TimeoutSlash: SlashRatio =
			SlashRatio::from_percent(DEFAULT_TIMEOUT_SLASH_PERCENT);
		/// Least bond of a provider: its wrong-result slash outweighs what guessing earns.
		#[codec(index = 6)]
		pub static MinProviderStake: MinStake = MinStake::clamped(100 * UNIT);
		/// Blocks unbonded stake stays slashable: far longer than any job's deadlines.
		#[codec(index = 7)]
		pub static UnbondingPeriod: UnbondingBlocks = UnbondingBlocks::clamped(DAYS);
		/// Part of the providers' price paid to the treasury.
		#[codec(index = 8)]
		pub static ProtocolFee: FeeRatio = FeeRatio::from_percent(DEFAULT_PROTOCOL_FEE_PERCENT);
		/// Largest accepted job input, in bytes (at most the runtime's cap of 256 KiB).
		#[codec(index = 9)]
		pub static MaxInputBytes: InputBytes = InputBytes::clamped(256 * 1024);
		/// Largest canonical output, in bytes (at most the runtime's cap of 4 KiB).
		#[codec(index = 10)]
		pub static MaxOutputBytes: OutputBytes = OutputBytes::clamped(4 * 1024);
		/// Blocks a finished job and its result stay readable.
		#[codec(index = 11)]
		pub static ResultRetention: RetentionBlocks = RetentionBlocks::clamped(DAYS);
		/// Blocks from a cancel request to the cancellation: long enough that an answer
		/// already in the pool is included first.
		#[codec(index = 12)]
		pub static CancelGrace: PhaseBlocks = PhaseBlocks::clamped(5);
		/// Storage fee per byte of a job's input and result (see `DEFAULT_BYTE_FEE`).
		#[codec(index = 13)]
		pub static JobByteFee: ByteFee = ByteFee::clamped(DEFAULT_BYTE_FEE);
		/// Chance that a redundancy-1 job is audited (see `DEFAULT_AUDIT_PERCENT`).
		#[codec(index = 14)]
		pub static AuditRate: AuditChance = AuditChance::from_percent(DEFAULT_AUDIT_PERCENT);
	}
}

/// `pallet-parameters` needs a default parameter to benchmark `set_parameter`.
#[cfg(feature = "runtime-benchmarks")]
impl Default for RuntimeParameters {
	fn default() -> Self {
		RuntimeParameters::Market(dynamic_params::market::Parameters::DefaultRedundancy(
			dynamic_params::market::DefaultRedundancy,
			Some(Redundancy::clamped(1)),
		))
	}
}

/// Who may set which parameter: the marketplace parameters are set by a referendum on the
/// parameters track ([`origins::MarketParameters`]) or by root (the root track, or sudo on dev
/// and local chains).
pub struct ParameterAdmin;

impl EnsureOriginWithArg<RuntimeOrigin, RuntimeParametersKey> for ParameterAdmin {
	type Success = ();

	fn try_origin(
		origin: RuntimeOrigin,
		key: &RuntimeParametersKey,
	) -> Result<Self::Success, RuntimeOrigin> {
		match key {
			RuntimeParametersKey::Market(_) => {
				let origin = match origins::MarketParameters::try_origin(origin) {
					Ok(()) => return Ok(()),
					Err(origin) => origin,
				};
				<frame_system::EnsureRoot<crate::AccountId> as EnsureOrigin<_>>::try_origin(origin)
					.map(|_| ())
			}
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin(_key: &RuntimeParametersKey) -> Result<RuntimeOrigin, ()> {
		Ok(RuntimeOrigin::root())
	}
}

/// The job pallet's parameters, read from the dynamic parameters above.
pub struct GovernedJobParameters;

impl pallet_job_escrow::JobParameters<BlockNumber, Balance> for GovernedJobParameters {
	fn default_redundancy() -> u32 {
		market::DefaultRedundancy::get().get()
	}
	fn max_redundancy() -> u32 {
		market::MaxRedundancy::get().get()
	}
	fn commit_period() -> BlockNumber {
		market::CommitPeriod::get().get()
	}
	fn reveal_period() -> BlockNumber {
		market::RevealPeriod::get().get()
	}
	fn wrong_result_slash() -> Perbill {
		market::WrongResultSlash::get().get()
	}
	fn timeout_slash() -> Perbill {
		market::TimeoutSlash::get().get()
	}
	fn protocol_fee() -> Perbill {
		market::ProtocolFee::get().get()
	}
	fn max_input_bytes() -> u32 {
		market::MaxInputBytes::get().get()
	}
	fn max_output_bytes() -> u32 {
		market::MaxOutputBytes::get().get()
	}
	fn result_retention() -> BlockNumber {
		market::ResultRetention::get().get()
	}
	fn cancel_grace() -> BlockNumber {
		market::CancelGrace::get().get()
	}
	fn byte_fee() -> Balance {
		market::JobByteFee::get().get()
	}
	fn audit_rate() -> Perbill {
		market::AuditRate::get().get()
	}
}

/// The minimum provider stake in force, for the staking pallet.
pub struct MinProviderStake;
impl Get<Balance> for MinProviderStake {
	fn get() -> Balance {
		market::MinProviderStake::get().get()
	}
}

/// The unbonding period in force, for the staking pallet.
pub struct UnbondingPeriod;
impl Get<BlockNumber> for UnbondingPeriod {
	fn get() -> BlockNumber {
		market::UnbondingPeriod::get().get()
	}
}
