//! `infera gateway`: an HTTP server for apps that do not want to handle keys, nonces and
//! blocks. It speaks the **Open Inference Protocol V2** (KServe V2, as Triton and KServe do), so
//! `tritonclient`, the KServe SDK and `curl` run models on the chain unchanged, and it serves
//! the web console ([`console`]).
//!
//! # Design
//! - Models are addressed by their registered name (the newest version that takes jobs) and
//!   optionally `versions/{n}`; a model id works as a name too.
//! - `infer` checks the input against the model's spec, quotes the job at the best block,
//!   checks that the gateway's account can pay, signs the job with the gateway's key (one
//!   [`jobs::Signer`] for every request, nonces kept in order) and waits for settlement at
//!   finalized blocks ([`follower::Follower`]). The answer is the output decoded under the
//!   model's agreement rule plus a `parameters` object naming the job, its providers, price,
//!   settlement block, output hash and a provider's attestation.
//! - Every error is a [`error::GatewayError`]: one named cause, one HTTP status.
//!
//! # Limits
//! - One input tensor per request (a batch dimension of 1 at most); a bigger batch is refused
//!   with `InputShapeMismatch` rather than split into several jobs.
//! - Whoever reaches the gateway spends its account: it listens on loopback by default. Put it
//!   behind an authenticating proxy before exposing it.
//! - Job timelines cover jobs seen since the gateway started ([`follower::MAX_TRACKED_JOBS`]).

pub mod console;
pub mod error;
pub mod follower;
pub mod jobs;
pub mod oip;

use crate::chain::Chain;
use axum::{
	body::Bytes,
	extract::{Path, State},
	http::{header, HeaderMap, HeaderValue, StatusCode},
	response::{IntoResponse, Response},
	routing::{get, post},
	Json, Router,
};
use error::GatewayError;
use follower::{Follower, Phase};
use infera_primitives::{
	bearer::BearerToken,
	market::{rpc_error::NO_QUOTE, MarketParameters, Quote, QuoteError},
	ModelId,
};
use jobs::{Signer, Submitted};
use serde_json::{Map, Value};
use std::{net::SocketAddr, sync::Arc, time::Duration};
use subxt::rpcs::rpc_params;

/// Models and jobs, as the marketplace API shows them.
pub use crate::chain::{Job, Model};

/// How the gateway runs jobs.
#[derive(Clone, Debug)]
pub struct Config {
	/// Providers per job (`None`: the chain's default redundancy).
	pub redundancy: Option<u32>,
	/// How long a request waits for its job to settle.
	pub timeout: Duration,
	/// The token every request that spends the gateway's funds (every `POST`) must present
	/// (`None`: whoever reaches the listening address may spend them).
	pub token: Option<BearerToken>,
}

/// What every request handler shares.
pub struct Gateway {
	chain: Arc<Chain>,
	signer: Signer,
	follower: Arc<Follower>,
	config: Config,
}

/// The outcome of one job run for a request.
pub struct Ran {
	/// The model that ran.
	pub model: Model,
	/// The job as submitted.
	pub submitted: Submitted,
	/// The settled job.
	pub job: Job,
}

impl Gateway {
	/// A gateway paying with `key`; starts following the chain.
	pub fn start(
		chain: Chain,
		key: subxt_signer::sr25519::Keypair,
		config: Config,
	) -> Arc<Gateway> {
		let chain = Arc::new(chain);
		let follower = Follower::new();
		tokio::spawn(follower.clone().run(chain.clone()));
		Arc::new(Gateway { chain, signer: Signer::new(key), follower, config })
	}

	/// Every registered model version, by id.
	pub async fn models(&self) -> Result<Vec<Model>, GatewayError> {
		Ok(self.chain.models().await?)
	}

	/// The model `name` (a registered name, or an id) at `version` (default: the newest).
	pub async fn resolve(&self, name: &str, version: Option<&str>) -> Result<Model, GatewayError> {
		resolve(self.models().await?, name, version)
	}

