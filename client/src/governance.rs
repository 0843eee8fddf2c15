//! Governance from the command line: propose a change of a marketplace parameter on the
//! parameters track or a runtime upgrade on the root track, vote with conviction, follow a
//! referendum, read the parameters in force.
//!
//! Calls are built from the types generated from the runtime's metadata ([`crate::runtime`]).

use crate::{
	chain::{Chain, TxEvents},
	runtime::infera::{
		self,
		runtime_types::{
			frame_support::{
				dispatch::RawOrigin,
				traits::{preimages::Bounded, schedule::DispatchTime},
			},
			infera_runtime::{
				governance::{
					origins::pallet::Origin as GovernanceOrigin,
					parameters::{dynamic_params::market, RuntimeParameters},
				},
				OriginCaller,
			},
			pallet_conviction_voting::vote::{AccountVote, Vote},
			pallet_referenda::types::ReferendumInfo,
			sp_arithmetic::per_things::Perbill,
		},
	},
	spec::{format_amount, parse_amount},
};
use anyhow::{anyhow, bail, Context, Result};
use infera_primitives::params::{self, OutOfBounds};
use serde::Serialize;
use subxt_signer::sr25519::Keypair;

/// A referendum's index.
pub type ReferendumIndex = u32;

/// The marketplace parameters, by the names the CLI accepts, with the unit of their value.
pub const PARAMETERS: [(&str, &str); 15] = [
	("default-redundancy", "providers"),
	("max-redundancy", "providers"),
	("commit-period", "blocks"),
	("reveal-period", "blocks"),
	("wrong-result-slash", "percent"),
	("timeout-slash", "percent"),
	("min-provider-stake", "INF"),
	("unbonding-period", "blocks"),
	("protocol-fee", "percent"),
	("max-input-bytes", "bytes"),
	("max-output-bytes", "bytes"),
	("result-retention", "blocks"),
	("cancel-grace", "blocks"),
	("job-byte-fee", "INF"),
	("audit-rate", "percent"),
];

/// `value` of parameter `name` if it is within `bounds` (the runtime refuses any other: see
/// `infera_primitives::params`), else an error naming them.
fn within<T: Copy + std::fmt::Display>(
	name: &str,
	value: T,
	checked: Result<(), OutOfBounds>,
	bounds: (T, T),
) -> Result<T> {
	checked.map(|()| value).map_err(|_| {
		anyhow!(
			"OutOfBounds: {name} must be between {} and {} (the chain refuses other values), not {value}",
			bounds.0,
			bounds.1
		)
	})
}

