//! JSON-RPC client of the provider's inference worker, over the off-chain HTTP API.
//!
//! Speaks the worker's `infer` and `load_model` methods (see the `infera-worker` crate docs):
//! bytes travel as `0x` hex, hashes as `0x` hex digests, specs and rules in the JSON form of
//! `infera_primitives::model`. An `infer` answer is an [`Outcome`] (`{"output": "0x<hash>"}` or
//! a signed refusal `{"refused": "<reason>"}`) with the canonical output and the worker's
//! signature, decoded into typed mirrors of the worker's JSON and checked for consistency (the
//! output hashes to the outcome; a refusal carries no output) before it is returned.
//! Every call, or batch of calls sent together, has one deadline, which also bounds the
//! reading of each response body, so a hung or trickling worker never stalls the off-chain
//! worker for longer than [`Config::WorkerTimeoutMs`](crate::Config).
//!
//! The worker is trusted no further than needed: a response body is read to at most
//! [`MAX_RESPONSE_BYTES`] (what the largest legitimate answer takes) and a longer one is
//! refused, so a compromised worker cannot make the node buffer without bound. When the node
//! was given a worker token (`--inference-worker-token-file`, stored under
//! [`WORKER_TOKEN_KEY`](crate::WORKER_TOKEN_KEY)), every request carries it as
//! `Authorization: Bearer <token>`.

use alloc::{format, string::String, vec, vec::Vec};
use frame::deps::{
	sp_io,
	sp_runtime::offchain::{http, Duration, Timestamp},
};
use infera_primitives::{
	attestation::{Outcome, RefusalReason},
	model::{AgreementRule, TensorSpec},
	params::MAX_OUTPUT_BYTES,
	Digest, Hash, JobId,
};
use serde::Deserialize;
use serde_json::{json, Value};

/// The worker's JSON-RPC error code for a model it has not loaded.
pub const UNKNOWN_MODEL: i32 = -32001;

/// Room in a response for everything but the output: the fixed fields of an `infer` answer
/// (hashes, signature, worker key, timings: about 600 bytes), a `load_model` answer (its URI
/// of at most the registry's 256 bytes, up to 6× longer when escaped in JSON, and specs) or
/// an error message; 16 KiB covers each several times over.
pub const ENVELOPE_BYTES: usize = 16 * 1024;

/// Largest response body read from the worker: the canonical output of one job in `0x` hex
/// (two characters per byte of the chain's structural [`MAX_OUTPUT_BYTES`], plus the prefix)
/// and the envelope. Each call of a batch is its own HTTP request and response (the worker
/// batches concurrent requests itself), so the bound is per call and does not grow with the
/// batch; a run holds at most one such body per job it serves.
pub const MAX_RESPONSE_BYTES: usize = 2 * MAX_OUTPUT_BYTES as usize + 2 + ENVELOPE_BYTES;

/// Why a call to the worker failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
	/// No answer: connection refused, deadline passed, or a non-200 status.
	Unreachable(&'static str),
	/// The worker answered with a JSON-RPC error.
	Rpc {
		/// The worker's stable error code.
		code: i32,
		/// Its explanation.
		message: String,
	},
	/// The answer is not what the protocol promises.
	Malformed(&'static str),
}

/// What the worker computed and signed for one job.
#[derive(Debug, PartialEq)]
pub struct Inference {
	/// The output's hash, or the worker's refusal (checked against `output` by the chain's
	/// `check_answer`).
	pub outcome: Outcome,
	/// Canonical output bytes; empty for a refusal.
	pub output: Vec<u8>,
	/// sr25519 signature over the attestation payload.
	pub signature: [u8; 64],
}

/// A client of one worker URL with a per-call timeout and, when configured, the worker token.
pub struct WorkerClient<'a> {
	url: &'a str,
	timeout_ms: u64,
	authorization: Option<String>,
}

/// The worker token the node stored under [`WORKER_TOKEN_KEY`](crate::WORKER_TOKEN_KEY), if
/// any.
fn stored_token() -> Option<String> {
	frame::deps::sp_runtime::offchain::storage::StorageValueRef::persistent(crate::WORKER_TOKEN_KEY)
		.get::<Vec<u8>>()
		.ok()
		.flatten()
		.and_then(|raw| String::from_utf8(raw).ok())
		.filter(|token| !token.is_empty())
}

fn hex_0x(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
	hex::decode(text.strip_prefix("0x").unwrap_or(text)).ok()
}

#[derive(Deserialize)]
struct RpcError {
	code: i32,
	message: String,
}

#[derive(Deserialize)]
struct Envelope {
	result: Option<Value>,
	error: Option<RpcError>,
}

/// The fields of the worker's `infer` result the off-chain worker uses; others are ignored.
#[derive(Deserialize)]
struct InferAnswer {
	outcome: OutcomeAnswer,
	output: String,
	signature: String,
}

