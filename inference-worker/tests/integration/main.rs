//! Integration tests of the inference worker, with real libtorch and the models exported by
//! `scripts/export_models.py` (run on demand; `source scripts/env.sh` first).

mod common;
mod e2e;
mod engine;
mod refusals;
mod rpc;
mod safety;
mod sandbox;
mod store;