	/// What a job for `model` costs now, or why none can run.
	pub async fn quote(
		&self,
		model: ModelId,
		redundancy: Option<u32>,
	) -> Result<Quote<u128>, GatewayError> {
		match self
			.chain
			.rpc
			.request::<Quote<u128>>("market_quote", rpc_params![model, redundancy])
			.await
		{
			Ok(quote) => Ok(quote),
			Err(subxt::rpcs::Error::User(e)) if e.code == NO_QUOTE => {
				let reason =
					e.data.as_ref().and_then(|d| serde_json::from_str::<QuoteError>(d.get()).ok());
				Err(match reason {
					Some(QuoteError::NotEnoughProviders { eligible }) => {
						match self.redundancy_or_default(redundancy).await {
							Ok(redundancy) => {
								GatewayError::NotEnoughProviders { eligible, redundancy }
							}
							Err(e) => e,
						}
					}
					Some(QuoteError::UnknownModel) => {
						GatewayError::UnknownModel(format!("#{model}"))
					}
					Some(QuoteError::ModelDeprecated) => {
						GatewayError::ModelDeprecated(format!("#{model}"))
					}
					Some(QuoteError::InvalidRedundancy { max }) => GatewayError::BadRequest(
						format!("the gateway's redundancy is outside 1..={max}"),
					),
					Some(QuoteError::Overflow) | None => GatewayError::Chain(e.message),
				})
			}
			Err(e) => Err(GatewayError::Chain(e.to_string())),
		}
	}

	/// `redundancy`, or the chain's governed default when the gateway sets none.
	async fn redundancy_or_default(&self, redundancy: Option<u32>) -> Result<u32, GatewayError> {
		if let Some(r) = redundancy {
			return Ok(r);
		}
		let parameters: MarketParameters<u128, u32> =
			self.chain.market("market_parameters", rpc_params![]).await?;
		Ok(parameters.default_redundancy)
	}

	/// Runs one job of `model` on `input` to settlement, in a task of its own: if the caller
	/// goes away, the job is still followed to its end (and logged).
	pub async fn run(self: &Arc<Self>, model: Model, input: Vec<u8>) -> Result<Ran, GatewayError> {
		let gateway = self.clone();
		tokio::spawn(async move {
			let (submitted, _) = gateway.submit(&model, input).await?;
			let job = gateway.settle(&submitted).await?;
			Ok(Ran { model, submitted, job })
		})
		.await
		.map_err(|e| GatewayError::Chain(format!("the job's task failed: {e}")))?
	}

	/// Quotes and submits a job; logs it.
	pub async fn submit(
		&self,
		model: &Model,
		input: Vec<u8>,
	) -> Result<(Submitted, Quote<u128>), GatewayError> {
		let quote = self.quote(model.id, self.config.redundancy).await?;
		let submitted = self.signer.submit_job(&self.chain, model.id, input, &quote).await?;
		log(
			&submitted,
			Phase::Submitted,
			&format!(
				"model {} v{}, {} provider(s), {} held",
				String::from_utf8_lossy(&model.name),
				model.version,
				submitted.providers.len(),
				crate::spec::format_amount(submitted.price)
			),
		);
		Ok((submitted, quote))
	}

	/// Follows a submitted job to settlement, logging each step.
	pub async fn settle(&self, submitted: &Submitted) -> Result<Job, GatewayError> {
		let job_id = submitted.job_id;
		let _log = self.follower.log_steps(job_id);
		jobs::wait_settled(&self.chain, &self.follower, job_id, self.config.timeout).await
	}

	/// Refuses a batch of `n` jobs the account cannot pay the prices of, before any is sent (each
	/// job's transaction still checks its own fee).
	async fn check_batch_funds(&self, model: &Model, n: usize) -> Result<(), GatewayError> {
		let quote = self.quote(model.id, self.config.redundancy).await?;
		let needed = quote.total.saturating_mul(n as u128);
		let available = self.signer.free_balance(&self.chain).await?;
		if available < needed {
			return Err(GatewayError::InsufficientBalance { needed, available });
		}
		Ok(())
	}

