//! Read-only views of the job pallet for the marketplace API (`infera_primitives::market`):
//! quotes, jobs, an account's jobs and providers' records, and the parameters in force.

use crate::{
	job_of_newest_first_key, newest_first_key, BalanceOf, Config, Job, JobParameters, Jobs, Pallet,
	ProviderRecords, Results, UserJobs,
};
use alloc::vec::Vec;
use frame::prelude::*;
use infera_primitives::params::FeeRatio;
use infera_primitives::{
	market::{JobView, MarketParameters, ProviderRecord, Quote, QuoteError, MAX_PAGE},
	traits::{ModelRegistry, ProviderRegistry},
	JobId, ModelId,
};

/// A job as the marketplace API shows it.
pub type JobViewOf<T> =
	JobView<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

impl<T: Config> Pallet<T> {
	/// What a job for `model` with `redundancy` providers (default if `None`) would cost now:
	/// the `redundancy` highest prices among the eligible providers, plus the author and
	/// protocol fees. A `max_price` of its total never fails with `PriceAboveMax` in the same
	/// block.
	pub fn quote(
		model: ModelId,
		redundancy: Option<u32>,
	) -> Result<Quote<BalanceOf<T>>, QuoteError> {
		let info = T::Models::model(model).ok_or(QuoteError::UnknownModel)?;
		if info.deprecated {
			return Err(QuoteError::ModelDeprecated);
		}
		let max = Self::max_redundancy();
		let r = redundancy.unwrap_or_else(Self::default_redundancy);
		if r == 0 || r > max {
			return Err(QuoteError::InvalidRedundancy { max });
		}
		let mut candidates = T::Providers::eligible_providers(model);
		candidates.truncate(T::MaxCandidates::get() as usize);
		let eligible = candidates.len() as u32;
		if eligible < r {
			return Err(QuoteError::NotEnoughProviders { eligible });
		}
		let mut prices: Vec<BalanceOf<T>> = candidates.into_iter().map(|c| c.price).collect();
		prices.sort_unstable_by(|a, b| b.cmp(a));
		let providers = prices
			.into_iter()
			.take(r as usize)
			.try_fold(BalanceOf::<T>::zero(), |acc, p| acc.checked_add(&p))
			.ok_or(QuoteError::Overflow)?;
		let stored = info.input_len.saturating_add(info.canonical_output_len);
		let protocol_fee = Self::protocol_fee_of(providers, stored).ok_or(QuoteError::Overflow)?;
		let audit_fee = Self::audit_fee_of(r, providers, &Self::current_terms());
		let total = providers
			.checked_add(&info.fee)
			.and_then(|t| t.checked_add(&protocol_fee))
			.and_then(|t| t.checked_add(&audit_fee))
			.ok_or(QuoteError::Overflow)?;
		Ok(Quote {
			model,
			redundancy: r,
			eligible_providers: eligible,
			providers,
			author_fee: info.fee,
			protocol_fee,
			audit_fee,
			total,
		})
	}

	/// Job `id` with its result, until it expires.
	pub fn job_view(id: JobId) -> Option<JobViewOf<T>> {
		Jobs::<T>::get(id).map(|job| Self::view_of(id, job))
	}

	/// Up to `limit` (at most [`MAX_PAGE`]) jobs of `user`, newest first, with ids below
	/// `before`.
	pub fn jobs_of(user: &T::AccountId, before: Option<JobId>, limit: u32) -> Vec<JobViewOf<T>> {
		let limit = limit.min(MAX_PAGE) as usize;
		let keys = match before {
			// Raw keys after `before`'s own key are the older jobs.
			Some(id) => UserJobs::<T>::iter_key_prefix_from(
				user,
				UserJobs::<T>::hashed_key_for(user, newest_first_key(id)),
			),
			None => UserJobs::<T>::iter_key_prefix(user),
		};
		keys.take(limit).filter_map(|key| Self::job_view(job_of_newest_first_key(key))).collect()
	}

	/// `who`'s record: answers paid and outvoted, deadlines missed, stake slashed.
	pub fn provider_record(who: &T::AccountId) -> ProviderRecord<BalanceOf<T>> {
		ProviderRecords::<T>::get(who)
	}

	/// The job parameters in force, after the pallet's caps.
	pub fn parameters<B>(
		min_provider_stake: B,
		unbonding_period: BlockNumberFor<T>,
	) -> MarketParameters<B, BlockNumberFor<T>>
	where
		B: From<BalanceOf<T>>,
	{
		let terms = Self::current_terms();
		MarketParameters {
			default_redundancy: Self::default_redundancy(),
			max_redundancy: Self::max_redundancy(),
			commit_period: Self::commit_period(),
			reveal_period: Self::reveal_period(),
			wrong_result_slash: terms.wrong_result_slash,
			timeout_slash: terms.timeout_slash,
			protocol_fee: T::Parameters::protocol_fee().min(FeeRatio::max()),
			cancel_grace: terms.cancel_grace,
			byte_fee: T::Parameters::byte_fee().into(),
			audit_rate: terms.audit_rate,
			min_provider_stake,
			unbonding_period,
			max_input_bytes: Self::max_input_bytes(),
			max_output_bytes: Self::max_output_bytes(),
			result_retention: T::Parameters::result_retention(),
		}
	}

	fn view_of(id: JobId, job: Job<T>) -> JobViewOf<T> {
		let price = job.price();
		JobView {
			id,
			user: job.user,
			model: job.model,
			input_hash: job.input_hash,
			input_len: job.input_len,
			output_len: job.output_len,
			author: job.author,
			price,
			author_fee: job.author_fee,
			protocol_fee: job.protocol_fee,
			audit_fee: job.audit_fee,
			audited: job.audited,
			held: job.held,
			submitted_at: job.submitted_at,
			cancel_at: job.cancel_at,
			status: job.status,
			assignments: job.assignments.into_inner(),
			arbitrators: job.arbitrators.into_inner(),
			result: Results::<T>::get(id).map(|r| r.into_inner()),
		}
	}
}
