//! The web console the gateway serves at `/`: models with their live quotes, providers with
//! their stake and record, recent jobs with their timelines, a form to run a job on a `.npy`
//! file or an image, and the governance parameters and referenda.
//!
//! It is one static page (`client/console/`, compiled into the binary: nothing to build) whose
//! script reads the JSON endpoints below and updates live from a server-sent event stream of
//! finalized blocks (`/api/events`), never by reloading.
//!
//! | endpoint | answer |
//! | --- | --- |
//! | `GET /api/overview` | block, paying account, models with quotes at redundancy 1 and 3, providers, parameters, referenda |
//! | `GET /api/jobs` | the newest jobs with their timelines |
//! | `GET /api/jobs/{id}` | one job, its timeline and decoded output |
//! | `POST /api/jobs` | `{"model": id, "data": [numbers]}`: submits a job, answers with its id at once |
//! | `GET /api/events` | one `block` event per finalized block, with the job steps in it |

use super::{
	error::GatewayError,
	follower::{BlockNews, TimelineEntry},
	oip, Gateway, Model,
};
use crate::{
	chain::{Job, Provider},
	governance::{ReferendumIndex, ReferendumState},
	runtime::infera,
};
use axum::{
	extract::{Path, State},
	http::{header, StatusCode},
	response::{
		sse::{Event, KeepAlive, Sse},
		IntoResponse, Response,
	},
	routing::get,
	Json, Router,
};
use futures::{Stream, StreamExt};
use infera_primitives::{
	job::JobStatus,
	market::{MarketParameters, Quote},
	JobId,
};
use serde::{Deserialize, Serialize};
use std::{collections::BTreeMap, convert::Infallible, sync::Arc};
use subxt::{rpcs::rpc_params, utils::AccountId32};

/// Jobs `GET /api/jobs` lists.
const RECENT_JOBS: u64 = 20;
/// Referenda the overview lists, newest first.
const RECENT_REFERENDA: u32 = 10;
/// The redundancies the overview quotes each model at.
const QUOTED_REDUNDANCIES: [u32; 2] = [1, 3];

const INDEX_HTML: &str = include_str!("../../console/index.html");
const CONSOLE_JS: &str = include_str!("../../console/console.js");
const CONSOLE_CSS: &str = include_str!("../../console/console.css");

