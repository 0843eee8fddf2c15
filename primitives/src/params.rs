//! The bounds of every governed marketplace parameter, and the value types that enforce them.
//!
//! Token holders set the marketplace's parameters by referendum (or root, on dev chains). A
//! value outside its bounds could break the market: a commit period of one block slashes every
//! provider, a 100% slash takes an honest provider's whole stake for one late block, an
//! unbonding period shorter than a job lets a cheater leave before its slash lands. So every
//! parameter's value type carries its bounds and **refuses to decode** a value outside them:
//! such a `set_parameter` call cannot be built into a valid transaction (sudo), and a referendum
//! carrying one fails to decode at enactment (`Scheduler.CallUnavailable`) and changes nothing.
//! Clients check with [`BoundedU32::new`] (and its siblings) first, for a clear error.
//!
//! Each bound is a named constant below with its reason. The structural caps
//! ([`MAX_REDUNDANCY`], [`MAX_INPUT_BYTES`], [`MAX_OUTPUT_BYTES`]) size storage; raising them is a
//! runtime upgrade.

use crate::{Balance, BlockNumber, UNIT};
use codec::{Decode, DecodeWithMemTracking, Encode, Input, MaxEncodedLen};
use polkadot_sdk::sp_runtime::Perbill;
use scale_info::TypeInfo;

/// Most providers a job may have: sizes a job's record (structural).
pub const MAX_REDUNDANCY: u32 = 7;
/// Largest job input: a 224×224×3 u8 image (147 KiB) fits, far below the 5 MiB block length.
pub const MAX_INPUT_BYTES: u32 = 256 * 1024;
/// Largest canonical output stored per result: top-k indices, small embeddings.
pub const MAX_OUTPUT_BYTES: u32 = 4 * 1024;
/// Shortest commit, result, reveal or cancel window: an off-chain worker sees a job after the
/// block that includes it is imported, so its answer lands one block later at the earliest; the
/// window closes at its deadline block (exclusive), so one block would leave no room at all.
pub const MIN_PHASE_BLOCKS: BlockNumber = 2;
/// Longest window of one phase: ten minutes of one-second blocks. Bounds a job's life, and so
/// how long escrow and capacity stay held and how long stake must stay slashable.
pub const MAX_PHASE_BLOCKS: BlockNumber = 600;
/// How many blocks after its wanted block a deadline may land when queues are full.
pub const DEADLINE_SEARCH_BLOCKS: BlockNumber = 16;
/// The longest one round of a job can last: a commit window and a reveal window, each pushed
/// back by full deadline queues at most [`DEADLINE_SEARCH_BLOCKS`].
pub const MAX_ROUND_LIFE: BlockNumber = 2 * (MAX_PHASE_BLOCKS + DEADLINE_SEARCH_BLOCKS);
/// The longest a job can stay open: the providers' round and one round of arbitration.
pub const MAX_JOB_LIFE: BlockNumber = 2 * MAX_ROUND_LIFE;
/// Shortest unbonding period: the longest job life, so stake unbonded while a job is open is
/// still slashable when that job settles, arbitration included.
pub const MIN_UNBONDING_BLOCKS: BlockNumber = MAX_JOB_LIFE;
/// Arbitrators drawn when a job's providers reach no strict majority: an odd number, so that the
/// panel has a strict majority of its own, and three, so that one lazy, offline or dishonest
/// arbitrator cannot decide alone. Fewer are drawn when fewer other providers are eligible.
pub const ARBITRATORS: u32 = 3;
/// Largest slash of one wrong or missed answer: a provider keeps half its stake through any one
/// job, so no single settlement, however it went, wipes out an honest provider.
pub const MAX_SLASH_PERCENT: u32 = 50;
/// Largest protocol fee: the treasury may not take more than half of what providers earn.
pub const MAX_PROTOCOL_FEE_PERCENT: u32 = 50;
/// Smallest minimum provider stake: a provider must have something to lose.
pub const MIN_PROVIDER_STAKE: Balance = UNIT;
/// Shortest retention of a finished job: its user needs time to read the result.
pub const MIN_RETENTION_BLOCKS: BlockNumber = 100;
/// Longest retention: thirty days of one-second blocks, which bounds stored results.
pub const MAX_RETENTION_BLOCKS: BlockNumber = 30 * 24 * 3600;
/// Largest storage fee per byte of a job's input and result: 0.001 INF, so a full 256 KiB input
/// costs at most about 262 INF and no vote can price jobs out of the market.
pub const MAX_BYTE_FEE: Balance = UNIT / 1_000;

