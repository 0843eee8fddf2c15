//! # Provider Staking Pallet
//!
//! Inference providers of the Infera marketplace: their stake, the models they serve, their
//! capacity, price and inference-worker key.
//!
//! ## Overview
//!
//! A provider bonds at least [`Config::MinProviderStake`] (placed on *hold* with
//! [`HoldReason::ProviderStake`], not locked), registers the sr25519 public key of its inference
//! worker (with the key's signature for this provider, proving that it holds the key), the
//! models it serves (registered, non-deprecated models of the registry), how many jobs it runs
//! at once and its price per inference. It can add stake, unbond stake (released after
//! [`Config::UnbondingPeriod`] blocks), go offline and online, change its models, price,
//! capacity and worker key, and deregister once no job is assigned to it.
//!
//! The job pallet uses the provider set through
//! [`infera_primitives::traits::ProviderRegistry`]: eligible providers for a model (read from a
//! bounded per-model index, not a scan), reserving and releasing capacity slots, worker keys,
//! and slashing. Payments are left to the job pallet, which pays providers out of the user's
//! escrow; this pallet never moves stake except to slash it.
//!
//! ## Design
//!
//! - **Ledger and provider record are separate.** [`Ledgers`] holds the stake (bonded plus
//!   unbonding chunks) and outlives a deregistration until everything is withdrawn; [`Providers`]
//!   holds the service record. Invariant: the balance held for `ProviderStake` equals
//!   `bonded + Σ unbonding` of the ledger, for every account.
//! - **No escape from slashing.** Unbonding stake stays on hold, and [`ProviderRegistry::slash`]
//!   takes its ratio of `bonded + unbonding` — bonded first, then the newest unbonding chunks —
//!   so unbonding or deregistering right after misbehaving does not protect the stake. Slashed
//!   funds are transferred from the hold to [`Config::Treasury`].
//! - **Minimum bond.** Registration needs `bond ≥ MinProviderStake`, `unbond` may not take the
//!   bond below it (deregister to leave), and a provider left below it by a slash is taken
//!   offline; `go_online` refuses until it bonds more. Invariant: an online provider's bond is at
//!   least the minimum.
//! - **Index.** [`ModelProviders`] maps a model to at most [`Config::MaxProvidersPerModel`]
//!   providers (online or not); it is kept in step with each provider's model list. Models
//!   removed from the registry later stay in lists harmlessly (ids are never reused, and the job
//!   pallet only submits jobs for active models); `set_models` cleans them up.
//! - **Capacity.** `active_jobs ≤ capacity` always: `reserve_slot` refuses a full provider and
//!   `set_capacity` refuses to go below the running jobs. Deregistering needs zero active jobs.
//! - **Worker keys are unique** across providers ([`WorkerKeys`]): two accounts sharing one worker
//!   would make redundant execution meaningless.
//! - **Worker keys are proven.** Registering or rotating to a worker key needs the key's
//!   signature over a [`WorkerKeyProof`] for the caller's account on this chain (its genesis
//!   hash). Since keys are unique, an unproven key could be taken by anyone who sees a
//!   provider's registration in the transaction pool and registers the same key first; the
//!   proof names the provider, so a front-runner cannot reuse it, and the genesis hash keeps a
//!   proof from one chain (a testnet) from being replayed on another.
//!
//! ## Terms
//!
//! - *Bonded*: active stake, the weight of a provider in the stake-weighted pick.
//! - *Unbonding chunk*: stake waiting for its unlock block; still held and slashable.
//! - *Slot*: one unit of capacity, taken by a job assigned to the provider.
//! - *Worker key*: the sr25519 key the provider's inference worker signs attestations with.
//! - *Worker-key proof*: the worker key's signature over [`WorkerKeyProof`] `{ genesis_hash,
//!   provider }`, sent with `register_provider` and `rotate_worker_key`.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod invariants;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod views;
pub mod weights;

use alloc::vec::Vec;
use frame::{
	prelude::*,
	traits::{
		fungible::{Inspect, Mutate, MutateHold},
		tokens::Restriction,
	},
};
use infera_primitives::{
	attestation::{WorkerKeyProof, WorkerPublic, WorkerSignature},
	traits::{EligibleProvider, ModelRegistry, ProviderRegistry, SlashReason},
	Hash, ModelId,
};

/// Balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// A ledger for a runtime `T`.
pub type LedgerOf<T> = StakeLedger<T>;
/// A provider record for a runtime `T`.
pub type ProviderOf<T> = ProviderInfo<T>;
/// The models a provider serves.
pub type ModelsOf<T> = BoundedVec<ModelId, <T as Config>::MaxModelsPerProvider>;

pub use infera_primitives::market::UnlockChunk;

/// The stake of an account: bonded and unbonding, all of it held.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct StakeLedger<T: Config> {
	/// Active stake.
	pub bonded: BalanceOf<T>,
	/// Unbonding chunks, oldest first.
	pub unbonding: BoundedVec<UnlockChunk<BalanceOf<T>, BlockNumberFor<T>>, T::MaxUnbondingChunks>,
}

impl<T: Config> StakeLedger<T> {
	/// Bonded plus unbonding: everything held.
	pub fn total(&self) -> BalanceOf<T> {
		self.unbonding.iter().fold(self.bonded, |acc, c| acc.saturating_add(c.value))
	}

	/// Whether nothing is held any more.
	pub fn is_empty(&self) -> bool {
		self.total().is_zero()
	}
}

/// The service record of a registered provider.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ProviderInfo<T: Config> {
	/// Public key of the provider's inference worker.
	pub worker: WorkerPublic,
	/// Models served, no duplicates.
	pub models: ModelsOf<T>,
	/// Most jobs run at once.
	pub capacity: u32,
	/// Jobs assigned and not yet settled (slots taken).
	pub active_jobs: u32,
	/// Price per inference.
	pub price: BalanceOf<T>,
	/// Whether the provider takes new jobs.
	pub online: bool,
}

#[frame::pallet]
pub mod pallet {
	use super::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency stake is held in.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The model registry, to check the models a provider serves.
		type Models: ModelRegistry<Self::AccountId, BalanceOf<Self>>;

		/// The account slashed stake is paid to. It must exist (hold at least the existential
		/// deposit), or slashes smaller than the existential deposit fail.
		type Treasury: Get<Self::AccountId>;

		/// Smallest bond of a provider, in the smallest unit. Sane: large enough that the
		/// slash for a wrong answer hurts more than the price it could earn by guessing.
		#[pallet::constant]
		type MinProviderStake: Get<BalanceOf<Self>>;

		/// Blocks unbonded stake stays held (and slashable) before it can be withdrawn. Sane:
		/// longer than the longest job (deadlines plus settlement), so a misbehaving provider
		/// cannot leave before it is slashed.
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// Most unbonding chunks per account. Sane: 16 like `pallet-staking`'s `MaxUnlockingChunks`
		/// order of magnitude; withdrawing frees chunks.
		#[pallet::constant]
		type MaxUnbondingChunks: Get<u32>;

		/// Most models one provider serves. Sane: 16; a worker keeps few models loaded.
		#[pallet::constant]
		type MaxModelsPerProvider: Get<u32>;

		/// Most providers indexed per model; bounds the eligible-provider read of every job
		/// submission. Sane: 64–256.
		#[pallet::constant]
		type MaxProvidersPerModel: Get<u32>;

		/// Weights of the calls.
		type WeightInfo: WeightInfo;

