//! The Open Inference Protocol (KServe V2) as the gateway speaks it: server and model metadata,
//! inference requests with JSON `data` or the binary tensor extension, and responses in the form
//! the request asked for.
//!
//! A chain model has one input and one output tensor, named [`INPUT`] and [`OUTPUT`]. Its input
//! spec maps to the V2 input metadata as is (the spec's shape excludes the batch dimension; a
//! request may add a leading batch dimension of up to [`MAX_BATCH`], one job per element). The
//! output is the *decoded* result under the
//! model's agreement rule: `TopK { k }` gives the `k` class indices as `INT64 [k]`,
//! `Quantized { decimals }` the rounded values as `FP64` in the output spec's shape, and `Exact`
//! the raw output in its own dtype and shape.

use super::error::GatewayError;
use crate::input::encode_numbers;
use infera_primitives::model::{AgreementRule, DType, TensorSpec};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Name of a chain model's one input tensor.
pub const INPUT: &str = "input";
/// Name of a chain model's one output tensor.
pub const OUTPUT: &str = "output";
/// The header that splits a binary-extension body into its JSON part and the tensor bytes.
pub const HEADER_LENGTH: &str = "inference-header-content-length";
/// The protocol's one extension the gateway implements.
pub const BINARY_EXTENSION: &str = "binary_tensor_data";

/// The V2 name of a dtype.
pub fn datatype(dtype: DType) -> &'static str {
	match dtype {
		DType::F32 => "FP32",
		DType::F16 => "FP16",
		DType::I64 => "INT64",
		DType::I32 => "INT32",
		DType::U8 => "UINT8",
	}
}

/// `GET /v2`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ServerMetadata {
	/// Server name.
	pub name: String,
	/// Server version.
	pub version: String,
	/// Protocol extensions supported.
	pub extensions: Vec<String>,
}

/// One tensor of a model's metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TensorMetadata {
	/// Tensor name.
	pub name: String,
	/// V2 datatype (`FP32`, `INT64`, …).
	pub datatype: String,
	/// Shape, batch dimension excluded.
	pub shape: Vec<i64>,
}

/// `GET /v2/models/{name}[/versions/{version}]`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ModelMetadata {
	/// The model's name on chain.
	pub name: String,
	/// Its registered versions that take jobs (newest last).
	pub versions: Vec<String>,
	/// Always `pytorch_libtorch`: providers run TorchScript with libtorch.
	pub platform: String,
	/// The input tensor.
	pub inputs: Vec<TensorMetadata>,
	/// The decoded output tensor.
	pub outputs: Vec<TensorMetadata>,
}

/// The input tensor metadata of a spec.
pub fn input_metadata(spec: &TensorSpec) -> TensorMetadata {
	TensorMetadata {
		name: INPUT.into(),
		datatype: datatype(spec.dtype).into(),
		shape: spec.shape.iter().map(|&d| d as i64).collect(),
	}
}

/// The metadata of the output a model's rule yields: what [`decode_output`] returns.
pub fn output_metadata(rule: AgreementRule, spec: &TensorSpec) -> TensorMetadata {
	let spec_shape = || spec.shape.iter().map(|&d| d as i64).collect();
	let (datatype, shape) = match rule {
		AgreementRule::TopK { k } => ("INT64", vec![k as i64]),
		AgreementRule::Quantized { .. } => ("FP64", spec_shape()),
		AgreementRule::Exact => (self::datatype(spec.dtype), spec_shape()),
	};
	TensorMetadata { name: OUTPUT.into(), datatype: datatype.into(), shape }
}

/// One input of an inference request.
#[derive(Debug, Deserialize)]
pub struct RequestInput {
	/// Tensor name (must be [`INPUT`]).
	pub name: String,
	/// Shape, optionally with a leading batch dimension (up to [`MAX_BATCH`]).
	pub shape: Vec<i64>,
	/// V2 datatype; must be the model's.
	pub datatype: String,
	/// `binary_data_size` when the data follows the JSON part.
	#[serde(default)]
	pub parameters: Map<String, Value>,
	/// The elements, flat or nested, in row-major order (absent with binary data).
	#[serde(default)]
	pub data: Option<Value>,
}

