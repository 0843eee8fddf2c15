//! Safe fetching of artifact bytes from the URI a model was registered with.
//!
//! A model's URI is chosen by whoever registers the model, not by the provider, so every
//! fetch is treated as hostile input ([`FetchPolicy`] holds the provider's allowances):
//!
//! - `file://` reads only regular files under a directory the provider allowed
//!   (`--artifact-dir`, repeatable; none by default). The path is canonicalized first, so `..`
//!   and symbolic links cannot leave the allowed directories; anything that is not a regular
//!   file (`/dev/zero`, a FIFO, a directory) is refused before it is read, and the file is
//!   opened without following a final symbolic link and checked again through the open handle
//!   (a swap after the check is caught). A path outside every allowed directory is refused
//!   whether or not it exists, so callers cannot probe the provider's file system.
//! - `http(s)://` connects only to public addresses ([`crate::address`]) unless
//!   `--allow-private-fetch`: the store resolves the host itself, checks every resolved address
//!   and pins the connection to the checked addresses (no second lookup a DNS rebinding could
//!   answer differently). Redirects are followed by hand, at most [`MAX_REDIRECTS`], each hop
//!   checked the same way. A `Content-Length` above the cap is refused up front, and the cap is
//!   enforced while streaming the body. Each connection attempt has a connect timeout and the
//!   whole fetch (every hop and the body) a total timeout.
//!
//! Every refusal is a named [`WorkerError`].

use crate::{
	address,
	error::{Result, WorkerError},
};
use std::{
	net::{IpAddr, SocketAddr},
	path::{Path, PathBuf},
	time::Duration,
};
use tokio::io::AsyncReadExt;

/// Most redirects followed for one artifact: enough for a CDN's usual hop or two (HTTP to
/// HTTPS, a signed storage URL); a longer chain is refused as a loop or an evasion.
pub const MAX_REDIRECTS: usize = 3;

/// What the provider allows a fetch to touch.
#[derive(Clone, Debug)]
pub struct FetchPolicy {
	/// Directories `file://` URIs may point into (canonicalized by [`FetchPolicy::new`]).
	artifact_dirs: Vec<PathBuf>,
	/// Whether `http(s)://` may reach non-public addresses (`--allow-private-fetch`).
	pub allow_private: bool,
	/// Non-public socket addresses allowed anyway (tests, an embedder's own mirror); the
	/// command line sets none.
	pub private_exceptions: Vec<SocketAddr>,
	/// The largest artifact accepted, in bytes.
	pub max_bytes: u64,
	/// Longest a TCP/TLS connection attempt may take.
	pub connect_timeout: Duration,
	/// Longest a whole fetch (every redirect and the body) may take.
	pub total_timeout: Duration,
}

impl FetchPolicy {
	/// A policy allowing `artifact_dirs` (each canonicalized: they must exist), with no
	/// private addresses, no exceptions and the given cap and timeouts.
	pub fn new(
		artifact_dirs: &[PathBuf],
		max_bytes: u64,
		connect_timeout: Duration,
		total_timeout: Duration,
	) -> std::io::Result<Self> {
		let artifact_dirs =
			artifact_dirs.iter().map(|dir| canonical_dir(dir)).collect::<std::io::Result<_>>()?;
		Ok(Self {
			artifact_dirs,
			allow_private: false,
			private_exceptions: Vec::new(),
			max_bytes,
			connect_timeout,
			total_timeout,
		})
	}

	/// The allowed directories, canonical.
	pub fn artifact_dirs(&self) -> &[PathBuf] {
		&self.artifact_dirs
	}

	/// Allows one more directory (canonicalized: it must exist).
	pub fn allow_dir(&mut self, dir: &Path) -> std::io::Result<()> {
		self.artifact_dirs.push(canonical_dir(dir)?);
		Ok(())
	}

	/// The bytes behind a `file://` or `http(s)://` URI, at most `max_bytes` of them.
	pub async fn fetch(&self, uri: &str) -> Result<Vec<u8>> {
		if let Some(path) = uri.strip_prefix("file://") {
			return self.read_file(uri, Path::new(path)).await;
		}
		if !(uri.starts_with("http://") || uri.starts_with("https://")) {
			return Err(fail(uri, "unsupported scheme: use file://, http:// or https://"));
		}
		let download = self.download(uri);
		tokio::time::timeout(self.total_timeout, download).await.map_err(|_| {
			fail(uri, &format!("timed out after {} s", self.total_timeout.as_secs()))
		})?
	}