		/// Creates models for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: infera_primitives::traits::ModelBenchmarkHelper<Self::AccountId>;
	}

	/// Stake of every account that bonded and has not withdrawn everything.
	#[pallet::storage]
	pub type Ledgers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, LedgerOf<T>>;

	/// Registered providers.
	#[pallet::storage]
	pub type Providers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, ProviderOf<T>>;

	/// Providers serving each model (online or not), in registration order.
	#[pallet::storage]
	pub type ModelProviders<T: Config> = StorageMap<
		_,
		Twox64Concat,
		ModelId,
		BoundedVec<T::AccountId, T::MaxProvidersPerModel>,
		ValueQuery,
	>;

	/// The provider each worker key belongs to.
	#[pallet::storage]
	pub type WorkerKeys<T: Config> = StorageMap<_, Blake2_128Concat, WorkerPublic, T::AccountId>;

	/// The operator each provider named: the account whose key the provider's node holds, which
	/// may answer the provider's jobs (commit and reveal) and nothing else.
	#[pallet::storage]
	pub type Operators<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, T::AccountId>;

	/// The provider each operator answers for (the reverse of [`Operators`]).
	#[pallet::storage]
	pub type OperatorOf<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, T::AccountId>;

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Stake of a provider, bonded or unbonding.
		#[codec(index = 0)]
		ProviderStake,
	}

	/// Events of the pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A provider registered and is online.
		ProviderRegistered {
			/// The provider.
			who: T::AccountId,
			/// Stake held for it.
			bond: BalanceOf<T>,
			/// Its worker key.
			worker: WorkerPublic,
			/// Concurrent jobs.
			capacity: u32,
			/// Price per inference.
			price: BalanceOf<T>,
		},
		/// A provider added stake.
		Bonded {
			/// The provider.
			who: T::AccountId,
			/// Stake added.
			amount: BalanceOf<T>,
		},
		/// Stake started unbonding.
		Unbonded {
			/// The account.
			who: T::AccountId,
			/// Stake moved to unbonding.
			amount: BalanceOf<T>,
			/// Block from which it can be withdrawn.
			unlock_at: BlockNumberFor<T>,
		},
		/// Unbonded stake was released.
		Withdrawn {
			/// The account.
			who: T::AccountId,
			/// Amount released.
			amount: BalanceOf<T>,
		},
		/// A provider's model list changed.
		ModelsSet {
			/// The provider.
			who: T::AccountId,
			/// The models it now serves.
			models: ModelsOf<T>,
		},
		/// A provider's price changed.
		PriceSet {
			/// The provider.
			who: T::AccountId,
			/// New price per inference.
			price: BalanceOf<T>,
		},
		/// A provider's capacity changed.
		CapacitySet {
			/// The provider.
			who: T::AccountId,
			/// New number of concurrent jobs.
			capacity: u32,
		},
		/// A provider's worker key changed.
		WorkerKeyRotated {
			/// The provider.
			who: T::AccountId,
			/// The new key.
			worker: WorkerPublic,
		},
		/// A provider stopped taking jobs.
		WentOffline {
			/// The provider.
			who: T::AccountId,
			/// `true` if a slash left it below the minimum bond, `false` if it asked.
			forced: bool,
		},
		/// A provider takes jobs again.
		WentOnline {
			/// The provider.
			who: T::AccountId,
		},
		/// A provider left; its whole bond is unbonding.
		ProviderDeregistered {
			/// The former provider.
			who: T::AccountId,
			/// Stake moved to unbonding.
			unbonding: BalanceOf<T>,
		},
		/// A provider named an operator, or its operator left (`None`).
		OperatorSet {
			/// The provider.
			provider: T::AccountId,
			/// Its operator from now on.
			operator: Option<T::AccountId>,
		},
		/// Stake was slashed to the treasury.
		Slashed {
			/// The account slashed.
			who: T::AccountId,
			/// Amount moved to the treasury.
			amount: BalanceOf<T>,
			/// Why.
			reason: SlashReason,
		},
	}

	/// Errors of the pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// The bond would be below `MinProviderStake`.
		BelowMinimum,
		/// A model is not registered.
		UnknownModel,
		/// A model is deprecated.
		DeprecatedModel,
		/// More models than `MaxModelsPerProvider`.
		TooManyModels,
		/// A model is listed twice.
		DuplicateModel,
		/// A model already has `MaxProvidersPerModel` providers.
		ModelProvidersFull,
		/// The account is not a registered provider.
		NotProvider,
		/// The account is already a registered provider.
		AlreadyRegistered,
		/// The provider still has jobs assigned.
		ActiveJobs,
		/// No unbonded stake is unlocked yet.
		NothingToWithdraw,
		/// The account has `MaxUnbondingChunks` chunks; withdraw first.
		TooManyUnbondingChunks,
		/// Capacity must be at least one.
		ZeroCapacity,
		/// Capacity below the jobs currently running.
		CapacityBelowActiveJobs,
		/// Another provider uses this worker key.
		WorkerKeyInUse,
		/// The provider is already offline.
		AlreadyOffline,
		/// The provider is already online.
		AlreadyOnline,
		/// The amount is zero.
		ZeroAmount,
		/// More than the bonded stake was asked to unbond.
		InsufficientBond,
		/// The provider has no free capacity slot.
		NoFreeCapacity,
		/// The provider is offline.
		ProviderOffline,
		/// The worker-key proof is not the worker key's signature over
		/// `WorkerKeyProof { genesis_hash, provider }` for the caller on this chain: have the
		/// worker sign it for this account (`prove_key`), not for another account or chain.
		BadWorkerKeyProof,
		/// A provider cannot be an operator, nor a provider its own operator.
		OperatorIsProvider,
		/// The account already operates for another provider.
		OperatorInUse,
		/// The account is another provider's operator: it must renounce before registering.
		IsOperator,
		/// The account operates for no provider.
		NotOperator,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(!T::MinProviderStake::get().is_zero(), "MinProviderStake must not be zero");
			assert!(!T::UnbondingPeriod::get().is_zero(), "UnbondingPeriod must not be zero");
			assert!(T::MaxUnbondingChunks::get() > 0, "MaxUnbondingChunks must allow a chunk");
			assert!(T::MaxModelsPerProvider::get() > 0, "MaxModelsPerProvider must allow a model");
			assert!(T::MaxProvidersPerModel::get() > 0, "MaxProvidersPerModel must allow one");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), frame::deps::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the caller as a provider, online at once.
		///
		/// Any signed account that is not a provider. Holds `bond` (at least
		/// `MinProviderStake`), records the worker key (unused by others, and `proof` must be its
		/// signature over [`WorkerKeyProof`] for the caller on this chain), the models
		/// (registered, active, no duplicates, at most `MaxModelsPerProvider`), `capacity` (at
		/// least 1) and `price`. Emits [`Event::ProviderRegistered`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_provider(models.len() as u32))]
		pub fn register_provider(
			origin: OriginFor<T>,
			bond: BalanceOf<T>,
			worker: WorkerPublic,
			proof: WorkerSignature,
			models: Vec<ModelId>,
			capacity: u32,
			price: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!Providers::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
			ensure!(!OperatorOf::<T>::contains_key(&who), Error::<T>::IsOperator);
			ensure!(bond >= T::MinProviderStake::get(), Error::<T>::BelowMinimum);
			ensure!(capacity > 0, Error::<T>::ZeroCapacity);
			Self::check_worker_key(&who, &worker, &proof)?;
			let models = Self::check_models(models, &[])?;
			T::Currency::hold(&HoldReason::ProviderStake.into(), &who, bond)?;
			Ledgers::<T>::mutate(&who, |l| {
				let l = l.get_or_insert_with(|| StakeLedger {
					bonded: Zero::zero(),
					unbonding: BoundedVec::new(),
				});
				l.bonded = l.bonded.saturating_add(bond);
			});
			Self::index_models(&who, &[], &models);
			WorkerKeys::<T>::insert(worker, &who);
			Providers::<T>::insert(
				&who,
				ProviderInfo { worker, models, capacity, active_jobs: 0, price, online: true },
			);
			Self::deposit_event(Event::ProviderRegistered { who, bond, worker, capacity, price });
			Ok(())
		}

		/// Adds `amount` to the caller's bond (held at once).
		///
		/// Only a provider. Does not bring an offline provider online (see `go_online`). Emits
		/// [`Event::Bonded`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::bond_extra())]
		pub fn bond_extra(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(Providers::<T>::contains_key(&who), Error::<T>::NotProvider);
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let mut ledger = Ledgers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
			T::Currency::hold(&HoldReason::ProviderStake.into(), &who, amount)?;
			ledger.bonded = ledger.bonded.saturating_add(amount);
			Ledgers::<T>::insert(&who, ledger);
			Self::deposit_event(Event::Bonded { who, amount });
			Ok(())
		}

		/// Moves `amount` of the caller's bond to unbonding, withdrawable after
		/// `UnbondingPeriod` blocks. It stays held and slashable until then.
		///
		/// Only a provider, and the remaining bond must stay at least `MinProviderStake`
		/// (deregister to leave). Emits [`Event::Unbonded`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::unbond())]
		pub fn unbond(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(Providers::<T>::contains_key(&who), Error::<T>::NotProvider);
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let mut ledger = Ledgers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
			ensure!(amount <= ledger.bonded, Error::<T>::InsufficientBond);
			let remaining = ledger.bonded.saturating_sub(amount);
			ensure!(remaining >= T::MinProviderStake::get(), Error::<T>::BelowMinimum);
			let unlock_at = Self::push_chunk(&mut ledger, amount)?;
			ledger.bonded = remaining;
			Ledgers::<T>::insert(&who, ledger);
			Self::deposit_event(Event::Unbonded { who, amount, unlock_at });
			Ok(())
		}

		/// Releases every unbonding chunk whose unlock block has come.
		///
		/// Any account with such chunks (providers and former providers). Removes the ledger
		/// once nothing is held and the account is no provider. Emits [`Event::Withdrawn`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut ledger = Ledgers::<T>::get(&who).ok_or(Error::<T>::NothingToWithdraw)?;
			let now = frame_system::Pallet::<T>::block_number();
			let mut amount = BalanceOf::<T>::zero();
			ledger.unbonding.retain(|c| {
				if c.unlock_at <= now {
					amount = amount.saturating_add(c.value);
					false
				} else {
					true
				}
			});
			ensure!(!amount.is_zero(), Error::<T>::NothingToWithdraw);
			T::Currency::release(
				&HoldReason::ProviderStake.into(),
				&who,
				amount,
				Precision::Exact,
			)?;
			if ledger.is_empty() && !Providers::<T>::contains_key(&who) {
				Ledgers::<T>::remove(&who);
			} else {
				Ledgers::<T>::insert(&who, ledger);
			}
			Self::deposit_event(Event::Withdrawn { who, amount });
			Ok(())
		}

		/// Replaces the list of models the caller serves.
		///
		/// Only a provider. Every model must be registered and active; no duplicates; each newly
		/// served model must have room in its index. Emits [`Event::ModelsSet`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_models(models.len() as u32))]
		pub fn set_models(origin: OriginFor<T>, models: Vec<ModelId>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut provider = Providers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
			let models = Self::check_models(models, &provider.models)?;
			Self::index_models(&who, &provider.models, &models);
			provider.models = models.clone();
			Providers::<T>::insert(&who, provider);
			Self::deposit_event(Event::ModelsSet { who, models });
			Ok(())
		}

		/// Sets the caller's price per inference (for jobs assigned from now on).
		///
		/// Only a provider. Emits [`Event::PriceSet`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_price())]
		pub fn set_price(origin: OriginFor<T>, price: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Providers::<T>::try_mutate(&who, |p| -> DispatchResult {
				p.as_mut().ok_or(Error::<T>::NotProvider)?.price = price;
				Ok(())
			})?;
			Self::deposit_event(Event::PriceSet { who, price });
			Ok(())
		}

		/// Sets how many jobs the caller runs at once.
		///
		/// Only a provider; at least 1 and not below its running jobs. Emits
		/// [`Event::CapacitySet`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_capacity())]
		pub fn set_capacity(origin: OriginFor<T>, capacity: u32) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(capacity > 0, Error::<T>::ZeroCapacity);
			Providers::<T>::try_mutate(&who, |p| -> DispatchResult {
				let p = p.as_mut().ok_or(Error::<T>::NotProvider)?;
				ensure!(capacity >= p.active_jobs, Error::<T>::CapacityBelowActiveJobs);
				p.capacity = capacity;
				Ok(())
			})?;
			Self::deposit_event(Event::CapacitySet { who, capacity });
			Ok(())
		}

		/// Replaces the caller's worker key.
		///
		/// Only a provider; the key must not be registered by anyone, and `proof` must be its
		/// signature over [`WorkerKeyProof`] for the caller on this chain. Results of running
		/// jobs are checked against the key current when they are submitted, so rotate between
		/// jobs. Emits [`Event::WorkerKeyRotated`].
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::rotate_worker_key())]
		pub fn rotate_worker_key(
			origin: OriginFor<T>,
			worker: WorkerPublic,
			proof: WorkerSignature,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut provider = Providers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
			Self::check_worker_key(&who, &worker, &proof)?;
			WorkerKeys::<T>::remove(provider.worker);
			WorkerKeys::<T>::insert(worker, &who);
			provider.worker = worker;
			Providers::<T>::insert(&who, provider);
			Self::deposit_event(Event::WorkerKeyRotated { who, worker });
			Ok(())
		}

		/// Stops taking new jobs; assigned jobs still run.
		///
		/// Only an online provider. Emits [`Event::WentOffline`].
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::go_offline())]
		pub fn go_offline(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Providers::<T>::try_mutate(&who, |p| -> DispatchResult {
				let p = p.as_mut().ok_or(Error::<T>::NotProvider)?;
				ensure!(p.online, Error::<T>::AlreadyOffline);
				p.online = false;
				Ok(())
			})?;
			Self::deposit_event(Event::WentOffline { who, forced: false });
			Ok(())
		}

		/// Takes new jobs again.
		///
		/// Only an offline provider whose bond is at least `MinProviderStake`. Emits
		/// [`Event::WentOnline`].
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::go_online())]
		pub fn go_online(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let bonded = Ledgers::<T>::get(&who).map(|l| l.bonded).unwrap_or_else(Zero::zero);
			Providers::<T>::try_mutate(&who, |p| -> DispatchResult {
				let p = p.as_mut().ok_or(Error::<T>::NotProvider)?;
				ensure!(!p.online, Error::<T>::AlreadyOnline);
				ensure!(bonded >= T::MinProviderStake::get(), Error::<T>::BelowMinimum);
				p.online = true;
				Ok(())
			})?;
			Self::deposit_event(Event::WentOnline { who });
			Ok(())
		}

		/// Leaves the provider set: the record, its index entries and worker key are removed and
		/// the whole bond starts unbonding (withdraw it after `UnbondingPeriod`).
		///
		/// Only a provider with no assigned job. Emits [`Event::ProviderDeregistered`].
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::deregister(T::MaxModelsPerProvider::get()))]
		pub fn deregister(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let provider = Providers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
			ensure!(provider.active_jobs == 0, Error::<T>::ActiveJobs);
			let mut ledger = Ledgers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
			let unbonding = ledger.bonded;
			if !unbonding.is_zero() {
				Self::push_chunk(&mut ledger, unbonding)?;
				ledger.bonded = Zero::zero();
			}
			Self::index_models(&who, &provider.models, &[]);
			WorkerKeys::<T>::remove(provider.worker);
			if let Some(operator) = Operators::<T>::take(&who) {
				OperatorOf::<T>::remove(operator);
			}
			Providers::<T>::remove(&who);
			if ledger.is_empty() {
				Ledgers::<T>::remove(&who);
			} else {
				Ledgers::<T>::insert(&who, ledger);
			}
			Self::deposit_event(Event::ProviderDeregistered { who, unbonding });
			Ok(())
		}

		/// Names `operator` as the caller's operator (replacing any), or removes it (`None`).
		///
		/// Only a provider. The operator's key is the one the provider's node holds: it may
		/// commit and reveal the provider's job answers (the job pallet resolves it through
		/// [`ProviderRegistry::acting_for`]) and nothing else, so a stolen node key cannot
		/// bond, unbond, withdraw, change prices or move the provider's funds. The operator must
		/// not be a provider nor another provider's operator; it can leave with
		/// `renounce_operator`. Emits [`Event::OperatorSet`].
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::set_operator())]
		pub fn set_operator(
			origin: OriginFor<T>,
			operator: Option<T::AccountId>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(Providers::<T>::contains_key(&who), Error::<T>::NotProvider);
			if let Some(operator) = &operator {
				ensure!(
					*operator != who && !Providers::<T>::contains_key(operator),
					Error::<T>::OperatorIsProvider
				);
				ensure!(
					OperatorOf::<T>::get(operator).is_none_or(|of| of == who),
					Error::<T>::OperatorInUse
				);
			}
			if let Some(old) = Operators::<T>::take(&who) {
				OperatorOf::<T>::remove(old);
			}
			if let Some(operator) = &operator {
				Operators::<T>::insert(&who, operator);
				OperatorOf::<T>::insert(operator, &who);
			}
			Self::deposit_event(Event::OperatorSet { provider: who, operator });
			Ok(())
		}

		/// Stops operating for the provider that named the caller its operator.
		///
		/// Only an operator: an account named without its consent gets out this way. Emits
		/// [`Event::OperatorSet`] with `None`.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::renounce_operator())]
		pub fn renounce_operator(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let provider = OperatorOf::<T>::take(&who).ok_or(Error::<T>::NotOperator)?;
			Operators::<T>::remove(&provider);
			Self::deposit_event(Event::OperatorSet { provider, operator: None });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Moves `amount` of `who`'s stake to `beneficiaries` in equal shares, the remainder (all of
	/// it when there are none) to the treasury. Returns what was moved; a failed transfer moves
	/// nothing and leaves its part bonded.
	fn pay_slash(
		who: &T::AccountId,
		amount: BalanceOf<T>,
		beneficiaries: &[T::AccountId],
	) -> BalanceOf<T> {
		let count = BalanceOf::<T>::from(beneficiaries.len() as u32);
		let share = if count.is_zero() { Zero::zero() } else { amount / count };
		let mut paid = BalanceOf::<T>::zero();
		let mut transfer = |dest: &T::AccountId, value: BalanceOf<T>| {
			if value.is_zero() {
				return;
			}
			match T::Currency::transfer_on_hold(
				&HoldReason::ProviderStake.into(),
				who,
				dest,
				value,
				Precision::BestEffort,
				Restriction::Free,
				Fortitude::Force,
			) {
				Ok(moved) => paid = paid.saturating_add(moved),
				Err(e) => {
					frame::log::error!(target: "runtime::provider-staking", "slash of {who:?} failed: {e:?}")
				}
			}
		};
		for dest in beneficiaries {
			transfer(dest, share);
		}
		let rest = amount.saturating_sub(share.saturating_mul(count));
		transfer(&T::Treasury::get(), rest);
		paid
	}

	/// The hash of this chain's genesis block, which worker-key proofs sign: the hash of block
	/// 0 as `frame_system` records it (the real genesis hash from block 1 on, the same value
	/// `CheckGenesis` puts into every signed transaction).
	pub fn genesis_hash() -> Hash {
		let hash = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		infera_primitives::hash_from_bytes(hash.as_ref())
	}

	/// Signs `who`'s [`WorkerKeyProof`] on this chain with `worker`, a key of type `key_type` in
	/// the keystore; `None` if the keystore lacks it. For benchmarks (this pallet's and those
	/// of pallets that register providers), whose CLI provides a keystore.
	#[cfg(feature = "runtime-benchmarks")]
	pub fn sign_worker_key_proof(
		key_type: frame::deps::sp_core::crypto::KeyTypeId,
		who: &T::AccountId,
		worker: &WorkerPublic,
	) -> Option<WorkerSignature> {
		let message = WorkerKeyProof { genesis_hash: Self::genesis_hash(), provider: who };
		frame::deps::sp_io::crypto::sr25519_sign(key_type, worker, &message.message())
	}

	/// Checks that `worker` may become `who`'s worker key: no provider uses it, and `proof` is
	/// its signature over the [`WorkerKeyProof`] for `who` on this chain.
	fn check_worker_key(
		who: &T::AccountId,
		worker: &WorkerPublic,
		proof: &WorkerSignature,
	) -> Result<(), Error<T>> {
		ensure!(!WorkerKeys::<T>::contains_key(worker), Error::<T>::WorkerKeyInUse);
		let message = WorkerKeyProof { genesis_hash: Self::genesis_hash(), provider: who };
		ensure!(message.verify(proof, worker), Error::<T>::BadWorkerKeyProof);
		Ok(())
	}

	/// Checks a new model list against the registry and the index; `current` is the list it
	/// replaces (its models need no new index room).
	fn check_models(models: Vec<ModelId>, current: &[ModelId]) -> Result<ModelsOf<T>, Error<T>> {
		let models: ModelsOf<T> = models.try_into().map_err(|_| Error::<T>::TooManyModels)?;
		for (i, &m) in models.iter().enumerate() {
			ensure!(!models[..i].contains(&m), Error::<T>::DuplicateModel);
			let info = T::Models::model(m).ok_or(Error::<T>::UnknownModel)?;
			ensure!(!info.deprecated, Error::<T>::DeprecatedModel);
			if !current.contains(&m) {
				ensure!(
					(ModelProviders::<T>::decode_len(m).unwrap_or(0) as u32)
						< T::MaxProvidersPerModel::get(),
					Error::<T>::ModelProvidersFull
				);
			}
		}
		Ok(models)
	}

	/// Moves `who` in the index from the models of `old` to those of `new` (room was checked).
	fn index_models(who: &T::AccountId, old: &[ModelId], new: &[ModelId]) {
		for m in old.iter().filter(|m| !new.contains(m)) {
			ModelProviders::<T>::mutate_exists(m, |list| {
				if let Some(l) = list {
					l.retain(|p| p != who);
					if l.is_empty() {
						*list = None;
					}
				}
			});
		}
		for m in new.iter().filter(|m| !old.contains(m)) {
			ModelProviders::<T>::mutate(m, |l| {
				if l.try_push(who.clone()).is_err() {
					defensive!("index room checked before");
				}
			});
		}
	}

	/// Adds an unbonding chunk of `amount` unlocking `UnbondingPeriod` from now (merged with a
	/// chunk of the same block); returns its unlock block.
	fn push_chunk(
		ledger: &mut LedgerOf<T>,
		amount: BalanceOf<T>,
	) -> Result<BlockNumberFor<T>, Error<T>> {
		let unlock_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		match ledger.unbonding.last_mut() {
			Some(c) if c.unlock_at == unlock_at => c.value = c.value.saturating_add(amount),
			_ => ledger
				.unbonding
				.try_push(UnlockChunk { value: amount, unlock_at })
				.map_err(|_| Error::<T>::TooManyUnbondingChunks)?,
		}
		Ok(unlock_at)
	}
}

