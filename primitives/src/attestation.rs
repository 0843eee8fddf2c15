//! What an inference worker signs about a job, and how the chain checks it.
//!
//! The worker's sr25519 key signs the SCALE encoding of [`AttestationPayload`]; the provider
//! registers the matching public key on chain (with a [`WorkerKeyProof`] that it holds it), and
//! the job pallet verifies the signature before it accepts an answer. The same types are used on
//! every side, so the encodings cannot drift.
//!
//! An answer is an [`Outcome`]: the hash of a canonical output, or a *signed refusal* when the
//! model cannot answer the input (its output is not finite, or its forward pass fails on it).
//! Settlement votes on [`Outcome::vote_digest`], so a refusal is an outcome like any output: an
//! honest provider is never slashed for an input that no honest provider could answer.

use crate::{Digest, Hash, JobId};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{sp_core::sr25519, sp_runtime::traits::Verify};
use scale_info::TypeInfo;

/// Public key of an inference worker.
pub type WorkerPublic = sr25519::Public;
/// Signature of an inference worker over an [`AttestationPayload`] or a [`WorkerKeyProof`].
pub type WorkerSignature = sr25519::Signature;

/// Domain tag hashed into the vote digest of a refusal, so that no output can collide with it.
const REFUSAL_DOMAIN: &[u8] = b"infera/refusal";
/// Domain tag of a [`WorkerKeyProof`], so that no attestation can be passed off as one.
const WORKER_KEY_DOMAIN: &[u8] = b"infera/worker-key";

/// Why a model could not answer an input. Stable codes: they are signed and voted on.
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum RefusalReason {
	/// The output tensor holds NaN or infinity (e.g. from an input full of NaN), so it has no
	/// canonical form.
	#[codec(index = 0)]
	NonFiniteOutput,
	/// The model's forward pass failed on this input.
	#[codec(index = 1)]
	ForwardFailed,
	/// The output is finite but too large for the model's agreement rule (a quantized value
	/// beyond the fixed-point range), so it has no canonical form either.
	#[codec(index = 2)]
	OutOfRange,
}

impl RefusalReason {
	/// Every reason, in code order.
	pub const ALL: [RefusalReason; 3] =
		[RefusalReason::NonFiniteOutput, RefusalReason::ForwardFailed, RefusalReason::OutOfRange];

	/// The reason whose [`Outcome::vote_digest`] is `digest`, if `digest` is a refusal's.
	pub fn from_vote_digest(digest: &Digest) -> Option<RefusalReason> {
		Self::ALL.into_iter().find(|r| Outcome::Refused(*r).vote_digest() == *digest)
	}
}

/// What a worker answered for a job.
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
pub enum Outcome {
	/// The canonical output, by its blake2-256 hash.
	#[codec(index = 0)]
	Output(Digest),
	/// A refusal: the model cannot answer this input.
	#[codec(index = 1)]
	Refused(RefusalReason),
}

impl Outcome {
	/// What settlement votes on (and commitments hide): the output hash itself, or for a
	/// refusal `blake2_256("infera/refusal" ‖ SCALE(reason))`.
	pub fn vote_digest(&self) -> Digest {
		match self {
			Outcome::Output(hash) => *hash,
			Outcome::Refused(reason) => crate::digest(&(REFUSAL_DOMAIN, reason).encode()),
		}
	}
}

/// The facts a worker vouches for: on the chain with this genesis, for this job, it ran the
/// model with this artifact hash on the input with this hash, and got this outcome.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct AttestationPayload {
	/// The genesis hash of the chain the job is on: a signature cannot be replayed on another
	/// chain that has a job with the same id.
	pub genesis_hash: Hash,
	/// The job the inference was run for (binds the answer to one job: no replay elsewhere).
	pub job_id: JobId,
	/// blake2-256 of the TorchScript artifact that was loaded.
	pub model_hash: Digest,
	/// blake2-256 of the input bytes.
	pub input_hash: Digest,
	/// The output's hash, or the refusal.
	pub outcome: Outcome,
}