	/// The path `path` resolves to, if it lies under an allowed directory.
	fn allowed_path(&self, path: &Path) -> Result<PathBuf> {
		let not_allowed = |shown: &Path| WorkerError::ArtifactPathNotAllowed {
			path: shown.display().to_string(),
		};
		if !path.is_absolute() {
			return Err(not_allowed(path));
		}
		// A missing path under an allowed directory is a plain I/O error; outside them it is
		// refused like any other path, so existence outside cannot be probed.
		let resolved = match path.canonicalize() {
			Ok(resolved) => resolved,
			Err(_) if self.is_under_allowed(&lexically_normal(path)) => {
				return Err(WorkerError::Fetch {
					uri: format!("file://{}", path.display()),
					reason: "no such file".into(),
				})
			}
			Err(_) => return Err(not_allowed(path)),
		};
		if self.is_under_allowed(&resolved) {
			Ok(resolved)
		} else {
			Err(not_allowed(&resolved))
		}
	}

	fn is_under_allowed(&self, path: &Path) -> bool {
		self.artifact_dirs.iter().any(|dir| path.starts_with(dir))
	}

	/// Reads a regular file under an allowed directory, at most `max_bytes`.
	async fn read_file(&self, uri: &str, path: &Path) -> Result<Vec<u8>> {
		let resolved = self.allowed_path(path)?;
		let not_regular = || WorkerError::NotARegularFile { path: resolved.display().to_string() };
		let meta = tokio::fs::symlink_metadata(&resolved).await.map_err(|e| io_fail(uri, e))?;
		if !meta.file_type().is_file() {
			return Err(not_regular());
		}
		let file = open_no_follow(&resolved).await.map_err(|e| io_fail(uri, e))?;
		// The path may have been swapped between the check and the open: check the handle.
		let meta = file.metadata().await.map_err(|e| io_fail(uri, e))?;
		if !meta.is_file() {
			return Err(not_regular());
		}
		self.check_announced(uri, meta.len())?;
		let mut bytes = Vec::new();
		file.take(self.max_bytes + 1).read_to_end(&mut bytes).await.map_err(|e| io_fail(uri, e))?;
		self.check_read(uri, bytes.len())?;
		Ok(bytes)
	}

	/// Refuses an announced size above the cap.
	fn check_announced(&self, uri: &str, size: u64) -> Result<()> {
		if size > self.max_bytes {
			return Err(self.too_large(uri, size));
		}
		Ok(())
	}

	/// Refuses a read that went past the cap.
	fn check_read(&self, uri: &str, read: usize) -> Result<()> {
		self.check_announced(uri, read as u64)
	}

	fn too_large(&self, uri: &str, size: u64) -> WorkerError {
		WorkerError::ArtifactTooLarge { uri: uri.to_string(), size, limit: self.max_bytes }
	}

	/// Follows at most [`MAX_REDIRECTS`] redirects from `uri`, each hop checked, and streams
	/// the final body within the cap.
	async fn download(&self, uri: &str) -> Result<Vec<u8>> {
		let mut url = reqwest::Url::parse(uri).map_err(|e| fail(uri, &e.to_string()))?;
		for _ in 0..=MAX_REDIRECTS {
			let response = self.get(&url).await?;
			match redirect_target(&url, &response).map_err(|e| fail(url.as_str(), &e))? {
				Some(next) => url = next,
				None => return self.read_body(url.as_str(), response).await,
			}
		}
		Err(WorkerError::TooManyRedirects { uri: uri.to_string(), limit: MAX_REDIRECTS })
	}

	/// One request to `url`, over a connection pinned to its checked addresses, without
	/// following redirects.
	async fn get(&self, url: &reqwest::Url) -> Result<reqwest::Response> {
		let (host, addrs) = self.checked_addresses(url).await?;
		let client = reqwest::Client::builder()
			.redirect(reqwest::redirect::Policy::none())
			.connect_timeout(self.connect_timeout)
			.timeout(self.total_timeout)
			.resolve_to_addrs(&host, &addrs)
			.build()
			.map_err(|e| fail(url.as_str(), &e.to_string()))?;
		client.get(url.clone()).send().await.map_err(|e| fail(url.as_str(), &e.to_string()))
	}

	/// The host of `url` and every address it resolves to, each allowed by the policy.
	pub async fn checked_addresses(&self, url: &reqwest::Url) -> Result<(String, Vec<SocketAddr>)> {
		let uri = url.as_str();
		let host = url.host_str().ok_or_else(|| fail(uri, "no host"))?;
		let port = url.port_or_known_default().ok_or_else(|| fail(uri, "no port"))?;
		// `host_str` keeps IPv6 literals in brackets; the resolver wants them bare.
		let bare = host.trim_start_matches('[').trim_end_matches(']');
		let addrs: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
			Ok(ip) => vec![SocketAddr::new(ip, port)],
			Err(_) => tokio::net::lookup_host((bare, port))
				.await
				.map_err(|e| fail(uri, &format!("cannot resolve {bare}: {e}")))?
				.collect(),
		};
		if addrs.is_empty() {
			return Err(fail(uri, &format!("{bare} resolves to no address")));
		}
		for addr in &addrs {
			self.check_address(uri, bare, *addr)?;
		}
		Ok((bare.to_string(), addrs))
	}

	/// Refuses a non-public `addr` unless the policy allows it.
	pub fn check_address(&self, uri: &str, host: &str, addr: SocketAddr) -> Result<()> {
		let allowed = self.allow_private
			|| address::is_public(addr.ip())
			|| self.private_exceptions.contains(&addr);
		if allowed {
			return Ok(());
		}
		Err(WorkerError::PrivateAddress {
			uri: uri.to_string(),
			host: host.to_string(),
			address: addr.ip(),
		})
	}

	/// The body of a final (non-redirect) response, refused early when its announced length
	/// is above the cap and cut as soon as the bytes read pass it.
	async fn read_body(&self, uri: &str, response: reqwest::Response) -> Result<Vec<u8>> {
		let mut response = response.error_for_status().map_err(|e| fail(uri, &e.to_string()))?;
		if let Some(len) = response.content_length() {
			self.check_announced(uri, len)?;
		}
		let mut bytes = Vec::new();
		while let Some(chunk) = response.chunk().await.map_err(|e| fail(uri, &e.to_string()))? {
			self.check_read(uri, bytes.len() + chunk.len())?;
			bytes.extend_from_slice(&chunk);
		}
		Ok(bytes)
	}
}

