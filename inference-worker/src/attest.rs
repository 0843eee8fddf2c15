//! The worker's sr25519 attestation key: loading, first-start generation, signing.
//!
//! The key signs exactly two kinds of message, each domain-separated by its primitive type:
//! attestation payloads ([`AttestationPayload`]) and proofs that it may be registered for a
//! provider ([`WorkerKeyProof`]). Neither can be passed off as the other.

use infera_primitives::{
	attestation::{AttestationPayload, WorkerKeyProof, WorkerPublic, WorkerSignature},
	Hash,
};
use polkadot_sdk::sp_core::{crypto::Ss58Codec, sr25519, Pair};
use std::{io::Write, path::Path};

/// Why the attestation key could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
	/// The key file could not be read or written.
	#[error("key file {path}: {source}")]
	Io {
		/// The key file.
		path: String,
		/// The I/O error.
		source: std::io::Error,
	},
	/// The secret URI or seed is not valid.
	#[error("invalid secret URI or seed (from {0})")]
	InvalidSecret(String),
}

/// Signs attestations with the worker's key.
pub struct Attestor {
	pair: sr25519::Pair,
}

impl Attestor {
	/// A key from a secret URI (`//Alice`, a mnemonic, or a `0x` 32-byte seed).
	pub fn from_suri(suri: &str, origin: &str) -> Result<Self, KeyError> {
		let pair = sr25519::Pair::from_string(suri.trim(), None)
			.map_err(|_| KeyError::InvalidSecret(origin.to_string()))?;
		Ok(Self { pair })
	}

	/// The key stored in `path`, generating a fresh one (written with mode 0600) if the file
	/// does not exist. The file holds a secret URI: the generated key is its `0x` seed.
	pub fn from_key_file(path: &Path) -> Result<Self, KeyError> {
		let io = |source| KeyError::Io { path: path.display().to_string(), source };
		match std::fs::read_to_string(path) {
			Ok(suri) => Self::from_suri(&suri, &path.display().to_string()),
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
				if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
					std::fs::create_dir_all(dir).map_err(io)?;
				}
				let (pair, seed) = sr25519::Pair::generate();
				let mut options = std::fs::OpenOptions::new();
				options.write(true).create_new(true);
				#[cfg(unix)]
				std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
				let mut file = options.open(path).map_err(io)?;
				writeln!(file, "0x{}", hex::encode(seed)).map_err(io)?;
				Ok(Self { pair })
			}
			Err(e) => Err(io(e)),
		}
	}

	/// The public key the provider registers on chain.
	pub fn public(&self) -> WorkerPublic {
		self.pair.public()
	}

	/// The public key as `0x` hex and as SS58 (generic prefix 42), for logs and `health`.
	pub fn public_display(&self) -> (String, String) {
		let public = self.public();
		(format!("0x{}", hex::encode(public.0)), public.to_ss58check())
	}

	/// Signs the SCALE encoding of the attestation payload of one answer.
	pub fn sign(&self, payload: &AttestationPayload) -> WorkerSignature {
		payload.sign(&self.pair)
	}

	/// The key's proof of possession for `provider` (an `AccountId32`, whose SCALE encoding is
	/// its 32 raw bytes) on the chain with `genesis_hash`, as the provider registers it.
	pub fn prove_key(&self, genesis_hash: Hash, provider: &[u8; 32]) -> WorkerSignature {
		WorkerKeyProof { genesis_hash, provider }.sign(&self.pair)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use infera_primitives::attestation::Outcome;

	#[test]
	fn key_file_is_generated_once_and_reloaded() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("keys/worker.key");
		let first = Attestor::from_key_file(&path).unwrap();
		let again = Attestor::from_key_file(&path).unwrap();
		assert_eq!(first.public(), again.public());
		#[cfg(unix)]
		{
			use std::os::unix::fs::PermissionsExt;
			let mode = std::fs::metadata(&path).unwrap().permissions().mode();
			assert_eq!(mode & 0o777, 0o600);
		}
		let payload = AttestationPayload {
			genesis_hash: Hash::repeat_byte(9),
			job_id: 1,
			model_hash: [1; 32],
			input_hash: [2; 32],
			outcome: Outcome::Output([3; 32]),
		};
		let signature = first.sign(&payload);
		assert!(payload.verify(&signature, &again.public()));
	}

	#[test]
	fn key_proof_binds_provider_and_chain() {
		use polkadot_sdk::sp_core::crypto::AccountId32;
		let worker = Attestor::from_suri("//Worker", "test").unwrap();
		let (provider, genesis) = ([7u8; 32], Hash::repeat_byte(1));
		let signature = worker.prove_key(genesis, &provider);
		// The chain's account type encodes like the raw bytes the worker signs.
		let account = AccountId32::new(provider);
		let proof = WorkerKeyProof { genesis_hash: genesis, provider: &account };
		assert!(proof.verify(&signature, &worker.public()));
		let other = AccountId32::new([8; 32]);
		let stolen = WorkerKeyProof { genesis_hash: genesis, provider: &other };
		assert!(!stolen.verify(&signature, &worker.public()));
		let elsewhere = WorkerKeyProof { genesis_hash: Hash::repeat_byte(2), provider: &account };
		assert!(!elsewhere.verify(&signature, &worker.public()));
	}

	#[test]
	fn dev_seed_and_bad_secret() {
		let alice = Attestor::from_suri("//Alice", "test").unwrap();
		assert_eq!(alice.public_display().1, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
		assert!(matches!(
			Attestor::from_suri("not a secret", "test"),
			Err(KeyError::InvalidSecret(_))
		));
	}
}