/// One requested output.
#[derive(Debug, Deserialize)]
pub struct RequestedOutput {
	/// Tensor name (must be [`OUTPUT`]).
	pub name: String,
	/// `binary_data: true` to get the tensor as bytes after the JSON part.
	#[serde(default)]
	pub parameters: Map<String, Value>,
}

/// `POST /v2/models/{name}[/versions/{version}]/infer`.
#[derive(Debug, Deserialize)]
pub struct InferRequest {
	/// Echoed in the response.
	#[serde(default)]
	pub id: Option<String>,
	/// `binary_data_output: true` for every output as bytes.
	#[serde(default)]
	pub parameters: Map<String, Value>,
	/// Exactly one input.
	pub inputs: Vec<RequestInput>,
	/// Which outputs, and in which form (default: all, as JSON).
	#[serde(default)]
	pub outputs: Option<Vec<RequestedOutput>>,
}

/// One output of an inference response.
#[derive(Debug, Serialize, Deserialize)]
pub struct ResponseOutput {
	/// Tensor name.
	pub name: String,
	/// Shape (with the request's batch dimension if it had one).
	pub shape: Vec<u64>,
	/// V2 datatype.
	pub datatype: String,
	/// `binary_data_size` when the data follows the JSON part.
	#[serde(default, skip_serializing_if = "Map::is_empty")]
	pub parameters: Map<String, Value>,
	/// The elements, flat, when sent as JSON.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub data: Option<Vec<Value>>,
}

/// An inference response.
#[derive(Debug, Serialize, Deserialize)]
pub struct InferResponse {
	/// The model's name.
	pub model_name: String,
	/// The version that ran.
	pub model_version: String,
	/// The request's id, if it had one.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub id: Option<String>,
	/// How the chain answered: job id, providers, price, block, output hash, attestation.
	pub parameters: Map<String, Value>,
	/// The decoded output.
	pub outputs: Vec<ResponseOutput>,
}

/// A parsed request: the JSON part and the binary tensor bytes after it.
pub struct ParsedRequest {
	/// The JSON part.
	pub request: InferRequest,
	/// Bytes after the JSON part (binary extension), possibly empty.
	pub binary: Vec<u8>,
}

/// Splits and parses a request body; `header_len` is the `Inference-Header-Content-Length`.
pub fn parse_request(
	body: &[u8],
	header_len: Option<usize>,
) -> Result<ParsedRequest, GatewayError> {
	let split = header_len.unwrap_or(body.len());
	let (json, binary) = body.split_at_checked(split).ok_or_else(|| {
		GatewayError::BadRequest(format!(
			"{HEADER_LENGTH} is {split}, but the body has only {} bytes",
			body.len()
		))
	})?;
	let request = serde_json::from_slice(json)
		.map_err(|e| GatewayError::BadRequest(format!("the request is not V2 JSON: {e}")))?;
	Ok(ParsedRequest { request, binary: binary.to_vec() })
}

/// Whether the request asked for binary outputs.
pub fn wants_binary_output(request: &InferRequest) -> bool {
	let flag = |p: &Map<String, Value>, key: &str| p.get(key).and_then(Value::as_bool);
	match &request.outputs {
		Some(outputs) => outputs.iter().any(|o| flag(&o.parameters, "binary_data") == Some(true)),
		None => flag(&request.parameters, "binary_data_output") == Some(true),
	}
}

/// Most elements one request's batch may hold. Each element is one on-chain job, paid and
/// answered on its own; 16 bounds what one request spends and how many jobs it waits for.
pub const MAX_BATCH: usize = 16;

/// How a request shaped its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Batch {
	/// Exactly the model's input shape: one job, answered with the model's output shape.
	Unbatched,
	/// A leading batch dimension of this size: one job per element, answered with the same
	/// leading dimension.
	Of(usize),
}