/// The canonical form of an allowed directory; the error names it.
fn canonical_dir(dir: &Path) -> std::io::Result<PathBuf> {
	dir.canonicalize().map_err(|e| {
		std::io::Error::new(e.kind(), format!("artifact directory {}: {e}", dir.display()))
	})
}

/// The absolute URL a redirect response points to, or `None` for any other response.
fn redirect_target(
	from: &reqwest::Url,
	response: &reqwest::Response,
) -> std::result::Result<Option<reqwest::Url>, String> {
	if !response.status().is_redirection() {
		return Ok(None);
	}
	let location = response
		.headers()
		.get(reqwest::header::LOCATION)
		.ok_or("redirect without a Location header")?
		.to_str()
		.map_err(|e| format!("unreadable Location header: {e}"))?;
	let next = from.join(location).map_err(|e| format!("bad Location {location}: {e}"))?;
	match next.scheme() {
		"http" | "https" => Ok(Some(next)),
		other => Err(format!("redirect to the unsupported scheme {other}")),
	}
}

/// Opens `path` read-only without following a final symbolic link and without blocking on a
/// FIFO (which the handle check then refuses).
async fn open_no_follow(path: &Path) -> std::io::Result<tokio::fs::File> {
	use std::os::unix::fs::OpenOptionsExt;
	let mut options = std::fs::OpenOptions::new();
	options.read(true).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
	let path = path.to_path_buf();
	let file = tokio::task::spawn_blocking(move || options.open(path))
		.await
		.map_err(std::io::Error::other)??;
	Ok(tokio::fs::File::from_std(file))
}

/// `path` with `.` and `..` components resolved textually (for paths that do not exist).
fn lexically_normal(path: &Path) -> PathBuf {
	use std::path::Component;
	let mut normal = PathBuf::new();
	for component in path.components() {
		match component {
			Component::ParentDir => {
				normal.pop();
			}
			Component::CurDir => {}
			Component::RootDir | Component::Prefix(_) | Component::Normal(_) => {
				normal.push(component.as_os_str())
			}
		}
	}
	normal
}

fn fail(uri: &str, reason: &str) -> WorkerError {
	WorkerError::Fetch { uri: uri.to_string(), reason: reason.to_string() }
}

fn io_fail(uri: &str, e: std::io::Error) -> WorkerError {
	fail(uri, &e.to_string())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn dot_dot_is_resolved_before_the_directory_check() {
		assert_eq!(lexically_normal(Path::new("/a/b/../../etc/passwd")), Path::new("/etc/passwd"));
		assert_eq!(lexically_normal(Path::new("/a/./b")), Path::new("/a/b"));
	}

	#[tokio::test]
	async fn every_hop_is_checked_including_mapped_and_literal_addresses() {
		let policy =
			FetchPolicy::new(&[], 1, Duration::from_secs(1), Duration::from_secs(1)).unwrap();
		for uri in [
			"http://127.0.0.1:8080/m.pt",
			"http://[::1]/m.pt",
			"http://[::ffff:127.0.0.1]/m.pt",
			"http://169.254.169.254/latest/meta-data",
			"http://localhost/m.pt",
			"http://2130706433/m.pt",
			"http://0x7f.1/m.pt",
			"http://[::]/m.pt",
			"http://0.0.0.0:9960/m.pt",
			"https://10.0.0.1/m.pt",
		] {
			let url = reqwest::Url::parse(uri).unwrap();
			let err = policy.checked_addresses(&url).await.unwrap_err();
			assert!(matches!(err, WorkerError::PrivateAddress { .. }), "{uri}: {err}");
		}
		let mut open = policy.clone();
		open.allow_private = true;
		let url = reqwest::Url::parse("http://127.0.0.1:8080/m.pt").unwrap();
		assert!(open.checked_addresses(&url).await.is_ok());
	}
}