	/// The `parameters` of a request's answer: one job's ([`Self::answer_parameters`]), or for
	/// a batch, each parameter's values of every element in order, joined by commas, and
	/// `batch_size`.
	fn batch_parameters(&self, ran: &[Ran]) -> Map<String, Value> {
		let all: Vec<Map<String, Value>> = ran.iter().map(|r| self.answer_parameters(r)).collect();
		let [one] = all.as_slice() else {
			let mut joined = Map::new();
			let keys: Vec<&String> = all.first().map(|m| m.keys().collect()).unwrap_or_default();
			for key in keys {
				let values: Vec<String> = all
					.iter()
					.map(|m| match m.get(key) {
						Some(Value::String(text)) => text.clone(),
						Some(other) => other.to_string(),
						None => String::new(),
					})
					.collect();
				joined.insert(key.clone(), Value::from(values.join(",")));
			}
			joined.insert("batch_size".into(), Value::from(all.len()));
			return joined;
		};
		one.clone()
	}

	/// The `parameters` of an answer: job, providers, price, block, output hash, attestation.
	fn answer_parameters(&self, ran: &Ran) -> Map<String, Value> {
		let mut p = Map::new();
		p.insert("job_id".into(), Value::from(ran.job.id));
		p.insert("model_id".into(), Value::from(ran.model.id));
		let providers: Vec<String> =
			ran.submitted.providers.iter().map(|a| a.to_string()).collect();
		p.insert("providers".into(), Value::from(providers.join(",")));
		p.insert("price".into(), Value::from(ran.job.price.to_string()));
		if let Some(at) = ran.job.status.finished_at() {
			p.insert("block".into(), Value::from(at));
		}
		if let infera_primitives::job::JobStatus::Completed { output_hash, .. } = ran.job.status {
			p.insert("output_hash".into(), Value::from(format!("0x{}", hex::encode(output_hash))));
		}
		if let Some(reveal) = self
			.follower
			.timeline(ran.job.id)
			.into_iter()
			.find(|e| e.phase == Phase::Revealed && e.attestation.is_some())
		{
			p.insert("attestation".into(), Value::from(reveal.attestation));
			p.insert("attested_by".into(), Value::from(reveal.provider.map(|a| a.to_string())));
		}
		p
	}
}

fn log(submitted: &Submitted, phase: Phase, detail: &str) {
	eprintln!("gateway: job {}: {} ({detail})", submitted.job_id, phase_name(phase));
}

/// A phase as the logs and console name it.
pub fn phase_name(phase: Phase) -> &'static str {
	match phase {
		Phase::Submitted => "submitted",
		Phase::Assigned => "assigned",
		Phase::Committed => "committed",
		Phase::RevealOpened => "reveal opened",
		Phase::Revealed => "revealed",
		Phase::AuditOpened => "audit opened",
		Phase::ArbitrationOpened => "arbitration opened",
		Phase::Paid => "paid",
		Phase::Refused => "refused",
		Phase::Failed => "failed, refunded",
		Phase::CancelRequested => "cancel requested",
		Phase::Cancelled => "cancelled",
		Phase::Slashed => "slashed",
	}
}

/// The model `name` at `version` among `models`; see [`Gateway::resolve`].
pub fn resolve(
	models: Vec<Model>,
	name: &str,
	version: Option<&str>,
) -> Result<Model, GatewayError> {
	let unknown = || {
		GatewayError::UnknownModel(match version {
			Some(v) => format!("{name} version {v}"),
			None => name.to_string(),
		})
	};
	let named: Vec<Model> = models
		.into_iter()
		.filter(|m| m.name == name.as_bytes() || name.parse() == Ok(m.id))
		.collect();
	let mut lineages: Vec<ModelId> = named.iter().map(|m| m.latest).collect();
	lineages.sort_unstable();
	lineages.dedup();
	if lineages.len() > 1 {
		return Err(GatewayError::AmbiguousModel { name: name.into(), ids: lineages });
	}
	let model = match version {
		Some(v) => {
			let v: u32 = v.parse().map_err(|_| unknown())?;
			named.into_iter().find(|m| m.version == v)
		}
		// An id names its own version; a name the lineage's newest.
		None => named
			.iter()
			.find(|m| name.parse() == Ok(m.id))
			.cloned()
			.or_else(|| named.into_iter().find(|m| m.id == m.latest)),
	}
	.ok_or_else(unknown)?;
	if model.deprecated {
		return Err(GatewayError::ModelDeprecated(format!("{name} version {}", model.version)));
	}
	Ok(model)
}

