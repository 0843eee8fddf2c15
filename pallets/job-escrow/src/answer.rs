//! The one check of an answer, shared by the chain and the provider's off-chain worker.
//!
//! `reveal_result` (and `submit_result` at redundancy 1) accept an answer only if
//! [`Pallet::check_answer`] does, and the off-chain worker runs the very same function on what
//! its inference worker returned before it commits to anything: an answer the chain would refuse
//! is never sent, so a provider never pays a fee (or misses a deadline) for one.

use crate::*;

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
