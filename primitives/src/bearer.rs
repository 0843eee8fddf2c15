//! Bearer tokens: the shared secrets the project's HTTP services require
//! (`Authorization: Bearer <token>`), one type for all of them.
//!
//! The inference worker requires its token from the provider's node (`--token-file` on the
//! worker, `--inference-worker-token-file` on the node), and `infera gateway --token-file`
//! requires one for every request that spends the gateway's funds. `infera keys worker-token`
//! writes a fresh 256-bit token to a file only its owner can read.
//!
//! A presented token is compared in constant time ([`subtle`]), so response timing does not
//! reveal how much of a guess was right.

use std::{path::Path, sync::Arc};
use subtle::ConstantTimeEq;

/// Fewest characters a token may have: 32 random bytes in hex make 64; 32 characters of hex
/// still carry 128 bits.
pub const MIN_TOKEN_CHARS: usize = 32;

/// The scheme prefix of an `Authorization` header value.
pub const BEARER_PREFIX: &[u8] = b"Bearer ";

/// Permission bits of group and others: a token file with any of them set is readable by
/// someone other than its owner.
const OTHERS_AND_GROUP: u32 = 0o077;

/// A shared secret that an HTTP service requires.
#[derive(Clone)]
pub struct BearerToken(Arc<Vec<u8>>);

impl core::fmt::Debug for BearerToken {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str("BearerToken(<redacted>)")
	}
}

impl BearerToken {
	/// A token from its text; refuses one shorter than [`MIN_TOKEN_CHARS`].
	pub fn new(text: &str) -> std::io::Result<Self> {
		if text.len() < MIN_TOKEN_CHARS {
			return Err(std::io::Error::new(
				std::io::ErrorKind::InvalidData,
				format!("the token has {} characters, fewer than {MIN_TOKEN_CHARS}", text.len()),
			));
		}
		Ok(Self(Arc::new(text.as_bytes().to_vec())))
	}

	/// The token in `path` (surrounding whitespace ignored), and the file's mode when group or
	/// others may read it (the caller warns: the secret is exposed).
	pub fn from_file(path: &Path) -> std::io::Result<(Self, Option<u32>)> {
		use std::os::unix::fs::PermissionsExt;
		let context = |e: std::io::Error| {
			std::io::Error::new(e.kind(), format!("token file {}: {e}", path.display()))
		};
		let text = std::fs::read_to_string(path).map_err(context)?;
		let mode = std::fs::metadata(path).map_err(context)?.permissions().mode();
		let token = Self::new(text.trim()).map_err(context)?;
		Ok((token, (mode & OTHERS_AND_GROUP != 0).then_some(mode)))
	}

	/// Whether an `Authorization` header value is `Bearer <this token>`, in constant time (for
	/// a given token length).
	pub fn admits(&self, header: Option<&[u8]>) -> bool {
		let presented =
			header.and_then(|value| value.strip_prefix(BEARER_PREFIX)).unwrap_or_default();
		bool::from(presented.ct_eq(self.0.as_slice()))
	}

	/// The header value that presents this token.
	pub fn header_value(&self) -> Vec<u8> {
		[BEARER_PREFIX, self.0.as_slice()].concat()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn only_the_exact_bearer_token_is_admitted() {
		let token = BearerToken::new(&"ab".repeat(32)).unwrap();
		assert!(token.admits(Some(format!("Bearer {}", "ab".repeat(32)).as_bytes())));
		assert!(token.admits(Some(&token.header_value())));
		for wrong in [
			format!("Bearer {}", "ab".repeat(31)),
			format!("Bearer {}x", "ab".repeat(32)),
			format!("Basic {}", "ab".repeat(32)),
			format!("bearer {}", "ab".repeat(32)),
			"ab".repeat(32),
			"Bearer ".into(),
		] {
			assert!(!token.admits(Some(wrong.as_bytes())), "{wrong}");
		}
		assert!(!token.admits(None));
		assert!(BearerToken::new("short").is_err());
	}

	#[test]
	fn a_token_file_readable_by_others_is_reported() {
		use std::os::unix::fs::PermissionsExt;
		let dir = std::env::temp_dir().join(format!("infera-bearer-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let path = dir.join("token");
		std::fs::write(&path, format!("{}\n", "cd".repeat(32))).unwrap();
		std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
		let (token, loose) = BearerToken::from_file(&path).unwrap();
		assert!(token.admits(Some(format!("Bearer {}", "cd".repeat(32)).as_bytes())));
		assert_eq!(loose, None);
		std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
		assert_eq!(BearerToken::from_file(&path).unwrap().1, Some(0o100644));
		std::fs::write(&path, "short").unwrap();
		assert!(BearerToken::from_file(&path).is_err());
		assert!(BearerToken::from_file(&dir.join("missing")).is_err());
		std::fs::remove_dir_all(&dir).unwrap();
	}
}
