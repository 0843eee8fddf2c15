//! The `MarketGovernance` pallet: the custom origin of the parameters track and the timing of
//! both referendum tracks.
//!
//! - [`Origin::MarketParameters`] is what a referendum on the parameters track dispatches with.
//!   It may set the marketplace's dynamic parameters and nothing else (see
//!   [`super::parameters::ParameterAdmin`]); everything else needs the root track.
//! - [`TrackTiming`] holds the periods of the tracks. They are storage, set by the genesis
//!   preset, because one runtime serves chains that need very different timing: seconds on the
//!   dev chain (a referendum passes in about a minute, so end-to-end tests can run one) and days
//!   on the local testnet and production networks. Root (the root track, or sudo where a chain
//!   spec has a key) changes it with `system.set_storage`; no call is needed for a value that
//!   changes once per network.

pub use pallet::*;

/// Periods of the referendum tracks, in blocks (one block is one second).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct Timing<BlockNumber> {
	/// From submission until the decision deposit may start the decision.
	pub prepare_period: BlockNumber,
	/// How long a referendum is decided before it is rejected for lack of approval.
	pub decision_period: BlockNumber,
	/// How long approval and support must hold before the referendum passes.
	pub confirm_period: BlockNumber,
	/// Least delay from passing to enactment, so that people can react to a change.
	pub min_enactment_period: BlockNumber,
	/// Votes with conviction 1x lock the voter's balance this long after the referendum ends
	/// (2x twice as long, and so on).
	pub vote_locking_period: BlockNumber,
}

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::Timing;
	use polkadot_sdk::{
		frame_support::pallet_prelude::*, frame_system::pallet_prelude::BlockNumberFor, *,
	};

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// Timing of a chain whose genesis does not set one: realistic periods for a public
		/// network.
		type DefaultTiming: Get<Timing<BlockNumberFor<Self>>>;
	}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// The origins this pallet adds: one per track besides root.
	#[derive(
		PartialEq, Eq, Clone, MaxEncodedLen, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug,
	)]
	#[pallet::origin]
	pub enum Origin {
		/// A referendum on the parameters track passed: may set marketplace parameters.
		MarketParameters,
	}

	/// The periods of the referendum tracks.
	#[pallet::storage]
	pub type TrackTiming<T: Config> =
		StorageValue<_, Timing<BlockNumberFor<T>>, ValueQuery, T::DefaultTiming>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The chain's track timing; `None` keeps [`Config::DefaultTiming`].
		pub timing: Option<Timing<BlockNumberFor<T>>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(timing) = self.timing {
				TrackTiming::<T>::put(timing);
			}
		}
	}

	/// Ensures the [`Origin::MarketParameters`] origin.
	pub struct MarketParameters;
	impl<O: OriginTrait + From<Origin>> EnsureOrigin<O> for MarketParameters
	where
		for<'a> &'a O::PalletsOrigin: TryInto<&'a Origin>,
	{
		type Success = ();

		fn try_origin(o: O) -> Result<Self::Success, O> {
			if matches!(o.caller().try_into(), Ok(Origin::MarketParameters)) {
				Ok(())
			} else {
				Err(o)
			}
		}

		#[cfg(feature = "runtime-benchmarks")]
		fn try_successful_origin() -> Result<O, ()> {
			Ok(O::from(Origin::MarketParameters))
		}
	}
}
