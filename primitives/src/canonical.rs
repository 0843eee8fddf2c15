//! Canonical output bytes: what providers hash, sign and vote on.
//!
//! A model's raw output (little-endian elements of its output dtype) is turned into canonical
//! bytes by the model's [`AgreementRule`]:
//!
//! - `Exact`: the raw bytes unchanged;
//! - `Quantized { decimals }`: each element `x` becomes `round(x * 10^decimals)` (half away from
//!   zero) as a little-endian `i64`;
//! - `TopK { k }`: the indices of the `k` largest elements as little-endian `u32`, largest first,
//!   ties broken by the lower index.
//!
//! Why: float kernels differ across CPUs, GPUs, thread counts and batch sizes in the last bits.
//! Rounding or ranking removes that noise, so honest providers agree byte for byte. The residual
//! risk is an element that falls within float noise of a rounding boundary (or two nearly tied
//! logits for `TopK`); fewer decimals make it rarer. `Exact` is only reproducible for integer
//! outputs or deterministic kernels. Non-finite outputs are refused: they are never an answer.
//!
//! The conversion needs floating-point rounding, which only `std` offers, so it is compiled
//! for the worker and tests; the runtime only needs [`AgreementRule::canonical_len`].

use crate::model::RuleError;
#[cfg(feature = "std")]
use crate::model::{AgreementRule, DType, TensorSpec};

/// Why an output could not be canonicalized.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CanonicalError {
	/// The rule does not fit the output spec.
	Rule(RuleError),
	/// The raw output is not `element count × dtype size` bytes long.
	WrongLength {
		/// Bytes the spec requires.
		expected: u64,
		/// Bytes the model produced.
		actual: u64,
	},
	/// The output holds NaN or an infinity.
	NonFinite,
	/// A quantized element does not fit an `i64`.
	OutOfRange,
}

impl core::fmt::Display for CanonicalError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			CanonicalError::Rule(e) => {
				write!(f, "agreement rule does not fit the output spec: {e:?}")
			}
			CanonicalError::WrongLength { expected, actual } => {
				write!(f, "output has {actual} bytes, its spec requires {expected}")
			}
			CanonicalError::NonFinite => write!(f, "output contains NaN or infinity"),
			CanonicalError::OutOfRange => write!(f, "quantized output element overflows i64"),
		}
	}
}

/// Decodes one little-endian IEEE-754 half-precision value.
#[cfg(feature = "std")]
fn f16_to_f64(bits: u16) -> f64 {
	let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
	let exponent = ((bits >> 10) & 0x1f) as i32;
	let mantissa = (bits & 0x3ff) as f64;
	match exponent {
		0 => sign * mantissa * 2f64.powi(-24),
		0x1f => {
			if mantissa == 0.0 {
				sign * f64::INFINITY
			} else {
				f64::NAN
			}
		}
		e => sign * (1.0 + mantissa / 1024.0) * 2f64.powi(e - 15),
	}
}

#[cfg(feature = "std")]
/// The elements of a raw little-endian tensor, widened to `f64` (exact for every dtype but
/// `I64` beyond 2^53, which no ranking or rounding of model outputs needs).
fn elements(dtype: DType, raw: &[u8]) -> Vec<f64> {
	let size = dtype.size_bytes() as usize;
	raw.chunks_exact(size)
		.map(|c| match dtype {
			DType::F32 => f32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64,
			DType::F16 => f16_to_f64(u16::from_le_bytes([c[0], c[1]])),
			DType::I64 => {
				i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) as f64
			}
			DType::I32 => i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64,
			DType::U8 => c[0] as f64,
		})
		.collect()
}