/// The input of `parsed` as the bytes of one job per batch element, checked against the
/// model's `spec`; also how it was batched (kept in the output's shape).
pub fn input_bytes(
	parsed: &ParsedRequest,
	spec: &TensorSpec,
) -> Result<(Vec<Vec<u8>>, Batch), GatewayError> {
	let [input] = parsed.request.inputs.as_slice() else {
		return Err(GatewayError::BadRequest(format!(
			"a chain model has one input, `{INPUT}`; the request has {}",
			parsed.request.inputs.len()
		)));
	};
	if input.name != INPUT {
		return Err(GatewayError::BadRequest(format!(
			"unknown input `{}`: the model's input is `{INPUT}`",
			input.name
		)));
	}
	let expected_type = datatype(spec.dtype);
	if input.datatype != expected_type {
		return Err(GatewayError::DatatypeMismatch {
			expected: expected_type.into(),
			got: input.datatype.clone(),
		});
	}
	let spec_shape: Vec<i64> = spec.shape.iter().map(|&d| d as i64).collect();
	let batch = match input.shape.as_slice() {
		s if s == spec_shape.as_slice() => Batch::Unbatched,
		[n, rest @ ..] if rest == spec_shape.as_slice() && *n >= 1 => {
			let n = usize::try_from(*n).unwrap_or(usize::MAX);
			if n > MAX_BATCH {
				return Err(GatewayError::BadRequest(format!(
					"a batch of {n}: a request may hold at most {MAX_BATCH} (one job each)"
				)));
			}
			Batch::Of(n)
		}
		_ => {
			return Err(GatewayError::ShapeMismatch {
				expected: spec_shape,
				got: input.shape.clone(),
			})
		}
	};
	let elements = match batch {
		Batch::Unbatched => 1,
		Batch::Of(n) => n,
	};
	let len = spec.byte_len().unwrap_or(u64::MAX);
	let total = len.saturating_mul(elements as u64);
	let bytes = match (input.parameters.get("binary_data_size"), &input.data) {
		(Some(size), _) => {
			let size = size.as_u64().ok_or_else(|| {
				GatewayError::BadRequest("binary_data_size is not a whole number".into())
			})?;
			if size != total || parsed.binary.len() as u64 != total {
				return Err(GatewayError::BadRequest(format!(
					"binary input of {size} bytes ({} after the JSON part); {elements} input(s) \
					 of the model take {total}",
					parsed.binary.len()
				)));
			}
			parsed.binary.clone()
		}
		(None, Some(data)) => {
			let numbers = crate::input::flatten_json(data)
				.map_err(|e| GatewayError::BadRequest(format!("`data`: {e:#}")))?;
			let expected = spec.element_count().unwrap_or(u64::MAX).saturating_mul(elements as u64);
			if numbers.len() as u64 != expected {
				return Err(GatewayError::BadRequest(format!(
					"`data` has {} elements; the shape {:?} has {expected}",
					numbers.len(),
					input.shape
				)));
			}
			encode_numbers(&numbers, spec.dtype)
				.map_err(|e| GatewayError::BadRequest(format!("{e:#}")))?
		}
		(None, None) => {
			return Err(GatewayError::BadRequest(
				"the input has neither `data` nor `binary_data_size`".into(),
			))
		}
	};
	let jobs = bytes.chunks(len.max(1) as usize).map(<[u8]>::to_vec).collect();
	Ok((jobs, batch))
}

/// A decoded output: its V2 datatype, shape (batch excluded) and elements.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedOutput {
	/// V2 datatype.
	pub datatype: &'static str,
	/// Shape, batch dimension excluded.
	pub shape: Vec<u64>,
	/// The elements.
	pub values: Values,
}

/// The elements of a decoded output.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
	/// Class indices or integer outputs.
	Int(Vec<i64>),
	/// Floating-point outputs.
	Float(Vec<f64>),
}

impl Values {
	/// The elements as JSON numbers.
	pub fn to_json(&self) -> Vec<Value> {
		match self {
			Values::Int(v) => v.iter().map(|&x| Value::from(x)).collect(),
			Values::Float(v) => v.iter().map(|&x| Value::from(x)).collect(),
		}
	}

