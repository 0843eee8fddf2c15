//! What a model accepts and returns, and how two providers' answers are compared.
//!
//! Shapes exclude the batch dimension: an inference worker stacks requests along a new leading
//! dimension, so a model whose spec says `[1, 8, 8]` is called with `[B, 1, 8, 8]` and must
//! return `[B, ..output shape]`.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::sp_runtime::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// Most dimensions a tensor spec may have.
pub const MAX_DIMS: u32 = 8;

/// Element type of a tensor; every element is stored little-endian.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum DType {
	/// IEEE-754 single precision.
	F32,
	/// IEEE-754 half precision.
	F16,
	/// Signed 64-bit integer.
	I64,
	/// Signed 32-bit integer.
	I32,
	/// Unsigned byte (images).
	U8,
}

impl DType {
	/// Bytes one element occupies.
	pub const fn size_bytes(self) -> u32 {
		match self {
			DType::F32 | DType::I32 => 4,
			DType::F16 => 2,
			DType::I64 => 8,
			DType::U8 => 1,
		}
	}
}

/// Dimensions of a tensor, without the batch dimension.
pub type Shape = BoundedVec<u32, ConstU32<MAX_DIMS>>;

/// Element type and fixed shape of a tensor (a model input or output).
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TensorSpec {
	/// Element type.
	pub dtype: DType,
	/// Dimensions (each at least 1), batch dimension excluded.
	pub shape: Shape,
}

impl TensorSpec {
	/// Number of elements, or `None` if it overflows `u64` or a dimension is zero.
	pub fn element_count(&self) -> Option<u64> {
		self.shape
			.iter()
			.try_fold(1u64, |acc, &d| if d == 0 { None } else { acc.checked_mul(d as u64) })
	}

	/// Exact byte length of one tensor of this spec, or `None` on overflow or a zero dimension.
	pub fn byte_len(&self) -> Option<u64> {
		self.element_count()?.checked_mul(self.dtype.size_bytes() as u64)
	}
}

/// How a worker canonicalizes an output tensor before hashing it, so that honest providers on
/// different hardware produce byte-identical answers (see [`crate::canonical`]).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum AgreementRule {
	/// The raw little-endian bytes of the output. Only reproducible across machines for
	/// integer outputs or fully deterministic kernels.
	Exact,
	/// Every element rounded to `decimals` decimal places, as little-endian `i64` fixed point.
	Quantized {
		/// Decimal places kept (at most [`MAX_QUANTIZED_DECIMALS`]).
		decimals: u8,
	},
	/// The indices (little-endian `u32`) of the `k` largest elements, largest first, ties
	/// broken by the lower index. The natural rule for classifiers.
	TopK {
		/// How many indices are kept (at least 1, at most the output's element count).
		k: u32,
	},
}

/// Most decimal places a [`AgreementRule::Quantized`] rule may keep: beyond this `f32` noise
/// dominates and `i64` fixed point can overflow.
pub const MAX_QUANTIZED_DECIMALS: u8 = 9;

/// Why an output spec and agreement rule do not fit together.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RuleError {
	/// The output spec has a zero dimension or overflows.
	InvalidOutputSpec,
	/// `TopK` asks for zero indices or more than the output has.
	TopKOutOfRange,
	/// `Quantized` keeps more than [`MAX_QUANTIZED_DECIMALS`] places.
	TooManyDecimals,
	/// `Quantized` and `TopK` need a floating-point or integer output they can compare;
	/// they are defined for every dtype, but `Exact` is the only rule for `U8` outputs.
	UnsupportedDType,
}

impl AgreementRule {
	/// Byte length of the canonical output of one tensor of `output` under this rule; also
	/// checks that the rule fits the spec. The runtime uses it to reject malformed results.
	pub fn canonical_len(&self, output: &TensorSpec) -> Result<u64, RuleError> {
		let elements = output.element_count().ok_or(RuleError::InvalidOutputSpec)?;
		match *self {
			AgreementRule::Exact => output.byte_len().ok_or(RuleError::InvalidOutputSpec),
			AgreementRule::Quantized { decimals } => {
				if decimals > MAX_QUANTIZED_DECIMALS {
					return Err(RuleError::TooManyDecimals);
				}
				if output.dtype == DType::U8 {
					return Err(RuleError::UnsupportedDType);
				}
				elements.checked_mul(8).ok_or(RuleError::InvalidOutputSpec)
			}
			AgreementRule::TopK { k } => {
				if k == 0 || k as u64 > elements {
					return Err(RuleError::TopKOutOfRange);
				}
				Ok(k as u64 * 4)
			}
		}
	}
}