/// Canonical bytes of one raw output tensor (`raw`: little-endian elements of `spec.dtype`).
#[cfg(feature = "std")]
pub fn canonicalize(
	rule: &AgreementRule,
	spec: &TensorSpec,
	raw: &[u8],
) -> Result<Vec<u8>, CanonicalError> {
	rule.canonical_len(spec).map_err(CanonicalError::Rule)?;
	let expected = spec.byte_len().ok_or(CanonicalError::Rule(RuleError::InvalidOutputSpec))?;
	if raw.len() as u64 != expected {
		return Err(CanonicalError::WrongLength { expected, actual: raw.len() as u64 });
	}
	match *rule {
		AgreementRule::Exact => Ok(raw.to_vec()),
		AgreementRule::Quantized { decimals } => {
			let scale = 10f64.powi(decimals as i32);
			let mut out = Vec::with_capacity(raw.len() / spec.dtype.size_bytes() as usize * 8);
			for x in elements(spec.dtype, raw) {
				if !x.is_finite() {
					return Err(CanonicalError::NonFinite);
				}
				let q = (x * scale).round();
				if q < i64::MIN as f64 || q >= i64::MAX as f64 {
					return Err(CanonicalError::OutOfRange);
				}
				out.extend_from_slice(&(q as i64).to_le_bytes());
			}
			Ok(out)
		}
		AgreementRule::TopK { k } => {
			let values = elements(spec.dtype, raw);
			if values.iter().any(|x| !x.is_finite()) {
				return Err(CanonicalError::NonFinite);
			}
			let mut order: Vec<u32> = (0..values.len() as u32).collect();
			// Stable sort: equal values keep ascending index order.
			order.sort_by(|&a, &b| values[b as usize].total_cmp(&values[a as usize]));
			Ok(order.into_iter().take(k as usize).flat_map(u32::to_le_bytes).collect())
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn spec(dtype: DType, shape: &[u32]) -> TensorSpec {
		TensorSpec { dtype, shape: shape.to_vec().try_into().unwrap() }
	}

	fn f32_bytes(values: &[f32]) -> Vec<u8> {
		values.iter().flat_map(|v| v.to_le_bytes()).collect()
	}

	#[test]
	fn exact_keeps_raw_bytes() {
		let raw = f32_bytes(&[1.5, -2.25]);
		assert_eq!(canonicalize(&AgreementRule::Exact, &spec(DType::F32, &[2]), &raw), Ok(raw));
	}

	#[test]
	fn quantized_absorbs_float_noise() {
		let rule = AgreementRule::Quantized { decimals: 3 };
		let s = spec(DType::F32, &[3]);
		let a = canonicalize(&rule, &s, &f32_bytes(&[0.1234567, -1.0, 2.5])).unwrap();
		let b = canonicalize(&rule, &s, &f32_bytes(&[0.1234571, -1.0000001, 2.5000002])).unwrap();
		assert_eq!(a, b);
		let expected: Vec<u8> =
			[123i64, -1000, 2500].iter().flat_map(|v| v.to_le_bytes()).collect();
		assert_eq!(a, expected);
	}

	#[test]
	fn top_k_ranks_largest_first_with_ties_by_index() {
		let rule = AgreementRule::TopK { k: 3 };
		let out =
			canonicalize(&rule, &spec(DType::F32, &[5]), &f32_bytes(&[0.1, 0.9, 0.5, 0.9, -3.0]))
				.unwrap();
		let expected: Vec<u8> = [1u32, 3, 2].iter().flat_map(|v| v.to_le_bytes()).collect();
		assert_eq!(out, expected);
	}

	#[test]
	fn non_finite_and_wrong_length_are_refused() {
		let rule = AgreementRule::Quantized { decimals: 2 };
		let s = spec(DType::F32, &[2]);
		assert_eq!(
			canonicalize(&rule, &s, &f32_bytes(&[f32::NAN, 1.0])),
			Err(CanonicalError::NonFinite)
		);
		assert_eq!(
			canonicalize(&rule, &s, &f32_bytes(&[1.0])),
			Err(CanonicalError::WrongLength { expected: 8, actual: 4 })
		);
	}

	#[test]
	fn rule_must_fit_spec() {
		let s = spec(DType::F32, &[10]);
		assert_eq!(AgreementRule::TopK { k: 11 }.canonical_len(&s), Err(RuleError::TopKOutOfRange));
		assert_eq!(AgreementRule::TopK { k: 0 }.canonical_len(&s), Err(RuleError::TopKOutOfRange));
		assert_eq!(AgreementRule::TopK { k: 3 }.canonical_len(&s), Ok(12));
		assert_eq!(AgreementRule::Quantized { decimals: 4 }.canonical_len(&s), Ok(80));
		assert_eq!(
			AgreementRule::Quantized { decimals: 10 }.canonical_len(&s),
			Err(RuleError::TooManyDecimals)
		);
		assert_eq!(
			AgreementRule::Exact.canonical_len(&spec(DType::F32, &[0])),
			Err(RuleError::InvalidOutputSpec)
		);
	}

	#[test]
	fn f16_decodes() {
		assert_eq!(f16_to_f64(0x3c00), 1.0);
		assert_eq!(f16_to_f64(0xc000), -2.0);
		assert_eq!(f16_to_f64(0x0001), 2f64.powi(-24));
	}
}
