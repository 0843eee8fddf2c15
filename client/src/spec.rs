//! Command-line forms of the chain's argument types and their SCALE values: tensor specs
//! (`f32:1,8,8`), agreement rules (`top_k:1`, `quantized:3`, `exact`), amounts (`1.5INF` or base
//! units) and model id lists (`0,1`).

use anyhow::{bail, Context, Result};
use scale_value::Value;
use serde::Serialize;
use std::{fmt, str::FromStr};

/// Base units in one INF (12 decimals, as the chain spec's `tokenDecimals`).
pub const UNIT: u128 = 1_000_000_000_000;

/// Element types, as `infera_primitives::model::DType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, scale_decode::DecodeAsType)]
#[serde(rename_all = "lowercase")]
pub enum DType {
	/// 32-bit float.
	F32,
	/// 16-bit float.
	F16,
	/// 64-bit signed integer.
	I64,
	/// 32-bit signed integer.
	I32,
	/// Unsigned byte.
	U8,
}

impl DType {
	/// Variant name on chain.
	pub fn variant(self) -> &'static str {
		match self {
			DType::F32 => "F32",
			DType::F16 => "F16",
			DType::I64 => "I64",
			DType::I32 => "I32",
			DType::U8 => "U8",
		}
	}

	/// Size of one element in bytes.
	pub fn size(self) -> u64 {
		match self {
			DType::F32 | DType::I32 => 4,
			DType::F16 => 2,
			DType::I64 => 8,
			DType::U8 => 1,
		}
	}
}

impl From<DType> for infera_primitives::model::DType {
	fn from(d: DType) -> Self {
		match d {
			DType::F32 => Self::F32,
			DType::F16 => Self::F16,
			DType::I64 => Self::I64,
			DType::I32 => Self::I32,
			DType::U8 => Self::U8,
		}
	}
}

impl FromStr for DType {
	type Err = anyhow::Error;
	fn from_str(s: &str) -> Result<Self> {
		Ok(match s.to_ascii_lowercase().as_str() {
			"f32" => DType::F32,
			"f16" => DType::F16,
			"i64" => DType::I64,
			"i32" => DType::I32,
			"u8" => DType::U8,
			other => bail!("unknown dtype `{other}` (expected f32, f16, i64, i32 or u8)"),
		})
	}
}

impl fmt::Display for DType {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(&self.variant().to_ascii_lowercase())
	}
}

/// A tensor spec: element type and shape (batch dimension excluded).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, scale_decode::DecodeAsType)]
pub struct TensorSpec {
	/// Element type.
	pub dtype: DType,
	/// Dimensions.
	pub shape: Vec<u32>,
}

impl TensorSpec {
	/// Exact byte length of one tensor.
	pub fn byte_len(&self) -> u64 {
		self.shape.iter().fold(self.dtype.size(), |acc, &d| acc.saturating_mul(d as u64))
	}

	/// The SCALE value of the spec.
	pub fn to_value(&self) -> Value {
		Value::named_composite([
			("dtype", Value::unnamed_variant(self.dtype.variant(), [])),
			("shape", Value::unnamed_composite(self.shape.iter().map(|&d| Value::u128(d as u128)))),
		])
	}
}

impl FromStr for TensorSpec {
	type Err = anyhow::Error;
	/// `dtype:d1,d2,...`, e.g. `f32:1,8,8`.
	fn from_str(s: &str) -> Result<Self> {
		let (dtype, dims) = s
			.split_once(':')
			.with_context(|| format!("tensor spec `{s}` is not `dtype:d1,d2,...`"))?;
		let shape = dims
			.split(',')
			.map(|d| {
				let d: u32 = d.trim().parse().with_context(|| format!("bad dimension `{d}`"))?;
				if d == 0 {
					bail!("dimension 0 in `{s}`");
				}
				Ok(d)
			})
			.collect::<Result<Vec<_>>>()?;
		Ok(TensorSpec { dtype: dtype.trim().parse()?, shape })
	}
}

impl fmt::Display for TensorSpec {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		let dims: Vec<String> = self.shape.iter().map(u32::to_string).collect();
		write!(f, "{}:{}", self.dtype, dims.join(","))
	}
}

/// How outputs are canonicalized, as `infera_primitives::model::AgreementRule`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, scale_decode::DecodeAsType)]
#[serde(rename_all = "snake_case")]
pub enum AgreementRule {
	/// Raw bytes.
	Exact,
	/// Fixed point with `decimals` places.
	Quantized {
		/// Decimal places.
		decimals: u8,
	},
	/// Indices of the `k` largest elements.
	TopK {
		/// How many.
		k: u32,
	},
}