/// The gateway's routes: the V2 protocol under `/v2`, the console at `/`.
pub fn router(gateway: Arc<Gateway>) -> Router {
	Router::new()
		.route("/v2", get(server_metadata))
		.route("/v2/health/live", get(live))
		.route("/v2/health/ready", get(ready))
		.route("/v2/models/{name}", get(model_metadata))
		.route("/v2/models/{name}/ready", get(model_ready))
		.route("/v2/models/{name}/infer", post(infer))
		.route("/v2/models/{name}/versions/{version}", get(version_metadata))
		.route("/v2/models/{name}/versions/{version}/ready", get(version_ready))
		.route("/v2/models/{name}/versions/{version}/infer", post(version_infer))
		.merge(console::router())
		.route_layer(axum::middleware::from_fn_with_state(gateway.clone(), require_token))
		.with_state(gateway)
}

/// Refuses a request that spends the gateway's funds (every `POST`: a V2 inference or a console
/// job) unless it presents the gateway's token. Reads (`GET`) show public chain data and stay
/// open.
async fn require_token(
	State(gw): Shared,
	request: axum::extract::Request,
	next: axum::middleware::Next,
) -> axum::response::Response {
	let admitted = match &gw.config.token {
		None => true,
		Some(_) if request.method() != axum::http::Method::POST => true,
		Some(token) => token
			.admits(request.headers().get(axum::http::header::AUTHORIZATION).map(|v| v.as_bytes())),
	};
	if admitted {
		next.run(request).await
	} else {
		GatewayError::Unauthorized.into_response()
	}
}

/// The gateway's token in `path` (see [`Config::token`]), warning when the file is readable by
/// others.
pub fn load_token(path: &std::path::Path) -> anyhow::Result<BearerToken> {
	let (token, loose) = BearerToken::from_file(path)?;
	if let Some(mode) = loose {
		eprintln!(
			"gateway: warning: token file {} is readable by others (mode {mode:o}): chmod 600 it",
			path.display()
		);
	}
	Ok(token)
}

/// Serves `gateway` on `listen` until ctrl-c.
pub async fn serve(gateway: Arc<Gateway>, listen: SocketAddr) -> anyhow::Result<()> {
	let listener = tokio::net::TcpListener::bind(listen).await?;
	eprintln!(
		"gateway: listening on http://{} (V2 at /v2, console at /), paying with {}; {}",
		listener.local_addr()?,
		gateway.signer.account,
		if gateway.config.token.is_some() {
			"requests that spend need the token"
		} else {
			"no token: whoever reaches this address spends the account"
		}
	);
	axum::serve(listener, router(gateway))
		.with_graceful_shutdown(async {
			let _ = tokio::signal::ctrl_c().await;
		})
		.await?;
	Ok(())
}

type Shared = State<Arc<Gateway>>;

async fn server_metadata() -> Json<oip::ServerMetadata> {
	Json(oip::ServerMetadata {
		name: "infera-gateway".into(),
		version: env!("CARGO_PKG_VERSION").into(),
		extensions: vec![oip::BINARY_EXTENSION.into()],
	})
}

async fn live() -> StatusCode {
	StatusCode::OK
}

/// Ready once the gateway follows finalized blocks.
async fn ready(State(gw): Shared) -> StatusCode {
	match gw.follower.tip() {
		Some(_) => StatusCode::OK,
		None => StatusCode::SERVICE_UNAVAILABLE,
	}
}

async fn metadata(
	gw: &Gateway,
	name: &str,
	version: Option<&str>,
) -> Result<Json<oip::ModelMetadata>, GatewayError> {
	let models = gw.models().await?;
	let model = resolve(models.clone(), name, version)?;
	let mut versions: Vec<&Model> =
		models.iter().filter(|m| m.latest == model.latest && !m.deprecated).collect();
	versions.sort_by_key(|m| m.version);
	Ok(Json(oip::ModelMetadata {
		name: String::from_utf8_lossy(&model.name).into_owned(),
		versions: versions.iter().map(|m| m.version.to_string()).collect(),
		platform: "pytorch_libtorch".into(),
		inputs: vec![oip::input_metadata(&model.input)],
		outputs: vec![oip::output_metadata(model.rule, &model.output)],
	}))
}

