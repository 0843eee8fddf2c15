//! On-chain governance: token holders change the marketplace's parameters, and anything else,
//! by referendum.
//!
//! - [`parameters`]: the marketplace parameters (`pallet-parameters` dynamic parameters) and who
//!   may set them.
//! - [`origins`]: the parameters track's origin and the tracks' timing (the `MarketGovernance`
//!   pallet).
//! - [`tracks`]: the root and parameters tracks of `pallet-referenda`.
//!
//! A referendum is submitted with a preimage of its call (`pallet-preimage`), voted with
//! conviction (`pallet-conviction-voting`) and, once it passes, enacted by `pallet-scheduler`
//! with the track's origin. Fees, slashes and rejected deposits go to `pallet-treasury`.

pub mod origins;
pub mod parameters;
#[cfg(test)]
mod tests;
pub mod tracks;