impl AgreementRule {
	/// The SCALE value of the rule.
	pub fn to_value(&self) -> Value {
		match *self {
			AgreementRule::Exact => Value::unnamed_variant("Exact", []),
			AgreementRule::Quantized { decimals } => {
				Value::named_variant("Quantized", [("decimals", Value::u128(decimals as u128))])
			}
			AgreementRule::TopK { k } => {
				Value::named_variant("TopK", [("k", Value::u128(k as u128))])
			}
		}
	}

	/// Human-readable form of a canonical output under this rule.
	pub fn describe_output(&self, bytes: &[u8]) -> String {
		match self {
			AgreementRule::TopK { .. } if bytes.len() % 4 == 0 => {
				let idx: Vec<String> = bytes
					.chunks_exact(4)
					.map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]).to_string())
					.collect();
				format!("top-k indices [{}]", idx.join(", "))
			}
			AgreementRule::Quantized { decimals } if bytes.len() % 8 == 0 => {
				let vals: Vec<String> = bytes
					.chunks_exact(8)
					.map(|c| {
						let v = i64::from_le_bytes(c.try_into().expect("8 bytes"));
						format!(
							"{:.*}",
							*decimals as usize,
							v as f64 / 10f64.powi(*decimals as i32)
						)
					})
					.collect();
				format!("[{}]", vals.join(", "))
			}
			_ => format!("0x{}", hex::encode(bytes)),
		}
	}

	/// The top-k indices of a canonical output, if this is a `TopK` rule.
	pub fn top_k_indices(&self, bytes: &[u8]) -> Option<Vec<u32>> {
		match self {
			AgreementRule::TopK { .. } if bytes.len() % 4 == 0 => Some(
				bytes
					.chunks_exact(4)
					.map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
					.collect(),
			),
			_ => None,
		}
	}
}

impl FromStr for AgreementRule {
	type Err = anyhow::Error;
	/// `exact`, `quantized:<decimals>` or `top_k:<k>` (`topk:` also accepted).
	fn from_str(s: &str) -> Result<Self> {
		let lower = s.trim().to_ascii_lowercase();
		let (name, arg) = match lower.split_once(':') {
			Some((n, a)) => (n, Some(a)),
			None => (lower.as_str(), None),
		};
		let num = |what: &str| -> Result<u64> {
			arg.with_context(|| format!("rule `{s}` needs `:{what}`"))?
				.trim()
				.parse::<u64>()
				.with_context(|| format!("bad {what} in rule `{s}`"))
		};
		Ok(match name {
			"exact" if arg.is_none() => AgreementRule::Exact,
			"quantized" => AgreementRule::Quantized {
				decimals: u8::try_from(num("decimals")?).context("decimals above 255")?,
			},
			"top_k" | "topk" => {
				AgreementRule::TopK { k: u32::try_from(num("k")?).context("k above u32")? }
			}
			_ => bail!("unknown agreement rule `{s}` (expected exact, quantized:<d> or top_k:<k>)"),
		})
	}
}

impl fmt::Display for AgreementRule {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			AgreementRule::Exact => f.write_str("exact"),
			AgreementRule::Quantized { decimals } => write!(f, "quantized:{decimals}"),
			AgreementRule::TopK { k } => write!(f, "top_k:{k}"),
		}
	}
}

/// Parses an amount: `12.5INF` / `12.5 INF` (tokens, 12 decimals) or a plain integer of base
/// units.
pub fn parse_amount(s: &str) -> Result<u128> {
	let t = s.trim();
	let upper = t.to_ascii_uppercase();
	if let Some(num) = upper.strip_suffix("INF") {
		let num = num.trim();
		let (int, frac) = num.split_once('.').unwrap_or((num, ""));
		if frac.len() > 12 {
			bail!("amount `{s}` has more than 12 decimals");
		}
		let int: u128 = if int.is_empty() {
			0
		} else {
			int.parse().with_context(|| format!("bad amount `{s}`"))?
		};
		let frac_units: u128 = if frac.is_empty() {
			0
		} else {
			frac.parse::<u128>().with_context(|| format!("bad amount `{s}`"))?
				* 10u128.pow(12 - frac.len() as u32)
		};
		int.checked_mul(UNIT)
			.and_then(|v| v.checked_add(frac_units))
			.with_context(|| format!("amount `{s}` overflows"))
	} else {
		t.replace('_', "").parse().with_context(|| {
			format!("bad amount `{s}` (base units, or tokens with an INF suffix: `1.5INF`)")
		})
	}
}