/// The new value of parameter `name`, parsed from `value`: `10%` for a percentage, an amount
/// like `100` or `0.5INF` for a stake or fee, a whole number otherwise. Values outside the
/// parameter's bounds (`infera_primitives::params`) are refused here with `OutOfBounds`, as the
/// chain would refuse them.
pub fn parameter_value(name: &str, value: &str) -> Result<RuntimeParameters> {
	let count = || -> Result<u32> {
		value.trim().parse().map_err(|_| anyhow!("`{value}` is not a whole number for {name}"))
	};
	let percent = || -> Result<u32> {
		let v = value.trim().trim_end_matches('%').trim();
		let pct: f64 =
			v.parse().map_err(|_| anyhow!("`{value}` is not a percentage for {name}"))?;
		if !(0.0..=100.0).contains(&pct) {
			bail!("{name} must be between 0% and 100%, not {value}");
		}
		Ok((pct * 10_000_000.0).round() as u32)
	};
	let ratio = |max_percent: u32| -> Result<Perbill> {
		let parts = percent()?;
		let bounds = (0, max_percent * 10_000_000);
		within(name, parts, check(parts, bounds), bounds).map(Perbill)
	};
	let counted = |bounds: (u32, u32)| -> Result<u32> {
		let v = count()?;
		within(name, v, check(v, bounds), bounds)
	};
	let amount = |bounds: (u128, u128)| -> Result<u128> {
		let v = parse_amount(value)?;
		within(name, v, check(v, bounds), bounds)
	};
	use market::Parameters as P;
	let parameter = match name {
		"default-redundancy" => P::DefaultRedundancy(
			market::DefaultRedundancy,
			Some(counted(params::Redundancy::bounds())?),
		),
		"max-redundancy" => {
			P::MaxRedundancy(market::MaxRedundancy, Some(counted(params::Redundancy::bounds())?))
		}
		"commit-period" => {
			P::CommitPeriod(market::CommitPeriod, Some(counted(params::PhaseBlocks::bounds())?))
		}
		"reveal-period" => {
			P::RevealPeriod(market::RevealPeriod, Some(counted(params::PhaseBlocks::bounds())?))
		}
		"cancel-grace" => {
			P::CancelGrace(market::CancelGrace, Some(counted(params::PhaseBlocks::bounds())?))
		}
		"wrong-result-slash" => {
			P::WrongResultSlash(market::WrongResultSlash, Some(ratio(params::MAX_SLASH_PERCENT)?))
		}
		"timeout-slash" => {
			P::TimeoutSlash(market::TimeoutSlash, Some(ratio(params::MAX_SLASH_PERCENT)?))
		}
		"min-provider-stake" => {
			P::MinProviderStake(market::MinProviderStake, Some(amount(params::MinStake::bounds())?))
		}
		"unbonding-period" => P::UnbondingPeriod(
			market::UnbondingPeriod,
			Some(counted(params::UnbondingBlocks::bounds())?),
		),
		"protocol-fee" => {
			P::ProtocolFee(market::ProtocolFee, Some(ratio(params::MAX_PROTOCOL_FEE_PERCENT)?))
		}
		"max-input-bytes" => {
			P::MaxInputBytes(market::MaxInputBytes, Some(counted(params::InputBytes::bounds())?))
		}
		"max-output-bytes" => {
			P::MaxOutputBytes(market::MaxOutputBytes, Some(counted(params::OutputBytes::bounds())?))
		}
		"result-retention" => P::ResultRetention(
			market::ResultRetention,
			Some(counted(params::RetentionBlocks::bounds())?),
		),
		"job-byte-fee" => {
			P::JobByteFee(market::JobByteFee, Some(amount(params::ByteFee::bounds())?))
		}
		"audit-rate" => P::AuditRate(market::AuditRate, Some(ratio(params::MAX_AUDIT_PERCENT)?)),
		_ => {
			let names: Vec<&str> = PARAMETERS.iter().map(|(n, _)| *n).collect();
			bail!("unknown parameter `{name}`; the parameters are: {}", names.join(", "))
		}
	};
	Ok(RuntimeParameters::Market(parameter))
}

/// Whether `value` lies in `bounds` (inclusive).
fn check<T: PartialOrd>(value: T, bounds: (T, T)) -> Result<(), OutOfBounds> {
	if value >= bounds.0 && value <= bounds.1 {
		Ok(())
	} else {
		Err(OutOfBounds { bounds: "the parameter's" })
	}
}

/// The referendum a proposal opened.
#[derive(Clone, Debug, Serialize)]
pub struct Proposed {
	/// Its index, for `gov vote` and `gov status`.
	pub index: ReferendumIndex,
	/// Its track (0: root, 1: parameters).
	pub track: u16,
}

/// Where a referendum is.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ReferendumState {
	/// Being voted on.
	Ongoing {
		/// Track.
		track: u16,
		/// Conviction-weighted ayes.
		ayes: u128,
		/// Conviction-weighted nays.
		nays: u128,
		/// Aye capital without conviction (what support is measured on).
		support: u128,
		/// Block the decision started at, if it has.
		deciding_since: Option<u32>,
		/// Block the confirmation started at, while the referendum is passing.
		confirming_since: Option<u32>,
	},
	/// Passed at `at`; its call is scheduled for enactment.
	Approved {
		/// Block.
		at: u32,
	},
	/// Failed at `at`.
	Rejected {
		/// Block.
		at: u32,
	},
	/// Cancelled by root.
	Cancelled {
		/// Block.
		at: u32,
	},
	/// No decision before the timeout.
	TimedOut {
		/// Block.
		at: u32,
	},
	/// Killed by root.
	Killed {
		/// Block.
		at: u32,
	},
}

