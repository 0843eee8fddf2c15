//! Job inputs from files: raw little-endian bytes, NumPy `.npy` arrays, or JSON numbers, each
//! checked against the model's input spec before anything is sent.

use crate::spec::{format_tensor_spec, DType, TensorSpec};
use anyhow::{bail, Context, Result};
use std::path::Path;

/// The bytes of one input tensor of `spec`, read from `path`: a `.npy` array of the spec's
/// dtype and element count, a `.json` array of numbers (nested arrays are flattened), or
/// otherwise the raw little-endian bytes.
pub fn load_input(path: &Path, spec: &TensorSpec) -> Result<Vec<u8>> {
	let data = std::fs::read(path).with_context(|| format!("reading input {}", path.display()))?;
	let bytes = match path.extension().and_then(|e| e.to_str()) {
		Some("npy") => from_npy(&data, spec)?,
		Some("json") => from_json(&data, spec)?,
		_ => data,
	};
	let len = spec.byte_len().unwrap_or(u64::MAX);
	if bytes.len() as u64 != len {
		bail!(
			"input {} has {} bytes, but the model takes {} ({len} bytes)",
			path.display(),
			bytes.len(),
			format_tensor_spec(spec)
		);
	}
	Ok(bytes)
}

fn element_count(spec: &TensorSpec) -> u64 {
	spec.element_count().unwrap_or(u64::MAX)
}

/// The data of a C-order `.npy` array whose dtype is `spec`'s and whose element count is
/// `spec`'s (its shape may differ, e.g. by a leading batch dimension of 1).
fn from_npy(data: &[u8], spec: &TensorSpec) -> Result<Vec<u8>> {
	if data.len() < 10 || &data[..6] != b"\x93NUMPY" {
		bail!("not a .npy file (no NumPy magic)");
	}
	let (header_len, start) = match data[6] {
		1 => (u16::from_le_bytes([data[8], data[9]]) as usize, 10),
		2 | 3 if data.len() >= 12 => {
			(u32::from_le_bytes([data[8], data[9], data[10], data[11]]) as usize, 12)
		}
		v => bail!(".npy version {v} is not supported"),
	};
	let header = data
		.get(start..start + header_len)
		.and_then(|h| std::str::from_utf8(h).ok())
		.context(".npy header is cut short or not text")?;
	let descr = match spec.dtype {
		DType::F32 => "<f4",
		DType::F16 => "<f2",
		DType::I64 => "<i8",
		DType::I32 => "<i4",
		DType::U8 => "|u1",
	};
	let descr_alt = descr.replace('|', "<");
	if !header.contains(&format!("'descr': '{descr}'"))
		&& !header.contains(&format!("'descr': '{descr_alt}'"))
	{
		bail!(".npy dtype is not {descr} (the model's {:?}): header {header}", spec.dtype);
	}
	if header.contains("'fortran_order': True") {
		bail!(".npy array is in Fortran order; save it in C order");
	}
	let body = &data[start + header_len..];
	let expected = element_count(spec) * spec.dtype.size_bytes() as u64;
	if body.len() as u64 != expected {
		bail!(
			".npy array holds {} bytes, the model takes {} elements of {:?} ({expected} bytes)",
			body.len(),
			element_count(spec),
			spec.dtype
		);
	}
	Ok(body.to_vec())
}

/// A JSON array of numbers (nested arrays flattened in order), encoded as `spec`'s dtype.
fn from_json(data: &[u8], spec: &TensorSpec) -> Result<Vec<u8>> {
	let value: serde_json::Value = serde_json::from_slice(data).context("input is not JSON")?;
	let numbers = flatten_json(&value)?;
	if numbers.len() as u64 != element_count(spec) {
		bail!(
			"JSON input has {} numbers, the model takes {}",
			numbers.len(),
			format_tensor_spec(spec)
		);
	}
	encode_numbers(&numbers, spec.dtype)
}

/// `numbers` as little-endian elements of `dtype`; integers must be whole and in range.
pub fn encode_numbers(numbers: &[f64], dtype: DType) -> Result<Vec<u8>> {
	let mut out = Vec::with_capacity(numbers.len() * dtype.size_bytes() as usize);
	for (i, &x) in numbers.iter().enumerate() {
		let whole = || -> Result<i64> {
			if x.fract() != 0.0 {
				bail!("element {i} ({x}) is not a whole number, the model takes {dtype:?}");
			}
			Ok(x as i64)
		};
		match dtype {
			DType::F32 => out.extend_from_slice(&(x as f32).to_le_bytes()),
			DType::F16 => out.extend_from_slice(&half::f16::from_f64(x).to_le_bytes()),
			DType::I64 => out.extend_from_slice(&whole()?.to_le_bytes()),
			DType::I32 => out.extend_from_slice(
				&i32::try_from(whole()?)
					.with_context(|| format!("element {i} ({x}) does not fit i32"))?
					.to_le_bytes(),
			),
			DType::U8 => out.push(
				u8::try_from(whole()?)
					.with_context(|| format!("element {i} ({x}) is not 0–255"))?,
			),
		}
	}
	Ok(out)
}

