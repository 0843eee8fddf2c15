//! The `market_*` JSON-RPC methods: quotes, models, providers, jobs and parameters, answered by
//! the runtime's [`MarketApi`] at the best block (or the block `at`, where a method takes one).
//!
//! Errors carry a code per cause, so tools can tell them apart:
//! [`UNKNOWN_MODEL`], [`UNKNOWN_JOB`], [`UNKNOWN_PROVIDER`], [`NO_QUOTE`] (with the reason as
//! `data`), [`PAGE_TOO_LARGE`] and [`RUNTIME_ERROR`].

use std::sync::Arc;

use infera_primitives::{
	market::{
		JobView, MarketApi as MarketRuntimeApi, MarketParameters, ModelView, ProviderView, Quote,
		MAX_PAGE,
	},
	AccountId, Balance, BlockNumber, JobId, ModelId,
};
use infera_runtime::opaque::Block;
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{ErrorObject, ErrorObjectOwned},
};
use polkadot_sdk::{
	sp_api::{ApiError, ProvideRuntimeApi},
	sp_blockchain::HeaderBackend,
	sp_runtime::traits::Block as BlockT,
};

pub use infera_primitives::market::rpc_error::{
	NO_QUOTE, PAGE_TOO_LARGE, RUNTIME_ERROR, UNKNOWN_JOB, UNKNOWN_MODEL, UNKNOWN_PROVIDER,
};

/// A job as the RPC returns it.
pub type Job = JobView<AccountId, Balance, BlockNumber>;

/// The `market_*` methods.
#[rpc(server, namespace = "market")]
pub trait MarketApi<BlockHash> {
	/// What a job for `model` with `redundancy` providers (default: the governed default) costs
	/// now, with its breakdown: providers, author fee, protocol fee and total.
	#[method(name = "quote")]
	fn quote(
		&self,
		model: ModelId,
		redundancy: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Quote<Balance>>;

	/// Up to `limit` (default and most: 100) models with ids above `after`, by id.
	#[method(name = "models")]
	fn models(
		&self,
		after: Option<ModelId>,
		limit: Option<u32>,
	) -> RpcResult<Vec<ModelView<AccountId, Balance>>>;

	/// One model: its spec, fee, artifact and newest version.
	#[method(name = "model")]
	fn model(&self, id: ModelId) -> RpcResult<ModelView<AccountId, Balance>>;

	/// The providers serving `model`, with stake, price, capacity and record.
	#[method(name = "providers")]
	fn providers(
		&self,
		model: ModelId,
	) -> RpcResult<Vec<ProviderView<AccountId, Balance, BlockNumber>>>;

	/// One provider, with stake, price, capacity and record.
	#[method(name = "provider")]
	fn provider(
		&self,
		account: AccountId,
	) -> RpcResult<ProviderView<AccountId, Balance, BlockNumber>>;

	/// One job: status, providers and their answers, result, timings.
	#[method(name = "job")]
	fn job(&self, id: JobId, at: Option<BlockHash>) -> RpcResult<Job>;

	/// Up to `limit` (default and most: 100) jobs of `account`, newest first, with ids below
	/// `before` (pass the last id of a page to get the next).
	#[method(name = "jobsOf")]
	fn jobs_of(
		&self,
		account: AccountId,
		before: Option<JobId>,
		limit: Option<u32>,
	) -> RpcResult<Vec<Job>>;

	/// The marketplace parameters in force (set by governance).
	#[method(name = "parameters")]
	fn parameters(&self) -> RpcResult<MarketParameters<Balance, BlockNumber>>;
}

/// Serves [`MarketApiServer`] from a client's runtime API.
pub struct Market<C> {
	client: Arc<C>,
}

impl<C> Market<C> {
	/// Serves from `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

fn error(code: i32, message: impl Into<String>) -> ErrorObjectOwned {
	ErrorObject::owned(code, message.into(), None::<()>)
}

fn runtime_error(e: ApiError) -> ErrorObjectOwned {
	error(RUNTIME_ERROR, format!("runtime call failed: {e}"))
}

fn page_limit(limit: Option<u32>) -> RpcResult<u32> {
	match limit.unwrap_or(MAX_PAGE) {
		l if l > MAX_PAGE => {
			Err(error(PAGE_TOO_LARGE, format!("limit {l} is above the largest page, {MAX_PAGE}")))
		}
		l => Ok(l),
	}
}

impl<C> Market<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block>,
	C::Api: MarketRuntimeApi<Block, AccountId, Balance, BlockNumber>,
{
	/// Calls the runtime API at `at` (default: the best block).
	fn call<R>(
		&self,
		at: Option<<Block as BlockT>::Hash>,
		f: impl FnOnce(
			&<C as ProvideRuntimeApi<Block>>::Api,
			<Block as BlockT>::Hash,
		) -> Result<R, ApiError>,
	) -> RpcResult<R> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		f(&self.client.runtime_api(), at).map_err(runtime_error)
	}
}

impl<C> MarketApiServer<<Block as BlockT>::Hash> for Market<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: MarketRuntimeApi<Block, AccountId, Balance, BlockNumber>,
{
	fn quote(
		&self,
		model: ModelId,
		redundancy: Option<u32>,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<Quote<Balance>> {
		self.call(at, |api, at| api.quote(at, model, redundancy))?.map_err(|reason| {
			ErrorObject::owned(
				NO_QUOTE,
				format!("no quote for model {model}: {reason:?}"),
				Some(reason),
			)
		})
	}

	fn models(
		&self,
		after: Option<ModelId>,
		limit: Option<u32>,
	) -> RpcResult<Vec<ModelView<AccountId, Balance>>> {
		let limit = page_limit(limit)?;
		self.call(None, |api, at| api.models(at, after, limit))
	}

	fn model(&self, id: ModelId) -> RpcResult<ModelView<AccountId, Balance>> {
		self.call(None, |api, at| api.model(at, id))?
			.ok_or_else(|| error(UNKNOWN_MODEL, format!("no model has id {id}")))
	}

	fn providers(
		&self,
		model: ModelId,
	) -> RpcResult<Vec<ProviderView<AccountId, Balance, BlockNumber>>> {
		self.call(None, |api, at| api.providers(at, model))?
			.ok_or_else(|| error(UNKNOWN_MODEL, format!("no model has id {model}")))
	}

	fn provider(
		&self,
		account: AccountId,
	) -> RpcResult<ProviderView<AccountId, Balance, BlockNumber>> {
		self.call(None, |api, at| api.provider(at, account.clone()))?
			.ok_or_else(|| error(UNKNOWN_PROVIDER, format!("{account} is not a provider")))
	}

	fn job(&self, id: JobId, at: Option<<Block as BlockT>::Hash>) -> RpcResult<Job> {
		self.call(at, |api, at| api.job(at, id))?.ok_or_else(|| {
			error(
				UNKNOWN_JOB,
				format!("no job has id {id} (finished jobs expire after their retention)"),
			)
		})
	}

	fn jobs_of(
		&self,
		account: AccountId,
		before: Option<JobId>,
		limit: Option<u32>,
	) -> RpcResult<Vec<Job>> {
		let limit = page_limit(limit)?;
		self.call(None, |api, at| api.jobs_of(at, account, before, limit))
	}

	fn parameters(&self) -> RpcResult<MarketParameters<Balance, BlockNumber>> {
		self.call(None, |api, at| api.parameters(at))
	}
}
