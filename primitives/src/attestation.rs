//! What an inference worker signs about a result, and how the chain checks it.
//!
//! The worker's sr25519 key signs the SCALE encoding of [`AttestationPayload`]; the provider
//! registers the matching public key on chain, and the job pallet verifies the signature before
//! it accepts a result. The same type is used on both sides, so the encodings cannot drift.

use crate::{Digest, JobId};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{sp_core::sr25519, sp_runtime::traits::Verify};
use scale_info::TypeInfo;

/// Public key of an inference worker.
pub type WorkerPublic = sr25519::Public;
/// Signature of an inference worker over an [`AttestationPayload`].
pub type WorkerSignature = sr25519::Signature;

/// The facts a worker vouches for: it ran the model with this artifact hash on the input with
/// this hash, for this job, and got the canonical output with this hash.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct AttestationPayload {
	/// The job the inference was run for (binds the answer to one job: no replay elsewhere).
	pub job_id: JobId,
	/// blake2-256 of the TorchScript artifact that was loaded.
	pub model_hash: Digest,
	/// blake2-256 of the input bytes.
	pub input_hash: Digest,
	/// blake2-256 of the canonical output bytes.
	pub output_hash: Digest,
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
