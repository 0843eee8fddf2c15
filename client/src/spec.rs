//! Command-line forms of the chain's argument types: tensor specs (`f32:1,8,8`), agreement
//! rules (`top_k:1`, `quantized:3`, `exact`), amounts (`1.5INF` or base units) and model id
//! lists (`0,1`). The types themselves are `infera-primitives`' (one definition with the
//! runtime); these are the parsers clap calls and the forms the CLI prints.

use anyhow::{bail, Context, Result};
pub use infera_primitives::{
	model::{AgreementRule, DType, TensorSpec, MAX_DIMS},
	UNIT,
};

/// Parses a dtype name: `f32`, `f16`, `i64`, `i32` or `u8` (any case).
pub fn parse_dtype(s: &str) -> Result<DType> {
	Ok(match s.trim().to_ascii_lowercase().as_str() {
		"f32" => DType::F32,
		"f16" => DType::F16,
		"i64" => DType::I64,
		"i32" => DType::I32,
		"u8" => DType::U8,
		other => bail!("unknown dtype `{other}` (expected f32, f16, i64, i32 or u8)"),
	})
}

/// The command-line name of a dtype.
pub fn dtype_name(d: DType) -> &'static str {
	match d {
		DType::F32 => "f32",
		DType::F16 => "f16",
		DType::I64 => "i64",
		DType::I32 => "i32",
		DType::U8 => "u8",
	}
}

/// Parses `dtype:d1,d2,...` (e.g. `f32:1,8,8`): at most [`MAX_DIMS`] dimensions, none zero.
pub fn parse_tensor_spec(s: &str) -> Result<TensorSpec> {
	let (dtype, dims) =
		s.split_once(':').with_context(|| format!("tensor spec `{s}` is not `dtype:d1,d2,...`"))?;
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
	let shape = shape
		.try_into()
		.map_err(|_| anyhow::anyhow!("`{s}` has more than {MAX_DIMS} dimensions"))?;
	Ok(TensorSpec { dtype: parse_dtype(dtype)?, shape })
}

/// The command-line form of a spec (`f32:1,8,8`).
pub fn format_tensor_spec(spec: &TensorSpec) -> String {
	let dims: Vec<String> = spec.shape.iter().map(u32::to_string).collect();
	format!("{}:{}", dtype_name(spec.dtype), dims.join(","))
}

/// Parses `exact`, `quantized:<decimals>` or `top_k:<k>` (`topk:` also accepted).
pub fn parse_rule(s: &str) -> Result<AgreementRule> {
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

/// The command-line form of a rule (`top_k:1`).
pub fn format_rule(rule: AgreementRule) -> String {
	match rule {
		AgreementRule::Exact => "exact".into(),
		AgreementRule::Quantized { decimals } => format!("quantized:{decimals}"),
		AgreementRule::TopK { k } => format!("top_k:{k}"),
	}
}

/// Human-readable form of a canonical output under `rule`.
pub fn describe_output(rule: AgreementRule, bytes: &[u8]) -> String {
	match rule {
		AgreementRule::TopK { .. } if bytes.len().is_multiple_of(4) => {
			let idx: Vec<String> = bytes
				.chunks_exact(4)
				.map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]).to_string())
				.collect();
			format!("top-k indices [{}]", idx.join(", "))
		}
		AgreementRule::Quantized { decimals } if bytes.len().is_multiple_of(8) => {
			let vals: Vec<String> = bytes
				.chunks_exact(8)
				.map(|c| {
					let v = i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
					format!("{:.*}", decimals as usize, v as f64 / 10f64.powi(decimals as i32))
				})
				.collect();
			format!("[{}]", vals.join(", "))
		}
		AgreementRule::TopK { .. } | AgreementRule::Quantized { .. } | AgreementRule::Exact => {
			format!("0x{}", hex::encode(bytes))
		}
	}
}

/// The top-k indices of a canonical output, if `rule` is `TopK`.
pub fn top_k_indices(rule: AgreementRule, bytes: &[u8]) -> Option<Vec<u32>> {
	match rule {
		AgreementRule::TopK { .. } if bytes.len().is_multiple_of(4) => Some(
			bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect(),
		),
		AgreementRule::TopK { .. } | AgreementRule::Quantized { .. } | AgreementRule::Exact => None,
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
		let s = parse_tensor_spec("f32:1,8,8").unwrap();
		assert_eq!(s, TensorSpec { dtype: DType::F32, shape: vec![1, 8, 8].try_into().unwrap() });
		assert_eq!(s.byte_len(), Some(256));
		assert_eq!(format_tensor_spec(&s), "f32:1,8,8");
		let s = parse_tensor_spec("U8:3, 224,224").unwrap();
		assert_eq!(s.dtype, DType::U8);
		assert_eq!(s.byte_len(), Some(3 * 224 * 224));
	}

	#[test]
	fn tensor_spec_rejects_bad_forms() {
		for bad in ["f32", "f64:1", "f32:", "f32:1,0", "f32:1,x", ":1", "f32:1,1,1,1,1,1,1,1,1"] {
			assert!(parse_tensor_spec(bad).is_err(), "{bad} accepted");
		}
	}

	#[test]
	fn rules_parse() {
		assert_eq!(parse_rule("top_k:1").unwrap(), AgreementRule::TopK { k: 1 });
		assert_eq!(parse_rule("topk:5").unwrap(), AgreementRule::TopK { k: 5 });
		assert_eq!(parse_rule("quantized:3").unwrap(), AgreementRule::Quantized { decimals: 3 });
		assert_eq!(parse_rule("exact").unwrap(), AgreementRule::Exact);
		for bad in ["exact:1", "top_k", "top_k:x", "quantized:300", "median:1", ""] {
			assert!(parse_rule(bad).is_err(), "{bad} accepted");
		}
		for r in ["exact", "quantized:3", "top_k:2"] {
			assert_eq!(format_rule(parse_rule(r).unwrap()), r);
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
		assert_eq!(describe_output(r, &bytes), "top-k indices [7, 3]");
		assert_eq!(top_k_indices(r, &bytes), Some(vec![7, 3]));
		let q = AgreementRule::Quantized { decimals: 2 };
		assert_eq!(describe_output(q, &150i64.to_le_bytes()), "[1.50]");
	}
}
