//! The gateway's one error enum, mapped once to an HTTP status and a V2 error body
//! (`{"error": "<Name>: <message>", "code": "<Name>", …details}`). Names are the chain's error
//! names where the chain decided (`NotEnoughProviders`, `InsufficientBalance`), so a client can
//! tell causes apart without parsing messages.

use axum::{
	http::StatusCode,
	response::{IntoResponse, Response},
	Json,
};
use infera_primitives::{JobId, ModelId};
use serde_json::{json, Map, Value};

/// Why a request failed.
#[derive(Debug)]
pub enum GatewayError {
	/// No model has this name (and version).
	UnknownModel(String),
	/// No job has this id (or it expired).
	UnknownJob(JobId),
	/// The name is registered by more than one author; address the model by id.
	AmbiguousModel {
		/// The name asked for.
		name: String,
		/// The newest version of each lineage with that name.
		ids: Vec<ModelId>,
	},
	/// The version is deprecated and takes no new jobs.
	ModelDeprecated(String),
	/// The request is not well-formed V2.
	BadRequest(String),
	/// The input's shape is not the model's.
	ShapeMismatch {
		/// The model's input shape (a leading batch dimension of 1 to 16 is also accepted).
		expected: Vec<i64>,
		/// The request's.
		got: Vec<i64>,
	},
	/// The input's datatype is not the model's.
	DatatypeMismatch {
		/// The model's V2 datatype.
		expected: String,
		/// The request's.
		got: String,
	},
	/// The gateway's account cannot pay for the job.
	InsufficientBalance {
		/// The job's price plus the transaction fee.
		needed: u128,
		/// The account's free balance.
		available: u128,
	},
	/// Too few providers can take the job now.
	NotEnoughProviders {
		/// Eligible providers.
		eligible: u32,
		/// Providers the job needs.
		redundancy: u32,
	},
	/// The chain refused the transaction; `name` is its error (`JobEscrow::PriceAboveMax`).
	Dispatch {
		/// `Pallet::Error`.
		name: String,
		/// The error's documentation.
		docs: String,
	},
	/// Nobody answered by the deadline: the job was refunded.
	TimedOut {
		/// The job.
		job_id: JobId,
		/// Block of the refund.
		at: u32,
	},
	/// The job settled without an output.
	NoResult {
		/// The job.
		job_id: JobId,
		/// How it ended (`failed: no_majority`, `refused: forward_failed`, `cancelled`).
		status: String,
	},
	/// The gateway stopped waiting before the job settled; it settles by the chain's rules.
	StillOpen {
		/// The job.
		job_id: JobId,
		/// Seconds waited.
		waited_secs: u64,
	},
	/// One element of a batch got no output; the others' jobs (`answered`) settled and were
	/// paid for.
	InBatch {
		/// The element, from 0.
		index: usize,
		/// Jobs of the other elements that were answered.
		answered: Vec<JobId>,
		/// What happened to the element.
		error: Box<GatewayError>,
	},
	/// The request spends the gateway's funds and did not present its token
	/// (`infera gateway --token-file`).
	Unauthorized,
	/// The node failed or answered something unexpected.
	Chain(String),
}

impl GatewayError {
	/// The error's name, as in the body's `code`.
	pub fn name(&self) -> &str {
		match self {
			GatewayError::UnknownModel(_) => "UnknownModel",
			GatewayError::UnknownJob(_) => "UnknownJob",
			GatewayError::AmbiguousModel { .. } => "AmbiguousModel",
			GatewayError::ModelDeprecated(_) => "ModelDeprecated",
			GatewayError::BadRequest(_) => "BadRequest",
			GatewayError::ShapeMismatch { .. } => "InputShapeMismatch",
			GatewayError::DatatypeMismatch { .. } => "InputDatatypeMismatch",
			GatewayError::InsufficientBalance { .. } => "InsufficientBalance",
			GatewayError::NotEnoughProviders { .. } => "NotEnoughProviders",
			GatewayError::Dispatch { name, .. } => name,
			GatewayError::TimedOut { .. } => "TimedOutRefunded",
			GatewayError::NoResult { .. } => "NoResult",
			GatewayError::StillOpen { .. } => "StillOpen",
			GatewayError::InBatch { error, .. } => error.name(),
			GatewayError::Unauthorized => "Unauthorized",
			GatewayError::Chain(_) => "ChainError",
		}
	}

	/// The HTTP status.
	pub fn status(&self) -> StatusCode {
		match self {
			GatewayError::UnknownModel(_) | GatewayError::UnknownJob(_) => StatusCode::NOT_FOUND,
			GatewayError::AmbiguousModel { .. } => StatusCode::CONFLICT,
			GatewayError::ModelDeprecated(_) => StatusCode::GONE,
			GatewayError::BadRequest(_)
			| GatewayError::ShapeMismatch { .. }
			| GatewayError::DatatypeMismatch { .. } => StatusCode::BAD_REQUEST,
			GatewayError::InsufficientBalance { .. } => StatusCode::PAYMENT_REQUIRED,
			GatewayError::NotEnoughProviders { .. } => StatusCode::SERVICE_UNAVAILABLE,
			GatewayError::Dispatch { name, .. }
				if name.ends_with("InsufficientBalance") || name.ends_with("FundsUnavailable") =>
			{
				StatusCode::PAYMENT_REQUIRED
			}
			GatewayError::Dispatch { .. } => StatusCode::UNPROCESSABLE_ENTITY,
			GatewayError::TimedOut { .. } | GatewayError::StillOpen { .. } => {
				StatusCode::GATEWAY_TIMEOUT
			}
			GatewayError::InBatch { error, .. } => error.status(),
			GatewayError::Unauthorized => StatusCode::UNAUTHORIZED,
			GatewayError::NoResult { .. } | GatewayError::Chain(_) => StatusCode::BAD_GATEWAY,
		}
	}

