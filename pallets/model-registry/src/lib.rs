//! # Model Registry Pallet
//!
//! The catalogue of models the Infera marketplace can run.
//!
//! ## Overview
//!
//! A model author registers a TorchScript model: its artifact hash (blake2-256 of the file), a
//! URI where workers fetch it (`http://`, `https://` or `file://`), the spec of its input and
//! output tensors, the *agreement rule* that makes outputs of different machines comparable, and
//! a fee per inference that the job pallet pays to the author. Registration holds a storage
//! deposit from the author, released when the model is removed.
//!
//! Other pallets read models through [`infera_primitives::traits::ModelRegistry`], which this
//! pallet implements: the provider staking pallet checks the models a provider serves, the job
//! pallet reads specs, fees and rules and counts its open jobs per model with
//! `acquire`/`release`.
//!
//! ## Design
//!
//! - **Validation.** An input spec has at least one dimension, no zero dimension, and its exact
//!   byte length is at most [`Config::MaxInputBytes`]. The agreement rule must fit the output
//!   spec ([`AgreementRule::canonical_len`]) and the canonical output must be at most
//!   [`Config::MaxOutputBytes`], so every result the job pallet stores is bounded. Each bad input
//!   has its own [`Error`].
//! - **Deposit.** `DepositBase + DepositPerByte × (encoded size of the model entry at
//!   registration)` is held from the owner with [`HoldReason::ModelDeposit`]. Invariant (checked
//!   by `try_state`): each account's balance on hold for this reason equals the sum of the
//!   deposits of the models it owns.
//! - **Versions.** A lineage is the chain of versions sharing an owner and a name; names are
//!   unique per owner. [`ModelByName`] maps `(owner, name)` to the newest version, each entry
//!   links its predecessor and successor. `publish_version` appends to the newest version only.
//!   A lineage has at most [`Config::MaxVersions`] versions ever published, which bounds every
//!   walk along it.
//! - **Deprecation** stops new jobs (`acquire` fails) and new providers; open jobs finish.
//! - **Usage.** The job pallet `acquire`s a model for every open job and `release`s it when the
//!   job ends; `remove` is refused while the count is not zero.
//! - **Ownership transfer** moves the whole lineage (the name index is per owner). The deposits
//!   move with it: released from the old owner, held from the new one, who therefore must have
//!   the free balance. The new owner can always get them back by removing the models.
//!   A removed model's id is never reused, so stale references elsewhere (a provider still
//!   listing it) can never point at another model.
//!
//! ## Terms
//!
//! - *Artifact*: the TorchScript file; identified by its blake2-256 hash, which workers verify
//!   before loading and sign in their attestations.
//! - *Agreement rule*: how a raw output is canonicalized before hashing (see
//!   [`infera_primitives::canonical`]).
//! - *Lineage*: the versions of one model, linked by `predecessor`/`successor`.
//! - *Usage count*: open jobs using a model.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod views;
pub mod weights;

use alloc::vec::Vec;
use frame::{
	prelude::*,
	traits::fungible::{Inspect, Mutate, MutateHold},
};
use infera_primitives::{
	model::{AgreementRule, RuleError, TensorSpec},
	traits::{ModelInfo, ModelRegistry},
	Digest, ModelId,
};

/// Balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// How a call names an account.
pub type AccountIdLookupOf<T> = <<T as frame_system::Config>::Lookup as StaticLookup>::Source;
/// A model's name, bounded by [`Config::MaxNameLen`].
pub type NameOf<T> = BoundedVec<u8, <T as Config>::MaxNameLen>;
/// A model's artifact URI, bounded by [`Config::MaxUriLen`].
pub type UriOf<T> = BoundedVec<u8, <T as Config>::MaxUriLen>;
/// The stored entry of a model for a runtime `T`.
pub type ModelDetailsOf<T> = ModelDetails<T>;

/// URI schemes workers know how to fetch.
pub const URI_SCHEMES: [&[u8]; 3] = [b"http://", b"https://", b"file://"];