/// The console's routes.
pub fn router() -> Router<Arc<Gateway>> {
	Router::new()
		.route("/", get(|| async { asset("text/html; charset=utf-8", INDEX_HTML) }))
		.route("/console.js", get(|| async { asset("text/javascript", CONSOLE_JS) }))
		.route("/console.css", get(|| async { asset("text/css", CONSOLE_CSS) }))
		.route("/api/overview", get(overview))
		.route("/api/jobs", get(recent_jobs).post(run_job))
		.route("/api/jobs/{id}", get(job))
		.route("/api/events", get(events))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
	([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// A quote, or why there is none.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum QuoteOrError {
	/// The quote.
	Quote(Quote<u128>),
	/// The error's name and message.
	Error { code: String, message: String },
}

/// A model with its live quotes.
#[derive(Serialize)]
struct QuotedModel {
	#[serde(flatten)]
	model: Model,
	/// Quotes by redundancy.
	quotes: BTreeMap<u32, QuoteOrError>,
}

/// A referendum and where it is.
#[derive(Serialize)]
struct Referendum {
	index: ReferendumIndex,
	#[serde(flatten)]
	state: ReferendumState,
}

/// `GET /api/overview`.
#[derive(Serialize)]
struct Overview {
	block: Option<u32>,
	account: AccountId32,
	#[serde(with = "infera_primitives::serde_hex::display")]
	free: u128,
	models: Vec<QuotedModel>,
	providers: Vec<Provider>,
	parameters: MarketParameters<u128, u32>,
	referenda: Vec<Referendum>,
	/// Whether submitting a job needs the gateway's token.
	token_required: bool,
}

async fn overview(State(gw): State<Arc<Gateway>>) -> Result<Json<Overview>, GatewayError> {
	let models = gw.models().await?;
	let mut quoted = Vec::with_capacity(models.len());
	let mut providers: BTreeMap<AccountId32, Provider> = BTreeMap::new();
	for model in models {
		let mut quotes = BTreeMap::new();
		for r in QUOTED_REDUNDANCIES {
			let quote = match gw.quote(model.id, Some(r)).await {
				Ok(q) => QuoteOrError::Quote(q),
				Err(e) => QuoteOrError::Error { code: e.name().to_string(), message: e.message() },
			};
			quotes.insert(r, quote);
		}
		let serving: Vec<Provider> =
			gw.chain.market("market_providers", rpc_params![model.id]).await?;
		for p in serving {
			providers.insert(p.account, p);
		}
		quoted.push(QuotedModel { model, quotes });
	}
	Ok(Json(Overview {
		block: gw.follower.tip().map(|t| t.number),
		account: gw.signer.account,
		free: gw.signer.free_balance(&gw.chain).await?,
		models: quoted,
		providers: providers.into_values().collect(),
		parameters: gw.chain.market("market_parameters", rpc_params![]).await?,
		referenda: referenda(&gw).await?,
		token_required: gw.config.token.is_some(),
	}))
}

async fn referenda(gw: &Gateway) -> Result<Vec<Referendum>, GatewayError> {
	let at = gw.chain.client.at_current_block().await?;
	let count = at
		.storage()
		.try_fetch(infera::storage().referenda().referendum_count(), ())
		.await?
		.map(|v| v.decode())
		.transpose()?
		.unwrap_or(0);
	let mut out = Vec::new();
	for index in (count.saturating_sub(RECENT_REFERENDA)..count).rev() {
		out.push(Referendum { index, state: gw.chain.referendum(index).await? });
	}
	Ok(out)
}

/// A job with what the gateway saw of it.
#[derive(Serialize)]
struct JobDetail {
	job: Job,
	timeline: Vec<TimelineEntry>,
	/// The output decoded under the model's rule, once completed.
	output: Option<DecodedJson>,
}

/// A decoded output for the page.
#[derive(Serialize)]
struct DecodedJson {
	datatype: &'static str,
	shape: Vec<u64>,
	data: Vec<serde_json::Value>,
}

async fn detail(gw: &Gateway, job: Job) -> Result<JobDetail, GatewayError> {
	let output = match (&job.status, &job.result) {
		(JobStatus::Completed { .. }, Some(result)) => {
			let model: Model = gw.chain.market("market_model", rpc_params![job.model]).await?;
			let d = oip::decode_output(model.rule, &model.output, result)?;
			Some(DecodedJson { datatype: d.datatype, shape: d.shape, data: d.values.to_json() })
		}
		_ => None,
	};
	Ok(JobDetail { timeline: gw.follower.timeline(job.id), job, output })
}

async fn job(
	State(gw): State<Arc<Gateway>>,
	Path(id): Path<JobId>,
) -> Result<Json<JobDetail>, GatewayError> {
	let job = gw.chain.job(id).await?.ok_or(GatewayError::UnknownJob(id))?;
	Ok(Json(detail(&gw, job).await?))
}

async fn recent_jobs(State(gw): State<Arc<Gateway>>) -> Result<Json<Vec<JobDetail>>, GatewayError> {
	let at = gw.chain.client.at_current_block().await?;
	let next: JobId = at
		.storage()
		.try_fetch(infera::storage().job_escrow().next_job_id(), ())
		.await?
		.map(|v| v.decode())
		.transpose()?
		.unwrap_or(0);
	let mut out = Vec::new();
	for id in (next.saturating_sub(RECENT_JOBS)..next).rev() {
		if let Some(job) = crate::chain::job_at(&at, id).await? {
			out.push(detail(&gw, job).await?);
		}
	}
	Ok(Json(out))
}

/// `POST /api/jobs`.
#[derive(Deserialize)]
struct RunJob {
	/// Model id.
	model: infera_primitives::ModelId,
	/// The input's elements, row-major.
	data: Vec<f64>,
}

/// What `POST /api/jobs` answers at once.
#[derive(Serialize)]
struct Started {
	job_id: JobId,
	providers: Vec<AccountId32>,
	#[serde(with = "infera_primitives::serde_hex::display")]
	price: u128,
}

async fn run_job(
	State(gw): State<Arc<Gateway>>,
	Json(body): Json<RunJob>,
) -> Result<(StatusCode, Json<Started>), GatewayError> {
	let model: Model = gw.resolve(&body.model.to_string(), None).await?;
	let elements = model.input.element_count().unwrap_or(u64::MAX);
	if body.data.len() as u64 != elements {
		return Err(GatewayError::ShapeMismatch {
			expected: model.input.shape.iter().map(|&d| d as i64).collect(),
			got: vec![body.data.len() as i64],
		});
	}
	let input = crate::input::encode_numbers(&body.data, model.input.dtype)
		.map_err(|e| GatewayError::BadRequest(format!("{e:#}")))?;
	let (submitted, _) = gw.submit(&model, input).await?;
	let started = Started {
		job_id: submitted.job_id,
		providers: submitted.providers.clone(),
		price: submitted.price,
	};
	// Followed to its end for the logs; the page follows it through `/api/events`.
	let follower = gw.clone();
	tokio::spawn(async move {
		if let Err(e) = follower.settle(&submitted).await {
			eprintln!("gateway: job {}: {e}", submitted.job_id);
		}
	});
	Ok((StatusCode::ACCEPTED, Json(started)))
}

async fn events(
	State(gw): State<Arc<Gateway>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
	let news = tokio_stream_of(gw.follower.news());
	Sse::new(
		news.map(|block| Ok(Event::default().event("block").json_data(&block).unwrap_or_default())),
	)
	.keep_alive(KeepAlive::default())
}

/// The block announcements as a stream; a client that fell behind skips what it missed.
fn tokio_stream_of(
	rx: tokio::sync::broadcast::Receiver<BlockNews>,
) -> impl Stream<Item = BlockNews> {
	futures::stream::unfold(rx, |mut rx| async move {
		loop {
			match rx.recv().await {
				Ok(news) => return Some((news, rx)),
				Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
				Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
			}
		}
	})
}
