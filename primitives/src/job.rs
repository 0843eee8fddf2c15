//! The state of a job as the job pallet records it and the marketplace API reports it.

use crate::{attestation::RefusalReason, Digest};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// How far one assigned provider got with a job.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(rename_all = "snake_case")
)]
pub enum Answer {
	/// Nothing received yet.
	Pending,
	/// Committed to `blake2_256(output_hash ‖ salt ‖ provider)` (redundancy > 1).
	Committed(#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::bytes"))] Digest),
	/// Revealed an attested outcome with this vote digest
	/// (an output's hash, or a refusal's digest).
	Revealed(#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::bytes"))] Digest),
}

/// One provider assigned to a job.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(bound(
		serialize = "AccountId: serde::Serialize, Balance: core::fmt::Display",
		deserialize = "AccountId: serde::Deserialize<'de>, Balance: core::str::FromStr"
	))
)]
pub struct Assignment<AccountId, Balance> {
	/// The provider's account.
	pub provider: AccountId,
	/// Its price for this job, fixed at assignment.
	#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::display"))]
	pub price: Balance,
	/// What it has sent so far.
	pub answer: Answer,
}

/// Which deadline a queue entry stands for.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(rename_all = "snake_case")
)]
pub enum DeadlineKind {
	/// End of the commit phase (redundancy > 1) or of the result window (redundancy 1).
	Commit,
	/// End of the reveal phase.
	Reveal,
	/// A user's cancellation takes effect (if no provider has answered by then).
	Cancel,
}

/// Why a job ended without a result.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(rename_all = "snake_case")
)]
pub enum FailureReason {
	/// No provider delivered a valid answer in time.
	NoAnswers,
	/// Answers arrived, but no answer won: the providers reached no strict majority, and
	/// neither did the arbitrators (or no other provider could be drawn to arbitrate).
	NoMajority,
}

/// Where a job is in its life.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
#[cfg_attr(
	feature = "serde",
	derive(serde::Serialize, serde::Deserialize),
	serde(rename_all = "snake_case")
)]
pub enum JobStatus<BlockNumber> {
	/// Waiting for commitments (of the providers, an auditor or the arbitrators) until `deadline`
	/// (exclusive: accepted while `now < deadline`).
	Pending {
		/// Block at which the commit (or result) window closes and the deadline is processed.
		deadline: BlockNumber,
	},
	/// Waiting for reveals until `deadline` (exclusive).
	Revealing {
		/// Block at which the reveal window closes and the job is settled.
		deadline: BlockNumber,
	},
	/// Settled with a majority refusal: the model cannot answer this input. The user paid, and
	/// nobody was slashed for refusing.
	Refused {
		/// Why the model could not answer.
		reason: RefusalReason,
		/// Block of settlement.
		at: BlockNumber,
	},
	/// Settled with a majority answer; the output is in the job pallet's `Results`.
	Completed {
		/// Hash of the winning canonical output.
		#[cfg_attr(feature = "serde", serde(with = "crate::serde_hex::bytes"))]
		output_hash: Digest,
		/// Block of settlement.
		at: BlockNumber,
	},
	/// Settled without a result; the user was refunded.
	Failed {
		/// Why.
		reason: FailureReason,
		/// Block of settlement.
		at: BlockNumber,
	},
	/// Cancelled by the user before any answer; the user was refunded all but the protocol fee.
	Cancelled {
		/// Block of cancellation.
		at: BlockNumber,
	},
}

impl<BlockNumber: Copy> JobStatus<BlockNumber> {
	/// The pending deadline and its kind, while the job is open.
	pub fn deadline(&self) -> Option<(BlockNumber, DeadlineKind)> {
		match self {
			JobStatus::Pending { deadline } => Some((*deadline, DeadlineKind::Commit)),
			JobStatus::Revealing { deadline } => Some((*deadline, DeadlineKind::Reveal)),
			JobStatus::Refused { .. }
			| JobStatus::Completed { .. }
			| JobStatus::Failed { .. }
			| JobStatus::Cancelled { .. } => None,
		}
	}

	/// The block the job finished at, once it has.
	pub fn finished_at(&self) -> Option<BlockNumber> {
		match self {
			JobStatus::Completed { at, .. }
			| JobStatus::Refused { at, .. }
			| JobStatus::Failed { at, .. }
			| JobStatus::Cancelled { at } => Some(*at),
			JobStatus::Pending { .. } | JobStatus::Revealing { .. } => None,
		}
	}
}
