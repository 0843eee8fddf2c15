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

	/// Parameters of provider staking and jobs.
	#[dynamic_pallet_params]
	#[codec(index = 0)]
	pub mod market {
		/// Redundancy (number of providers) of a job that does not ask for one.
		#[codec(index = 0)]
		pub static DefaultRedundancy: u32 = 1;
		/// Largest redundancy a job may ask for (at most the runtime's structural cap of 7).
		#[codec(index = 1)]
		pub static MaxRedundancy: u32 = 7;
		/// Blocks from submission to commit (or to answer, at redundancy 1). The first job of a
		/// model includes the artifact's download, hash check and load.
		#[codec(index = 2)]
		pub static CommitPeriod: BlockNumber = 30;
		/// Blocks to reveal once the reveal phase opens: no inference left, only inclusion.
		#[codec(index = 3)]
		pub static RevealPeriod: BlockNumber = 20;
		/// Part of the bond slashed for an answer that loses the vote: cheating must cost more
		/// than it pays.
		#[codec(index = 4)]
		pub static WrongResultSlash: Perbill = Perbill::from_percent(10);
		/// Part of the bond slashed for a missed deadline: outages happen, but are not free.
		#[codec(index = 5)]
		pub static TimeoutSlash: Perbill = Perbill::from_percent(1);
		/// Least bond of a provider: its wrong-result slash outweighs what guessing earns.
		#[codec(index = 6)]
		pub static MinProviderStake: Balance = 100 * UNIT;
		/// Blocks unbonded stake stays slashable: far longer than any job's deadlines.
		#[codec(index = 7)]
		pub static UnbondingPeriod: BlockNumber = DAYS;
		/// Part of the providers' price paid to the treasury.
		#[codec(index = 8)]
		pub static ProtocolFee: Perbill = Perbill::from_percent(5);
		/// Largest accepted job input, in bytes (at most the runtime's cap of 256 KiB).
		#[codec(index = 9)]
		pub static MaxInputBytes: u32 = 256 * 1024;
		/// Largest canonical output, in bytes (at most the runtime's cap of 4 KiB).
		#[codec(index = 10)]
		pub static MaxOutputBytes: u32 = 4 * 1024;
		/// Blocks a finished job and its result stay readable.
		#[codec(index = 11)]
		pub static ResultRetention: BlockNumber = DAYS;
	}
}

/// `pallet-parameters` needs a default parameter to benchmark `set_parameter`.
#[cfg(feature = "runtime-benchmarks")]
impl Default for RuntimeParameters {
	fn default() -> Self {
		RuntimeParameters::Market(dynamic_params::market::Parameters::DefaultRedundancy(
			dynamic_params::market::DefaultRedundancy,
			Some(1),
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

impl pallet_job_escrow::JobParameters<BlockNumber> for GovernedJobParameters {
	fn default_redundancy() -> u32 {
		dynamic_params::market::DefaultRedundancy::get()
	}
	fn max_redundancy() -> u32 {
		dynamic_params::market::MaxRedundancy::get()
	}
	fn commit_period() -> BlockNumber {
		dynamic_params::market::CommitPeriod::get()
	}
	fn reveal_period() -> BlockNumber {
		dynamic_params::market::RevealPeriod::get()
	}
	fn wrong_result_slash() -> Perbill {
		dynamic_params::market::WrongResultSlash::get()
	}
	fn timeout_slash() -> Perbill {
		dynamic_params::market::TimeoutSlash::get()
	}
	fn protocol_fee() -> Perbill {
		dynamic_params::market::ProtocolFee::get()
	}
	fn max_input_bytes() -> u32 {
		dynamic_params::market::MaxInputBytes::get()
	}
	fn max_output_bytes() -> u32 {
		dynamic_params::market::MaxOutputBytes::get()
	}
	fn result_retention() -> BlockNumber {
		dynamic_params::market::ResultRetention::get()
	}
}