/// The JSON form of an [`Outcome`]: `{"output": "0x<hash>"}` or `{"refused": "<reason>"}`.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum OutcomeAnswer {
	/// blake2-256 of the canonical output, `0x` hex.
	Output(String),
	/// The worker's refusal.
	Refused(RefusalReason),
}

/// One `infer` request: run the model with artifact hash `model` on `input` for `job_id`.
#[derive(Clone)]
pub struct InferRequest<'r> {
	/// Artifact hash of the model.
	pub model: &'r Digest,
	/// The job's input bytes.
	pub input: &'r [u8],
	/// The job the answer is attested for.
	pub job_id: JobId,
	/// blake2-256 of `input`, as recorded on chain.
	pub input_hash: &'r Digest,
	/// Genesis hash of this chain (signed into the attestation).
	pub genesis_hash: &'r Hash,
}

impl<'a> WorkerClient<'a> {
	/// A client of the worker at `url` (e.g. `http://127.0.0.1:9960`), sending the worker
	/// token this node stored, if any.
	pub fn new(url: &'a str, timeout_ms: u64) -> Self {
		Self::with_token(url, timeout_ms, stored_token())
	}

	/// A client of the worker at `url` sending `token` (if any) as a bearer token.
	pub fn with_token(url: &'a str, timeout_ms: u64, token: Option<String>) -> Self {
		let authorization = token.map(|token| format!("Bearer {token}"));
		Self { url, timeout_ms, authorization }
	}

	/// JSON-RPC calls sent together and awaited under one deadline, so the worker can batch
	/// them; each call's result (or error) in the order given.
	fn call_all(&self, calls: Vec<(&str, Value)>) -> Vec<Result<Value, CallError>> {
		let deadline = sp_io::offchain::timestamp().add(Duration::from_millis(self.timeout_ms));
		let mut results = Vec::with_capacity(calls.len());
		let (mut pending, mut slots) = (Vec::new(), Vec::new());
		for (method, params) in calls {
			match self.send(method, params, deadline) {
				Ok(request) => {
					slots.push(results.len());
					pending.push(request);
					results.push(Err(CallError::Unreachable("deadline passed")));
				}
				Err(e) => results.push(Err(e)),
			}
		}
		if pending.is_empty() {
			return results;
		}
		for (slot, answer) in
			slots.into_iter().zip(http::PendingRequest::try_wait_all(pending, deadline))
		{
			results[slot] = match answer {
				Err(_still_pending) => Err(CallError::Unreachable("deadline passed")),
				Ok(Err(_)) => Err(CallError::Unreachable("connection failed")),
				Ok(Ok(response)) => Self::read(response, deadline),
			};
		}
		results
	}

	/// One JSON-RPC call; the result on success.
	fn call(&self, method: &str, params: Value) -> Result<Value, CallError> {
		self.call_all(vec![(method, params)])
			.pop()
			.unwrap_or(Err(CallError::Malformed("no answer")))
	}

	/// POSTs one JSON-RPC request.
	fn send(
		&self,
		method: &str,
		params: Value,
		deadline: Timestamp,
	) -> Result<http::PendingRequest, CallError> {
		let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
		let body = serde_json::to_vec(&body).map_err(|_| CallError::Malformed("request"))?;
		let mut request = http::Request::post(self.url, vec![body])
			.add_header("Content-Type", "application/json")
			.deadline(deadline);
		if let Some(authorization) = &self.authorization {
			request = request.add_header("Authorization", authorization);
		}
		request.send().map_err(|_| CallError::Unreachable("cannot send the request"))
	}

	/// The result of a JSON-RPC response, its body read by `deadline` and to at most
	/// [`MAX_RESPONSE_BYTES`].
	fn read(response: http::Response, deadline: Timestamp) -> Result<Value, CallError> {
		match response.code {
			200 => {}
			401 => return Err(CallError::Unreachable("the worker wants another token (HTTP 401)")),
			_ => return Err(CallError::Unreachable("HTTP status is not 200")),
		}
		let mut body = response.body();
		body.deadline(deadline);
		let bytes = read_capped(&mut body, MAX_RESPONSE_BYTES)?;
		if body.error().is_some() {
			return Err(CallError::Unreachable("deadline passed while reading the answer"));
		}
		Self::parse(&bytes)
	}

	/// The result or error of a JSON-RPC response body.
	fn parse(bytes: &[u8]) -> Result<Value, CallError> {
		let envelope: Envelope =
			serde_json::from_slice(bytes).map_err(|_| CallError::Malformed("not JSON-RPC"))?;
		match (envelope.result, envelope.error) {
			(_, Some(e)) => Err(CallError::Rpc { code: e.code, message: e.message }),
			(Some(result), None) => Ok(result),
			(None, None) => Err(CallError::Malformed("neither result nor error")),
		}
	}