	/// The elements of several outputs of one rule, in order (a batch's answers): integers if
	/// every output holds integers, else floating-point numbers.
	pub fn concat<'a>(all: impl Iterator<Item = &'a Values>) -> Values {
		let all: Vec<&Values> = all.collect();
		let mut ints = Vec::new();
		for values in &all {
			match values {
				Values::Int(v) => ints.extend_from_slice(v),
				Values::Float(_) => {
					return Values::Float(all.iter().flat_map(|v| v.floats()).collect())
				}
			}
		}
		Values::Int(ints)
	}

	/// The elements as floating-point numbers.
	fn floats(&self) -> Vec<f64> {
		match self {
			Values::Int(v) => v.iter().map(|&x| x as f64).collect(),
			Values::Float(v) => v.clone(),
		}
	}

	/// The elements as little-endian bytes of `datatype`.
	pub fn to_bytes(&self, datatype: &str) -> Vec<u8> {
		match (self, datatype) {
			(Values::Int(v), "INT64") => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
			(Values::Int(v), "INT32") => v.iter().flat_map(|&x| (x as i32).to_le_bytes()).collect(),
			(Values::Int(v), _) => v.iter().map(|&x| x as u8).collect(),
			(Values::Float(v), "FP64") => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
			(Values::Float(v), "FP16") => {
				v.iter().flat_map(|&x| half::f16::from_f64(x).to_le_bytes()).collect()
			}
			(Values::Float(v), _) => v.iter().flat_map(|&x| (x as f32).to_le_bytes()).collect(),
		}
	}
}

/// Decodes a job's canonical output under the model's rule: class indices for `TopK`, the
/// rounded values for `Quantized`, the raw tensor for `Exact`.
pub fn decode_output(
	rule: AgreementRule,
	spec: &TensorSpec,
	canonical: &[u8],
) -> Result<DecodedOutput, GatewayError> {
	let wrong = || {
		GatewayError::Chain(format!(
			"a result of {} bytes does not fit the model's rule",
			canonical.len()
		))
	};
	let spec_shape: Vec<u64> = spec.shape.iter().map(|&d| d as u64).collect();
	let chunks = |n: usize| -> Result<std::slice::ChunksExact<'_, u8>, GatewayError> {
		if !canonical.len().is_multiple_of(n) {
			return Err(wrong());
		}
		Ok(canonical.chunks_exact(n))
	};
	Ok(match rule {
		AgreementRule::TopK { k } => {
			let idx: Vec<i64> =
				chunks(4)?.map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as i64).collect();
			if idx.len() != k as usize {
				return Err(wrong());
			}
			DecodedOutput { datatype: "INT64", shape: vec![k as u64], values: Values::Int(idx) }
		}
		AgreementRule::Quantized { decimals } => {
			let scale = 10f64.powi(decimals as i32);
			let values = chunks(8)?
				.map(|c| {
					i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) as f64
						/ scale
				})
				.collect();
			DecodedOutput { datatype: "FP64", shape: spec_shape, values: Values::Float(values) }
		}
		AgreementRule::Exact => {
			let values = match spec.dtype {
				DType::F32 => Values::Float(
					chunks(4)?
						.map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64)
						.collect(),
				),
				DType::F16 => Values::Float(
					chunks(2)?.map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f64()).collect(),
				),
				DType::I64 => Values::Int(
					chunks(8)?
						.map(|c| {
							i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])
						})
						.collect(),
				),
				DType::I32 => Values::Int(
					chunks(4)?
						.map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as i64)
						.collect(),
				),
				DType::U8 => Values::Int(canonical.iter().map(|&b| b as i64).collect()),
			};
			DecodedOutput { datatype: datatype(spec.dtype), shape: spec_shape, values }
		}
	})
}