/// The elements of a JSON tensor: numbers, and booleans as 0 and 1 (the Open Inference
/// Protocol's `BOOL` data), with nested arrays flattened in row-major order.
pub fn flatten_json(value: &serde_json::Value) -> Result<Vec<f64>> {
	fn walk(value: &serde_json::Value, out: &mut Vec<f64>) -> Result<()> {
		match value {
			serde_json::Value::Array(items) => items.iter().try_for_each(|v| walk(v, out)),
			serde_json::Value::Number(n) => {
				out.push(n.as_f64().with_context(|| format!("{n} is out of range"))?);
				Ok(())
			}
			serde_json::Value::Bool(b) => {
				out.push(u8::from(*b).into());
				Ok(())
			}
			other @ (serde_json::Value::Null
			| serde_json::Value::String(_)
			| serde_json::Value::Object(_)) => bail!("a JSON tensor holds only numbers, found {other}"),
		}
	}
	let mut out = Vec::new();
	walk(value, &mut out)?;
	Ok(out)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn spec(s: &str) -> TensorSpec {
		crate::spec::parse_tensor_spec(s).unwrap()
	}

	fn npy(descr: &str, shape: &str, body: &[u8]) -> Vec<u8> {
		let mut header =
			format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
		while (10 + header.len() + 1) % 64 != 0 {
			header.push(' ');
		}
		header.push('\n');
		let mut out = b"\x93NUMPY\x01\x00".to_vec();
		out.extend_from_slice(&(header.len() as u16).to_le_bytes());
		out.extend_from_slice(header.as_bytes());
		out.extend_from_slice(body);
		out
	}

	#[test]
	fn json_tensors_flatten_in_row_major_order_with_booleans_as_0_and_1() {
		let v: serde_json::Value = serde_json::from_str("[[1, 2.5], [true, false]]").unwrap();
		assert_eq!(flatten_json(&v).unwrap(), vec![1.0, 2.5, 1.0, 0.0]);
		for bad in [r#"[1, "2"]"#, "[1, null]", r#"[{"a": 1}]"#] {
			let v: serde_json::Value = serde_json::from_str(bad).unwrap();
			let e = flatten_json(&v).unwrap_err().to_string();
			assert!(e.contains("only numbers"), "{bad}: {e}");
		}
	}

	#[test]
	fn npy_of_the_models_dtype_and_size_is_its_data() {
		let body: Vec<u8> = [1.0f32, 2.0, 3.0, 4.0].iter().flat_map(|x| x.to_le_bytes()).collect();
		let file = npy("<f4", "(1, 2, 2)", &body);
		assert_eq!(from_npy(&file, &spec("f32:2,2")).unwrap(), body);
		let wrong_dtype = from_npy(&npy("<f8", "(4,)", &[0; 32]), &spec("f32:2,2")).unwrap_err();
		assert!(format!("{wrong_dtype}").contains("dtype is not <f4"), "{wrong_dtype}");
		let short = from_npy(&npy("<f4", "(3,)", &body[..12]), &spec("f32:2,2")).unwrap_err();
		assert!(format!("{short}").contains("12 bytes"), "{short}");
		assert!(from_npy(b"not numpy", &spec("f32:2,2")).is_err());
		assert_eq!(from_npy(&npy("|u1", "(2,)", &[7, 9]), &spec("u8:2")).unwrap(), vec![7, 9]);
	}

	#[test]
	fn json_numbers_are_encoded_as_the_models_dtype() {
		let f32s = from_json(b"[[0.5, 1], [2, -3]]", &spec("f32:2,2")).unwrap();
		let expected: Vec<u8> =
			[0.5f32, 1.0, 2.0, -3.0].iter().flat_map(|x| x.to_le_bytes()).collect();
		assert_eq!(f32s, expected);
		assert_eq!(from_json(b"[1, 255]", &spec("u8:2")).unwrap(), vec![1, 255]);
		assert_eq!(from_json(b"[-2]", &spec("i64:1")).unwrap(), (-2i64).to_le_bytes().to_vec());
		assert_eq!(
			from_json(b"[1.0, -2.0]", &spec("f16:2")).unwrap(),
			vec![0x00, 0x3c, 0x00, 0xc0]
		);
		assert!(format!("{}", from_json(b"[256]", &spec("u8:1")).unwrap_err()).contains("0–255"));
		assert!(format!("{}", from_json(b"[0.5]", &spec("i32:1")).unwrap_err()).contains("whole"));
		assert!(format!("{}", from_json(b"[1, 2, 3]", &spec("u8:2")).unwrap_err())
			.contains("3 numbers"));
		assert!(format!("{}", from_json(b"[\"a\"]", &spec("u8:1")).unwrap_err())
			.contains("only numbers"));
	}
}