/// One registered model version.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ModelDetails<T: Config> {
	/// The author: pays the deposit, receives the fee, may manage the model.
	pub owner: T::AccountId,
	/// Name, unique per owner across lineages (shared by all versions of one lineage).
	pub name: NameOf<T>,
	/// 1 for a first registration, predecessor's version + 1 otherwise.
	pub version: u32,
	/// The previous version of this lineage, if any (and not removed).
	pub predecessor: Option<ModelId>,
	/// The next version of this lineage, if any (and not removed).
	pub successor: Option<ModelId>,
	/// blake2-256 of the TorchScript artifact.
	pub artifact_hash: Digest,
	/// Where workers fetch the artifact.
	pub uri: UriOf<T>,
	/// Spec of the input tensor.
	pub input: TensorSpec,
	/// Spec of the raw output tensor.
	pub output: TensorSpec,
	/// How outputs are canonicalized before comparison.
	pub rule: AgreementRule,
	/// Exact input byte length (derived from `input`).
	pub input_len: u32,
	/// Exact canonical output byte length (derived from `output` and `rule`).
	pub canonical_output_len: u32,
	/// Fee per inference paid to the owner.
	pub fee: BalanceOf<T>,
	/// A deprecated model takes no new jobs.
	pub deprecated: bool,
	/// The deposit held from the owner for this entry.
	pub deposit: BalanceOf<T>,
	/// Open jobs using this model.
	pub in_use: u32,
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
		/// The currency deposits are held in.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// Deposit held for every model entry, in the smallest unit. Sane: large enough that
		/// spamming the registry costs real money, small enough for a hobby author.
		#[pallet::constant]
		type DepositBase: Get<BalanceOf<Self>>;

		/// Deposit held per byte of a model entry, in the smallest unit per byte. Sane: the same
		/// per-byte price as other storage of the chain.
		#[pallet::constant]
		type DepositPerByte: Get<BalanceOf<Self>>;

		/// Longest model name, in bytes. Sane: 64 is plenty for a human-readable name.
		#[pallet::constant]
		type MaxNameLen: Get<u32>;

		/// Longest artifact URI, in bytes. Sane: 256 fits any realistic URL.
		#[pallet::constant]
		type MaxUriLen: Get<u32>;

		/// Largest input of one inference, in bytes. Bounds the job input the chain indexes and
		/// workers receive. Sane: a few hundred KiB (e.g. a 224×224×3 f32 image is 588 KiB).
		#[pallet::constant]
		type MaxInputBytes: Get<u32>;

		/// Largest canonical output of one inference, in bytes; results are stored on chain.
		/// Sane: a few KiB (a classifier's top-k, a small embedding).
		#[pallet::constant]
		type MaxOutputBytes: Get<u32>;

		/// Most versions one lineage may ever publish (bounds transfers). Sane: 64.
		#[pallet::constant]
		type MaxVersions: Get<u32>;

		/// Weights of the calls.
		type WeightInfo: WeightInfo;
	}

	/// Id the next registered model version gets; ids are never reused.
	#[pallet::storage]
	pub type NextModelId<T> = StorageValue<_, ModelId, ValueQuery>;

	/// Every registered model version, by id.
	#[pallet::storage]
	pub type Models<T: Config> = StorageMap<_, Twox64Concat, ModelId, ModelDetailsOf<T>>;

	/// The newest version of each lineage, by owner and name.
	#[pallet::storage]
	pub type ModelByName<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Blake2_128Concat, NameOf<T>, ModelId>;

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The storage deposit of a model entry.
		#[codec(index = 0)]
		ModelDeposit,
	}

	/// Events of the pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A new lineage was registered with its first version.
		ModelRegistered {
			/// The new model.
			model: ModelId,
			/// Its owner.
			owner: T::AccountId,
			/// The deposit held from the owner.
			deposit: BalanceOf<T>,
		},
		/// A new version of a lineage was published.
		VersionPublished {
			/// The new version.
			model: ModelId,
			/// The version it follows.
			predecessor: ModelId,
			/// Its version number.
			version: u32,
			/// The deposit held from the owner.
			deposit: BalanceOf<T>,
		},
		/// A model was deprecated: no new jobs.
		ModelDeprecated {
			/// The model.
			model: ModelId,
		},
		/// A model's fee per inference changed (for jobs submitted from now on).
		FeeSet {
			/// The model.
			model: ModelId,
			/// The new fee.
			fee: BalanceOf<T>,
		},
		/// A lineage changed owner; its deposits moved with it.
		OwnershipTransferred {
			/// The newest version of the lineage.
			model: ModelId,
			/// The previous owner (deposits released).
			from: T::AccountId,
			/// The new owner (deposits held).
			to: T::AccountId,
			/// Total deposit moved.
			deposit: BalanceOf<T>,
		},
		/// A model version was removed and its deposit returned.
		ModelRemoved {
			/// The removed model.
			model: ModelId,
			/// Its owner, who got the deposit back.
			owner: T::AccountId,
			/// The deposit released.
			deposit: BalanceOf<T>,
		},
	}

	/// Errors of the pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// The name is empty.
		EmptyName,
		/// The name is longer than `MaxNameLen`.
		NameTooLong,
		/// The URI is empty or holds nothing after its scheme.
		EmptyUri,
		/// The URI is longer than `MaxUriLen`.
		UriTooLong,
		/// The URI's scheme is not `http://`, `https://` or `file://`.
		UnsupportedUriScheme,
		/// A tensor spec has no dimension.
		EmptyShape,
		/// A tensor spec has a zero dimension.
		ZeroDimension,
		/// The input's byte length overflows or exceeds `MaxInputBytes`.
		InputTooLarge,
		/// The canonical output (or the raw output) overflows or exceeds `MaxOutputBytes`.
		OutputTooLarge,
		/// A `TopK` rule asks for zero indices or more than the output has.
		TopKOutOfRange,
		/// A `Quantized` rule keeps more decimals than allowed.
		TooManyDecimals,
		/// The agreement rule is not defined for the output's dtype (`Quantized` on `u8`).
		RuleUnsupportedForDType,
		/// The caller does not own the model.
		NotOwner,
		/// The model is deprecated.
		Deprecated,
		/// Open jobs still use the model.
		InUse,
		/// The owner already has a lineage with this name.
		DuplicateName,
		/// No model has this id.
		UnknownModel,
		/// Versions can only be published on top of the newest version.
		NotLatestVersion,
		/// The lineage has published `MaxVersions` versions.
		TooManyVersions,
		/// The new owner is the current owner.
		SameOwner,
		/// All model ids are used.
		ModelIdsExhausted,
		/// The usage count would overflow.
		UsageOverflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxNameLen::get() > 0, "MaxNameLen must allow a name");
			assert!(T::MaxUriLen::get() > 8, "MaxUriLen must fit `https://` and a path");
			assert!(T::MaxInputBytes::get() > 0, "MaxInputBytes must allow an input");
			assert!(T::MaxOutputBytes::get() >= 8, "MaxOutputBytes must fit one i64 element");
			assert!(T::MaxVersions::get() > 0, "MaxVersions must allow a first version");
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
		/// Registers a new model lineage with its first version.
		///
		/// Any signed account; it becomes the owner and the deposit is held from it. Checks every
		/// field (see [`Error`]) before storing anything. Emits [`Event::ModelRegistered`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_model())]
		#[allow(clippy::too_many_arguments)]
		pub fn register_model(
			origin: OriginFor<T>,
			name: Vec<u8>,
			artifact_hash: Digest,
			uri: Vec<u8>,
			input: TensorSpec,
			output: TensorSpec,
			rule: AgreementRule,
			fee: BalanceOf<T>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			ensure!(!name.is_empty(), Error::<T>::EmptyName);
			let name: NameOf<T> = name.try_into().map_err(|_| Error::<T>::NameTooLong)?;
			ensure!(!ModelByName::<T>::contains_key(&owner, &name), Error::<T>::DuplicateName);
			let uri = Self::check_uri(uri)?;
			let (input_len, canonical_output_len) = Self::check_specs(&input, &output, &rule)?;
			let details = ModelDetails {
				owner: owner.clone(),
				name: name.clone(),
				version: 1,
				predecessor: None,
				successor: None,
				artifact_hash,
				uri,
				input,
				output,
				rule,
				input_len,
				canonical_output_len,
				fee,
				deprecated: false,
				deposit: Zero::zero(),
				in_use: 0,
			};
			let (model, deposit) = Self::insert_model(details)?;
			ModelByName::<T>::insert(&owner, &name, model);
			Self::deposit_event(Event::ModelRegistered { model, owner, deposit });
			Ok(())
		}

		/// Publishes a new version of the lineage whose newest version is `predecessor`.
		///
		/// Only the owner. The new entry keeps the lineage's name, becomes its newest version
		/// and holds its own deposit. The predecessor is left as it is (deprecate it separately).
		/// Emits [`Event::VersionPublished`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::publish_version())]
		#[allow(clippy::too_many_arguments)]
		pub fn publish_version(
			origin: OriginFor<T>,
			predecessor: ModelId,
			artifact_hash: Digest,
			uri: Vec<u8>,
			input: TensorSpec,
			output: TensorSpec,
			rule: AgreementRule,
			fee: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let prev = Models::<T>::get(predecessor).ok_or(Error::<T>::UnknownModel)?;
			ensure!(prev.owner == who, Error::<T>::NotOwner);
			ensure!(prev.successor.is_none(), Error::<T>::NotLatestVersion);
			ensure!(prev.version < T::MaxVersions::get(), Error::<T>::TooManyVersions);
			let uri = Self::check_uri(uri)?;
			let (input_len, canonical_output_len) = Self::check_specs(&input, &output, &rule)?;
			let version = prev.version.saturating_add(1);
			let details = ModelDetails {
				owner: who.clone(),
				name: prev.name.clone(),
				version,
				predecessor: Some(predecessor),
				successor: None,
				artifact_hash,
				uri,
				input,
				output,
				rule,
				input_len,
				canonical_output_len,
				fee,
				deprecated: false,
				deposit: Zero::zero(),
				in_use: 0,
			};
			let (model, deposit) = Self::insert_model(details)?;
			Models::<T>::mutate(predecessor, |p| {
				if let Some(p) = p {
					p.successor = Some(model);
				}
			});
			ModelByName::<T>::insert(&who, &prev.name, model);
			Self::deposit_event(Event::VersionPublished { model, predecessor, version, deposit });
			Ok(())
		}

		/// Deprecates a model: it accepts no new jobs or providers; open jobs finish.
		///
		/// Only the owner; irreversible (publish a new version instead). Emits
		/// [`Event::ModelDeprecated`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::deprecate())]
		pub fn deprecate(origin: OriginFor<T>, model: ModelId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Models::<T>::try_mutate(model, |m| -> DispatchResult {
				let m = m.as_mut().ok_or(Error::<T>::UnknownModel)?;
				ensure!(m.owner == who, Error::<T>::NotOwner);
				ensure!(!m.deprecated, Error::<T>::Deprecated);
				m.deprecated = true;
				Ok(())
			})?;
			Self::deposit_event(Event::ModelDeprecated { model });
			Ok(())
		}

		/// Sets the fee per inference of a model (jobs already submitted keep their price).
		///
		/// Only the owner. Emits [`Event::FeeSet`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_fee())]
		pub fn set_fee(origin: OriginFor<T>, model: ModelId, fee: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Models::<T>::try_mutate(model, |m| -> DispatchResult {
				let m = m.as_mut().ok_or(Error::<T>::UnknownModel)?;
				ensure!(m.owner == who, Error::<T>::NotOwner);
				m.fee = fee;
				Ok(())
			})?;
			Self::deposit_event(Event::FeeSet { model, fee });
			Ok(())
		}

		/// Transfers the whole lineage of `model` to `new_owner`.
		///
		/// Only the owner. The deposits of every version are released from the caller and held
		/// from `new_owner` (who must afford them and must not own a lineage of the same name).
		/// Emits [`Event::OwnershipTransferred`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::transfer_ownership(T::MaxVersions::get()))]
		pub fn transfer_ownership(
			origin: OriginFor<T>,
			model: ModelId,
			new_owner: AccountIdLookupOf<T>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let new_owner = T::Lookup::lookup(new_owner)?;
			let m = Models::<T>::get(model).ok_or(Error::<T>::UnknownModel)?;
			ensure!(m.owner == who, Error::<T>::NotOwner);
			ensure!(new_owner != who, Error::<T>::SameOwner);
			ensure!(
				!ModelByName::<T>::contains_key(&new_owner, &m.name),
				Error::<T>::DuplicateName
			);
			let latest = ModelByName::<T>::get(&who, &m.name).ok_or(Error::<T>::UnknownModel)?;
			let versions = Self::lineage(latest);
			let total = versions
				.iter()
				.filter_map(Models::<T>::get)
				.fold(BalanceOf::<T>::zero(), |acc, m| acc.saturating_add(m.deposit));
			let reason = HoldReason::ModelDeposit.into();
			T::Currency::hold(&reason, &new_owner, total)?;
			T::Currency::release(&reason, &who, total, Precision::Exact)?;
			for id in &versions {
				Models::<T>::mutate(id, |m| {
					if let Some(m) = m {
						m.owner = new_owner.clone();
					}
				});
			}
			ModelByName::<T>::remove(&who, &m.name);
			ModelByName::<T>::insert(&new_owner, &m.name, latest);
			Self::deposit_event(Event::OwnershipTransferred {
				model: latest,
				from: who,
				to: new_owner,
				deposit: total,
			});
			Ok(Some(T::WeightInfo::transfer_ownership(versions.len() as u32)).into())
		}

		/// Removes a model version and returns its deposit.
		///
		/// Only the owner, and only while no open job uses it. Its neighbours in the lineage are
		/// linked to each other; if it was the newest version its predecessor becomes the newest
		/// (or the name is freed). Emits [`Event::ModelRemoved`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::remove())]
		pub fn remove(origin: OriginFor<T>, model: ModelId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let m = Models::<T>::get(model).ok_or(Error::<T>::UnknownModel)?;
			ensure!(m.owner == who, Error::<T>::NotOwner);
			ensure!(m.in_use == 0, Error::<T>::InUse);
			T::Currency::release(
				&HoldReason::ModelDeposit.into(),
				&who,
				m.deposit,
				Precision::Exact,
			)?;
			if let Some(p) = m.predecessor {
				Models::<T>::mutate(p, |p| {
					if let Some(p) = p {
						p.successor = m.successor;
					}
				});
			}
			match m.successor {
				Some(s) => Models::<T>::mutate(s, |s| {
					if let Some(s) = s {
						s.predecessor = m.predecessor;
					}
				}),
				None => match m.predecessor {
					Some(p) => ModelByName::<T>::insert(&who, &m.name, p),
					None => ModelByName::<T>::remove(&who, &m.name),
				},
			}
			Models::<T>::remove(model);
			Self::deposit_event(Event::ModelRemoved { model, owner: who, deposit: m.deposit });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Checks an artifact URI: not empty, bounded, a known scheme followed by something.
	fn check_uri(uri: Vec<u8>) -> Result<UriOf<T>, Error<T>> {
		ensure!(!uri.is_empty(), Error::<T>::EmptyUri);
		let uri: UriOf<T> = uri.try_into().map_err(|_| Error::<T>::UriTooLong)?;
		let scheme = URI_SCHEMES
			.iter()
			.find(|s| uri.starts_with(s))
			.ok_or(Error::<T>::UnsupportedUriScheme)?;
		ensure!(uri.len() > scheme.len(), Error::<T>::EmptyUri);
		Ok(uri)
	}

	/// Checks a tensor spec's shape: at least one dimension, none zero.
	fn check_shape(spec: &TensorSpec) -> Result<(), Error<T>> {
		ensure!(!spec.shape.is_empty(), Error::<T>::EmptyShape);
		ensure!(spec.shape.iter().all(|&d| d > 0), Error::<T>::ZeroDimension);
		Ok(())
	}

	/// Checks the input spec, output spec and agreement rule together; returns the input's
	/// byte length and the canonical output's byte length.
	fn check_specs(
		input: &TensorSpec,
		output: &TensorSpec,
		rule: &AgreementRule,
	) -> Result<(u32, u32), Error<T>> {
		Self::check_shape(input)?;
		let input_len = input
			.byte_len()
			.filter(|&l| l <= T::MaxInputBytes::get() as u64)
			.ok_or(Error::<T>::InputTooLarge)?;
		Self::check_shape(output)?;
		output.byte_len().ok_or(Error::<T>::OutputTooLarge)?;
		let canonical = rule.canonical_len(output).map_err(|e| match e {
			RuleError::InvalidOutputSpec => Error::<T>::OutputTooLarge,
			RuleError::TopKOutOfRange => Error::<T>::TopKOutOfRange,
			RuleError::TooManyDecimals => Error::<T>::TooManyDecimals,
			RuleError::UnsupportedDType => Error::<T>::RuleUnsupportedForDType,
		})?;
		ensure!(canonical <= T::MaxOutputBytes::get() as u64, Error::<T>::OutputTooLarge);
		// Both fit a `u32` since they are bounded by `u32` constants.
		Ok((input_len as u32, canonical as u32))
	}

	/// The deposit for an entry whose encoding takes `bytes` bytes.
	pub fn deposit_for(bytes: usize) -> BalanceOf<T> {
		let bytes: u32 = bytes.try_into().unwrap_or(u32::MAX);
		T::DepositBase::get().saturating_add(T::DepositPerByte::get().saturating_mul(bytes.into()))
	}

	/// Stores a new entry under a fresh id after holding its deposit; returns id and deposit.
	fn insert_model(
		mut details: ModelDetailsOf<T>,
	) -> Result<(ModelId, BalanceOf<T>), DispatchError> {
		let model = NextModelId::<T>::get();
		let next = model.checked_add(1).ok_or(Error::<T>::ModelIdsExhausted)?;
		let deposit = Self::deposit_for(details.encoded_size());
		T::Currency::hold(&HoldReason::ModelDeposit.into(), &details.owner, deposit)?;
		details.deposit = deposit;
		Models::<T>::insert(model, details);
		NextModelId::<T>::put(next);
		Ok((model, deposit))
	}

	/// The versions of the lineage whose newest version is `latest`, newest first (at most
	/// `MaxVersions`, the most a lineage can have).
	pub fn lineage(latest: ModelId) -> Vec<ModelId> {
		let mut out = Vec::new();
		let mut cursor = Some(latest);
		while let Some(id) = cursor {
			if out.len() >= T::MaxVersions::get() as usize {
				break;
			}
			cursor = Models::<T>::get(id).and_then(|m| {
				out.push(id);
				m.predecessor
			});
		}
		out
	}

	/// Checks the pallet's invariants:
	/// - each account's balance held for [`HoldReason::ModelDeposit`] equals the sum of the
	///   deposits of the models it owns;
	/// - every [`ModelByName`] entry points to an existing newest version with that owner and
	///   name, and every newest version is indexed;
	/// - lineage links are symmetric and stay within one owner and name;
	/// - ids are below [`NextModelId`], lengths within the configured maxima.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), frame::deps::sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use frame::traits::fungible::InspectHold;
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let next = NextModelId::<T>::get();
		for (id, m) in Models::<T>::iter() {
			ensure!(id < next, "model id not below NextModelId");
			ensure!(m.input_len <= T::MaxInputBytes::get(), "input longer than the maximum");
			ensure!(
				m.canonical_output_len <= T::MaxOutputBytes::get(),
				"output longer than the maximum"
			);
			let d = deposits.entry(m.owner.clone()).or_insert_with(Zero::zero);
			*d = d.saturating_add(m.deposit);
			match m.successor {
				Some(s) => {
					let s = Models::<T>::get(s).ok_or("successor missing")?;
					ensure!(s.predecessor == Some(id), "successor does not link back");
					ensure!(s.owner == m.owner && s.name == m.name, "lineage split");
				}
				None => ensure!(
					ModelByName::<T>::get(&m.owner, &m.name) == Some(id),
					"newest version not indexed"
				),
			}
			if let Some(p) = m.predecessor {
				let p = Models::<T>::get(p).ok_or("predecessor missing")?;
				ensure!(p.successor == Some(id), "predecessor does not link forward");
			}
		}
		for (owner, name, id) in ModelByName::<T>::iter() {
			let m = Models::<T>::get(id).ok_or("indexed model missing")?;
			ensure!(m.owner == owner && m.name == name, "index points to another lineage");
			ensure!(m.successor.is_none(), "index does not point to the newest version");
		}
		for (owner, total) in deposits {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::ModelDeposit.into(), &owner) == total,
				"held deposit differs from the sum of model deposits"
			);
		}
		Ok(())
	}
}

