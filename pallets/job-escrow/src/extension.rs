//! [`ValidateAnswer`]: answers that could only fail are never included, so never charged.
//!
//! Valid answers are free (`Pays::No`), but a failed transaction pays its full fee. Without this
//! extension an honest provider could pay for answers that fail through no fault of its own:
//! a commit sent again while the first one still waits in a busy pool (both land, the second
//! fails `AlreadyCommitted`), a commit from the provider's second node, or an answer that a block
//! author keeps out of blocks until its window has closed (`DeadlinePassed`).
//!
//! The extension runs the calls' own checks of *when* an answer may be sent
//! ([`Pallet::commit_slot`], [`Pallet::reveal_slot`]) whenever a transaction is validated: when
//! it enters the pool, when the pool revalidates it after each block, and when a block includes
//! it, where an invalid transaction makes the whole block invalid. A transaction that fails them
//! is dropped from the pool, and no block author can include it. What the answer says (its
//! output and attestation) is checked only by the call: that needs a signature check, too
//! costly to run for every transaction the pool sees, and only a faulty provider fails it.

use crate::{answer::SlotFault, *};
use frame::{
	deps::sp_runtime::{
		traits::{
			AsSystemOriginSigner, DispatchInfoOf, DispatchOriginOf, Dispatchable, Implication,
			TransactionExtension, ValidateResult,
		},
		transaction_validity::{
			InvalidTransaction, TransactionSource, TransactionValidityError, ValidTransaction,
		},
	},
	traits::IsSubType,
};

/// Refuses `commit_result` and `reveal_result` transactions that the call would refuse because
/// of when they come (see the [module](self)), and limits their longevity in the pool to their
/// answer's window. Other calls pass unchanged.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct ValidateAnswer<T: Config + Send + Sync>(PhantomData<T>);

impl<T: Config + Send + Sync> ValidateAnswer<T> {
	/// The extension (it carries no data).
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T: Config + Send + Sync> Default for ValidateAnswer<T> {
	fn default() -> Self {
		Self::new()
	}
}

impl<T: Config + Send + Sync> core::fmt::Debug for ValidateAnswer<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "ValidateAnswer")
	}
}

impl From<SlotFault> for TransactionValidityError {
	fn from(fault: SlotFault) -> Self {
		let invalid = match fault {
			// Too late: already done, or the window closed.
			SlotFault::JobFinished
			| SlotFault::DeadlinePassed
			| SlotFault::AlreadyCommitted
			| SlotFault::AlreadyAnswered => InvalidTransaction::Stale,
			// Too early.
			SlotFault::RevealNotOpen => InvalidTransaction::Future,
			// Never valid from this sender.
			SlotFault::UnknownJob | SlotFault::NotAssigned | SlotFault::NotCommitted => {
				InvalidTransaction::Call
			}
		};
		invalid.into()
	}
}

impl<T: Config> Pallet<T> {
	/// The window of the answer that `call`, signed by `signer`, sends, if `call` is an answer;
	/// an error if the call would fail because of when it comes.
	pub fn answer_window(
		signer: &T::AccountId,
		call: &Call<T>,
	) -> Result<Option<BlockNumberFor<T>>, SlotFault> {
		let now = frame_system::Pallet::<T>::block_number();
		let slot = match call {
			Call::commit_result { job_id, .. } => {
				Self::commit_slot(*job_id, &T::Providers::acting_for(signer), now)?
			}
			Call::reveal_result { job_id, .. } => {
				Self::reveal_slot(*job_id, &T::Providers::acting_for(signer), now)?.0
			}
			Call::submit_job { .. } | Call::cancel_job { .. } | Call::__Ignore(..) => {
				return Ok(None)
			}
		};
		Ok(Some(slot.deadline))
	}
}

impl<T: Config + Send + Sync> TransactionExtension<T::RuntimeCall> for ValidateAnswer<T>
where
	T::RuntimeCall: Dispatchable + IsSubType<Call<T>>,
	DispatchOriginOf<T::RuntimeCall>: AsSystemOriginSigner<T::AccountId> + Clone,
{
	const IDENTIFIER: &'static str = "ValidateAnswer";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	/// For an answer: a measured bound of the check. The check reads the job and the signer's
	/// operator entry; `cancel_job` reads the same job and a larger entry (a deadline queue),
	/// decodes and re-encodes the job, and writes both. The check's own benchmark
	/// (`validate_answer`) replaces this bound at the next regeneration of the weights (a
	/// release build of the benchmarking node).
	fn weight(&self, call: &T::RuntimeCall) -> Weight {
		match call.is_sub_type() {
			Some(Call::commit_result { .. } | Call::reveal_result { .. }) => {
				T::WeightInfo::cancel_job(T::MaxRedundancy::get())
			}
			_ => Weight::zero(),
		}
	}

	fn validate(
		&self,
		origin: DispatchOriginOf<T::RuntimeCall>,
		call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Implication,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, T::RuntimeCall> {
		let (Some(call), Some(signer)) = (call.is_sub_type(), origin.as_system_origin_signer())
		else {
			return Ok((ValidTransaction::default(), (), origin));
		};
		let validity = match Pallet::<T>::answer_window(signer, call)? {
			Some(deadline) => {
				let now = frame_system::Pallet::<T>::block_number();
				let left: u64 = deadline.saturating_sub(now).saturated_into();
				ValidTransaction { longevity: left, ..ValidTransaction::default() }
			}
			None => ValidTransaction::default(),
		};
		Ok((validity, (), origin))
	}

	fn prepare(
		self,
		_val: Self::Val,
		_origin: &DispatchOriginOf<T::RuntimeCall>,
		_call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		Ok(())
	}
}