async fn model_metadata(State(gw): Shared, Path(name): Path<String>) -> Response {
	metadata(&gw, &name, None).await.into_response()
}

async fn version_metadata(
	State(gw): Shared,
	Path((name, version)): Path<(String, String)>,
) -> Response {
	metadata(&gw, &name, Some(&version)).await.into_response()
}

/// Ready when a job could run now: the model takes jobs and enough providers are eligible.
async fn model_ready_at(
	gw: &Gateway,
	name: &str,
	version: Option<&str>,
) -> Result<StatusCode, GatewayError> {
	let model = gw.resolve(name, version).await?;
	gw.quote(model.id, gw.config.redundancy).await?;
	Ok(StatusCode::OK)
}

async fn model_ready(State(gw): Shared, Path(name): Path<String>) -> Response {
	model_ready_at(&gw, &name, None).await.into_response()
}

async fn version_ready(
	State(gw): Shared,
	Path((name, version)): Path<(String, String)>,
) -> Response {
	model_ready_at(&gw, &name, Some(&version)).await.into_response()
}

async fn infer(
	State(gw): Shared,
	Path(name): Path<String>,
	headers: HeaderMap,
	body: Bytes,
) -> Response {
	infer_at(gw, &name, None, &headers, &body).await.unwrap_or_else(IntoResponse::into_response)
}

async fn version_infer(
	State(gw): Shared,
	Path((name, version)): Path<(String, String)>,
	headers: HeaderMap,
	body: Bytes,
) -> Response {
	infer_at(gw, &name, Some(&version), &headers, &body)
		.await
		.unwrap_or_else(IntoResponse::into_response)
}

async fn infer_at(
	gw: Arc<Gateway>,
	name: &str,
	version: Option<&str>,
	headers: &HeaderMap,
	body: &[u8],
) -> Result<Response, GatewayError> {
	let header_len = match headers.get(oip::HEADER_LENGTH) {
		Some(v) => Some(v.to_str().ok().and_then(|v| v.parse().ok()).ok_or_else(|| {
			GatewayError::BadRequest(format!("{} is not a length", oip::HEADER_LENGTH))
		})?),
		None => None,
	};
	let model = gw.resolve(name, version).await?;
	let parsed = oip::parse_request(body, header_len)?;
	let (inputs, batch) = oip::input_bytes(&parsed, &model.input)?;
	let binary = oip::wants_binary_output(&parsed.request);
	if inputs.len() > 1 {
		gw.check_batch_funds(&model, inputs.len()).await?;
	}
	let model_name = String::from_utf8_lossy(&model.name).into_owned();
	let model_version = model.version.to_string();
	let runs =
		futures::future::join_all(inputs.into_iter().map(|input| gw.run(model.clone(), input)))
			.await;
	let (ran, outputs) = batch_outputs(runs)?;
	let response = oip::InferResponse {
		model_name,
		model_version,
		id: parsed.request.id.clone(),
		parameters: gw.batch_parameters(&ran),
		outputs: Vec::new(),
	};
	let (body, json_len) = oip::render_response(response, &outputs, batch, binary);
	let mut response = (StatusCode::OK, body).into_response();
	let headers = response.headers_mut();
	headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
	if let Some(len) = json_len {
		headers.insert(oip::HEADER_LENGTH, HeaderValue::from(len));
		headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
	}
	Ok(response)
}

/// The runs of a request's batch elements and their decoded outputs, in order; the first
/// element without an output fails the request, naming the jobs that were answered (they
/// settled by the chain's rules: paid for, and readable on the console).
fn batch_outputs(
	runs: Vec<Result<Ran, GatewayError>>,
) -> Result<(Vec<Ran>, Vec<oip::DecodedOutput>), GatewayError> {
	let single = runs.len() == 1;
	let mut failure = None;
	let mut ran = Vec::with_capacity(runs.len());
	let mut outputs = Vec::with_capacity(runs.len());
	for (index, run) in runs.into_iter().enumerate() {
		match run.and_then(|r| settled_output(&r).map(|output| (r, output))) {
			Ok((r, output)) => {
				ran.push(r);
				outputs.push(output);
			}
			Err(error) if failure.is_none() => failure = Some((index, error)),
			Err(_) => {}
		}
	}
	match failure {
		None => Ok((ran, outputs)),
		Some((_, error)) if single => Err(error),
		Some((index, error)) => Err(GatewayError::InBatch {
			index,
			answered: ran.iter().map(|r| r.job.id).collect(),
			error: Box::new(error),
		}),
	}
}