impl<T: Config> ModelRegistry<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn model(id: ModelId) -> Option<ModelInfo<T::AccountId, BalanceOf<T>>> {
		Models::<T>::get(id).map(|m| ModelInfo {
			owner: m.owner,
			fee: m.fee,
			artifact_hash: m.artifact_hash,
			input: m.input,
			output: m.output,
			rule: m.rule,
			input_len: m.input_len,
			canonical_output_len: m.canonical_output_len,
			deprecated: m.deprecated,
		})
	}

	fn latest_version(id: ModelId) -> Option<ModelId> {
		let m = Models::<T>::get(id)?;
		ModelByName::<T>::get(&m.owner, &m.name)
	}

	fn acquire(id: ModelId) -> DispatchResult {
		Models::<T>::try_mutate(id, |m| {
			let m = m.as_mut().ok_or(Error::<T>::UnknownModel)?;
			ensure!(!m.deprecated, Error::<T>::Deprecated);
			m.in_use = m.in_use.checked_add(1).ok_or(Error::<T>::UsageOverflow)?;
			Ok(())
		})
	}

	fn release(id: ModelId) {
		Models::<T>::mutate(id, |m| match m {
			Some(m) if m.in_use > 0 => m.in_use -= 1,
			_ => {
				defensive!("model released without being acquired");
			}
		})
	}
}

impl<T: Config> infera_primitives::traits::ModelArtifacts for Pallet<T> {
	fn artifact_uri(id: ModelId) -> Option<Vec<u8>> {
		Models::<T>::get(id).map(|m| m.uri.into_inner())
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl<T: Config> infera_primitives::traits::ModelBenchmarkHelper<T::AccountId> for Pallet<T> {
	fn create_model(owner: &T::AccountId) -> Result<ModelId, DispatchError> {
		benchmarking::fund::<T>(owner);
		let name = alloc::format!("b{}", NextModelId::<T>::get()).into_bytes();
		let (input, output, rule) = benchmarking::small_specs();
		Pallet::<T>::register_model(
			frame_system::RawOrigin::Signed(owner.clone()).into(),
			name,
			[7u8; 32],
			b"https://models.example/m.pt".to_vec(),
			input,
			output,
			rule,
			Zero::zero(),
		)?;
		Ok(NextModelId::<T>::get().saturating_sub(1))
	}
}