/// The default storage fee per byte of a job's input and result: 1 µINF, so a digit image (256
/// bytes) and its answer pay about 0.0003 INF even at price 0.
pub const DEFAULT_BYTE_FEE: Balance = crate::MICRO_UNIT;

/// The default part of the bond slashed for an answer that loses the vote: 10%. Cheating must
/// cost more than it pays.
pub const DEFAULT_WRONG_RESULT_SLASH_PERCENT: u32 = 10;
/// The default part of the bond slashed for a missed deadline: 1%. Outages happen, but are not
/// free.
pub const DEFAULT_TIMEOUT_SLASH_PERCENT: u32 = 1;
/// The default part of the providers' price paid to the treasury: 5%.
pub const DEFAULT_PROTOCOL_FEE_PERCENT: u32 = 5;

/// The default chance that a redundancy-1 job is audited: 10%. A provider that cheats on a
/// fraction of its jobs is caught about once in ten cheats and loses the wrong-result slash of
/// its whole stake each time, against the price of one inference saved: see README's cheating
/// arithmetic.
pub const DEFAULT_AUDIT_PERCENT: u32 = 10;
/// Largest audit rate: every redundancy-1 job audited (100%).
pub const MAX_AUDIT_PERCENT: u32 = 100;

/// A value outside its parameter's bounds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct OutOfBounds {
	/// The bounds, as text (`"2..=600"`, `"<= 50%"`).
	pub bounds: &'static str,
}

impl core::fmt::Display for OutOfBounds {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "value out of the parameter's bounds ({})", self.bounds)
	}
}

/// Implements the traits a bounded parameter value needs: `Encode` and `TypeInfo` as the inner
/// value, `Decode` that refuses values out of bounds, and the marker traits.
macro_rules! bounded_codec {
	($name:ident <$(const $g:ident: $gt:ty),*>, $inner:ty, $check:expr) => {
		impl<$(const $g: $gt),*> Encode for $name<$($g),*> {
			fn size_hint(&self) -> usize {
				self.0.size_hint()
			}
			fn encode_to<O: codec::Output + ?Sized>(&self, dest: &mut O) {
				self.0.encode_to(dest)
			}
		}
		impl<$(const $g: $gt),*> Decode for $name<$($g),*> {
			fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
				let value = <$inner>::decode(input)?;
				Self::new(value).map_err(|_| codec::Error::from($check))
			}
		}
		impl<$(const $g: $gt),*> DecodeWithMemTracking for $name<$($g),*> {}
		/// Described as its inner type: clients build and read plain values.
		impl<$(const $g: $gt),*> TypeInfo for $name<$($g),*> {
			type Identity = $inner;
			fn type_info() -> scale_info::Type {
				<$inner as TypeInfo>::type_info()
			}
		}
		impl<$(const $g: $gt),*> MaxEncodedLen for $name<$($g),*> {
			fn max_encoded_len() -> usize {
				<$inner>::max_encoded_len()
			}
		}
	};
}