impl<T: Config> ProviderRegistry<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn eligible_providers(model: ModelId) -> Vec<EligibleProvider<T::AccountId, BalanceOf<T>>> {
		if !T::Models::is_active(model) {
			return Vec::new();
		}
		let min = T::MinProviderStake::get();
		ModelProviders::<T>::get(model)
			.into_iter()
			.filter_map(|who| {
				let p = Providers::<T>::get(&who)?;
				let stake = Ledgers::<T>::get(&who)?.bonded;
				(p.online && p.active_jobs < p.capacity && stake >= min)
					.then_some(EligibleProvider { who, stake, price: p.price })
			})
			.collect()
	}

	fn reserve_slot(who: &T::AccountId) -> DispatchResult {
		Providers::<T>::try_mutate(who, |p| {
			let p = p.as_mut().ok_or(Error::<T>::NotProvider)?;
			ensure!(p.online, Error::<T>::ProviderOffline);
			ensure!(p.active_jobs < p.capacity, Error::<T>::NoFreeCapacity);
			p.active_jobs += 1;
			Ok(())
		})
	}

	fn release_slot(who: &T::AccountId) {
		Providers::<T>::mutate(who, |p| match p {
			Some(p) if p.active_jobs > 0 => p.active_jobs -= 1,
			_ => {
				defensive!("slot released without being reserved");
			}
		})
	}

	fn worker_key(who: &T::AccountId) -> Option<WorkerPublic> {
		Providers::<T>::get(who).map(|p| p.worker)
	}

	fn acting_for(signer: &T::AccountId) -> T::AccountId {
		OperatorOf::<T>::get(signer).unwrap_or_else(|| signer.clone())
	}

	fn slash(
		who: &T::AccountId,
		ratio: Perbill,
		reason: SlashReason,
		beneficiaries: &[T::AccountId],
	) -> BalanceOf<T> {
		let Some(mut ledger) = Ledgers::<T>::get(who) else { return Zero::zero() };
		let wanted = ratio.mul_floor(ledger.total());
		if wanted.is_zero() {
			return Zero::zero();
		}
		let slashed = Self::pay_slash(who, wanted, beneficiaries);
		if slashed.is_zero() {
			return slashed;
		}
		// Bonded stake first, then the newest unbonding chunks.
		let mut rest = slashed;
		let from_bond = rest.min(ledger.bonded);
		ledger.bonded = ledger.bonded.saturating_sub(from_bond);
		rest = rest.saturating_sub(from_bond);
		for chunk in ledger.unbonding.iter_mut().rev() {
			if rest.is_zero() {
				break;
			}
			let take = rest.min(chunk.value);
			chunk.value = chunk.value.saturating_sub(take);
			rest = rest.saturating_sub(take);
		}
		ledger.unbonding.retain(|c| !c.value.is_zero());
		let bonded = ledger.bonded;
		let is_provider = Providers::<T>::contains_key(who);
		if ledger.is_empty() && !is_provider {
			Ledgers::<T>::remove(who);
		} else {
			Ledgers::<T>::insert(who, ledger);
		}
		Self::deposit_event(Event::Slashed { who: who.clone(), amount: slashed, reason });
		if bonded < T::MinProviderStake::get() {
			let chilled = Providers::<T>::mutate(who, |p| match p {
				Some(p) if p.online => {
					p.online = false;
					true
				}
				_ => false,
			});
			if chilled {
				Self::deposit_event(Event::WentOffline { who: who.clone(), forced: true });
			}
		}
		slashed
	}
}
