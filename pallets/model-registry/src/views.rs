//! Read-only views of the registry for the marketplace API (`infera_primitives::market`).

use crate::{BalanceOf, Config, ModelByName, Models, NextModelId, Pallet};
use alloc::vec::Vec;
use infera_primitives::{
	market::{ModelView, MAX_PAGE, MAX_SCANNED_IDS},
	ModelId,
};

/// A model as the marketplace API shows it.
pub type ModelViewOf<T> =
	ModelView<<T as frame::deps::frame_system::Config>::AccountId, BalanceOf<T>>;

impl<T: Config> Pallet<T> {
	/// Model `id`, with the newest version of its lineage.
	pub fn model_view(id: ModelId) -> Option<ModelViewOf<T>> {
		let m = Models::<T>::get(id)?;
		let latest = ModelByName::<T>::get(&m.owner, &m.name).unwrap_or(id);
		Some(ModelView {
			id,
			owner: m.owner,
			name: m.name.into_inner(),
			version: m.version,
			latest,
			predecessor: m.predecessor,
			successor: m.successor,
			fee: m.fee,
			artifact_hash: m.artifact_hash,
			artifact_uri: m.uri.into_inner(),
			input: m.input,
			output: m.output,
			rule: m.rule,
			input_len: m.input_len,
			output_len: m.canonical_output_len,
			deprecated: m.deprecated,
			open_jobs: m.in_use,
			deposit: m.deposit,
		})
	}

	/// Up to `limit` (at most [`MAX_PAGE`]) models with ids above `after`, by id, looking at no
	/// more than [`MAX_SCANNED_IDS`] ids.
	pub fn models(after: Option<ModelId>, limit: u32) -> Vec<ModelViewOf<T>> {
		let first = after.map_or(0, |id| id.saturating_add(1));
		let end = NextModelId::<T>::get().min(first.saturating_add(MAX_SCANNED_IDS));
		(first..end).filter_map(Self::model_view).take(limit.min(MAX_PAGE) as usize).collect()
	}
}
