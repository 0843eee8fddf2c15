//! Artifact store: fetches TorchScript artifacts by URI, verifies their blake2-256 hash and
//! caches them on disk under their hash.
//!
//! Invariant: a file `<cache>/<hex hash>.pt` only ever appears with bytes hashing to its name.
//! Downloads go to a temporary file in the cache directory, are verified in memory, and are
//! renamed into place only afterwards, so a failed, truncated or corrupt fetch never poisons
//! the cache. A cached file is re-verified on every read (it is about to be loaded anyway); a
//! damaged one is deleted and fetched again.

use crate::error::{Result, WorkerError};
use infera_primitives::{digest, Digest};
use std::{
	path::{Path, PathBuf},
	sync::atomic::{AtomicU64, Ordering},
	time::Duration,
};

/// Fetches, verifies and caches artifacts.
pub struct ModelStore {
	dir: PathBuf,
	http: reqwest::Client,
	max_bytes: u64,
	temp_counter: AtomicU64,
}

impl ModelStore {
	/// A store caching in `dir` (created if missing), refusing artifacts above `max_bytes`.
	pub fn new(dir: &Path, max_bytes: u64, fetch_timeout: Duration) -> std::io::Result<Self> {
		std::fs::create_dir_all(dir)?;
		let http = reqwest::Client::builder()
			.timeout(fetch_timeout)
			.build()
			.map_err(std::io::Error::other)?;
		Ok(Self { dir: dir.to_path_buf(), http, max_bytes, temp_counter: AtomicU64::new(0) })
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
		let bytes = self.fetch(uri).await?;
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

	/// The bytes behind a `file://` or `http(s)://` URI, at most `max_bytes` of them.
	async fn fetch(&self, uri: &str) -> Result<Vec<u8>> {
		let fail = |reason: String| WorkerError::Fetch { uri: uri.to_string(), reason };
		if let Some(path) = uri.strip_prefix("file://") {
			let meta = tokio::fs::metadata(path).await.map_err(|e| fail(e.to_string()))?;
			if meta.len() > self.max_bytes {
				return Err(fail(self.too_large(meta.len())));
			}
			return tokio::fs::read(path).await.map_err(|e| fail(e.to_string()));
		}
		if !(uri.starts_with("http://") || uri.starts_with("https://")) {
			return Err(fail("unsupported scheme: use file://, http:// or https://".into()));
		}
		let mut response = self
			.http
			.get(uri)
			.send()
			.await
			.and_then(reqwest::Response::error_for_status)
			.map_err(|e| fail(e.to_string()))?;
		if let Some(len) = response.content_length().filter(|&len| len > self.max_bytes) {
			return Err(fail(self.too_large(len)));
		}
		let mut bytes = Vec::new();
		while let Some(chunk) = response.chunk().await.map_err(|e| fail(e.to_string()))? {
			if bytes.len() as u64 + chunk.len() as u64 > self.max_bytes {
				return Err(fail(self.too_large(bytes.len() as u64 + chunk.len() as u64)));
			}
			bytes.extend_from_slice(&chunk);
		}
		Ok(bytes)
	}

	fn too_large(&self, len: u64) -> String {
		format!("artifact of {len} bytes exceeds the limit of {} bytes", self.max_bytes)
	}
}
