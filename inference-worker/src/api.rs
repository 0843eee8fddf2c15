//! The JSON-RPC API (HTTP and WebSocket on one port) and the `GET /metrics` endpoint.
//!
//! Every method takes its params as one JSON object (named params); hashes, genesis hashes
//! and account ids are 32 bytes in hex, with or without `0x`.
//!
//! - `infer {model, input, encoding?, job_id, input_hash, genesis_hash}` → [`InferResponse`]:
//!   `{job_id, model, input_hash, outcome, output, signature, worker, timings}`. `input` is
//!   the raw little-endian input tensor (exactly `dtype size × shape` bytes of the model's
//!   input spec) encoded as `encoding`: `"base64"` (standard alphabet, padded; the default) or
//!   `"hex"` (optional `0x`). `input_hash` is blake2-256 of the decoded bytes, as the chain
//!   recorded it; `genesis_hash` is the genesis hash of the job's chain. `outcome` is
//!   `{"output": "0x<blake2-256 of the canonical output>"}`, or a *signed refusal*
//!   `{"refused": "non_finite_output" | "forward_failed"}` when the model cannot answer this
//!   input (its output holds NaN or infinity, or its forward pass fails on it; see
//!   [`crate::engine`]). `output` is the canonical output in the request's encoding (`""` for a
//!   refusal). `signature` is the worker's sr25519 signature over SCALE(`AttestationPayload {
//!   genesis_hash, job_id, model_hash, input_hash, outcome }`) and `worker` its public key.
//!   Failures that are not the input's fault (unknown model, bad encoding, hash mismatch,
//!   wrong input length, full queue, timeout) are JSON-RPC errors ([`crate::error`]).
//! - `prove_key {provider, genesis_hash}` → [`KeyProof`] `{worker, signature}`: the worker key's
//!   signature over `WorkerKeyProof { genesis_hash, provider }`, the proof of possession the
//!   provider (an `AccountId32`) registers with the key on chain. The key signs nothing else
//!   through it (the message is domain-separated), so it cannot forge attestations; it still
//!   needs the worker token ([`crate::auth`]), since whoever calls it can bind the key to any
//!   account.
//! - `models {}` → every known model ([`ModelInfo`]).
//! - `load_model {hash, uri, input, output, rule}` → the [`ModelInfo`]; specs as in
//!   `infera_primitives::model`, e.g. `{"dtype":"f32","shape":[1,8,8]}` and
//!   `{"top_k":{"k":1}}`, `{"quantized":{"decimals":3}}` or `"exact"`.
//! - `unload_model {hash}` → whether the model was known.
//! - `health {}` → [`Health`].
//!
//! `GET /metrics` (Prometheus text) is answered by a tower layer in front of the JSON-RPC
//! service, so one port serves both. Behind it, [`crate::auth`] requires the worker token
//! (when one is configured) from everything but a `health` call.

use crate::{
	attest::Attestor,
	auth::{AuthLayer, Token},
	engine::{Answer, Engine, ModelInfo, ModelSpec},
	error::{Result, WorkerError},
	metrics::Metrics,
};
use base64::Engine as _;
use futures::future::BoxFuture;
use infera_primitives::{
	attestation::{AttestationPayload, Outcome, RefusalReason},
	digest,
	manifest::Manifest,
	Digest, Hash, JobId,
};
use jsonrpsee::{
	server::{HttpBody, HttpRequest, HttpResponse, RpcModule, Server, ServerHandle},
	types::ErrorObjectOwned,
};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::{
	future::Future,
	net::SocketAddr,
	sync::Arc,
	task::{Context, Poll},
	time::Instant,
};

/// How `input` and `output` bytes are written in JSON.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
	/// Standard base64 with padding.
	#[default]
	Base64,
	/// Hex, optionally `0x`-prefixed (the output gets the prefix).
	Hex,
}

impl Encoding {
	/// Decodes `text`; `field` names the parameter in the error.
	pub fn decode(self, field: &'static str, text: &str) -> Result<Vec<u8>> {
		let malformed = |reason: String| WorkerError::MalformedEncoding { field, reason };
		match self {
			Encoding::Base64 => base64::engine::general_purpose::STANDARD
				.decode(text)
				.map_err(|e| malformed(format!("not base64: {e}"))),
			Encoding::Hex => {
				hex::decode(strip_0x(text)).map_err(|e| malformed(format!("not hex: {e}")))
			}
		}
	}