impl std::fmt::Display for ReferendumState {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			ReferendumState::Ongoing {
				track,
				ayes,
				nays,
				support,
				deciding_since,
				confirming_since,
			} => {
				write!(
					f,
					"ongoing on track {track}: ayes {}, nays {}, support {}",
					format_amount(*ayes),
					format_amount(*nays),
					format_amount(*support)
				)?;
				match (deciding_since, confirming_since) {
					(_, Some(c)) => write!(f, "; confirming since block {c}"),
					(Some(d), None) => write!(f, "; deciding since block {d}"),
					(None, None) => write!(f, "; preparing"),
				}
			}
			ReferendumState::Approved { at } => write!(f, "approved at block {at}"),
			ReferendumState::Rejected { at } => write!(f, "rejected at block {at}"),
			ReferendumState::Cancelled { at } => write!(f, "cancelled at block {at}"),
			ReferendumState::TimedOut { at } => write!(f, "timed out at block {at}"),
			ReferendumState::Killed { at } => write!(f, "killed at block {at}"),
		}
	}
}

impl Chain {
	/// Proposes setting `parameter` on the parameters track and places the decision deposit, so
	/// the decision starts after the track's prepare period. Enactment is as early as the track
	/// allows. The call is small, so it travels inline: no preimage is needed.
	pub async fn propose_parameter_change(
		&self,
		signer: &Keypair,
		parameter: RuntimeParameters,
	) -> Result<Proposed> {
		let call = infera::tx().parameters().set_parameter(parameter);
		let encoded = self.client.at_current_block().await?.transactions().call_data(&call)?;
		let proposal = Bounded::Inline(
			infera::runtime_types::bounded_collections::bounded_vec::BoundedVec(encoded),
		);
		let origin = OriginCaller::MarketGovernance(GovernanceOrigin::MarketParameters);
		self.open_referendum(signer, origin, proposal).await
	}

	/// Proposes `system.set_code(code)` on the root track and places its decision deposit
	/// (10 000 INF). The call is far too large to travel inline, so it is first noted as a
	/// preimage (a deposit of 1 mINF per byte, returned when the preimage is removed) unless an
	/// identical one already is; the referendum refers to it by hash and length.
	///
	/// `code` must be a runtime blob (WASM, or WASM compressed by the runtime's build) of the same
	/// `spec_name` and a higher `spec_version`: the chain checks that only at enactment.
	pub async fn propose_runtime_upgrade(
		&self,
		signer: &Keypair,
		code: Vec<u8>,
	) -> Result<Proposed> {
		ensure_runtime_blob(&code)?;
		let call = infera::tx().system().set_code(code);
		let encoded = self.client.at_current_block().await?.transactions().call_data(&call)?;
		let hash = subxt::utils::H256(crate::blake2_256(&encoded));
		let len = u32::try_from(encoded.len()).context("the runtime blob is over 4 GiB")?;
		let noted = self
			.client
			.at_current_block()
			.await?
			.storage()
			.try_fetch(infera::storage().preimage().request_status_for(), (hash,))
			.await?
			.is_some();
		if !noted {
			self.submit(&infera::tx().preimage().note_preimage(encoded), signer).await?;
		}
		let origin = OriginCaller::system(RawOrigin::Root);
		self.open_referendum(signer, origin, Bounded::Lookup { hash, len }).await
	}