/// Formats base units as INF with up to 12 decimals (trailing zeros trimmed).
pub fn format_amount(v: u128) -> String {
	let int = v / UNIT;
	let frac = v % UNIT;
	if frac == 0 {
		format!("{int} INF")
	} else {
		let f = format!("{frac:012}");
		format!("{int}.{} INF", f.trim_end_matches('0'))
	}
}

/// Parses a comma-separated list of model ids (`0,1`); empty string is an empty list.
pub fn parse_ids(s: &str) -> Result<Vec<u32>> {
	s.split(',')
		.map(str::trim)
		.filter(|p| !p.is_empty())
		.map(|p| p.parse::<u32>().with_context(|| format!("bad model id `{p}`")))
		.collect()
}

/// Parses a 32-byte hex value (`0x` optional).
pub fn parse_hex32(s: &str) -> Result<[u8; 32]> {
	let bytes = hex::decode(s.trim().trim_start_matches("0x"))
		.with_context(|| format!("`{s}` is not hex"))?;
	bytes.try_into().map_err(|b: Vec<u8>| anyhow::anyhow!("expected 32 bytes, got {}", b.len()))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn tensor_spec_parses_dtype_and_shape() {
		let s: TensorSpec = "f32:1,8,8".parse().unwrap();
		assert_eq!(s, TensorSpec { dtype: DType::F32, shape: vec![1, 8, 8] });
		assert_eq!(s.byte_len(), 256);
		assert_eq!(s.to_string(), "f32:1,8,8");
		let s: TensorSpec = "U8:3, 224,224".parse().unwrap();
		assert_eq!(s.dtype, DType::U8);
		assert_eq!(s.byte_len(), 3 * 224 * 224);
	}

	#[test]
	fn tensor_spec_rejects_bad_forms() {
		for bad in ["f32", "f64:1", "f32:", "f32:1,0", "f32:1,x", ":1"] {
			assert!(bad.parse::<TensorSpec>().is_err(), "{bad} accepted");
		}
	}

	#[test]
	fn rules_parse() {
		assert_eq!("top_k:1".parse::<AgreementRule>().unwrap(), AgreementRule::TopK { k: 1 });
		assert_eq!("topk:5".parse::<AgreementRule>().unwrap(), AgreementRule::TopK { k: 5 });
		assert_eq!(
			"quantized:3".parse::<AgreementRule>().unwrap(),
			AgreementRule::Quantized { decimals: 3 }
		);
		assert_eq!("exact".parse::<AgreementRule>().unwrap(), AgreementRule::Exact);
		for bad in ["exact:1", "top_k", "top_k:x", "quantized:300", "median:1", ""] {
			assert!(bad.parse::<AgreementRule>().is_err(), "{bad} accepted");
		}
		for r in ["exact", "quantized:3", "top_k:2"] {
			assert_eq!(r.parse::<AgreementRule>().unwrap().to_string(), r);
		}
	}

	#[test]
	fn amounts_parse_in_tokens_or_base_units() {
		assert_eq!(parse_amount("1000").unwrap(), 1000);
		assert_eq!(parse_amount("1_000").unwrap(), 1000);
		assert_eq!(parse_amount("1INF").unwrap(), UNIT);
		assert_eq!(parse_amount("1.5 inf").unwrap(), UNIT + UNIT / 2);
		assert_eq!(parse_amount("0.000000000001INF").unwrap(), 1);
		assert!(parse_amount("0.0000000000001INF").is_err());
		assert!(parse_amount("abc").is_err());
		assert_eq!(format_amount(UNIT + UNIT / 2), "1.5 INF");
		assert_eq!(format_amount(100 * UNIT), "100 INF");
	}

	#[test]
	fn ids_and_hex_parse() {
		assert_eq!(parse_ids("0,1, 7").unwrap(), vec![0, 1, 7]);
		assert_eq!(parse_ids("").unwrap(), Vec::<u32>::new());
		assert!(parse_ids("0,a").is_err());
		assert_eq!(parse_hex32(&format!("0x{}", "ab".repeat(32))).unwrap(), [0xab; 32]);
		assert!(parse_hex32("0x1234").is_err());
	}

	#[test]
	fn outputs_are_described_by_rule() {
		let r = AgreementRule::TopK { k: 2 };
		let bytes: Vec<u8> = [7u32, 3].iter().flat_map(|v| v.to_le_bytes()).collect();
		assert_eq!(r.describe_output(&bytes), "top-k indices [7, 3]");
		assert_eq!(r.top_k_indices(&bytes), Some(vec![7, 3]));
		let q = AgreementRule::Quantized { decimals: 2 };
		assert_eq!(q.describe_output(&150i64.to_le_bytes()), "[1.50]");
	}
}