	/// Encodes `bytes`.
	pub fn encode(self, bytes: &[u8]) -> String {
		match self {
			Encoding::Base64 => base64::engine::general_purpose::STANDARD.encode(bytes),
			Encoding::Hex => hex_0x(bytes),
		}
	}
}

fn strip_0x(text: &str) -> &str {
	text.strip_prefix("0x").unwrap_or(text)
}

/// `0x`-prefixed lowercase hex.
pub fn hex_0x(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// Parses 32 bytes in hex (a digest, a genesis hash, an account id); `field` names the
/// parameter in the error.
pub fn parse_digest(field: &'static str, text: &str) -> Result<Digest> {
	let bytes = Encoding::Hex.decode(field, text)?;
	bytes.try_into().map_err(|b: Vec<u8>| WorkerError::MalformedEncoding {
		field,
		reason: format!("expected 32 bytes, not {}", b.len()),
	})
}

/// Serde form of a [`Digest`] as `0x` hex (`0x` optional when parsed).
mod hex_digest {
	use super::{hex_0x, parse_digest};
	use infera_primitives::Digest;
	use serde::{Deserialize, Deserializer, Serializer};

	/// Writes `0x` hex.
	pub fn serialize<S: Serializer>(digest: &Digest, s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&hex_0x(digest))
	}

	/// Reads 32 bytes of hex.
	pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Digest, D::Error> {
		let text = String::deserialize(d)?;
		parse_digest("outcome", &text).map_err(serde::de::Error::custom)
	}
}

/// The JSON form of an [`Outcome`]: `{"output": "0x<hash>"}` or `{"refused": "<reason>"}`,
/// the reason in snake case (`non_finite_output`, `forward_failed`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JsonOutcome {
	/// blake2-256 of the canonical output.
	Output(#[serde(with = "hex_digest")] Digest),
	/// The model cannot answer the input.
	Refused(RefusalReason),
}

impl From<Outcome> for JsonOutcome {
	fn from(outcome: Outcome) -> Self {
		match outcome {
			Outcome::Output(hash) => JsonOutcome::Output(hash),
			Outcome::Refused(reason) => JsonOutcome::Refused(reason),
		}
	}
}

impl From<JsonOutcome> for Outcome {
	fn from(outcome: JsonOutcome) -> Self {
		match outcome {
			JsonOutcome::Output(hash) => Outcome::Output(hash),
			JsonOutcome::Refused(reason) => Outcome::Refused(reason),
		}
	}
}

/// Params of `infer`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InferParams {
	/// blake2-256 of the model artifact.
	pub model: String,
	/// The input bytes, encoded as `encoding`.
	pub input: String,
	/// Encoding of `input` and of the response's `output`.
	#[serde(default)]
	pub encoding: Encoding,
	/// The job the inference is for (signed into the attestation).
	pub job_id: JobId,
	/// blake2-256 of the input bytes as the chain recorded them.
	pub input_hash: String,
	/// Genesis hash of the job's chain (signed into the attestation).
	pub genesis_hash: String,
}

/// Where the time of one `infer` call went.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Timings {
	/// Requests in the forward pass that served this one.
	pub batch_size: usize,
	/// Milliseconds queued before the forward pass started.
	pub queue_ms: f64,
	/// Milliseconds of the (batched) forward pass.
	pub forward_ms: f64,
	/// Milliseconds of the whole call inside the worker.
	pub total_ms: f64,
}

/// Result of `infer`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InferResponse {
	/// The job id signed over.
	pub job_id: JobId,
	/// blake2-256 of the model artifact, `0x` hex.
	pub model: String,
	/// blake2-256 of the input, `0x` hex.
	pub input_hash: String,
	/// The output's hash, or the refusal.
	pub outcome: JsonOutcome,
	/// Canonical output bytes, in the request's encoding; empty for a refusal.
	pub output: String,
	/// sr25519 signature over SCALE(`AttestationPayload`), `0x` hex (64 bytes).
	pub signature: String,
	/// The worker's sr25519 public key, `0x` hex (32 bytes).
	pub worker: String,
	/// Timings.
	pub timings: Timings,
}