impl AttestationPayload {
	/// Whether `signature` is `worker`'s signature over this payload's SCALE encoding.
	pub fn verify(&self, signature: &WorkerSignature, worker: &WorkerPublic) -> bool {
		signature.verify(&self.encode()[..], worker)
	}

	/// Signs this payload with a worker key (off-chain only).
	#[cfg(feature = "std")]
	pub fn sign(&self, pair: &sr25519::Pair) -> WorkerSignature {
		use polkadot_sdk::sp_core::Pair;
		pair.sign(&self.encode())
	}
}

/// What a provider sends with an answer: the worker's outcome and its signature over the
/// [`AttestationPayload`] the chain rebuilds from the job.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct Attestation {
	/// The output's hash, or the refusal.
	pub outcome: Outcome,
	/// The worker's signature over the attestation payload.
	pub signature: WorkerSignature,
}

/// Proof that whoever registers a worker key for `provider` holds it: the worker key's
/// signature over `SCALE(("infera/worker-key", genesis_hash, provider))`.
///
/// Without it, anyone watching the pool could register a provider's worker key first and so
/// keep the provider from registering its own.
#[derive(Encode, Clone, PartialEq, Eq, Debug)]
pub struct WorkerKeyProof<'a, AccountId> {
	/// The chain the key is registered on.
	pub genesis_hash: Hash,
	/// The provider account the key will sign for.
	pub provider: &'a AccountId,
}

impl<AccountId: Encode> WorkerKeyProof<'_, AccountId> {
	/// The signed message.
	pub fn message(&self) -> alloc::vec::Vec<u8> {
		(WORKER_KEY_DOMAIN, self.genesis_hash, self.provider).encode()
	}

	/// Whether `signature` is `worker`'s proof for this provider on this chain.
	pub fn verify(&self, signature: &WorkerSignature, worker: &WorkerPublic) -> bool {
		signature.verify(&self.message()[..], worker)
	}

	/// Signs the proof with a worker key (off-chain only).
	#[cfg(feature = "std")]
	pub fn sign(&self, pair: &sr25519::Pair) -> WorkerSignature {
		use polkadot_sdk::sp_core::Pair;
		pair.sign(&self.message())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::sp_core::Pair;

	#[test]
	fn refusal_digests_are_distinct_from_each_other_and_decode_back() {
		let a = Outcome::Refused(RefusalReason::NonFiniteOutput).vote_digest();
		let b = Outcome::Refused(RefusalReason::ForwardFailed).vote_digest();
		assert_ne!(a, b);
		assert_eq!(RefusalReason::from_vote_digest(&a), Some(RefusalReason::NonFiniteOutput));
		assert_eq!(RefusalReason::from_vote_digest(&b), Some(RefusalReason::ForwardFailed));
		assert_eq!(RefusalReason::from_vote_digest(&crate::digest(b"output")), None);
		assert_eq!(Outcome::Output([7; 32]).vote_digest(), [7; 32]);
	}

	#[test]
	fn attestations_bind_the_chain_and_worker_proofs_bind_the_provider() {
		let pair = sr25519::Pair::from_seed(&[1; 32]);
		let payload = AttestationPayload {
			genesis_hash: Hash::repeat_byte(1),
			job_id: 4,
			model_hash: [2; 32],
			input_hash: [3; 32],
			outcome: Outcome::Refused(RefusalReason::NonFiniteOutput),
		};
		let sig = payload.sign(&pair);
		assert!(payload.verify(&sig, &pair.public()));
		let other_chain = AttestationPayload { genesis_hash: Hash::repeat_byte(9), ..payload };
		assert!(!other_chain.verify(&sig, &pair.public()));

		let (alice, bob) = (1u64, 2u64);
		let proof = WorkerKeyProof { genesis_hash: Hash::repeat_byte(1), provider: &alice };
		let sig = proof.sign(&pair);
		assert!(proof.verify(&sig, &pair.public()));
		let stolen = WorkerKeyProof { genesis_hash: Hash::repeat_byte(1), provider: &bob };
		assert!(!stolen.verify(&sig, &pair.public()));
	}
}