	/// A sentence for people.
	pub fn message(&self) -> String {
		match self {
			GatewayError::UnknownModel(m) => format!("no model {m} is registered on chain"),
			GatewayError::UnknownJob(id) => {
				format!("no job {id} (jobs expire after the result retention)")
			}
			GatewayError::AmbiguousModel { name, ids } => format!(
				"{} authors registered a model named {name} (ids {ids:?}); address it by id",
				ids.len()
			),
			GatewayError::ModelDeprecated(m) => {
				format!("model {m} is deprecated and takes no new jobs")
			}
			GatewayError::BadRequest(m) => m.clone(),
			GatewayError::ShapeMismatch { expected, got } => {
				format!("the input's shape is {got:?}; the model takes {expected:?}")
			}
			GatewayError::DatatypeMismatch { expected, got } => {
				format!("the input's datatype is {got}; the model takes {expected}")
			}
			GatewayError::InsufficientBalance { needed, available } => format!(
				"the gateway's account has {} free; the job needs {}",
				crate::spec::format_amount(*available),
				crate::spec::format_amount(*needed)
			),
			GatewayError::NotEnoughProviders { eligible, redundancy } => {
				format!("{eligible} providers can take the job now; it needs {redundancy}")
			}
			GatewayError::Dispatch { name, docs } => {
				format!("the chain refused the job: {name}: {docs}")
			}
			GatewayError::TimedOut { job_id, at } => {
				format!("job {job_id} got no answer by its deadline; it was refunded at block {at}")
			}
			GatewayError::NoResult { job_id, status } => {
				format!("job {job_id} settled without an output: {status}")
			}
			GatewayError::StillOpen { job_id, waited_secs } => format!(
				"job {job_id} has not settled after {waited_secs} s; the chain settles it by its \
				 rules (paid, or refunded if nobody answers)"
			),
			GatewayError::InBatch { index, answered, error } => format!(
				"element {index} of the batch: {}; the jobs of the answered elements ({answered:?}) \
				 settled and were paid for",
				error.message()
			),
			GatewayError::Unauthorized => "this request spends the gateway's funds: send \
			                                 `Authorization: Bearer <the gateway's token>`"
				.into(),
			GatewayError::Chain(m) => format!("the node failed: {m}"),
		}
	}

	/// Machine-readable details added to the body.
	fn details(&self) -> Map<String, Value> {
		let value = match self {
			GatewayError::InBatch { index, answered, error } => {
				let mut details = error.details();
				details.insert("batch_index".into(), Value::from(*index));
				details.insert("answered_jobs".into(), json!(answered));
				return details;
			}
			GatewayError::AmbiguousModel { ids, .. } => json!({ "model_ids": ids }),
			GatewayError::ShapeMismatch { expected, got } => {
				json!({ "expected": expected, "got": got })
			}
			GatewayError::DatatypeMismatch { expected, got } => {
				json!({ "expected": expected, "got": got })
			}
			GatewayError::InsufficientBalance { needed, available } => {
				json!({ "needed": needed.to_string(), "available": available.to_string() })
			}
			GatewayError::NotEnoughProviders { eligible, redundancy } => {
				json!({ "eligible": eligible, "redundancy": redundancy })
			}
			GatewayError::TimedOut { job_id, at } => json!({ "job_id": job_id, "refunded_at": at }),
			GatewayError::NoResult { job_id, status } => {
				json!({ "job_id": job_id, "status": status })
			}
			GatewayError::StillOpen { job_id, .. } => json!({ "job_id": job_id }),
			GatewayError::UnknownModel(_)
			| GatewayError::UnknownJob(_)
			| GatewayError::ModelDeprecated(_)
			| GatewayError::BadRequest(_)
			| GatewayError::Dispatch { .. }
			| GatewayError::Unauthorized
			| GatewayError::Chain(_) => json!({}),
		};
		match value {
			Value::Object(map) => map,
			_ => Map::new(),
		}
	}
}

impl std::fmt::Display for GatewayError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "{}: {}", self.name(), self.message())
	}
}

impl std::error::Error for GatewayError {}

impl IntoResponse for GatewayError {
	fn into_response(self) -> Response {
		let mut body = self.details();
		body.insert("error".into(), Value::from(self.to_string()));
		body.insert("code".into(), Value::from(self.name()));
		let mut response = (self.status(), Json(Value::Object(body))).into_response();
		if matches!(self, GatewayError::Unauthorized) {
			response.headers_mut().insert(
				axum::http::header::WWW_AUTHENTICATE,
				axum::http::HeaderValue::from_static("Bearer"),
			);
		}
		response
	}
}

impl From<anyhow::Error> for GatewayError {
	fn from(e: anyhow::Error) -> Self {
		GatewayError::Chain(format!("{e:#}"))
	}
}

/// Errors of the node connection (subxt's several error types) are `ChainError`s.
macro_rules! chain_errors {
	($($t:ty),*) => {$(
		impl From<$t> for GatewayError {
			fn from(e: $t) -> Self {
				GatewayError::Chain(e.to_string())
			}
		}
	)*};
}

chain_errors!(
	subxt::Error,
	subxt::error::StorageError,
	subxt::error::StorageValueError,
	subxt::error::OnlineClientAtBlockError
);
