//! Artifact store: fetches TorchScript artifacts by URI, verifies their blake2-256 hash and
//! caches them on disk under their hash.
//!
//! Invariant: a file `<cache>/<hex hash>.pt` only ever appears with bytes hashing to its name.
//! Downloads go to a temporary file in the cache directory, are verified in memory, and are
//! renamed into place only afterwards, so a failed, truncated or corrupt fetch never poisons
//! the cache. A cached file is re-verified on every read (it is about to be loaded anyway); a
//! damaged one is deleted and fetched again.
//!
//! Fetching itself, and what a URI may reach, is [`crate::fetch`].

use crate::{
	error::{Result, WorkerError},
	fetch::FetchPolicy,
};
use infera_primitives::{digest, Digest};
use std::{
	path::{Path, PathBuf},
	sync::atomic::{AtomicU64, Ordering},
};

/// Fetches, verifies and caches artifacts.
pub struct ModelStore {
	dir: PathBuf,
	policy: FetchPolicy,
	temp_counter: AtomicU64,
}

impl ModelStore {
	/// A store caching in `dir` (created if missing), fetching under `policy`.
	pub fn new(dir: &Path, policy: FetchPolicy) -> std::io::Result<Self> {
		std::fs::create_dir_all(dir)?;
		Ok(Self { dir: dir.to_path_buf(), policy, temp_counter: AtomicU64::new(0) })
	}

	/// What fetches may touch.
	pub fn policy(&self) -> &FetchPolicy {
		&self.policy
	}

	/// Where the artifact with this hash is cached.
	pub fn path(&self, hash: &Digest) -> PathBuf {
		self.dir.join(format!("{}.pt", hex::encode(hash)))
	}

	/// The verified bytes of the artifact `hash`: from the cache when intact, else fetched
	/// from `uri`, verified and then cached.
	pub async fn artifact(&self, hash: &Digest, uri: &str) -> Result<Vec<u8>> {
		let path = self.path(hash);
		if let Ok(bytes) = tokio::fs::read(&path).await {
			if digest(&bytes) == *hash {
				return Ok(bytes);
			}
			tracing::warn!("cached artifact {} is damaged; fetching it again", path.display());
			let _ = tokio::fs::remove_file(&path).await;
		}
		let bytes = self.policy.fetch(uri).await?;
		let actual = digest(&bytes);
		if actual != *hash {
			return Err(WorkerError::ArtifactHashMismatch {
				expected: hex::encode(hash),
				actual: hex::encode(actual),
			});
		}
		self.persist(&path, &bytes).await.map_err(|e| WorkerError::Fetch {
			uri: uri.to_string(),
			reason: format!("cannot write cache file {}: {e}", path.display()),
		})?;
		Ok(bytes)
	}

	/// Writes `bytes` to `path` atomically (temporary file in the same directory + rename).
	async fn persist(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
		let n = self.temp_counter.fetch_add(1, Ordering::Relaxed);
		let temp = self.dir.join(format!(".download-{}-{n}.tmp", std::process::id()));
		let result = async {
			tokio::fs::write(&temp, bytes).await?;
			tokio::fs::rename(&temp, path).await
		}
		.await;
		if result.is_err() {
			let _ = tokio::fs::remove_file(&temp).await;
		}
		result
	}
}