	/// Opens a referendum on `proposal` with `origin` (which picks its track) and places its
	/// decision deposit, so the decision starts after the track's prepare period. Enactment is
	/// as early as the track allows.
	async fn open_referendum(
		&self,
		signer: &Keypair,
		origin: OriginCaller,
		proposal: infera::referenda::calls::submit::Proposal,
	) -> Result<Proposed> {
		let submit = infera::tx().referenda().submit(origin, proposal, DispatchTime::After(0));
		let events = self.submit(&submit, signer).await?;
		let submitted = submitted_event(&events)?;
		let deposit = infera::tx().referenda().place_decision_deposit(submitted.index);
		self.submit(&deposit, signer).await?;
		Ok(Proposed { index: submitted.index, track: submitted.track })
	}

	/// Votes on referendum `index` with `balance`, aye or nay, with `conviction` 0 (0.1x, no
	/// lock) to 6 (6x, the longest lock).
	pub async fn vote(
		&self,
		signer: &Keypair,
		index: ReferendumIndex,
		aye: bool,
		balance: u128,
		conviction: u8,
	) -> Result<()> {
		if conviction > 6 {
			bail!("conviction must be 0 to 6, not {conviction}");
		}
		let vote = Vote(if aye { 0x80 } else { 0 } | conviction);
		let call =
			infera::tx().conviction_voting().vote(index, AccountVote::Standard { vote, balance });
		self.submit(&call, signer).await?;
		Ok(())
	}

	/// Where referendum `index` is.
	pub async fn referendum(&self, index: ReferendumIndex) -> Result<ReferendumState> {
		let at = self.client.at_current_block().await?;
		let addr = infera::storage().referenda().referendum_info_for();
		let info = at
			.storage()
			.try_fetch(addr, (index,))
			.await?
			.with_context(|| format!("no referendum has index {index}"))?
			.decode()?;
		Ok(match info {
			ReferendumInfo::Ongoing(s) => ReferendumState::Ongoing {
				track: s.track,
				ayes: s.tally.ayes,
				nays: s.tally.nays,
				support: s.tally.support,
				deciding_since: s.deciding.as_ref().map(|d| d.since),
				confirming_since: s.deciding.and_then(|d| d.confirming),
			},
			ReferendumInfo::Approved(at, ..) => ReferendumState::Approved { at },
			ReferendumInfo::Rejected(at, ..) => ReferendumState::Rejected { at },
			ReferendumInfo::Cancelled(at, ..) => ReferendumState::Cancelled { at },
			ReferendumInfo::TimedOut(at, ..) => ReferendumState::TimedOut { at },
			ReferendumInfo::Killed(at) => ReferendumState::Killed { at },
		})
	}
}

/// Refuses what cannot be a runtime: neither WASM (`\0asm`) nor the zstd-compressed WASM a
/// runtime build writes (`*.compact.compressed.wasm`, with its 8-byte prefix).
fn ensure_runtime_blob(code: &[u8]) -> Result<()> {
	const WASM_MAGIC: [u8; 4] = *b"\0asm";
	const COMPRESSED_PREFIX: [u8; 8] = [0x52, 0xbc, 0x53, 0x76, 0x46, 0xdb, 0x8e, 0x05];
	if code.starts_with(&WASM_MAGIC) || code.starts_with(&COMPRESSED_PREFIX) {
		Ok(())
	} else {
		bail!(
			"not a runtime blob: expected WASM or a compressed runtime (*.compact.compressed.wasm)"
		)
	}
}

fn submitted_event(events: &TxEvents) -> Result<infera::referenda::events::Submitted> {
	events
		.find_first::<infera::referenda::events::Submitted>()
		.transpose()?
		.context("the referendum was not opened (no Referenda::Submitted event)")
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn runtime_blobs_are_wasm_or_compressed_wasm() {
		assert!(ensure_runtime_blob(b"\0asm\x01\0\0\0").is_ok());
		assert!(
			ensure_runtime_blob(&[0x52, 0xbc, 0x53, 0x76, 0x46, 0xdb, 0x8e, 0x05, 0x28]).is_ok()
		);
		let err = ensure_runtime_blob(b"PK\x03\x04 a zip").unwrap_err().to_string();
		assert!(err.contains("not a runtime blob"), "{err}");
		assert!(ensure_runtime_blob(&[]).is_err());
	}
}
