//! JSON forms of values JavaScript cannot hold as numbers or arrays: bytes as `0x` hex and
//! balances (`u128`) as decimal strings, for the marketplace's JSON-RPC answers.

/// Serializes bytes as a `0x`-prefixed hex string.
pub fn bytes<S: serde::Serializer>(bytes: impl AsRef<[u8]>, s: S) -> Result<S::Ok, S::Error> {
	use core::fmt::Write;
	let bytes = bytes.as_ref();
	let mut text = String::with_capacity(2 + 2 * bytes.len());
	text.push_str("0x");
	for b in bytes {
		let _ = write!(text, "{b:02x}");
	}
	s.serialize_str(&text)
}

/// Serializes optional bytes as a `0x`-prefixed hex string or `null`.
pub fn option_bytes<S: serde::Serializer, B: AsRef<[u8]>>(
	value: &Option<B>,
	s: S,
) -> Result<S::Ok, S::Error> {
	match value {
		Some(b) => bytes(b, s),
		None => s.serialize_none(),
	}
}

/// Serializes a value by its `Display` form (balances as decimal strings).
pub fn display<S: serde::Serializer, T: core::fmt::Display>(
	value: &T,
	s: S,
) -> Result<S::Ok, S::Error> {
	s.collect_str(value)
}

/// Serializes UTF-8 bytes (names, URIs) as a string, replacing invalid sequences.
pub fn utf8<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
	s.serialize_str(&String::from_utf8_lossy(bytes))
}
