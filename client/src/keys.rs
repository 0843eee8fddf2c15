//! Keys a provider needs besides its account: the inference worker's attestation key, and the
//! key type under which a node's keystore holds the provider's account key.

use anyhow::{bail, Context, Result};
use std::{io::Read, path::Path};
use subxt_signer::sr25519::Keypair;

/// Key type of the provider account key in a node's keystore (the OCW's `infr`).
pub const PROVIDER_KEY_TYPE: &str = "infr";

/// Generates a random sr25519 key, writes its `0x` seed to `file` (owner-only permissions,
/// never over an existing file) and returns its public key.
pub fn generate_worker_key(file: &Path) -> Result<[u8; 32]> {
	if file.exists() {
		bail!("{} exists: a worker key is never overwritten", file.display());
	}
	let mut seed = [0u8; 32];
	std::fs::File::open("/dev/urandom")
		.and_then(|mut f| f.read_exact(&mut seed))
		.context("reading /dev/urandom")?;
	let key = Keypair::from_secret_key(seed).context("deriving the key")?;
	let mut options = std::fs::OpenOptions::new();
	options.write(true).create_new(true);
	#[cfg(unix)]
	std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
	let mut out = options.open(file).with_context(|| format!("creating {}", file.display()))?;
	std::io::Write::write_all(&mut out, format!("0x{}\n", hex::encode(seed)).as_bytes())?;
	Ok(key.public_key().0)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn generated_key_file_holds_the_seed_of_the_returned_key_and_is_not_overwritten() {
		let dir = tempfile::tempdir().unwrap();
		let file = dir.path().join("worker.key");
		let public = generate_worker_key(&file).unwrap();
		let seed = std::fs::read_to_string(&file).unwrap();
		let key = crate::chain::keypair(seed.trim()).unwrap();
		assert_eq!(key.public_key().0, public);
		#[cfg(unix)]
		{
			use std::os::unix::fs::PermissionsExt;
			assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
		}
		assert!(generate_worker_key(&file).is_err());
		assert_ne!(generate_worker_key(&dir.path().join("other.key")).unwrap(), public);
	}
}
