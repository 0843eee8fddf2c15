//! The referendum tracks: **root** (anything, including runtime upgrades) and **parameters**
//! (the marketplace's dynamic parameters only).
//!
//! Each track's periods come from [`super::origins::TrackTiming`], so the dev chain can pass a
//! referendum in about a minute and a public network takes days. Thresholds differ by risk: root
//! starts at 100% approval and falls to 50% with support falling from 50% to 5% over the decision
//! period; parameters need less support (25% → 1%), since a bad value is undone by the next vote.

use super::origins::{self, TrackTiming};
use crate::{Balance, BlockNumber, OriginCaller, Runtime, RuntimeOrigin, UNIT};
use alloc::borrow::Cow;
use polkadot_sdk::{
	frame_support::traits::OriginTrait,
	frame_system::RawOrigin,
	pallet_referenda::{Curve, Track, TrackInfo},
	sp_runtime::{str_array as s, Perbill},
	*,
};

/// Id of the root track.
pub const ROOT_TRACK: u16 = 0;
/// Id of the parameters track.
pub const PARAMETERS_TRACK: u16 = 1;

/// Root: the whole chain is at stake, so it is decided alone and needs a large deposit.
const ROOT_DECISION_DEPOSIT: Balance = 10_000 * UNIT;
/// Parameters: several can be decided at once, for a deposit an active provider can afford.
const PARAMETERS_DECISION_DEPOSIT: Balance = 100 * UNIT;

/// The tracks of [`pallet_referenda`], their periods read from [`TrackTiming`].
pub struct TracksInfo;

impl pallet_referenda::TracksInfo<Balance, BlockNumber> for TracksInfo {
	type Id = u16;
	type RuntimeOrigin = <RuntimeOrigin as OriginTrait>::PalletsOrigin;

	fn tracks() -> impl Iterator<Item = Cow<'static, Track<Self::Id, Balance, BlockNumber>>> {
		let timing = TrackTiming::<Runtime>::get();
		let track = move |id, name, max_deciding, decision_deposit, approval, support| {
			Cow::Owned(Track {
				id,
				info: TrackInfo {
					name: s(name),
					max_deciding,
					decision_deposit,
					prepare_period: timing.prepare_period,
					decision_period: timing.decision_period,
					confirm_period: timing.confirm_period,
					min_enactment_period: timing.min_enactment_period,
					min_approval: approval,
					min_support: support,
				},
			})
		};
		[
			track(
				ROOT_TRACK,
				"root",
				1,
				ROOT_DECISION_DEPOSIT,
				linear(Perbill::from_percent(50), Perbill::from_percent(100)),
				linear(Perbill::from_percent(5), Perbill::from_percent(50)),
			),
			track(
				PARAMETERS_TRACK,
				"market_parameters",
				10,
				PARAMETERS_DECISION_DEPOSIT,
				linear(Perbill::from_percent(50), Perbill::from_percent(100)),
				linear(Perbill::from_percent(1), Perbill::from_percent(25)),
			),
		]
		.into_iter()
	}

	fn track_for(origin: &Self::RuntimeOrigin) -> Result<Self::Id, ()> {
		match origin {
			OriginCaller::system(RawOrigin::Root) => Ok(ROOT_TRACK),
			OriginCaller::MarketGovernance(origins::Origin::MarketParameters) => {
				Ok(PARAMETERS_TRACK)
			}
			_ => Err(()),
		}
	}
}

/// A threshold falling linearly from `ceil` to `floor` over the whole decision period.
fn linear(floor: Perbill, ceil: Perbill) -> Curve {
	Curve::LinearDecreasing { length: Perbill::one(), floor, ceil }
}