	/// Runs every request at once (the worker batches concurrent requests); the answers in
	/// the order of `requests`.
	pub fn infer_all(&self, requests: &[InferRequest<'_>]) -> Vec<Result<Inference, CallError>> {
		let calls = requests
			.iter()
			.map(|r| {
				let params = json!({
					"model": hex_0x(r.model),
					"input": hex_0x(r.input),
					"encoding": "hex",
					"job_id": r.job_id,
					"input_hash": hex_0x(r.input_hash),
					"genesis_hash": hex_0x(r.genesis_hash.as_bytes()),
				});
				("infer", params)
			})
			.collect();
		self.call_all(calls).into_iter().map(|result| Self::inference(result?)).collect()
	}

	/// The worker's `infer` result, decoded. Whether the chain would accept it (the output's
	/// length and hash, the signature) is checked by the chain's own
	/// `pallet_job_escrow::Pallet::check_answer`, before anything is sent.
	fn inference(result: Value) -> Result<Inference, CallError> {
		let answer: InferAnswer =
			serde_json::from_value(result).map_err(|_| CallError::Malformed("infer result"))?;
		let output = from_hex(&answer.output).ok_or(CallError::Malformed("output hex"))?;
		let outcome = match answer.outcome {
			OutcomeAnswer::Output(hash) => Outcome::Output(
				from_hex(&hash)
					.and_then(|b| b.try_into().ok())
					.ok_or(CallError::Malformed("output hash"))?,
			),
			OutcomeAnswer::Refused(reason) => Outcome::Refused(reason),
		};
		let signature = from_hex(&answer.signature)
			.and_then(|b| b.try_into().ok())
			.ok_or(CallError::Malformed("signature"))?;
		Ok(Inference { outcome, output, signature })
	}

	/// Asks the worker to fetch, verify and load a model.
	pub fn load_model(
		&self,
		hash: &Digest,
		uri: &[u8],
		input: &TensorSpec,
		output: &TensorSpec,
		rule: &AgreementRule,
	) -> Result<(), CallError> {
		let uri = core::str::from_utf8(uri).map_err(|_| CallError::Malformed("model URI"))?;
		/// `load_model`'s parameters: the specs and rule in the primitives' own JSON forms.
		#[derive(serde::Serialize)]
		struct LoadModel<'a> {
			hash: String,
			uri: &'a str,
			input: &'a TensorSpec,
			output: &'a TensorSpec,
			rule: &'a AgreementRule,
		}
		let params =
			serde_json::to_value(LoadModel { hash: hex_0x(hash), uri, input, output, rule })
				.map_err(|_| CallError::Malformed("load_model parameters"))?;
		self.call("load_model", params).map(|_| ())
	}
}

/// At most `cap` bytes of `body`; an error if it holds more.
fn read_capped(body: impl Iterator<Item = u8>, cap: usize) -> Result<Vec<u8>, CallError> {
	let bytes: Vec<u8> = body.take(cap.saturating_add(1)).collect();
	if bytes.len() > cap {
		return Err(CallError::Malformed("answer longer than MAX_RESPONSE_BYTES"));
	}
	Ok(bytes)
}

#[cfg(test)]
mod tests {
	use super::*;
	use infera_primitives::{digest, model::DType};

	/// The specs and rules go to the worker in the primitives' JSON forms, which the worker
	/// reads with the same types.
	#[test]
	fn load_model_sends_the_primitives_json_forms() {
		let spec = TensorSpec { dtype: DType::F32, shape: vec![1, 8, 8].try_into().unwrap() };
		assert_eq!(
			serde_json::to_value(&spec).unwrap(),
			json!({"dtype": "f32", "shape": [1, 8, 8]})
		);
		for (rule, form) in [
			(AgreementRule::Exact, json!("exact")),
			(AgreementRule::Quantized { decimals: 3 }, json!({"quantized": {"decimals": 3}})),
			(AgreementRule::TopK { k: 1 }, json!({"top_k": {"k": 1}})),
		] {
			assert_eq!(serde_json::to_value(rule).unwrap(), form);
		}
	}