/// Params of `prove_key`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProveKeyParams {
	/// The provider's account id (`AccountId32`), 32 bytes hex.
	pub provider: String,
	/// Genesis hash of the chain the key is registered on.
	pub genesis_hash: String,
}

/// Result of `prove_key`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KeyProof {
	/// The worker's sr25519 public key, `0x` hex (32 bytes).
	pub worker: String,
	/// Its signature over `WorkerKeyProof { genesis_hash, provider }`, `0x` hex (64 bytes).
	pub signature: String,
}

/// Params of `load_model`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoadModelParams {
	/// blake2-256 of the artifact.
	pub hash: String,
	/// `file://` or `http(s)://` URI of the artifact.
	pub uri: String,
	/// Input and output specs and agreement rule.
	#[serde(flatten)]
	pub spec: ModelSpec,
}

/// Params of `unload_model`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnloadModelParams {
	/// blake2-256 of the artifact.
	pub hash: String,
}

/// Result of `health`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Health {
	/// Always `"ok"` when the worker answers.
	pub status: String,
	/// Version of the worker.
	pub version: String,
	/// Device models run on (`cpu`, `cuda:0`).
	pub device: String,
	/// Intra-op threads per forward pass.
	pub threads: u32,
	/// Largest batch.
	pub max_batch: usize,
	/// Batching window in milliseconds.
	pub max_wait_ms: u128,
	/// Loaded models, most recently used first.
	pub loaded: Vec<String>,
	/// Number of known models.
	pub known: usize,
	/// The attestation public key, `0x` hex.
	pub worker: String,
	/// The attestation public key, SS58 (prefix 42).
	pub worker_ss58: String,
	/// Whether outputs are deliberately perturbed (`--faulty`, tests only).
	pub faulty: bool,
}

/// State shared by the RPC methods.
pub struct Api {
	engine: Engine,
	attestor: Attestor,
	metrics: Arc<Metrics>,
}

impl Api {
	/// The API over an engine, signing with `attestor`.
	pub fn new(engine: Engine, attestor: Attestor, metrics: Arc<Metrics>) -> Self {
		Self { engine, attestor, metrics }
	}

	async fn infer(&self, p: InferParams) -> Result<InferResponse> {
		let start = Instant::now();
		let model = parse_digest("model", &p.model)?;
		let expected = parse_digest("input_hash", &p.input_hash)?;
		let genesis_hash = Hash::from(parse_digest("genesis_hash", &p.genesis_hash)?);
		let input = p.encoding.decode("input", &p.input)?;
		let input_hash = digest(&input);
		if input_hash != expected {
			return Err(WorkerError::InputHashMismatch {
				expected: hex::encode(expected),
				actual: hex::encode(input_hash),
			});
		}
		let result = self.engine.infer(&model, input).await?;
		let (outcome, output) = match &result.answer {
			Answer::Output(canonical) => {
				(Outcome::Output(digest(canonical)), p.encoding.encode(canonical))
			}
			Answer::Refused(reason) => (Outcome::Refused(*reason), String::new()),
		};
		let payload = AttestationPayload {
			genesis_hash,
			job_id: p.job_id,
			model_hash: model,
			input_hash,
			outcome,
		};
		let signature = self.attestor.sign(&payload);
		let total = start.elapsed();
		self.metrics.request_latency.observe(total.as_secs_f64());
		Ok(InferResponse {
			job_id: p.job_id,
			model: hex_0x(&model),
			input_hash: hex_0x(&input_hash),
			outcome: outcome.into(),
			output,
			signature: hex_0x(&signature.0),
			worker: hex_0x(&self.attestor.public().0),
			timings: Timings {
				batch_size: result.batch.batch_size,
				queue_ms: millis(result.batch.queue_wait),
				forward_ms: millis(result.batch.forward),
				total_ms: millis(total),
			},
		})
	}

	fn prove_key(&self, p: ProveKeyParams) -> Result<KeyProof> {
		let provider = parse_digest("provider", &p.provider)?;
		let genesis_hash = Hash::from(parse_digest("genesis_hash", &p.genesis_hash)?);
		let signature = self.attestor.prove_key(genesis_hash, &provider);
		Ok(KeyProof { worker: hex_0x(&self.attestor.public().0), signature: hex_0x(&signature.0) })
	}

