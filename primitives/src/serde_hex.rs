//! JSON forms of values JavaScript cannot hold as numbers or arrays: bytes as `0x` hex and
//! balances (`u128`) as decimal strings, for the marketplace's JSON-RPC answers.
//!
//! Each module is a `#[serde(with = "…")]` pair, so clients read back exactly what the node
//! writes (`infera-client` deserializes the `market_*` answers into these very types).

use alloc::{
	format,
	string::{String, ToString},
	vec::Vec,
};
use serde::{de::Error as _, Deserialize, Deserializer};

/// The `0x`-prefixed hex form of `bytes`.
fn to_hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// The bytes of a hex string, with or without `0x`.
fn from_hex<E: serde::de::Error>(text: &str) -> Result<Vec<u8>, E> {
	hex::decode(text.strip_prefix("0x").unwrap_or(text))
		.map_err(|e| E::custom(format!("`{text}` is not hex: {e}")))
}

/// Bytes (a `Vec<u8>` or a fixed array such as a digest) as a `0x`-prefixed hex string.
pub mod bytes {
	use super::*;

	/// Writes `bytes` as `0x` hex.
	pub fn serialize<S: serde::Serializer>(
		bytes: impl AsRef<[u8]>,
		s: S,
	) -> Result<S::Ok, S::Error> {
		s.serialize_str(&to_hex(bytes.as_ref()))
	}

	/// Reads `0x` hex into any type built from a byte vector of the right length.
	pub fn deserialize<'de, D: Deserializer<'de>, T: TryFrom<Vec<u8>>>(
		d: D,
	) -> Result<T, D::Error> {
		let bytes = from_hex::<D::Error>(&String::deserialize(d)?)?;
		let len = bytes.len();
		T::try_from(bytes).map_err(|_| D::Error::custom(format!("{len} bytes: wrong length")))
	}
}

/// Optional bytes as a `0x`-prefixed hex string or `null`.
pub mod option_bytes {
	use super::*;

	/// Writes `value` as `0x` hex or `null`.
	pub fn serialize<S: serde::Serializer, B: AsRef<[u8]>>(
		value: &Option<B>,
		s: S,
	) -> Result<S::Ok, S::Error> {
		match value {
			Some(b) => s.serialize_str(&to_hex(b.as_ref())),
			None => s.serialize_none(),
		}
	}

	/// Reads `0x` hex or `null`.
	pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
		Option::<String>::deserialize(d)?.map(|t| from_hex::<D::Error>(&t)).transpose()
	}
}

/// A value by its `Display` form (balances as decimal strings), read back with `FromStr`.
pub mod display {
	use super::*;

	/// Writes `value` by `Display`.
	pub fn serialize<S: serde::Serializer, T: core::fmt::Display>(
		value: &T,
		s: S,
	) -> Result<S::Ok, S::Error> {
		s.collect_str(value)
	}

	/// Reads a string and parses it with `FromStr` (a bare JSON number is accepted too).
	pub fn deserialize<'de, D: Deserializer<'de>, T: core::str::FromStr>(
		d: D,
	) -> Result<T, D::Error> {
		#[derive(Deserialize)]
		#[serde(untagged)]
		enum Text {
			Text(String),
			Number(u64),
		}
		let text = match Text::deserialize(d)? {
			Text::Text(t) => t,
			Text::Number(n) => n.to_string(),
		};
		text.parse().map_err(|_| D::Error::custom(format!("`{text}` is not a number")))
	}
}

/// UTF-8 bytes (names, URIs) as a string, replacing invalid sequences.
pub mod utf8 {
	use super::*;

	/// Writes `bytes` as a string.
	pub fn serialize<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&String::from_utf8_lossy(bytes))
	}

	/// Reads a string as its UTF-8 bytes.
	pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
		Ok(String::deserialize(d)?.into_bytes())
	}
}

#[cfg(test)]
mod tests {
	use crate::market::Quote;

	#[test]
	fn views_read_back_what_they_write() {
		let quote = Quote::<u128> {
			model: 3,
			redundancy: 2,
			eligible_providers: 4,
			providers: u128::MAX,
			author_fee: 1,
			protocol_fee: 2,
			audit_fee: 0,
			total: 7,
		};
		let json = serde_json::to_string(&quote).unwrap();
		assert!(json.contains(&format!("\"{}\"", u128::MAX)), "{json}");
		assert_eq!(serde_json::from_str::<Quote<u128>>(&json).unwrap(), quote);
	}

	#[test]
	fn hex_is_checked() {
		use serde::de::value::{Error, StrDeserializer};
		let read = |t: &'static str| {
			super::bytes::deserialize::<_, [u8; 2]>(StrDeserializer::<Error>::new(t))
		};
		assert_eq!(read("0x0aff").unwrap(), [0x0a, 0xff]);
		assert!(read("0x0a").is_err(), "wrong length");
		assert!(read("0xzz00").is_err(), "not hex");
		assert!(read("0x0af").is_err(), "odd length");
	}
}
