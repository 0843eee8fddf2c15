//! Weights measured for this runtime that are not a pallet's own: the database's. Each pallet's
//! call weights live in its `weights.rs` and multiply their reads and writes by these.

pub mod paritydb_weights;