	async fn load_model(&self, p: LoadModelParams) -> Result<ModelInfo> {
		let hash = parse_digest("hash", &p.hash)?;
		self.engine.load_model(hash, p.uri, p.spec).await
	}

	/// Loads every model of an export manifest, as `load_model` would, with `file://` URIs
	/// next to the manifest; returns their names and infos.
	pub async fn preload(&self, manifest: &std::path::Path) -> Result<Vec<(String, ModelInfo)>> {
		let invalid = |reason: String| {
			WorkerError::InvalidSpec(format!("manifest {}: {reason}", manifest.display()))
		};
		let parsed = Manifest::read(manifest).map_err(|e| invalid(e.to_string()))?;
		let dir = std::path::absolute(manifest)
			.map_err(|e| invalid(e.to_string()))?
			.parent()
			.map(std::path::Path::to_path_buf)
			.unwrap_or_default();
		let mut loaded = Vec::new();
		for (name, model) in parsed.models {
			let uri = format!("file://{}", dir.join(&model.file).display());
			let spec = ModelSpec { input: model.input, output: model.output, rule: model.rule };
			let hash = format!("0x{}", hex::encode(model.hash));
			let params = LoadModelParams { hash, uri, spec };
			loaded.push((name, self.load_model(params).await?));
		}
		Ok(loaded)
	}

	fn unload_model(&self, p: UnloadModelParams) -> Result<bool> {
		Ok(self.engine.unload_model(&parse_digest("hash", &p.hash)?))
	}

	fn health(&self) -> Health {
		let config = self.engine.config();
		let (worker, worker_ss58) = self.attestor.public_display();
		Health {
			status: "ok".into(),
			version: env!("CARGO_PKG_VERSION").into(),
			device: self.metrics.device().into(),
			threads: config.threads,
			max_batch: config.batch.max_batch,
			max_wait_ms: config.batch.max_wait.as_millis(),
			loaded: self.engine.loaded(),
			known: self.engine.models().len(),
			worker,
			worker_ss58,
			faulty: config.faulty,
		}
	}
}

fn millis(d: std::time::Duration) -> f64 {
	d.as_secs_f64() * 1000.0
}

/// Registers `name`: parses its params as `P`, runs `handler`, counts the call and its error.
fn register<P, T, F>(module: &mut RpcModule<Api>, name: &'static str, handler: F)
where
	P: DeserializeOwned + Send + 'static,
	T: Serialize + Clone + Send + 'static,
	F: for<'a> Fn(&'a Api, P) -> BoxFuture<'a, Result<T>> + Clone + Send + Sync + 'static,
{
	let registered = module.register_async_method(name, move |params, api, _| {
		let handler = handler.clone();
		async move {
			api.metrics.requests.with_label_values(&[name]).inc();
			let result = match params.parse::<P>() {
				Ok(p) => handler(&api, p).await,
				Err(e) => Err(WorkerError::InvalidParams(
					e.data().map_or(e.message(), |detail| detail.get()).to_string(),
				)),
			};
			result.map_err(|e| {
				api.metrics.errors.with_label_values(&[e.kind()]).inc();
				ErrorObjectOwned::from(e)
			})
		}
	});
	// Names are distinct constants below; a clash is a programming error caught by tests.
	if let Err(e) = registered {
		tracing::error!("cannot register {name}: {e}");
	}
}

/// The JSON-RPC methods over `api`.
pub fn rpc_module(api: Api) -> RpcModule<Api> {
	use futures::FutureExt;
	let mut module = RpcModule::new(api);
	register(&mut module, "infer", |api, p: InferParams| api.infer(p).boxed());
	register(&mut module, "prove_key", |api, p: ProveKeyParams| {
		std::future::ready(api.prove_key(p)).boxed()
	});
	register(&mut module, "load_model", |api, p: LoadModelParams| api.load_model(p).boxed());
	register(&mut module, "unload_model", |api, p: UnloadModelParams| {
		std::future::ready(api.unload_model(p)).boxed()
	});
	register(&mut module, "models", |api, _: serde::de::IgnoredAny| {
		std::future::ready(Ok(api.engine.models())).boxed()
	});
	register(&mut module, "health", |api, _: serde::de::IgnoredAny| {
		std::future::ready(Ok(api.health())).boxed()
	});
	module
}