	/// Calls `health` with the token `stored` (if any) in the node's off-chain storage and
	/// checks the headers the request carried.
	fn call_with_stored_token(stored: Option<&str>, headers: &[(&str, &str)]) {
		use frame::deps::{
			sp_core::offchain::{
				testing::{PendingRequest, TestOffchainExt},
				OffchainDbExt, OffchainWorkerExt,
			},
			sp_io::TestExternalities,
			sp_runtime::offchain::storage::StorageValueRef,
		};
		const URL: &str = "http://127.0.0.1:9960";
		let (offchain, state) = TestOffchainExt::new();
		let mut ext = TestExternalities::default();
		ext.register_extension(OffchainDbExt::new(offchain.clone()));
		ext.register_extension(OffchainWorkerExt::new(offchain));
		let request = json!({ "jsonrpc": "2.0", "id": 1, "method": "health", "params": {} });
		state.write().expect_request(PendingRequest {
			method: "POST".into(),
			uri: URL.into(),
			headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
			body: serde_json::to_vec(&request).unwrap(),
			response: Some(br#"{"jsonrpc":"2.0","id":1,"result":"ok"}"#.to_vec()),
			sent: true,
			..Default::default()
		});
		ext.execute_with(|| {
			if let Some(token) = stored {
				StorageValueRef::persistent(crate::WORKER_TOKEN_KEY)
					.set(&token.as_bytes().to_vec());
			}
			assert_eq!(WorkerClient::new(URL, 1_000).call("health", json!({})), Ok(json!("ok")));
		});
	}

	#[test]
	fn the_stored_token_is_sent_as_a_bearer_header() {
		let content_type = ("Content-Type", "application/json");
		call_with_stored_token(None, &[content_type]);
		call_with_stored_token(Some("5a5a"), &[content_type, ("Authorization", "Bearer 5a5a")]);
	}

	#[test]
	fn response_bodies_are_cut_at_the_cap() {
		assert_eq!(read_capped([1u8, 2, 3].into_iter(), 3), Ok(vec![1, 2, 3]));
		let endless = core::iter::repeat(b' ');
		assert_eq!(
			read_capped(endless, MAX_RESPONSE_BYTES),
			Err(CallError::Malformed("answer longer than MAX_RESPONSE_BYTES"))
		);
	}

	#[test]
	fn the_largest_answer_fits_the_cap() {
		let output = vec![0xffu8; MAX_OUTPUT_BYTES as usize];
		let hash = digest(&output);
		let mut largest = answer(json!({"output": hex_0x(&hash)}), &hex_0x(&output));
		largest["timings"]["total_ms"] = json!(f64::MAX);
		let body = json!({"jsonrpc": "2.0", "id": 1, "result": largest});
		let body = serde_json::to_vec(&body).unwrap();
		assert!(body.len() <= MAX_RESPONSE_BYTES, "{} bytes", body.len());
		let parsed =
			WorkerClient::parse(&read_capped(body.into_iter(), MAX_RESPONSE_BYTES).unwrap());
		assert!(WorkerClient::inference(parsed.unwrap()).is_ok());
	}

	fn answer(outcome: Value, output: &str) -> Value {
		json!({
			"job_id": 3,
			"model": hex_0x(&[1; 32]),
			"input_hash": hex_0x(&[2; 32]),
			"outcome": outcome,
			"output": output,
			"signature": hex_0x(&[9; 64]),
			"worker": hex_0x(&[4; 32]),
			"timings": {"batch_size": 1, "queue_ms": 0.1, "forward_ms": 0.2, "total_ms": 0.4},
		})
	}

	#[test]
	fn outputs_decode_with_their_hash() {
		let output = [1u8, 0, 0, 0];
		let hash = digest(&output);
		let inference =
			WorkerClient::inference(answer(json!({"output": hex_0x(&hash)}), &hex_0x(&output)));
		assert_eq!(
			inference,
			Ok(Inference {
				outcome: Outcome::Output(hash),
				output: output.to_vec(),
				signature: [9; 64]
			})
		);
	}

	#[test]
	fn refusals_decode_without_output() {
		for (name, reason) in [
			("non_finite_output", RefusalReason::NonFiniteOutput),
			("forward_failed", RefusalReason::ForwardFailed),
			("out_of_range", RefusalReason::OutOfRange),
		] {
			let inference = WorkerClient::inference(answer(json!({"refused": name}), ""));
			assert_eq!(
				inference,
				Ok(Inference {
					outcome: Outcome::Refused(reason),
					output: Vec::new(),
					signature: [9; 64]
				})
			);
		}
	}

	#[test]
	fn malformed_answers_are_refused() {
		let output = [1u8, 0, 0, 0];
		let cases = [
			(answer(json!({"output": "0x1234"}), &hex_0x(&output)), "output hash"),
			(answer(json!({"refused": "bored"}), ""), "infer result"),
			(answer(json!({"output_hash": hex_0x(&[0; 32])}), ""), "infer result"),
			(answer(json!({"refused": "forward_failed"}), "0xzz"), "output hex"),
		];
		for (result, why) in cases {
			assert_eq!(WorkerClient::inference(result), Err(CallError::Malformed(why)));
		}
		let mut short_signature = answer(json!({"refused": "forward_failed"}), "");
		short_signature["signature"] = json!("0x00");
		assert_eq!(
			WorkerClient::inference(short_signature),
			Err(CallError::Malformed("signature"))
		);
	}
}