/// The decoded output of a settled job, or why it has none.
fn settled_output(ran: &Ran) -> Result<oip::DecodedOutput, GatewayError> {
	use infera_primitives::job::{FailureReason, JobStatus};
	let job_id = ran.job.id;
	match (&ran.job.status, &ran.job.result) {
		(JobStatus::Completed { .. }, Some(result)) => {
			oip::decode_output(ran.model.rule, &ran.model.output, result)
		}
		(JobStatus::Completed { .. }, None) => {
			Err(GatewayError::Chain(format!("job {job_id} completed without a stored result")))
		}
		(JobStatus::Failed { reason: FailureReason::NoAnswers, at }, _) => {
			Err(GatewayError::TimedOut { job_id, at: *at })
		}
		(JobStatus::Failed { reason: FailureReason::NoMajority, .. }, _) => {
			Err(GatewayError::NoResult { job_id, status: "failed: no_majority (refunded)".into() })
		}
		(JobStatus::Refused { reason, .. }, _) => Err(GatewayError::NoResult {
			job_id,
			status: format!("refused: the model cannot answer this input ({reason:?})"),
		}),
		(JobStatus::Cancelled { .. }, _) => {
			Err(GatewayError::NoResult { job_id, status: "cancelled".into() })
		}
		(JobStatus::Pending { .. } | JobStatus::Revealing { .. }, _) => {
			Err(GatewayError::StillOpen { job_id, waited_secs: 0 })
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use infera_primitives::model::{AgreementRule, DType, TensorSpec};

	fn model(id: ModelId, name: &str, version: u32, latest: ModelId, owner: u8) -> Model {
		let spec = TensorSpec { dtype: DType::F32, shape: vec![4].try_into().unwrap() };
		Model {
			id,
			owner: subxt::utils::AccountId32([owner; 32]),
			name: name.into(),
			version,
			latest,
			predecessor: None,
			successor: None,
			fee: 0,
			artifact_hash: [0; 32],
			artifact_uri: Vec::new(),
			input: spec.clone(),
			output: spec,
			rule: AgreementRule::TopK { k: 1 },
			input_len: 16,
			output_len: 4,
			deprecated: false,
			open_jobs: 0,
			deposit: 0,
		}
	}

	#[test]
	fn names_resolve_to_the_newest_version_ids_and_versions_to_themselves() {
		let models = vec![
			model(0, "digits", 1, 2, 1),
			model(1, "other", 1, 1, 1),
			model(2, "digits", 2, 2, 1),
		];
		assert_eq!(resolve(models.clone(), "digits", None).unwrap().id, 2);
		assert_eq!(resolve(models.clone(), "digits", Some("1")).unwrap().id, 0);
		assert_eq!(resolve(models.clone(), "0", None).unwrap().id, 0);
		assert!(matches!(
			resolve(models.clone(), "digits", Some("3")),
			Err(GatewayError::UnknownModel(_))
		));
		assert!(matches!(
			resolve(models.clone(), "nope", None),
			Err(GatewayError::UnknownModel(_))
		));
		let mut deprecated = models.clone();
		deprecated[2].deprecated = true;
		assert!(matches!(
			resolve(deprecated, "digits", None),
			Err(GatewayError::ModelDeprecated(_))
		));
	}

	#[test]
	fn a_name_two_authors_registered_is_ambiguous() {
		let models = vec![model(0, "digits", 1, 0, 1), model(1, "digits", 1, 1, 2)];
		match resolve(models, "digits", None) {
			Err(GatewayError::AmbiguousModel { ids, .. }) => assert_eq!(ids, vec![0, 1]),
			other => panic!("{:?}", other.map(|m| m.id)),
		}
	}
}