/// Starts the server on `addr` with bodies bounded by `max_request_bytes`, requiring `token`
/// when there is one ([`crate::auth`]); returns the bound address and the handle that stops
/// it.
pub async fn serve(
	addr: SocketAddr,
	max_request_bytes: u32,
	token: Option<Token>,
	api: Api,
) -> std::io::Result<(SocketAddr, ServerHandle)> {
	let metrics = api.metrics.clone();
	let auth = AuthLayer { token, max_body: max_request_bytes as usize };
	let server = Server::builder()
		.max_request_body_size(max_request_bytes)
		.set_http_middleware(tower::ServiceBuilder::new().layer(MetricsLayer(metrics)).layer(auth))
		.build(addr)
		.await?;
	let bound = server.local_addr()?;
	Ok((bound, server.start(rpc_module(api))))
}

/// Tower layer answering `GET /metrics` with the Prometheus text of the worker's metrics and
/// passing every other request to the JSON-RPC service.
#[derive(Clone)]
pub struct MetricsLayer(Arc<Metrics>);

impl<S> tower::Layer<S> for MetricsLayer {
	type Service = MetricsService<S>;

	fn layer(&self, inner: S) -> Self::Service {
		MetricsService { inner, metrics: self.0.clone() }
	}
}

/// The service of [`MetricsLayer`].
#[derive(Clone)]
pub struct MetricsService<S> {
	inner: S,
	metrics: Arc<Metrics>,
}

impl<S, B> tower::Service<HttpRequest<B>> for MetricsService<S>
where
	S: tower::Service<HttpRequest<B>, Response = HttpResponse>,
	S::Future: Send + 'static,
	S::Error: Send + 'static,
{
	type Response = HttpResponse;
	type Error = S::Error;
	type Future = std::pin::Pin<Box<dyn Future<Output = Result<HttpResponse, S::Error>> + Send>>;

	fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
		self.inner.poll_ready(cx)
	}

	fn call(&mut self, request: HttpRequest<B>) -> Self::Future {
		if request.method() == http::Method::GET && request.uri().path() == "/metrics" {
			let mut response = HttpResponse::new(HttpBody::from(self.metrics.render()));
			response.headers_mut().insert(
				http::header::CONTENT_TYPE,
				http::HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
			);
			return Box::pin(std::future::ready(Ok(response)));
		}
		Box::pin(self.inner.call(request))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::json;

	#[test]
	fn outcome_json_shapes_round_trip() {
		let cases = [
			(Outcome::Output([0xab; 32]), json!({ "output": format!("0x{}", "ab".repeat(32)) })),
			(
				Outcome::Refused(RefusalReason::NonFiniteOutput),
				json!({ "refused": "non_finite_output" }),
			),
			(
				Outcome::Refused(RefusalReason::ForwardFailed),
				json!({ "refused": "forward_failed" }),
			),
		];
		for (outcome, expected) in cases {
			let value = serde_json::to_value(JsonOutcome::from(outcome)).unwrap();
			assert_eq!(value, expected);
			let back: JsonOutcome = serde_json::from_value(value).unwrap();
			assert_eq!(Outcome::from(back), outcome);
		}
		let short = json!({ "output": "0x1234" });
		assert!(serde_json::from_value::<JsonOutcome>(short).is_err());
		let unknown = json!({ "refused": "tired" });
		assert!(serde_json::from_value::<JsonOutcome>(unknown).is_err());
	}

	#[test]
	fn thirty_two_byte_fields_take_optional_0x() {
		let text = "11".repeat(32);
		assert_eq!(parse_digest("f", &text).unwrap(), [0x11; 32]);
		assert_eq!(parse_digest("f", &format!("0x{text}")).unwrap(), [0x11; 32]);
		for bad in ["0x11", "zz", ""] {
			let err = parse_digest("genesis_hash", bad).unwrap_err();
			assert!(matches!(err, WorkerError::MalformedEncoding { field: "genesis_hash", .. }));
		}
	}
}
