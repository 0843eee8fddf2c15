//! The checks of an answer, each written once.
//!
//! - **Its content.** `reveal_result` accepts an answer only if [`Pallet::check_answer`] does,
//!   and the off-chain worker runs the very same function on what its inference worker returned
//!   before it commits to anything: an answer the chain would refuse is never sent, so a
//!   provider never pays a fee (or misses a deadline) for one.
//! - **Its moment.** Whether the sender may commit ([`Pallet::commit_slot`]) or reveal
//!   ([`Pallet::reveal_slot`]) now, whatever it says: the calls check it, and so does
//!   [`crate::ValidateAnswer`] before a transaction enters the pool or a block, so that an answer
//!   sent twice, or late, is never included and never charged.

use crate::*;

/// Why the sender cannot commit or reveal now, whatever its answer. Each maps to the pallet
/// error of the same name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SlotFault {
	/// No such job.
	UnknownJob,
	/// The job has finished.
	JobFinished,
	/// The sender (or the provider it operates) is not assigned to the job's current round.
	NotAssigned,
	/// The window for this answer has closed.
	DeadlinePassed,
	/// The sender already committed.
	AlreadyCommitted,
	/// The sender already revealed.
	AlreadyAnswered,
	/// The reveal phase has not opened yet.
	RevealNotOpen,
	/// The sender did not commit, so it cannot reveal.
	NotCommitted,
}

impl<T: Config> From<SlotFault> for Error<T> {
	fn from(fault: SlotFault) -> Self {
		match fault {
			SlotFault::UnknownJob => Error::<T>::UnknownJob,
			SlotFault::JobFinished => Error::<T>::JobFinished,
			SlotFault::NotAssigned => Error::<T>::NotAssigned,
			SlotFault::DeadlinePassed => Error::<T>::DeadlinePassed,
			SlotFault::AlreadyCommitted => Error::<T>::AlreadyCommitted,
			SlotFault::AlreadyAnswered => Error::<T>::AlreadyAnswered,
			SlotFault::RevealNotOpen => Error::<T>::RevealNotOpen,
			SlotFault::NotCommitted => Error::<T>::NotCommitted,
		}
	}
}

/// Where an answer goes: the job, the sender's place among its current round, and when the
/// answer's window closes.
pub struct Slot<T: Config> {
	/// The job, as stored.
	pub job: Job<T>,
	/// The sender's index in [`Job::acting`].
	pub index: usize,
	/// The last block (exclusive) of the answer's window.
	pub deadline: BlockNumberFor<T>,
}

/// Why the chain refuses an answer. Each maps to the pallet error of the same name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AnswerFault {
	/// The output is longer than the governed largest output.
	OutputTooLarge,
	/// The output is not the model's canonical length.
	WrongOutputSize,
	/// The output does not hash to the attested hash.
	OutputHashMismatch,
	/// A refusal came with output bytes.
	OutputWithRefusal,
	/// The provider has no registered worker key.
	NoWorkerKey,
	/// The attestation is not the registered worker key's signature over this chain, job,
	/// model, input and outcome.
	BadAttestation,
}