/// The response body for `outputs` (one per batch element, in order): JSON alone, or JSON
/// followed by the tensor's bytes (then the second value is the JSON part's length, for the
/// `Inference-Header-Content-Length` header).
pub fn render_response(
	mut response: InferResponse,
	outputs: &[DecodedOutput],
	batch: Batch,
	binary: bool,
) -> (Vec<u8>, Option<usize>) {
	let Some(first) = outputs.first() else {
		return (serde_json::to_vec(&response).unwrap_or_default(), None);
	};
	let mut shape = first.shape.clone();
	match batch {
		Batch::Unbatched => {}
		Batch::Of(n) => shape.insert(0, n as u64),
	}
	let values = Values::concat(outputs.iter().map(|o| &o.values));
	let mut tensor = ResponseOutput {
		name: OUTPUT.into(),
		shape,
		datatype: first.datatype.into(),
		parameters: Map::new(),
		data: None,
	};
	let bytes = values.to_bytes(first.datatype);
	if binary {
		tensor.parameters.insert("binary_data_size".into(), Value::from(bytes.len()));
	} else {
		tensor.data = Some(values.to_json());
	}
	response.outputs = vec![tensor];
	let mut body = serde_json::to_vec(&response).unwrap_or_default();
	if !binary {
		return (body, None);
	}
	let json_len = body.len();
	body.extend_from_slice(&bytes);
	(body, Some(json_len))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn spec(dtype: DType, shape: &[u32]) -> TensorSpec {
		TensorSpec { dtype, shape: shape.to_vec().try_into().unwrap() }
	}

	fn request(json: &str) -> ParsedRequest {
		parse_request(json.as_bytes(), None).unwrap()
	}

	#[test]
	fn json_data_is_encoded_as_the_models_dtype_with_or_without_a_batch_of_one() {
		let s = spec(DType::F32, &[2, 2]);
		let (jobs, batch) = input_bytes(
			&request(
				r#"{"inputs":[{"name":"input","shape":[2,2],"datatype":"FP32","data":[[1,2],[3,0.5]]}]}"#,
			),
			&s,
		)
		.unwrap();
		assert_eq!(batch, Batch::Unbatched);
		let expected: Vec<u8> = [1f32, 2., 3., 0.5].iter().flat_map(|x| x.to_le_bytes()).collect();
		assert_eq!(jobs, vec![expected]);
		let (jobs, batch) = input_bytes(
			&request(
				r#"{"inputs":[{"name":"input","shape":[1,2,2],"datatype":"FP32","data":[1,2,3,4]}]}"#,
			),
			&s,
		)
		.unwrap();
		assert_eq!((jobs.len(), batch), (1, Batch::Of(1)));
	}

	#[test]
	fn binary_data_follows_the_json_part() {
		let json = r#"{"inputs":[{"name":"input","shape":[2],"datatype":"INT32","parameters":{"binary_data_size":8}}]}"#;
		let mut body = json.as_bytes().to_vec();
		body.extend_from_slice(&[1, 0, 0, 0, 2, 0, 0, 0]);
		let parsed = parse_request(&body, Some(json.len())).unwrap();
		let (jobs, _) = input_bytes(&parsed, &spec(DType::I32, &[2])).unwrap();
		assert_eq!(jobs, vec![vec![1, 0, 0, 0, 2, 0, 0, 0]]);
		let short = parse_request(&body[..body.len() - 1], Some(json.len())).unwrap();
		assert!(matches!(
			input_bytes(&short, &spec(DType::I32, &[2])),
			Err(GatewayError::BadRequest(_))
		));
		assert!(parse_request(&body, Some(body.len() + 1)).is_err());
	}

	#[test]
	fn wrong_shapes_names_and_types_are_named_errors() {
		let s = spec(DType::F32, &[1, 8, 8]);
		let shape = input_bytes(
			&request(r#"{"inputs":[{"name":"input","shape":[1,64],"datatype":"FP32","data":[]}]}"#),
			&s,
		);
		assert!(matches!(shape, Err(GatewayError::ShapeMismatch { .. })), "{shape:?}");
		let empty_batch = input_bytes(
			&request(
				r#"{"inputs":[{"name":"input","shape":[0,1,8,8],"datatype":"FP32","data":[]}]}"#,
			),
			&s,
		);
		assert!(matches!(empty_batch, Err(GatewayError::ShapeMismatch { .. })));
		let too_many = format!(
			r#"{{"inputs":[{{"name":"input","shape":[{},1,8,8],"datatype":"FP32","data":[]}}]}}"#,
			MAX_BATCH + 1
		);
		assert!(matches!(input_bytes(&request(&too_many), &s), Err(GatewayError::BadRequest(_))));
		let dtype = input_bytes(
			&request(
				r#"{"inputs":[{"name":"input","shape":[1,8,8],"datatype":"FP64","data":[]}]}"#,
			),
			&s,
		);
		assert!(matches!(dtype, Err(GatewayError::DatatypeMismatch { .. })));
		let name = input_bytes(
			&request(r#"{"inputs":[{"name":"x","shape":[1,8,8],"datatype":"FP32","data":[]}]}"#),
			&s,
		);
		assert!(matches!(name, Err(GatewayError::BadRequest(_))));
	}

	#[test]
	fn outputs_decode_under_each_rule() {
		let out = spec(DType::F32, &[3]);
		let top: Vec<u8> = [2u32, 0].iter().flat_map(|x| x.to_le_bytes()).collect();
		let d = decode_output(AgreementRule::TopK { k: 2 }, &out, &top).unwrap();
		assert_eq!(
			(d.datatype, d.shape.clone(), d.values.clone()),
			("INT64", vec![2], Values::Int(vec![2, 0]))
		);
		assert!(decode_output(AgreementRule::TopK { k: 3 }, &out, &top).is_err());
		let q: Vec<u8> = [1500i64, -250, 0].iter().flat_map(|x| x.to_le_bytes()).collect();
		let d = decode_output(AgreementRule::Quantized { decimals: 3 }, &out, &q).unwrap();
		assert_eq!(d.values, Values::Float(vec![1.5, -0.25, 0.0]));
		assert_eq!(
			output_metadata(AgreementRule::Quantized { decimals: 3 }, &out).datatype,
			d.datatype
		);
		let raw: Vec<u8> = [0.5f32, 1., 2.].iter().flat_map(|x| x.to_le_bytes()).collect();
		let d = decode_output(AgreementRule::Exact, &out, &raw).unwrap();
		assert_eq!(d.values, Values::Float(vec![0.5, 1.0, 2.0]));
		assert_eq!(d.values.to_bytes(d.datatype), raw);
	}

	#[test]
	fn binary_responses_carry_the_json_length() {
		let output =
			DecodedOutput { datatype: "INT64", shape: vec![1], values: Values::Int(vec![7]) };
		let response = || InferResponse {
			model_name: "m".into(),
			model_version: "1".into(),
			id: None,
			parameters: Map::new(),
			outputs: vec![],
		};
		let (body, len) =
			render_response(response(), std::slice::from_ref(&output), Batch::Of(1), true);
		let len = len.unwrap();
		let head: InferResponse = serde_json::from_slice(&body[..len]).unwrap();
		assert_eq!(head.outputs[0].shape, vec![1, 1]);
		assert_eq!(&body[len..], 7i64.to_le_bytes());
		let (body, len) =
			render_response(response(), std::slice::from_ref(&output), Batch::Unbatched, false);
		assert!(len.is_none());
		let json: InferResponse = serde_json::from_slice(&body).unwrap();
		assert_eq!(json.outputs[0].data.as_ref().unwrap(), &vec![Value::from(7)]);
	}

	#[test]
	fn a_batch_is_split_into_one_job_per_element_and_answered_in_order() {
		let s = spec(DType::F32, &[2]);
		let (jobs, batch) = input_bytes(
			&request(
				r#"{"inputs":[{"name":"input","shape":[3,2],"datatype":"FP32","data":[[1,2],[3,4],[5,6]]}]}"#,
			),
			&s,
		)
		.unwrap();
		assert_eq!(batch, Batch::Of(3));
		let floats = |x: [f32; 2]| x.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>();
		assert_eq!(jobs, vec![floats([1., 2.]), floats([3., 4.]), floats([5., 6.])]);
		let wrong_count = input_bytes(
			&request(
				r#"{"inputs":[{"name":"input","shape":[3,2],"datatype":"FP32","data":[1,2,3,4]}]}"#,
			),
			&s,
		);
		assert!(matches!(wrong_count, Err(GatewayError::BadRequest(_))));
		let answers: Vec<DecodedOutput> = [4, 1, 9]
			.iter()
			.map(|&c| DecodedOutput {
				datatype: "INT64",
				shape: vec![1],
				values: Values::Int(vec![c]),
			})
			.collect();
		let response = InferResponse {
			model_name: "m".into(),
			model_version: "1".into(),
			id: None,
			parameters: Map::new(),
			outputs: vec![],
		};
		let (body, _) = render_response(response, &answers, batch, false);
		let json: InferResponse = serde_json::from_slice(&body).unwrap();
		assert_eq!(json.outputs[0].shape, vec![3, 1]);
		assert_eq!(
			json.outputs[0].data.as_ref().unwrap(),
			&vec![Value::from(4), Value::from(1), Value::from(9)]
		);
	}
}