/// Declares a bounded integer parameter type `$name` over `$inner`: values in `MIN..=MAX`.
macro_rules! bounded_int {
	($(#[$doc:meta])* $name:ident, $inner:ty, $error:literal) => {
		$(#[$doc])*
		#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
		pub struct $name<const MIN: $inner, const MAX: $inner>($inner);

		impl<const MIN: $inner, const MAX: $inner> $name<MIN, MAX> {
			/// `value` if it is in bounds.
			pub const fn new(value: $inner) -> Result<Self, OutOfBounds> {
				if value >= MIN && value <= MAX {
					Ok(Self(value))
				} else {
					Err(OutOfBounds { bounds: "MIN..=MAX of the parameter" })
				}
			}

			/// `value` moved into bounds (for defaults written in code).
			pub const fn clamped(value: $inner) -> Self {
				Self(if value < MIN {
					MIN
				} else if value > MAX {
					MAX
				} else {
					value
				})
			}

			/// The value.
			pub const fn get(self) -> $inner {
				self.0
			}

			/// The bounds, inclusive.
			pub const fn bounds() -> ($inner, $inner) {
				(MIN, MAX)
			}
		}
		bounded_codec!($name<const MIN: $inner, const MAX: $inner>, $inner, $error);
	};
}

bounded_int!(
	/// A `u32` (a count, a size or a number of blocks) in `MIN..=MAX`.
	BoundedU32,
	u32,
	"u32 parameter out of bounds"
);
bounded_int!(
	/// A balance in `MIN..=MAX`.
	BoundedBalance,
	Balance,
	"balance parameter out of bounds"
);

/// A ratio of at most `MAX_PERCENT` percent.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub struct PerbillAtMost<const MAX_PERCENT: u32>(Perbill);

impl<const MAX_PERCENT: u32> PerbillAtMost<MAX_PERCENT> {
	/// `value` if it is at most `MAX_PERCENT`%.
	pub fn new(value: Perbill) -> Result<Self, OutOfBounds> {
		if value <= Perbill::from_percent(MAX_PERCENT) {
			Ok(Self(value))
		} else {
			Err(OutOfBounds { bounds: "at most MAX_PERCENT% of the parameter" })
		}
	}

	/// `percent`% (for defaults written in code); at most `MAX_PERCENT`.
	pub const fn from_percent(percent: u32) -> Self {
		let p = if percent > MAX_PERCENT { MAX_PERCENT } else { percent };
		Self(Perbill::from_parts(p * 10_000_000))
	}

	/// The value.
	pub const fn get(self) -> Perbill {
		self.0
	}

	/// The largest value allowed.
	pub fn max() -> Perbill {
		Perbill::from_percent(MAX_PERCENT)
	}
}
bounded_codec!(PerbillAtMost<const MAX_PERCENT: u32>, Perbill, "ratio parameter out of bounds");

/// A redundancy: `1..=MAX_REDUNDANCY` providers.
pub type Redundancy = BoundedU32<1, MAX_REDUNDANCY>;
/// The length of a commit, result, reveal or cancel-grace window, in blocks.
pub type PhaseBlocks = BoundedU32<MIN_PHASE_BLOCKS, MAX_PHASE_BLOCKS>;
/// A slash ratio: at most [`MAX_SLASH_PERCENT`].
pub type SlashRatio = PerbillAtMost<MAX_SLASH_PERCENT>;
/// The protocol fee ratio: at most [`MAX_PROTOCOL_FEE_PERCENT`].
pub type FeeRatio = PerbillAtMost<MAX_PROTOCOL_FEE_PERCENT>;
/// The minimum provider stake: at least [`MIN_PROVIDER_STAKE`].
pub type MinStake = BoundedBalance<MIN_PROVIDER_STAKE, { Balance::MAX }>;
/// The unbonding period: at least [`MIN_UNBONDING_BLOCKS`].
pub type UnbondingBlocks = BoundedU32<MIN_UNBONDING_BLOCKS, { u32::MAX }>;
/// The largest job input: `1..=MAX_INPUT_BYTES` bytes.
pub type InputBytes = BoundedU32<1, MAX_INPUT_BYTES>;
/// The largest canonical output: `1..=MAX_OUTPUT_BYTES` bytes.
pub type OutputBytes = BoundedU32<1, MAX_OUTPUT_BYTES>;
/// How long a finished job stays readable.
pub type RetentionBlocks = BoundedU32<MIN_RETENTION_BLOCKS, MAX_RETENTION_BLOCKS>;
/// The storage fee per byte of a job's input and result: at most [`MAX_BYTE_FEE`].
pub type ByteFee = BoundedBalance<0, MAX_BYTE_FEE>;
/// The chance that a redundancy-1 job is audited: within `[0, 100%]`.
pub type AuditRate = PerbillAtMost<MAX_AUDIT_PERCENT>;

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn values_out_of_bounds_do_not_decode() {
		assert_eq!(PhaseBlocks::decode(&mut &30u32.encode()[..]).unwrap().get(), 30);
		assert!(PhaseBlocks::decode(&mut &1u32.encode()[..]).is_err());
		assert!(PhaseBlocks::decode(&mut &0u32.encode()[..]).is_err());
		assert!(PhaseBlocks::decode(&mut &(MAX_PHASE_BLOCKS + 1).encode()[..]).is_err());
		let half = Perbill::from_percent(50);
		assert_eq!(SlashRatio::decode(&mut &half.encode()[..]).unwrap().get(), half);
		assert!(SlashRatio::decode(&mut &Perbill::from_percent(100).encode()[..]).is_err());
		assert!(MinStake::decode(&mut &0u128.encode()[..]).is_err());
		assert!(UnbondingBlocks::decode(&mut &0u32.encode()[..]).is_err());
		assert!(Redundancy::decode(&mut &8u32.encode()[..]).is_err());
	}

	#[test]
	fn values_encode_as_their_inner_type() {
		assert_eq!(PhaseBlocks::clamped(30).encode(), 30u32.encode());
		assert_eq!(SlashRatio::from_percent(10).encode(), Perbill::from_percent(10).encode());
		assert_eq!(SlashRatio::from_percent(80).get(), Perbill::from_percent(50));
		assert_eq!(PhaseBlocks::clamped(0).get(), MIN_PHASE_BLOCKS);
		assert!(MIN_UNBONDING_BLOCKS >= MAX_JOB_LIFE);
		assert!(ARBITRATORS % 2 == 1);
	}
}