impl<T: Config> From<AnswerFault> for Error<T> {
	fn from(fault: AnswerFault) -> Self {
		match fault {
			AnswerFault::OutputTooLarge => Error::<T>::OutputTooLarge,
			AnswerFault::WrongOutputSize => Error::<T>::WrongOutputSize,
			AnswerFault::OutputHashMismatch => Error::<T>::OutputHashMismatch,
			AnswerFault::OutputWithRefusal => Error::<T>::OutputWithRefusal,
			AnswerFault::NoWorkerKey => Error::<T>::NoWorkerKey,
			AnswerFault::BadAttestation => Error::<T>::BadAttestation,
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Where `who` (a provider, auditor or arbitrator of the job's current round, not its
	/// operator) commits to an answer of `job_id` at block `now`: the job is open, in its
	/// commit phase before the deadline, and `who` has not committed yet.
	pub fn commit_slot(
		job_id: JobId,
		who: &T::AccountId,
		now: BlockNumberFor<T>,
	) -> Result<Slot<T>, SlotFault> {
		let job = Jobs::<T>::get(job_id).ok_or(SlotFault::UnknownJob)?;
		if !job.is_open() {
			return Err(SlotFault::JobFinished);
		}
		let (index, answer) = Self::assignment_of(&job, who)?;
		if answer != Answer::Pending {
			return Err(SlotFault::AlreadyCommitted);
		}
		let deadline = match job.status {
			JobStatus::Pending { deadline } if now < deadline => deadline,
			_ => return Err(SlotFault::DeadlinePassed),
		};
		Ok(Slot { job, index, deadline })
	}

	/// Where `who` reveals its answer of `job_id` at block `now`, and the commitment it
	/// reveals: the job's reveal phase is open and `who` committed but has not revealed.
	pub fn reveal_slot(
		job_id: JobId,
		who: &T::AccountId,
		now: BlockNumberFor<T>,
	) -> Result<(Slot<T>, Digest), SlotFault> {
		let job = Jobs::<T>::get(job_id).ok_or(SlotFault::UnknownJob)?;
		let (index, answer) = Self::assignment_of(&job, who)?;
		let deadline = match job.status {
			JobStatus::Revealing { deadline } if now < deadline => deadline,
			JobStatus::Revealing { .. } => return Err(SlotFault::DeadlinePassed),
			JobStatus::Pending { .. } => return Err(SlotFault::RevealNotOpen),
			JobStatus::Refused { .. }
			| JobStatus::Completed { .. }
			| JobStatus::Failed { .. }
			| JobStatus::Cancelled { .. } => return Err(SlotFault::JobFinished),
		};
		let commitment = match answer {
			Answer::Committed(commitment) => commitment,
			Answer::Pending => return Err(SlotFault::NotCommitted),
			Answer::Revealed(_) => return Err(SlotFault::AlreadyAnswered),
		};
		Ok((Slot { job, index, deadline }, commitment))
	}

	/// The index and answer of `who` among the job's current round.
	fn assignment_of(job: &Job<T>, who: &T::AccountId) -> Result<(usize, Answer), SlotFault> {
		job.acting()
			.iter()
			.enumerate()
			.find(|(_, a)| &a.provider == who)
			.map(|(i, a)| (i, a.answer))
			.ok_or(SlotFault::NotAssigned)
	}

	/// Checks an answer and its attestation for `job`, sent by `who`: an output must have the
	/// model's canonical length and hash to the attested hash, a refusal comes without output;
	/// either way the worker key registered for `who` must have signed it for this chain, job,
	/// model and input. Returns the answer's vote digest.
	pub fn check_answer(
		job_id: JobId,
		job: &Job<T>,
		who: &T::AccountId,
		output: &[u8],
		attestation: &Attestation,
	) -> Result<Digest, AnswerFault> {
		match attestation.outcome {
			Outcome::Output(hash) => {
				let len = output.len() as u32;
				if len > Self::max_output_bytes() {
					return Err(AnswerFault::OutputTooLarge);
				}
				if len != job.output_len {
					return Err(AnswerFault::WrongOutputSize);
				}
				if digest(output) != hash {
					return Err(AnswerFault::OutputHashMismatch);
				}
			}
			Outcome::Refused(_) if !output.is_empty() => {
				return Err(AnswerFault::OutputWithRefusal)
			}
			Outcome::Refused(_) => {}
		}
		let worker = T::Providers::worker_key(who).ok_or(AnswerFault::NoWorkerKey)?;
		let payload = AttestationPayload {
			genesis_hash: Self::genesis_hash(),
			job_id,
			model_hash: job.model_hash,
			input_hash: job.input_hash,
			outcome: attestation.outcome,
		};
		if !payload.verify(&attestation.signature, &worker) {
			return Err(AnswerFault::BadAttestation);
		}
		Ok(attestation.outcome.vote_digest())
	}
}
